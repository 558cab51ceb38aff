"""A student's first arrival refused, or settled another way: no match, no school for the
UAI, a disabled learner, the learner already linked (R11-R13, R31-R33: the ENT's account
takes the new IDO only on an exact match in its school; an account with an e-mail or an
identifier is proved by its password), and the birth-date and password limits."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AuthenticationMethod, User
from campaigns.limits import DEFAULT_RATES
from tests.campaigns.join_helpers import refusal_code, text
from tests.factories import (
    PASSWORD,
    add_gar_method,
    audit_rows,
    link_learner,
    make_learner,
    make_organization,
    make_student,
)
from tests.gar.arrival_helpers import (
    BIRTHDATE,
    arrive,
    birth,
    gar_identity,
    make_school,
    signed_in_user_id,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(db):
    return make_school()


FIRST_ARRIVAL = "/gar/premiere-connexion/"
PROVE = "/gar/premiere-connexion/mon-compte/"


def arrival(school, client=None, *, date=BIRTHDATE, **identity):
    client = client or Client()
    identity.setdefault("uai", school.uai)
    arrive(client, gar_identity(**identity))
    return client, client.post(FIRST_ARRIVAL, birth(date))


def account(method: str) -> User:
    if method == "EMAIL":
        return make_student(email="jean.dupont@exemple.fr", username=None)
    if method == "IDENTIFIER":
        return make_student(username="jean.dupont0512")
    return make_student(username="jean.dupont0512", gar_id="ido-old")


def nothing_made(school):
    school.lea.refresh_from_db()
    return not AuthenticationMethod.objects.filter(external_id="ido-lea-1").exists()


# --- No match, no school ----------------------------------------------------------------------


def test_a_wrong_birth_date_is_no_match_and_the_form_again(school):
    client, response = arrival(school, date=datetime.date(2012, 5, 18))
    assert response.status_code == 400
    assert refusal_code(response) == "STUDENT_NOT_FOUND"
    assert "demandez à votre professeur" in text(response)
    assert 'id="birthdate-form"' in response.content.decode()
    assert school.lea.user_id is None and nothing_made(school)
    # Not terminal: the arrival waits on, and the right date links (a mistyped date is
    # the commonest slip; the attempts are counted, see the limits' tests).
    response = client.post(FIRST_ARRIVAL, birth())
    assert response.status_code == 302
    school.lea.refresh_from_db()
    assert school.lea.user_id is not None


def test_a_disabled_learner_is_never_matched(school):
    _client, response = arrival(school, ido="ido-zoe", first_name="Zoé", last_name="FAURE")
    assert refusal_code(response) == "STUDENT_NOT_FOUND"
    school.zoe.refresh_from_db()
    assert school.zoe.user_id is None


@pytest.mark.parametrize("case", ["no uai", "unknown uai", "not managing students", "archived"])
def test_no_school_for_the_uai_is_a_clear_page_asking_a_teacher(school, case):
    uai = school.uai
    if case == "no uai":
        uai = ""
    elif case == "unknown uai":
        uai = "0999999X"
    elif case == "not managing students":
        uai = make_organization(is_managing_students=False).uai
    else:
        type(school).objects.filter(pk=school.pk).update(archived_at=timezone.now())
    client = Client()
    for send in (client.get, client.post):
        # Each refusal is terminal: the arrival is forgotten, the next one comes afresh.
        arrive(client, gar_identity(uai=uai))
        response = send(FIRST_ARRIVAL, birth())
        assert response.status_code == 403
        assert refusal_code(response) == "GAR_SCHOOL_UNAVAILABLE"
        assert "Demandez à votre professeur" in text(response)
        assert client.get(FIRST_ARRIVAL).status_code == 400  # forgotten
    assert nothing_made(school)


# --- The learner linked to an ENT account (R33, R13) ------------------------------------------


def test_r33_an_exact_match_lets_the_ent_account_take_the_new_ido(school):
    former = account("ENT")
    link_learner(school.lea, former)
    client, response = arrival(school)
    assert response.status_code == 302
    assert signed_in_user_id(client) == former.pk
    method = AuthenticationMethod.objects.get(user=former)
    assert method.external_id == "ido-lea-1"
    assert not AuthenticationMethod.objects.filter(external_id="ido-old").exists()
    [row] = audit_rows(action="authentication_method.replaced")
    assert row[1:4] == (former.pk, "SELF", school.pk)
    assert row[6] == {
        "method_id": method.pk,
        "provider": "GAR",
        "learner_id": school.lea.pk,
        "reason": "exact_match",
    }
    # No second account.
    assert User.objects.count() == 1


def test_r33_a_tolerated_match_asks_a_teacher(school):
    link_learner(school.lea, account("ENT"))
    client, response = arrival(school, last_name="MARTINE")
    assert response.status_code == 403
    assert refusal_code(response) == "R33"
    assert "Demandez de l'aide à votre professeur" in text(response)
    assert "passer par l'ENT" not in text(response)
    assert AuthenticationMethod.objects.get().external_id == "ido-old"
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("last_name", ["MARTIN", "MARTINE"])
def test_r13_linked_in_another_school_asks_a_teacher_even_on_an_exact_match(school, last_name):
    former = make_organization(name="Collège d'avant")
    make_learner(former, ine=school.lea.ine, birthdate=BIRTHDATE, user=account("ENT"))
    client, response = arrival(school, last_name=last_name)
    assert refusal_code(response) == "R13"
    assert AuthenticationMethod.objects.get().external_id == "ido-old"
    assert school.lea.user_id is None and signed_in_user_id(client) is None
    assert not audit_rows(action="authentication_method.replaced")


# --- An account with an e-mail or an identifier: the password proves it -----------------------


@pytest.mark.parametrize(
    ("method", "code", "masked"),
    [("EMAIL", "R31", "j***@e***.fr"), ("IDENTIFIER", "R32", "j***.d***0512")],
)
def test_r31_r32_show_the_masked_sign_in_and_ask_its_password(school, method, code, masked):
    link_learner(school.lea, account(method))
    client, response = arrival(school)
    assert response["Location"] == PROVE
    page = client.get(PROVE)
    assert page.status_code == 200
    assert refusal_code(page) == code
    assert masked in text(page)
    assert "jean.dupont" not in page.content.decode()
    assert 'name="password"' in page.content.decode()


@pytest.mark.parametrize(("method", "code"), [("EMAIL", "R11"), ("IDENTIFIER", "R12")])
def test_r11_r12_show_the_account_of_the_other_school(school, method, code):
    make_learner(make_organization(), ine=school.lea.ine, birthdate=BIRTHDATE, user=account(method))
    client, _response = arrival(school)
    page = client.get(PROVE)
    assert refusal_code(page) == code
    assert "créé dans un autre établissement" in text(page)


def test_the_right_password_adds_the_ent_to_that_account_and_signs_it_in(school):
    owner = account("IDENTIFIER")
    link_learner(school.lea, owner)
    client, _response = arrival(school)
    response = client.post(PROVE, {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/mes-parcours/"
    assert signed_in_user_id(client) == owner.pk
    assert AuthenticationMethod.objects.get(external_id="ido-lea-1").user_id == owner.pk
    [row] = audit_rows(action="authentication_method.added")
    assert row[1:4] == (owner.pk, "SELF", school.pk) and row[6]["reason"] == "password"
    # The next arrival signs in directly.
    again = Client()
    arrive(again, gar_identity(uai=school.uai))
    assert signed_in_user_id(again) == owner.pk


def test_r12_proved_links_the_learner_of_this_school_to_that_account(school):
    owner = account("IDENTIFIER")
    make_learner(make_organization(), ine=school.lea.ine, birthdate=BIRTHDATE, user=owner)
    client, _response = arrival(school)
    client.post(PROVE, {"password": PASSWORD})
    school.lea.refresh_from_db()
    assert school.lea.user_id == owner.pk
    assert [row[6]["method"] for row in audit_rows(action="learner.linked")] == ["gar"]


def test_a_wrong_password_is_said_and_changes_nothing(school):
    link_learner(school.lea, account("IDENTIFIER"))
    client, _response = arrival(school)
    response = client.post(PROVE, {"password": "not-it"})
    assert response.status_code == 400
    assert "Ce n'est pas le mot de passe de ce compte" in text(response)
    response = client.post(PROVE, {"password": ""})
    assert "Tapez le mot de passe de ce compte." in text(response)
    assert nothing_made(school) and signed_in_user_id(client) is None


def test_the_password_is_limited_per_account(school):
    link_learner(school.lea, account("IDENTIFIER"))
    client, _response = arrival(school)
    allowed = int(DEFAULT_RATES["gar_password_account"].split("/")[0])
    for _ in range(allowed):
        assert client.post(PROVE, {"password": "guess"}).status_code == 400
    response = client.post(PROVE, {"password": PASSWORD})
    assert response.status_code == 429
    assert refusal_code(response) == "JOIN_RATE_LIMITED"
    assert nothing_made(school)


def test_an_ido_someone_else_got_meanwhile_is_refused_after_the_password(school):
    owner = account("IDENTIFIER")
    make_learner(make_organization(), ine=school.lea.ine, birthdate=BIRTHDATE, user=owner)
    client, _response = arrival(school)
    intruder = add_gar_method(make_student(), "ido-lea-1")
    response = client.post(PROVE, {"password": PASSWORD})
    assert response.status_code == 409
    assert refusal_code(response) == "AUTHENTICATION_METHOD_TAKEN"
    # All or nothing: the learner was not linked either.
    school.lea.refresh_from_db()
    assert school.lea.user_id is None
    assert AuthenticationMethod.objects.get(external_id="ido-lea-1").pk == intruder.pk
    assert signed_in_user_id(client) is None


def test_the_proof_page_needs_a_match_of_this_arrival(school):
    link_learner(school.lea, account("IDENTIFIER"))
    client, _response = arrival(school)
    # A new arrival (another IDO) in the same browser: the old match is not its own.
    arrive(client, gar_identity(ido="ido-other", uai=school.uai))
    assert client.get(PROVE)["Location"] == FIRST_ARRIVAL


# --- Birth dates are guessable ----------------------------------------------------------------


def test_birth_dates_are_limited_per_ido(school):
    client = Client()
    allowed = int(DEFAULT_RATES["gar_birthdate_ido"].split("/")[0])
    for day in range(1, allowed + 1):
        # No match is terminal: each guess needs a new arrival from the GAR.
        arrive(client, gar_identity(uai=school.uai))
        wrong = datetime.date(2011, 1, day)
        assert refusal_code(client.post(FIRST_ARRIVAL, birth(wrong))) == "STUDENT_NOT_FOUND"
    arrive(client, gar_identity(uai=school.uai))
    response = client.post(FIRST_ARRIVAL, birth())
    assert response.status_code == 429
    assert refusal_code(response) == "JOIN_RATE_LIMITED"
    assert nothing_made(school)
    # Another browser with the same IDO is refused too (the limit is the IDO's).
    again = Client()
    arrive(again, gar_identity(uai=school.uai))
    assert again.post(FIRST_ARRIVAL, birth()).status_code == 429


def test_birth_dates_are_limited_per_learner_found(school):
    link_learner(school.lea, account("IDENTIFIER"))
    allowed = int(DEFAULT_RATES["reconcile_learner"].split("/")[0])
    for number in range(allowed):
        _client, response = arrival(school, ido=f"ido-guess-{number}")
        assert response["Location"] == PROVE
    _client, response = arrival(school, ido="ido-guess-last")
    assert response.status_code == 429
    assert refusal_code(response) == "JOIN_RATE_LIMITED"


def test_birth_dates_per_ido_are_capped_per_day_too(school, monkeypatch):
    from campaigns import limits

    assert DEFAULT_RATES["gar_birthdate_ido"] == "10/h,20/d"
    start = 1_800_000_000.0 - 1_800_000_000.0 % 86400 + 3600  # 01:00 UTC, one day
    now = {"t": start}
    monkeypatch.setattr(limits, "clock", lambda: now["t"])
    client = Client()
    attempt = 0
    for hour in range(2):
        now["t"] = start + hour * 3600
        for _ in range(10):
            attempt += 1
            # Other names each time: only the IDO's counts add up.
            arrive(client, gar_identity(uai=school.uai, last_name=f"GUESS{attempt}"))
            assert refusal_code(client.post(FIRST_ARRIVAL, birth())) == "STUDENT_NOT_FOUND"
    now["t"] = start + 2 * 3600  # a new hour, the same day: over the day's 20
    arrive(client, gar_identity(uai=school.uai))
    response = client.post(FIRST_ARRIVAL, birth())
    assert response.status_code == 429
    assert refusal_code(response) == "JOIN_RATE_LIMITED"
    assert nothing_made(school)


def test_birth_dates_are_limited_per_gar_names_in_the_school_before_matching(school):
    """Whoever gets new IDOs cannot guess one pupil's birth date: the names count, even
    when no date matches (a wrong date never finds a learner to count)."""
    allowed = int(DEFAULT_RATES["reconcile_learner"].split("/")[0])
    for number in range(allowed):
        _client, response = arrival(
            school, ido=f"ido-guess-{number}", date=datetime.date(2011, 1, number + 1)
        )
        assert refusal_code(response) == "STUDENT_NOT_FOUND"
    _client, response = arrival(school, ido="ido-guess-last")  # the right date, too late
    assert response.status_code == 429
    assert refusal_code(response) == "JOIN_RATE_LIMITED"
    assert nothing_made(school)
    # Another pupil of the school is not held up.
    _client, response = arrival(school, ido="ido-hugo", first_name="Hugo", last_name="BERNARD")
    assert response.status_code == 302


def test_r33_a_match_on_a_middle_name_is_not_exact_and_asks_a_teacher(db):
    """The ENT account changes hands only when the GAR's first name is the learner's first
    given name, not a middle one."""
    school = make_organization(name="Collège Jean Moulin")
    learner = make_learner(
        school, first_name="Marie", middle_name="Léa", last_name="MARTIN", birthdate=BIRTHDATE
    )
    link_learner(learner, account("ENT"))
    client, response = arrival(school)
    assert response.status_code == 403
    assert refusal_code(response) == "R33"
    assert AuthenticationMethod.objects.get().external_id == "ido-old"
    assert signed_in_user_id(client) is None
    assert audit_rows(action="authentication_method.replaced") == []
