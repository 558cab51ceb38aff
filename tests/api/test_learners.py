"""`organizations/<id>/learners/`: the page's filters, a cursor that no insert can shift,
a student with their participations, and a number of queries that does not grow with
the list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    UserFactory,
    make_campaign,
    make_ine,
    make_learner,
    make_participation,
)

pytestmark = pytest.mark.django_db


def learners_url(organization, suffix=""):
    return f"/api/v1/organizations/{organization.pk}/learners/{suffix}"


def names(page) -> list[str]:
    return [row["last_name"] for row in page["results"]]


def test_the_list_is_the_page_s_active_students_by_name(organization, member_client):
    make_learner(organization, last_name="ÉTIENNE", ine=make_ine())
    make_learner(organization, last_name="DURAND", ine=make_ine())
    make_learner(organization, last_name="ZOLA", ine=make_ine(), disabled=True)
    make_learner(organization, last_name="BERNARD", ine=make_ine(), preferred_last_name="ABEL")
    page = member_client.get(learners_url(organization)).json()
    assert names(page) == ["BERNARD", "DURAND", "ÉTIENNE"]  # shown as ABEL, so first
    assert page["next"] is None and page["next_cursor"] is None
    row = page["results"][0]
    assert row["preferred_last_name"] == "ABEL" and row["account"] is None
    assert set(row) >= {"id", "ine", "first_name", "birthdate", "division", "disabled"}


def test_search_classes_and_sign_in_filter_as_the_page_does(organization, member_client):
    make_learner(organization, last_name="MARTIN", first_name="Léa", division="4A", ine=make_ine())
    with_email = make_learner(
        organization, last_name="PETIT", first_name="Hugo", division="4B", ine=make_ine()
    )
    with_email.user = UserFactory(email="petit@eleve.example")
    with_email.save(update_fields=["user"])
    with_id = make_learner(
        organization, last_name="ROUX", first_name="Inès", division="3A", ine=make_ine()
    )
    with_id.user = UserFactory(email=None, username="eleve.roux0512")
    with_id.save(update_fields=["user"])

    def get(**query):
        response = member_client.get(learners_url(organization), query)
        assert response.status_code == 200, response.json()
        return names(response.json())

    assert get(search="lea") == ["MARTIN"]  # accents and case ignored
    assert get(division=["4A", "4B"]) == ["MARTIN", "PETIT"]
    assert get(division=["5Z"]) == []  # a filter filters, even on a class that is gone
    assert get(sign_in="none") == ["MARTIN"]
    assert get(sign_in="email") == ["PETIT"]
    assert get(sign_in="identifier") == ["ROUX"]
    assert get(sort="class") == ["ROUX", "MARTIN", "PETIT"]  # 3e before 4e
    rows = member_client.get(learners_url(organization), {"sign_in": "identifier"}).json()
    assert rows["results"][0]["account"] == {
        "sign_in": "identifier",
        "identifier": "eleve.roux0512",
    }
    email_row = member_client.get(learners_url(organization), {"sign_in": "email"}).json()
    assert email_row["results"][0]["account"] == {"sign_in": "email", "identifier": None}
    assert "petit@eleve.example" not in str(email_row)


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"sort": "age"}, "sort", "invalid_choice"),
        ({"sign_in": "gar"}, "sign_in", "invalid_choice"),
        ({"limit": 0}, "limit", "min_value"),
        ({"limit": 501}, "limit", "max_value"),
        ({"limit": "ten"}, "limit", "invalid"),
        ({"cursor": "garbage"}, "cursor", "invalid"),
        ({"search": "x" * 201}, "search", "max_length"),
    ],
)
def test_wrong_parameters_are_named_with_their_code(
    organization, member_client, query, field, code
):
    response = member_client.get(learners_url(organization), query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert [error["code"] for error in body["meta"]["fields"][field]] == [code]
    assert body["meta"]["fields"][field][0]["message"]


@pytest.mark.parametrize("sort", ["name", "class"])
def test_the_cursor_is_stable_under_inserts_and_deletions(organization, member_client, sort):
    for n in range(10):
        make_learner(
            organization,
            last_name="MARTIN",
            first_name="Léa",
            division=f"{3 + n % 2}A",
            ine=make_ine(),
        )
    first = member_client.get(learners_url(organization), {"limit": 4, "sort": sort}).json()
    seen = [row["id"] for row in first["results"]]
    # Before the cursor (a name that sorts first) and after it: neither shifts the pages.
    make_learner(organization, last_name="AARON", division="3A", ine=make_ine())
    late = make_learner(organization, last_name="ZOLA", division="4A", ine=make_ine())
    url = first["next"]
    while url:
        page = member_client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 11  # the 10, and ZOLA after the cursor
    assert late.pk in seen


def test_a_cursor_of_another_sort_is_refused(organization, member_client):
    for _ in range(3):
        make_learner(organization, ine=make_ine())
    cursor = member_client.get(learners_url(organization), {"limit": 1}).json()["next_cursor"]
    response = member_client.get(learners_url(organization), {"cursor": cursor, "sort": "class"})
    assert response.status_code == 400
    assert response.json()["meta"]["fields"]["cursor"][0]["code"] == "invalid"


@pytest.mark.parametrize("sort", ["name", "class"])
def test_the_number_of_queries_does_not_grow_with_the_list(organization, member_client, sort):
    def count(n: int) -> int:
        for _ in range(n):
            learner = make_learner(organization, ine=make_ine(), division="4A")
            learner.user = UserFactory(email=None, username=f"e.{learner.ine}", cgu_accepted=False)
            learner.save(update_fields=["user"])
        member_client.get(learners_url(organization))  # the token's last use, written once
        with CaptureQueriesContext(connection) as queries:
            response = member_client.get(learners_url(organization), {"sort": sort})
        assert response.status_code == 200
        return len(queries)

    assert count(3) == count(40)


def test_a_student_with_their_participations(organization, member_client):
    campaign = make_campaign(organization, name="Rentrée")
    participation = make_participation(campaign, shared=True)
    learner = participation.learner
    response = member_client.get(learners_url(organization, f"{learner.pk}/"))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == learner.pk and body["account"]["sign_in"] == "identifier"
    assert body["participations"] == [
        {
            "id": participation.pk,
            "campaign_id": campaign.pk,
            "campaign_name": "Rentrée",
            "campaign_code": campaign.code,
            "status": "SHARED",
            "started_at": body["participations"][0]["started_at"],
            "shared_at": body["participations"][0]["shared_at"],
            "is_improved": False,
        }
    ]
    assert body["participations"][0]["shared_at"] is not None


def test_a_disabled_student_is_still_found_by_id(organization, member_client):
    learner = make_learner(organization, disabled=True)
    response = member_client.get(learners_url(organization, f"{learner.pk}/"))
    assert response.status_code == 200 and response.json()["disabled"] is True


def test_a_missing_student_is_404(organization, member_client):
    response = member_client.get(learners_url(organization, "999999/"))
    assert (response.status_code, response.json()["code"]) == (404, "NOT_FOUND")
