"""Back office: campaigns and participations are read-only; "replace the code" goes
through the service as STAFF and is recorded; nothing is added or deleted."""

import pytest

from campaigns.models import Campaign, CampaignCode
from tests.factories import audit_rows, make_participation, make_staff
from tests.organizations.back_office import messages_of

pytestmark = pytest.mark.django_db

CAMPAIGNS = "/backoffice/campaigns/campaign/"
PARTICIPATIONS = "/backoffice/campaigns/participation/"


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_staff_replace_a_leaked_code_through_the_service(staff_client, staff, campaign):
    old = campaign.code
    response = staff_client.post(
        CAMPAIGNS, {"action": "replace_code", "_selected_action": [campaign.pk]}
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.code != old
    assert CampaignCode.objects.get(code=old).replaced_by == staff
    assert [row[:3] for row in audit_rows(action="campaign.code_replaced")] == [
        ("campaign.code_replaced", staff.pk, "STAFF")
    ]
    assert messages_of(response) == ["1 campagne a un nouveau code ; l'ancien ne l'ouvre plus."]
    # The change page shows every code the campaign has had.
    page = staff_client.get(f"{CAMPAIGNS}{campaign.pk}/change/").content.decode()
    assert old in page and campaign.code in page


def test_a_deleted_campaign_is_refused_with_a_message(staff_client, campaign):
    from campaigns.services import campaign_delete

    campaign_delete(actor=campaign.owner, campaigns=[campaign], on_behalf_of="MEMBER")
    old = campaign.code
    response = staff_client.post(
        CAMPAIGNS, {"action": "replace_code", "_selected_action": [campaign.pk]}
    )
    campaign.refresh_from_db()
    assert campaign.code == old
    assert messages_of(response) == [f"{campaign} : Cette campagne a été supprimée."]


def test_campaign_fields_are_read_only(staff_client, campaign):
    url = f"{CAMPAIGNS}{campaign.pk}/change/"
    page = staff_client.get(url).content.decode()
    assert 'name="code"' not in page and 'name="owner"' not in page
    staff_client.post(url, {"name": "Renommée", "code": "ABCDEF234"})
    campaign.refresh_from_db()
    assert campaign.name == "Évaluation de rentrée"
    assert audit_rows(action="campaign.changed") == []


def test_nothing_is_added_or_deleted(staff_client, campaign):
    participation = make_participation(campaign, campaign.organization.learners_by_name["Léa"])
    assert staff_client.get(f"{CAMPAIGNS}add/").status_code == 403
    assert staff_client.get(f"{CAMPAIGNS}{campaign.pk}/delete/").status_code == 403
    assert staff_client.get(f"{PARTICIPATIONS}{participation.pk}/delete/").status_code == 403
    page = staff_client.get(PARTICIPATIONS).content.decode()
    assert "delete_selected" not in page
    assert Campaign.objects.count() == 1


def test_the_lists_search_by_code(staff_client, campaign):
    make_participation(campaign, campaign.organization.learners_by_name["Léa"])
    page = staff_client.get(f"{CAMPAIGNS}?q={campaign.code}").content.decode()
    assert campaign.name in page
    page = staff_client.get(f"{PARTICIPATIONS}?q={campaign.code}").content.decode()
    assert "MARTIN Léa" in page
    page = staff_client.get(f"{PARTICIPATIONS}?q=ZZZZZZ999").content.decode()
    assert "MARTIN Léa" not in page


def test_school_staff_are_not_platform_staff(client, campaign, admin_user):
    client.force_login(admin_user)
    response = client.post(CAMPAIGNS, {"action": "replace_code", "_selected_action": [campaign.pk]})
    assert response.status_code == 302 and "/login/" in response["Location"]
