"""Who reaches each campaign page: the owner and the administrators manage; any member
follows; an outsider (another school's administrator) gets 404 as for a missing id; a
deleted campaign is 404 for everyone; anonymous visitors sign in first."""

import pytest

from campaigns.models import Campaign, Participation
from campaigns.services import campaign_archive, campaign_delete
from tests.factories import make_member, make_participation

pytestmark = pytest.mark.django_db

# (method, path template, who may: "manager" = owner or administrator, "member" = any)
PAGES = [
    ("get", "/campagnes/{id}/", "member"),
    ("get", "/campagnes/{id}/export.csv", "member"),
    ("get", "/campagnes/{id}/fiche/6A/", "member"),
    ("get", "/campagnes/{id}/modifier/", "manager"),
    ("post", "/campagnes/{id}/archiver/", "manager"),
    ("post", "/campagnes/{id}/desarchiver/", "manager"),
    ("get", "/campagnes/supprimer/?campagne={id}", "manager"),
    ("post", "/campagnes/supprimer/?campagne={id}", "manager"),
    ("get", "/campagnes/{id}/participations/{participation}/supprimer/", "manager"),
    ("post", "/campagnes/{id}/participations/{participation}/supprimer/", "manager"),
]


@pytest.fixture
def setup(campaign):
    participation = make_participation(campaign, campaign.organization.learners_by_name["Léa"])
    return campaign, participation


def _request(client, method, path, campaign, participation):
    url = path.format(id=campaign.pk, participation=participation.pk)
    if method == "post":
        url, _, query = url.partition("?")
        data = dict(pair.split("=") for pair in query.split("&")) if query else {}
        return client.post(url, data)
    return client.get(url)


def _who(name, campaign, admin_user, member_user, outsider_user):
    return {
        "owner": member_user,
        "admin": admin_user,
        "member": make_member(campaign.organization),
        "outsider": outsider_user,
    }[name]


@pytest.mark.parametrize(("method", "path", "allowed"), PAGES)
@pytest.mark.parametrize("person", ["owner", "admin", "member", "outsider"])
def test_rights(
    client, setup, admin_user, member_user, outsider_user, method, path, allowed, person
):
    campaign, participation = setup
    if "desarchiver" in path:
        campaign_archive(actor=member_user, campaign=campaign, on_behalf_of="MEMBER")
    client.force_login(_who(person, campaign, admin_user, member_user, outsider_user))
    response = _request(client, method, path, campaign, participation)
    if person == "outsider":
        assert response.status_code == 404
    elif person == "member" and allowed == "manager":
        assert response.status_code == 403
    else:
        assert response.status_code in {200, 302}, response.status_code
        if method == "post":
            assert response.status_code == 302


@pytest.mark.parametrize(("method", "path", "allowed"), PAGES)
def test_nothing_changes_when_refused(
    client, setup, admin_user, member_user, outsider_user, method, path, allowed
):
    campaign, participation = setup
    for person in ("member", "outsider"):
        client.force_login(_who(person, campaign, admin_user, member_user, outsider_user))
        _request(client, method, path, campaign, participation)
    campaign.refresh_from_db()
    participation.refresh_from_db()
    assert (campaign.archived_at, campaign.deleted_at, participation.deleted_at) == (
        None,
        None,
        None,
    )


@pytest.mark.parametrize(("method", "path", "allowed"), PAGES)
def test_anonymous_visitors_sign_in_first(client, setup, method, path, allowed):
    campaign, participation = setup
    response = _request(client, method, path, campaign, participation)
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/login/")


@pytest.mark.parametrize(("method", "path", "allowed"), PAGES)
def test_a_deleted_campaign_is_not_found(client, setup, admin_user, method, path, allowed):
    campaign, participation = setup
    campaign_delete(actor=admin_user, campaigns=[campaign], on_behalf_of="ADMIN")
    client.force_login(admin_user)
    assert _request(client, method, path, campaign, participation).status_code == 404


def test_missing_ids_are_not_found(client, campaign, admin_user):
    client.force_login(admin_user)
    missing = Campaign.objects.order_by("-pk").first().pk + 1
    assert client.get(f"/campagnes/{missing}/").status_code == 404
    assert client.get(f"/campagnes/supprimer/?campagne={missing}").status_code == 404
    assert client.get("/campagnes/supprimer/?campagne=abc").status_code == 404
    missing_participation = (Participation.objects.order_by("-pk").first() or campaign).pk + 1
    url = f"/campagnes/{campaign.pk}/participations/{missing_participation}/supprimer/"
    assert client.get(url).status_code == 404


def test_a_participation_of_another_campaign_is_not_found_through_this_one(
    client, school, campaign, admin_user
):
    from tests.factories import make_campaign

    other = make_campaign(school)
    participation = make_participation(other, school.learners_by_name["Hugo"])
    client.force_login(admin_user)
    url = f"/campagnes/{campaign.pk}/participations/{participation.pk}/supprimer/"
    assert client.post(url).status_code == 404
    participation.refresh_from_db()
    assert participation.deleted_at is None


def test_a_closed_space_shows_its_page(client, school, campaign, member_user):
    from organizations.services import organization_archive
    from tests.factories import make_staff

    organization_archive(actor=make_staff(), organization=school, on_behalf_of="STAFF")
    client.force_login(member_user)
    response = client.get(f"/campagnes/{campaign.pk}/")
    assert response.status_code == 403
    assert "organizations/space_closed.html" in [t.name for t in response.templates]
