import pytest
from django.utils import timezone

from organizations.current import SESSION_KEY
from organizations.models import Membership
from organizations.services import membership_create, membership_disable
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.organizations.urls_for_tests")]


def test_anonymous_is_sent_to_sign_in(client, organization):
    response = client.get("/membre/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/login/?next=/membre/")


def test_signed_in_person_of_no_organization_is_refused(client):
    client.force_login(UserFactory())
    assert client.get("/membre/").status_code == 403
    assert client.get("/admin/").status_code == 403


def test_member_sees_member_page_of_their_organization(client, organization, member_user):
    client.force_login(member_user)
    response = client.get("/membre/")
    assert response.status_code == 200
    assert response.content.decode() == f"member page of {organization.pk}"


def test_member_is_refused_an_admin_page(client, member_user):
    client.force_login(member_user)
    assert client.get("/admin/").status_code == 403


def test_admin_sees_both_pages(client, organization, admin_user):
    client.force_login(admin_user)
    assert client.get("/membre/").status_code == 200
    assert client.get("/admin/").content.decode() == f"admin page of {organization.pk}"


def test_member_of_another_organization_never_gets_this_one(
    client, organization, other_organization, outsider_user
):
    client.force_login(outsider_user)
    session = client.session
    session[SESSION_KEY] = organization.pk  # a forged or stale session value
    session.save()
    response = client.get("/admin/")
    assert response.content.decode() == f"admin page of {other_organization.pk}"
    assert client.session[SESSION_KEY] == other_organization.pk


def test_disabled_membership_gives_no_access(client, organization):
    user = UserFactory()
    membership_disable(membership=membership_create(user=user, organization=organization))
    client.force_login(user)
    assert client.get("/membre/").status_code == 403


def test_switcher_changes_current_organization(client, organization, other_organization):
    user = UserFactory()
    membership_create(user=user, organization=organization, role=Membership.Role.MEMBER)
    membership_create(user=user, organization=other_organization, role=Membership.Role.ADMIN)
    client.force_login(user)
    assert client.get("/membre/").content.decode() == f"member page of {organization.pk}"
    assert client.get("/admin/").status_code == 403

    response = client.post(
        "/organisation/changer/", {"organization_id": other_organization.pk, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").content.decode() == f"admin page of {other_organization.pk}"


def test_switcher_refuses_an_organization_the_person_is_not_in(
    client, organization, other_organization, member_user
):
    client.force_login(member_user)
    response = client.post("/organisation/changer/", {"organization_id": other_organization.pk})
    assert response.status_code == 403
    assert client.get("/membre/").content.decode() == f"member page of {organization.pk}"


def test_switcher_ignores_an_external_next_url(client, organization, member_user):
    client.force_login(member_user)
    response = client.post(
        "/organisation/changer/",
        {"organization_id": organization.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_switcher_requires_post(client, organization, member_user):
    client.force_login(member_user)
    assert client.get("/organisation/changer/").status_code == 405


def test_members_of_an_archived_organization_see_the_space_closed_page(
    client, organization, admin_user
):
    organization.archived_at = timezone.now()
    organization.save(update_fields=["archived_at"])
    client.force_login(admin_user)
    for url in ("/membre/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "organizations/space_closed.html" in [t.name for t in response.templates]
        assert f"page of {organization.pk}" not in response.content.decode()


def test_default_organization_is_an_open_one_when_the_oldest_is_archived(
    client, organization, other_organization
):
    user = UserFactory()
    membership_create(user=user, organization=organization)  # the oldest membership
    membership_create(user=user, organization=other_organization)
    organization.archived_at = timezone.now()
    organization.save(update_fields=["archived_at"])
    client.force_login(user)
    response = client.get("/membre/")
    assert response.status_code == 200
    assert response.content.decode() == f"member page of {other_organization.pk}"


def test_object_url_is_not_found_for_an_outsider_as_for_a_missing_object(
    client, organization, outsider_user
):
    client.force_login(outsider_user)
    assert client.get(f"/objet/{organization.pk}/").status_code == 404
    assert client.get(f"/objet/{organization.pk}/etat.json").status_code == 404
    assert client.get("/objet/999999/").status_code == 404


def test_object_url_refuses_a_member_without_the_role_and_leaves_the_session(
    client, organization, other_organization
):
    user = UserFactory()
    membership_create(user=user, organization=other_organization, role=Membership.Role.ADMIN)
    membership_create(user=user, organization=organization, role=Membership.Role.MEMBER)
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = other_organization.pk
    session.save()
    assert client.get(f"/objet/{organization.pk}/").status_code == 403
    assert client.session[SESSION_KEY] == other_organization.pk


def test_object_url_switches_to_the_objects_organization_once_allowed(
    client, organization, other_organization
):
    user = UserFactory()
    membership_create(user=user, organization=other_organization, role=Membership.Role.ADMIN)
    membership_create(user=user, organization=organization, role=Membership.Role.ADMIN)
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = other_organization.pk
    session.save()

    poll = client.get(f"/objet/{organization.pk}/etat.json")
    assert poll.json() == {"organization": organization.pk}
    assert client.session[SESSION_KEY] == other_organization.pk  # a poll never switches

    page = client.get(f"/objet/{organization.pk}/")
    assert page.content.decode() == f"object page of {organization.pk}"
    assert client.session[SESSION_KEY] == organization.pk


def test_object_url_of_an_archived_organization_shows_the_space_closed(
    client, organization, admin_user
):
    organization.archived_at = timezone.now()
    organization.save(update_fields=["archived_at"])
    client.force_login(admin_user)
    page = client.get(f"/objet/{organization.pk}/")
    assert page.status_code == 403
    assert "organizations/space_closed.html" in [t.name for t in page.templates]
    poll = client.get(f"/objet/{organization.pk}/etat.json")
    assert poll.status_code == 403
    assert poll.json()["code"] == "ORGANIZATION_ARCHIVED"
    assert organization.name in poll.json()["message"]
