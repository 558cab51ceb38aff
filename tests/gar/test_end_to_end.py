"""The whole sign-in through the GAR, end to end: /gar/login/, the local IdP's real
signed answer to the real AuthnRequest, the POST to /gar/acs/, then the arrival
(campaigns/gar/): a student's first arrival with the birth date, the next one signed in
directly, a teacher, and what must not happen after a success (a replay, the RelayState)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import AuthenticationMethod, SamlRequest
from tests.factories import make_campaign
from tests.gar.arrival_helpers import birth, make_school, signed_in_user_id
from tests.gar.helpers import assert_refused, post_acs, start_login
from tests.gar.idp import student_attributes

pytestmark = pytest.mark.django_db

FIRST_ARRIVAL = "/gar/premiere-connexion/"


@pytest.fixture
def school(db):
    return make_school()


def lea(school, **overrides):
    attributes = {"IDO": "ido-lea-e2e", "PRE": "Léa", "NOM": "MARTIN", "UAI": school.uai}
    return student_attributes(**{**attributes, **overrides})


def sign_in_through_the_gar(client, gar_idp, attributes, *, query="", **knobs):
    login = start_login(client, query)
    return post_acs(client, gar_idp.response_for(login, attributes, **knobs), relay_state="x")


@pytest.mark.parametrize("knobs", [{}, {"encrypt": True, "sign_response": True}])
def test_a_students_first_arrival_then_the_next_one(school, gar_idp, knobs):
    client = Client()
    response = sign_in_through_the_gar(client, gar_idp, lea(school), **knobs)
    assert response.status_code == 302
    assert response["Location"] == FIRST_ARRIVAL
    assert signed_in_user_id(client) is None
    assert "Léa" in client.get(FIRST_ARRIVAL).content.decode()

    response = client.post(FIRST_ARRIVAL, birth())
    assert response.status_code == 302
    assert response["Location"] == "/mes-parcours/"
    school.lea.refresh_from_db()
    user = school.lea.user
    assert signed_in_user_id(client) == user.pk
    method = AuthenticationMethod.objects.get(user=user)
    assert method.external_id == "ido-lea-e2e"

    # Another day, another computer: signed in directly.
    other = Client()
    response = sign_in_through_the_gar(other, gar_idp, lea(school), **knobs)
    assert response.status_code == 302
    assert response["Location"] == "/mes-parcours/"
    assert signed_in_user_id(other) == user.pk
    assert other.get("/mes-parcours/").status_code == 200


def test_the_campaign_being_joined_is_where_the_student_lands(school, gar_idp):
    campaign = make_campaign(school)
    client = Client()
    response = sign_in_through_the_gar(
        client, gar_idp, lea(school), query=f"?campagne={campaign.code}"
    )
    assert response["Location"] == FIRST_ARRIVAL
    response = client.post(FIRST_ARRIVAL, birth())
    assert response["Location"] == f"/parcours/{campaign.code}/"


def test_a_teacher_is_told_how_staff_join_and_is_not_matched(school, gar_idp):
    client = Client()
    teacher = lea(school, IDO="ido-teacher", PRO="National_ens", DIV=None)
    response = sign_in_through_the_gar(client, gar_idp, teacher)
    assert response.status_code == 302
    assert response["Location"] == "/gar/personnel/"
    assert client.get("/gar/personnel/").status_code == 200
    assert signed_in_user_id(client) is None
    school.lea.refresh_from_db()
    assert school.lea.user is None


def test_a_successful_answer_replayed_is_refused(school, gar_idp):
    client = Client()
    login = start_login(client)
    answer = gar_idp.response_for(login, lea(school))
    assert post_acs(client, answer).status_code == 302
    thief = Client()
    assert_refused(post_acs(thief, answer), "GAR_RESPONSE_REPLAYED")
    assert signed_in_user_id(thief) is None
    assert SamlRequest.objects.get().consumed_at is not None


def test_a_relay_state_pointing_elsewhere_never_leads_there(school, gar_idp):
    client = Client()
    login = start_login(client)
    answer = gar_idp.response_for(login, lea(school))
    response = post_acs(client, answer, relay_state="https://evil.example/steal")
    assert response.status_code == 302
    assert response["Location"] == FIRST_ARRIVAL
    response = client.post(FIRST_ARRIVAL, birth(), follow=True)
    assert all("evil" not in url for url, _status in response.redirect_chain)
