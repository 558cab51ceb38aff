"""`organizations/<id>/campaigns/`: the pages' rules and refusals in JSON — creating (one,
or one per class), listing, changing, archiving, deleting, the participants, the CSV."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Campaign
from tests.api.conftest import make_token, token_client
from tests.factories import audit_rows, make_campaign, make_learner, make_member, make_participation

pytestmark = pytest.mark.django_db


def url(organization, suffix=""):
    return f"/api/v1/organizations/{organization.pk}/campaigns/{suffix}"


def fields(response) -> dict[str, list[str]]:
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "VALIDATION_ERROR"
    return {
        name: [error["code"] for error in errors]
        for name, errors in response.json()["meta"]["fields"].items()
    }


# --- Creating ---------------------------------------------------------------------------


def test_a_member_creates_a_campaign_they_own(organization, member_user, member_client):
    response = member_client.post(
        url(organization), {"name": "Rentrée 2026", "type": "ASSESSMENT"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    campaign = Campaign.objects.get()
    assert (body["id"], body["code"], body["owner"]["id"]) == (
        campaign.pk,
        campaign.code,
        member_user.pk,
    )
    assert body["student_url"] == f"http://testserver/parcours/{campaign.code}/"
    assert (body["participants_count"], body["shared_count"]) == (0, 0)
    token = member_user.memberships.get().api_tokens.get()
    [row] = audit_rows(action="campaign.created")
    assert row[1:3] == (member_user.pk, "MEMBER")
    assert row[6]["api_token_id"] == token.pk


def test_creation_is_checked_by_the_page_s_form(organization, member_client):
    make_learner(organization, division="4A")
    assert fields(member_client.post(url(organization), {}, format="json")) == {
        "name": ["required"],
        "type": ["required"],
    }
    response = member_client.post(
        url(organization),
        {
            "name": "x" * 256,
            "type": "QUIZ",
            "target_division": "5Z",
            "external_id_label": "Numéro",
            "owner": 999999,
        },
        format="json",
    )
    assert fields(response) == {
        "name": ["max_length"],
        "type": ["invalid_choice"],
        "owner": ["invalid_choice"],
        "target_division": ["invalid_choice"],
        "external_id_type": ["required"],
    }
    errors = response.json()["meta"]["fields"]
    assert (
        errors["target_division"][0]["message"]
        == "Cette classe n'est pas dans votre liste d'élèves."
    )
    assert not Campaign.objects.exists()
    not_an_object = member_client.post(url(organization), ["x"], format="json")
    assert fields(not_an_object) == {"__all__": ["invalid"]}


def test_one_campaign_per_class_in_the_school_s_order(organization, member_client):
    for division in ("4B", "3A", "4A"):
        make_learner(organization, division=division, mef_code="")
    response = member_client.post(
        url(organization, "per-class/"),
        {"name": "Rentrée", "type": "ASSESSMENT", "divisions": ["4B", "3A", "4A"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    # A collège's order: quatrième before troisième.
    assert [c["target_division"] for c in response.json()] == ["4A", "4B", "3A"]
    assert response.json()[0]["name"] == "Rentrée \u2013 4A"  # an en dash
    assert len({c["code"] for c in response.json()}) == 3
    assert fields(
        member_client.post(
            url(organization, "per-class/"), {"name": "x", "type": "ASSESSMENT"}, format="json"
        )
    ) == {"divisions": ["required"]}


def test_a_service_refusal_names_its_field(organization, member_client):
    make_learner(organization, division="4A")
    response = member_client.post(
        url(organization, "per-class/"),
        {"name": "x" * 254, "type": "ASSESSMENT", "divisions": ["4A"]},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "CAMPAIGN_NAME_TOO_LONG"
    assert body["meta"]["field"] == "name" and body["meta"]["division"] == "4A"


# --- Listing ----------------------------------------------------------------------------


def test_the_list_filters_as_the_page_and_counts(
    organization, admin_user, member_user, member_client
):
    mine = make_campaign(organization, owner=member_user, name="Sciences")
    theirs = make_campaign(organization, owner=admin_user, name="Histoire")
    archived = make_campaign(organization, owner=admin_user, name="Ancienne")
    Campaign.objects.filter(pk=archived.pk).update(archived_at=mine.created_at)
    make_participation(mine, shared=True)
    make_participation(mine)

    def ids(**query):
        response = member_client.get(url(organization), query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [theirs.pk, mine.pk]  # newest first, active only
    assert ids(mine=True) == [mine.pk]
    assert ids(owner=admin_user.pk) == [theirs.pk]
    assert ids(search="SCIENCE") == [mine.pk]
    assert ids(archived=True) == [archived.pk]
    row = member_client.get(url(organization), {"mine": True}).json()["results"][0]
    assert (row["participants_count"], row["shared_count"]) == (2, 1)
    assert fields(member_client.get(url(organization), {"owner": 999999})) == {
        "owner": ["invalid_choice"]
    }


def test_the_list_s_cursor_is_stable_under_inserts(organization, member_user, member_client):
    for n in range(5):
        make_campaign(organization, owner=member_user, name=f"C{n}")
    first = member_client.get(url(organization), {"limit": 2}).json()
    seen = [row["id"] for row in first["results"]]
    make_campaign(organization, owner=member_user, name="newer")  # before the cursor
    next_url = first["next"]
    while next_url:
        page = member_client.get(next_url).json()
        seen += [row["id"] for row in page["results"]]
        next_url = page["next"]
    assert len(seen) == len(set(seen)) == 5


def test_the_list_s_queries_do_not_grow_with_it(organization, member_user, member_client):
    def count(n: int) -> int:
        for _ in range(n):
            make_participation(make_campaign(organization, owner=member_user))
        member_client.get(url(organization))
        with CaptureQueriesContext(connection) as queries:
            assert (
                member_client.get(url(organization), {"owner": member_user.pk}).status_code == 200
            )
        return len(queries)

    assert count(2) == count(15)


# --- One campaign -----------------------------------------------------------------------


def test_a_campaign_with_its_totals_and_classes(organization, member_client):
    campaign = make_campaign(organization)
    make_participation(campaign, shared=True, division="4A")
    make_learner(organization, division="4A")
    body = member_client.get(url(organization, f"{campaign.pk}/")).json()
    assert (body["participants_count"], body["shared_count"]) == (1, 1)
    assert body["classes"] == [
        {"division": "4A", "students": 2, "joined": 1, "shared": 1, "not_started": 1}
    ]


def test_only_the_owner_or_an_administrator_changes_a_campaign(
    organization, admin_client, member_user, member_client
):
    campaign = make_campaign(organization)  # owned by another member
    patch = url(organization, f"{campaign.pk}/")
    refused = member_client.patch(patch, {"name": "x"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "FORBIDDEN")
    for action in ("archive/", "unarchive/"):
        assert member_client.post(url(organization, f"{campaign.pk}/{action}")).status_code == 403
    assert member_client.delete(patch).status_code == 403
    changed = admin_client.patch(patch, {"name": "Nouveau nom"}, format="json")
    assert changed.status_code == 200 and changed.json()["name"] == "Nouveau nom"
    campaign.refresh_from_db()
    assert (campaign.name, campaign.title) == ("Nouveau nom", "")
    owned = make_campaign(organization, owner=member_user)
    own = member_client.patch(url(organization, f"{owned.pk}/"), {"title": "T"}, format="json")
    assert own.status_code == 200 and own.json()["title"] == "T"
    [row] = audit_rows(action="campaign.changed", target_id=owned.pk)
    assert row[6]["fields"] == ["title"] and "api_token_id" in row[6]


def test_a_change_is_refused_with_the_page_s_codes(organization, member_user, member_client):
    campaign = make_campaign(organization, owner=member_user)
    patch = url(organization, f"{campaign.pk}/")
    assert fields(member_client.patch(patch, {"name": ""}, format="json")) == {"name": ["required"]}
    assert fields(member_client.patch(patch, {"type": "PROFILES_COLLECTION"}, format="json")) == {
        "type": ["read_only"]
    }
    make_participation(campaign)
    frozen = member_client.patch(patch, {"multiple_sendings": True}, format="json")
    assert frozen.status_code == 409
    assert frozen.json()["code"] == "CAMPAIGN_MULTIPLE_SENDINGS_FROZEN"
    assert frozen.json()["meta"]["field"] == "multiple_sendings"


def test_archive_unarchive_and_their_conflicts(organization, member_user, member_client):
    campaign = make_campaign(organization, owner=member_user)
    archive = url(organization, f"{campaign.pk}/archive/")
    done = member_client.post(archive)
    assert done.status_code == 200 and done.json()["archived_at"] is not None
    again = member_client.post(archive)
    assert (again.status_code, again.json()["code"]) == (409, "CAMPAIGN_ALREADY_ARCHIVED")
    assert member_client.post(url(organization, f"{campaign.pk}/unarchive/")).status_code == 200
    twice = member_client.post(url(organization, f"{campaign.pk}/unarchive/"))
    assert (twice.status_code, twice.json()["code"]) == (409, "CAMPAIGN_NOT_ARCHIVED")


def test_a_deleted_campaign_is_gone(organization, member_user, member_client):
    campaign = make_campaign(organization, owner=member_user)
    assert member_client.delete(url(organization, f"{campaign.pk}/")).status_code == 204
    assert member_client.get(url(organization, f"{campaign.pk}/")).status_code == 404
    campaign.refresh_from_db()
    assert campaign.deleted_at is not None
    assert [row[0] for row in audit_rows(target_id=campaign.pk)][-1] == "campaign.deleted"


# --- Participants and the export --------------------------------------------------------


def test_participants_with_the_page_s_filters(organization, member_client):
    campaign = make_campaign(organization)
    shared = make_participation(campaign, shared=True, division="4A", last_name="ALBERT")
    started = make_participation(campaign, division="3A", last_name="BRUN")
    participants = url(organization, f"{campaign.pk}/participants/")

    def ids(**query):
        response = member_client.get(participants, query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [started.pk, shared.pk]  # 3e before 4e
    assert ids(status="SHARED") == [shared.pk]
    assert ids(division="3A") == [started.pk]
    assert ids(search="albert") == [shared.pk]
    row = member_client.get(participants, {"status": "SHARED"}).json()["results"][0]
    assert row["learner"]["last_name"] == "ALBERT" and row["shared_at"] is not None
    assert fields(member_client.get(participants, {"status": "DONE"})) == {
        "status": ["invalid_choice"]
    }


def test_participants_page_by_cursor_and_in_constant_queries(organization, member_client):
    campaign = make_campaign(organization)
    participants = url(organization, f"{campaign.pk}/participants/")

    def count(n):
        for index in range(n):
            make_participation(campaign, division=("3A", "4A")[index % 2])
        member_client.get(participants)
        with CaptureQueriesContext(connection) as queries:
            member_client.get(participants)
        return len(queries)

    assert count(3) == count(12)
    seen, next_url = [], participants + "?limit=4"
    while next_url:
        page = member_client.get(next_url).json()
        seen += [row["id"] for row in page["results"]]
        next_url = page["next"]
    assert len(seen) == len(set(seen)) == 15


def test_the_export_is_the_page_s_csv(organization, member_client):
    campaign = make_campaign(organization, name="Rentrée")
    make_participation(campaign, shared=True, last_name="=HYPERLINK")
    response = member_client.get(
        url(organization, f"{campaign.pk}/export.csv"), HTTP_ACCEPT="text/csv"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''Rentr")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Établissement", "Campagne", "Code"]
    assert rows[1][3] == "'=HYPERLINK"
    missing = member_client.get(url(organization, "999999/export.csv"), HTTP_ACCEPT="text/csv")
    assert (missing.status_code, missing["Content-Type"]) == (404, "application/json")


def test_a_campaign_of_another_school_is_404_under_this_one(
    organization, other_organization, admin_user
):
    from organizations.services import membership_create

    membership_create(user=admin_user, organization=other_organization, role="ADMIN")
    theirs = make_campaign(other_organization)
    client = token_client(make_token(admin_user, organization)[1])
    for suffix in ("", "participants/", "export.csv"):
        assert client.get(url(organization, f"{theirs.pk}/{suffix}")).status_code == 404
    assert client.delete(url(organization, f"{theirs.pk}/")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.deleted_at is None
    assert make_member  # the standard actors come from tests/conftest.py
