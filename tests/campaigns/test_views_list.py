"""The list `/campagnes/`: my campaigns and all of them, search, owner and state filters,
counts, pagination, the empty states, and a query count that does not grow."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.services import campaign_archive, campaign_delete
from organizations.models import Membership
from tests.factories import make_campaign, make_learner, make_member, make_participation

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    table = response.content.decode().split('id="campaigns-table"', 1)
    if len(table) == 1:
        return []
    return re.findall(r'<td><a href="/campagnes/\d+/">([^<]+)</a></td>', table[1])


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/campagnes/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/login/")


def test_my_campaigns_by_default_then_all(client, school, member_user, admin_user):
    make_campaign(school, owner=member_user, name="Mine")
    make_campaign(school, owner=admin_user, name="Theirs")
    client.force_login(member_user)
    assert names(client.get("/campagnes/")) == ["Mine"]
    assert names(client.get("/campagnes/?vue=toutes")) == ["Theirs", "Mine"]


def test_a_batch_of_one_per_class_is_listed_in_the_school_order(client, school, admin_user):
    from campaigns.services import campaign_create_per_class

    campaign_create_per_class(
        actor=admin_user,
        organization=school,
        on_behalf_of="ADMIN",
        divisions=["5A", "6B", "6A"],
        name="Rentrée",
        type="ASSESSMENT",
    )
    client.force_login(admin_user)
    assert [name[-2:] for name in names(client.get("/campagnes/"))] == ["6A", "6B", "5A"]


def test_an_outsider_never_sees_another_schools_campaigns(client, school, outsider_user):
    make_campaign(school, name="Secret")
    client.force_login(outsider_user)
    page = client.get("/campagnes/?vue=toutes").content.decode()
    assert "Secret" not in page


def test_search_ignores_case_and_accents(client, school, member_user):
    make_campaign(school, owner=member_user, name="Évaluation de Rentrée")
    make_campaign(school, owner=member_user, name="Profils")
    client.force_login(member_user)
    assert names(client.get("/campagnes/?q=evaluation+rentree")) == ["Évaluation de Rentrée"]
    assert names(client.get("/campagnes/?q=PROF")) == ["Profils"]


def test_filter_by_owner_and_by_state(client, school, member_user, admin_user):
    active = make_campaign(school, owner=admin_user, name="Active")
    archived = make_campaign(school, owner=admin_user, name="Archived")
    make_campaign(school, owner=member_user, name="Member's")
    campaign_archive(actor=admin_user, campaign=archived, on_behalf_of="ADMIN")
    client.force_login(member_user)
    everything = f"/campagnes/?vue=toutes&proprietaire={admin_user.pk}"
    assert names(client.get(everything)) == [active.name]
    assert names(client.get(everything + "&etat=archivees")) == [archived.name]
    # An owner who is not a member is ignored, not an error.
    assert len(names(client.get("/campagnes/?vue=toutes&proprietaire=999999"))) == 2


def test_counts_of_participants_and_of_results_sent(client, school, member_user):
    campaign = make_campaign(school, owner=member_user, multiple_sendings=True)
    learners = school.learners_by_name
    make_participation(campaign, learners["Léa"], shared=True)
    make_participation(campaign, learners["Hugo"])
    sent_then_again = make_participation(campaign, learners["Noé"], shared=True)
    from campaigns.services import participation_delete, participation_start

    participation_start(campaign=campaign, user=sent_then_again.user, learner=learners["Noé"])
    deleted = make_participation(campaign, learners["Inès"], shared=True)
    participation_delete(actor=member_user, participation=deleted, on_behalf_of="MEMBER")
    client.force_login(member_user)
    page = client.get("/campagnes/").content.decode()
    # Léa, Hugo, Noé joined (Noé twice); Léa and Noé sent; Inès's deleted.
    assert re.search(rf"{campaign.code}</span></td>.*?<td>3</td>\s*<td>2</td>", page, re.S)


def test_deleted_campaigns_are_hidden(client, school, member_user):
    campaign = make_campaign(school, owner=member_user, name="Gone")
    campaign_delete(actor=member_user, campaigns=[campaign], on_behalf_of="MEMBER")
    client.force_login(member_user)
    page = client.get("/campagnes/?vue=toutes").content.decode()
    assert "Gone" not in page
    assert 'id="campaigns-empty"' in page


def test_pagination(client, school, member_user):
    for number in range(27):
        make_campaign(school, owner=member_user, name=f"C{number:02d}")
    client.force_login(member_user)
    assert len(names(client.get("/campagnes/"))) == 25
    assert names(client.get("/campagnes/?page=2")) == ["C01", "C00"]
    assert names(client.get("/campagnes/?page=0"))[0] == "C26"


def test_the_query_count_does_not_grow_with_the_campaigns(client, school, member_user):
    client.force_login(member_user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/campagnes/?vue=toutes").status_code == 200
        return len(captured)

    make_campaign(school, owner=member_user)
    queries()  # the first request of a session also saves the current organisation
    one = queries()
    for number in range(20):
        campaign = make_campaign(school, owner=make_member(school))
        make_participation(campaign, make_learner(school, division="6A"), shared=number % 2)
    assert queries() == one
    # org_view (session, user, membership), the members, the count, the page.
    assert one <= 7


def test_the_empty_school_is_told_to_import_its_students_first(client, organization, admin_user):
    client.force_login(admin_user)
    page = client.get("/campagnes/").content.decode()
    assert 'id="campaigns-empty"' in page
    assert 'href="/eleves/import/"' in page
    assert 'href="/campagnes/nouvelle/"' in page


def test_a_member_of_an_empty_school_is_told_who_imports(client, organization, member_user):
    client.force_login(member_user)
    page = client.get("/campagnes/").content.decode()
    assert 'href="/eleves/import/"' not in page
    assert 'href="/campagnes/nouvelle/"' in page


def test_with_students_the_empty_state_offers_one_campaign_per_class(client, school, member_user):
    client.force_login(member_user)
    page = client.get("/campagnes/").content.decode()
    assert 'id="campaigns-empty"' in page
    assert 'href="/eleves/import/"' not in page
    assert 'href="/campagnes/nouvelle/par-classe/"' in page


def test_an_organisation_that_does_not_manage_students_is_not_sent_to_import(client):
    from tests.factories import make_organization

    organization = make_organization(type="SUP", uai=None, is_managing_students=False)
    user = make_member(organization, role=Membership.Role.ADMIN)
    client.force_login(user)
    page = client.get("/campagnes/").content.decode()
    assert 'href="/eleves/import/"' not in page
    assert "par-classe" not in page


def test_a_member_without_campaigns_of_their_own_is_pointed_to_all(client, school, member_user):
    make_campaign(school, name="Someone else's")
    client.force_login(member_user)
    page = client.get("/campagnes/").content.decode()
    assert 'id="campaigns-no-match"' in page
    assert 'href="?vue=toutes"' in page
