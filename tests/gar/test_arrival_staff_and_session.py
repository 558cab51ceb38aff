"""Staff arriving from the ENT are never matched against the students' list: a page says
how to join a school's team, and a member can attach the ENT to their account with their
password. The arrival waiting in the session: none, tampered or over an hour old is a
page sending the person back to their ENT, never a 500."""

import pytest
from django.core import signing
from django.test import Client

from accounts.models import AuthenticationMethod
from campaigns.gar import pending
from campaigns.limits import DEFAULT_RATES
from tests.campaigns.join_helpers import refusal_code, text
from tests.factories import PASSWORD, add_gar_method, audit_rows, make_member, make_student
from tests.gar.arrival_helpers import (
    age_pending_arrival,
    arrive,
    birth,
    gar_identity,
    make_school,
    session_of,
    set_session_value,
    signed_in_user_id,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(db):
    return make_school()


STAFF = "/gar/personnel/"
ATTACH = "/gar/personnel/rattacher/"
FIRST_ARRIVAL = "/gar/premiere-connexion/"


def teacher_identity(school, profile="National_ens"):
    return gar_identity(
        ido="ido-prof", first_name="Claire", last_name="DUBOIS", uai=school.uai, profile=profile
    )


# --- Staff --------------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["National_ens", "National_doc", "National_dir", ""])
def test_staff_are_never_matched_and_read_how_to_join_the_team(school, profile):
    client = Client()
    # Even with a student's names: no birth date is asked, nobody is looked for.
    response = arrive(client, gar_identity(uai=school.uai, profile=profile))
    assert response["Location"] == STAFF
    page = client.get(STAFF)
    assert page.status_code == 200
    assert "invitation de l'administrateur de l'établissement" in text(page)
    assert "J'ai déjà un compte Pix Orga" in text(page)
    assert client.get(FIRST_ARRIVAL)["Location"] == STAFF
    assert client.post(FIRST_ARRIVAL, birth())["Location"] == STAFF
    school.lea.refresh_from_db()
    assert school.lea.user_id is None


def test_the_staff_page_speaks_english_to_whoever_chose_it(school):
    client = Client()
    client.cookies["django_language"] = "en"
    arrive(client, teacher_identity(school))
    assert "through an invitation from the school's administrator" in text(client.get(STAFF))


def test_attaching_asks_to_sign_in_first_keeping_the_arrival(school):
    client = Client()
    arrive(client, teacher_identity(school))
    response = client.get(ATTACH)
    assert response["Location"] == "/compte/login/?next=%2Fgar%2Fpersonnel%2Frattacher%2F"
    teacher = make_member(school, email="claire@exemple.fr")
    response = client.post(
        "/compte/login/",
        {"login": "claire@exemple.fr", "password": PASSWORD, "next": ATTACH},
    )
    assert response["Location"] == ATTACH
    assert signed_in_user_id(client) == teacher.pk
    assert client.get(ATTACH).status_code == 200


def test_a_member_attaches_the_ent_with_their_password(school):
    teacher = make_member(school, email="claire@exemple.fr")
    client = Client()
    arrive(client, teacher_identity(school))
    client.force_login(teacher)
    assert "Tapez de nouveau le mot de passe de votre compte" in text(client.get(ATTACH))
    response = client.post(ATTACH, {"password": PASSWORD})
    assert response["Location"] == "/"
    method = AuthenticationMethod.objects.get(user=teacher)
    assert (method.external_id, method.first_name) == ("ido-prof", "Claire")
    [row] = audit_rows(action="authentication_method.added")
    assert row[1:4] == (teacher.pk, "SELF", school.pk) and row[6]["reason"] == "member"
    # Nothing waits any more; the next arrival signs in directly, to the home page.
    assert client.get(ATTACH).status_code == 400
    again = Client()
    assert arrive(again, teacher_identity(school))["Location"] == "/"
    assert signed_in_user_id(again) == teacher.pk


def test_a_wrong_password_attaches_nothing_and_is_limited(school):
    teacher = make_member(school, email="claire@exemple.fr")
    client = Client()
    arrive(client, teacher_identity(school))
    client.force_login(teacher)
    response = client.post(ATTACH, {"password": "nope"})
    assert response.status_code == 400
    assert "Ce n'est pas le mot de passe de ce compte" in text(response)
    allowed = int(DEFAULT_RATES["gar_password_account"].split("/")[0])
    for _ in range(allowed - 1):
        client.post(ATTACH, {"password": "nope"})
    response = client.post(ATTACH, {"password": PASSWORD})
    assert response.status_code == 429
    assert not AuthenticationMethod.objects.exists()


def test_an_account_without_a_membership_cannot_attach(school):
    student = make_student()
    client = Client()
    for send in (client.get, client.post):
        arrive(client, teacher_identity(school))
        client.force_login(student)
        response = send(ATTACH, {"password": PASSWORD})
        assert response.status_code == 403
        assert refusal_code(response) == "GAR_NOT_A_MEMBER"
    assert not AuthenticationMethod.objects.exists()


def test_an_ido_that_is_someone_elses_is_not_attached(school):
    teacher = make_member(school, email="claire@exemple.fr")
    client = Client()
    arrive(client, teacher_identity(school))
    add_gar_method(make_member(school), "ido-prof")
    client.force_login(teacher)
    response = client.post(ATTACH, {"password": PASSWORD})
    assert response.status_code == 409
    assert refusal_code(response) == "AUTHENTICATION_METHOD_TAKEN"
    assert not AuthenticationMethod.objects.filter(user=teacher).exists()


def test_a_member_of_another_school_cannot_attach_this_schools_ent_account(school):
    from tests.factories import make_organization

    teacher = make_member(make_organization(), email="claire@exemple.fr")
    client = Client()
    arrive(client, teacher_identity(school))
    client.force_login(teacher)
    response = client.post(ATTACH, {"password": PASSWORD})
    assert response.status_code == 403
    assert refusal_code(response) == "GAR_NOT_A_MEMBER"
    assert "administrateur" in text(response)
    assert not AuthenticationMethod.objects.exists()
    assert audit_rows(action="authentication_method.added") == []


def test_a_teacher_without_uai_cannot_attach(school):
    teacher = make_member(school, email="claire@exemple.fr")
    client = Client()
    identity = teacher_identity(school)
    arrive(client, gar_identity(ido=identity.ido, uai="", profile="National_ens"))
    client.force_login(teacher)
    response = client.post(ATTACH, {"password": PASSWORD})
    assert refusal_code(response) == "GAR_NOT_A_MEMBER"
    assert not AuthenticationMethod.objects.exists()


def test_the_attach_page_shows_the_ent_names_being_attached(school):
    teacher = make_member(school, email="claire@exemple.fr")
    client = Client()
    arrive(client, teacher_identity(school))
    client.force_login(teacher)
    page = text(client.get(ATTACH))
    assert "Vous allez rattacher le compte ENT de Claire DUBOIS" in page


def test_attaching_is_refused_fifteen_minutes_after_the_gars_answer(school, monkeypatch):
    teacher = make_member(school, email="claire@exemple.fr")
    client = Client()
    arrive(client, teacher_identity(school))
    client.force_login(teacher)
    age_pending_arrival(client, 14 * 60, monkeypatch)
    assert client.get(ATTACH).status_code == 200
    age_pending_arrival(client, 16 * 60, monkeypatch)
    response = client.post(ATTACH, {"password": PASSWORD})
    assert response.status_code == 400
    assert refusal_code(response) == "GAR_ARRIVAL_EXPIRED"
    assert not AuthenticationMethod.objects.exists()
    assert pending.SESSION_KEY not in session_of(client)


# --- The arrival waiting in the session ---------------------------------------------------------


PAGES = [FIRST_ARRIVAL, "/gar/premiere-connexion/mon-compte/", STAFF, ATTACH]


@pytest.mark.parametrize("url", PAGES)
def test_no_arrival_waiting_sends_back_to_the_ent(url):
    response = Client().get(url)
    assert response.status_code == 400
    assert refusal_code(response) == "GAR_ARRIVAL_EXPIRED"
    assert "Retournez dans votre ENT" in text(response)
    assert 'href="/gar/login/"' in response.content.decode()


def test_an_arrival_older_than_an_hour_is_refused_and_forgotten(school, monkeypatch):
    client = Client()
    arrive(client, gar_identity(uai=school.uai))
    age_pending_arrival(client, 59 * 60, monkeypatch)
    assert client.get(FIRST_ARRIVAL).status_code == 200
    age_pending_arrival(client, 61 * 60, monkeypatch)
    response = client.post(FIRST_ARRIVAL, birth())
    assert response.status_code == 400
    assert refusal_code(response) == "GAR_ARRIVAL_EXPIRED"
    assert pending.SESSION_KEY not in session_of(client)
    school.lea.refresh_from_db()
    assert school.lea.user_id is None


@pytest.mark.parametrize(
    "stored",
    [
        "garbage",
        42,
        # Signed with another salt (another part of the site), or changed after signing.
        signing.dumps({"ido": "x", "t": 0}, salt="elsewhere"),
        "TAMPER",
        # Signed rightly but not an arrival's shape.
        signing.dumps({"ido": "x"}, salt=pending.SALT),
    ],
)
def test_a_tampered_arrival_is_refused_without_a_500(school, stored):
    client = Client()
    arrive(client, gar_identity(uai=school.uai))
    if stored == "TAMPER":
        value = session_of(client)[pending.SESSION_KEY]
        _body, _sep, signature = value.rpartition(":")
        payload = signing.loads(value, salt=pending.SALT)
        payload["uai"] = "0000000A"
        forged = signing.dumps(payload, salt=pending.SALT).rpartition(":")[0]
        stored = f"{forged}:{signature}"
    set_session_value(client, pending.SESSION_KEY, stored)
    for response in (client.get(FIRST_ARRIVAL), client.post(FIRST_ARRIVAL, birth())):
        assert response.status_code == 400
        assert refusal_code(response) == "GAR_ARRIVAL_EXPIRED"
    school.lea.refresh_from_db()
    assert school.lea.user_id is None


def test_the_arrival_waits_in_the_session_never_in_a_url(school):
    client = Client()
    response = arrive(client, gar_identity(uai=school.uai), campaign_code="ABCDEF234")
    assert response["Location"] == FIRST_ARRIVAL
    assert "ido-lea-1" not in response["Location"]
    stored = signing.loads(session_of(client)[pending.SESSION_KEY], salt=pending.SALT)
    assert (stored["ido"], stored["uai"], stored["code"]) == ("ido-lea-1", school.uai, "ABCDEF234")
