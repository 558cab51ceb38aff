"""The findings of issue #16's security review, each through the real /gar/login/ and
/gar/acs/ (the local IdP of tests/gar/idp.py): the answer is bound to the browser that
started the sign-in (login CSRF), the session ends with the browser and gets a new key,
the waiting arrival is no credential, and the checks pysaml2 leaves to us (the
confirmations of an encrypted assertion, one assertion after decryption, the
Destination)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from accounts.gar.service import BROWSER_COOKIE, browser_binding
from accounts.models import AuthenticationMethod, SamlAssertion
from campaigns.gar import pending
from tests.campaigns.join_helpers import refusal_code, text
from tests.factories import PASSWORD, add_gar_method, link_learner, make_member, make_student
from tests.gar.arrival_helpers import birth, make_school, session_of, signed_in_user_id
from tests.gar.helpers import assert_refused, post_acs, request_row, start_login
from tests.gar.idp import request_id_of, shift, student_attributes

pytestmark = pytest.mark.django_db

FIRST_ARRIVAL = "/gar/premiere-connexion/"
STAFF = "/gar/personnel/"


@pytest.fixture
def school(db):
    return make_school()


def lea(school, **overrides):
    attributes = {"IDO": "ido-lea-sec", "PRE": "Léa", "NOM": "MARTIN", "UAI": school.uai}
    return student_attributes(**{**attributes, **overrides})


# --- H1: the answer comes back to the browser that went to the GAR ----------------------------


def test_login_leaves_an_hmac_of_the_request_in_a_cross_site_cookie(client, gar_idp):
    login = start_login(client)
    cookie = client.cookies[BROWSER_COOKIE]
    request_id = request_id_of(login)
    assert cookie.value == browser_binding(request_id)
    assert request_id not in cookie.value
    assert cookie["samesite"] == "None"
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["path"] == "/gar/"
    assert int(cookie["max-age"]) == settings.GAR_REQUEST_LIFETIME_SECONDS


def test_the_cookie_is_secure_on_http_unless_debug(client, gar_idp, settings):
    settings.DEBUG = True
    start_login(client)
    assert not client.cookies[BROWSER_COOKIE]["secure"]
    response = client.get("/gar/login/", secure=True)
    assert response.cookies[BROWSER_COOKIE]["secure"] is True


def test_someone_elses_answer_posted_from_this_browser_is_refused(school, gar_idp):
    """The attacker keeps their own answer and makes the victim's browser post it."""
    attacker = Client()
    login = start_login(attacker)
    answer = gar_idp.response_for(login, lea(school, IDO="ido-attacker"))
    victim = make_member(school, email="claire@exemple.fr")
    browser = Client()
    browser.force_login(victim)
    for cookie in ("", "not-the-hmac", request_id_of(login)):
        if cookie:
            browser.cookies[BROWSER_COOKIE] = cookie
        response = post_acs(browser, answer)
        assert_refused(response, "GAR_BROWSER_MISMATCH")
        assert "ne fait suite à aucune connexion commencée dans ce navigateur" in text(response)
    # Nothing consumed, nothing waiting, the victim still themselves.
    assert request_row(login).consumed_at is None
    assert not SamlAssertion.objects.exists()
    assert pending.SESSION_KEY not in session_of(browser)
    assert signed_in_user_id(browser) == victim.pk
    # The attacker's own browser may still use it.
    assert post_acs(attacker, answer)["Location"] == FIRST_ARRIVAL


def test_an_answer_to_another_sign_in_of_this_browser_is_refused(school, gar_idp):
    client = Client()
    first = start_login(client)
    start_login(client)  # the cookie now names the second request only
    response = post_acs(client, gar_idp.response_for(first, lea(school)))
    assert_refused(response, "GAR_BROWSER_MISMATCH")


def test_the_cookie_is_deleted_once_used(school, gar_idp):
    client = Client()
    login = start_login(client)
    response = post_acs(client, gar_idp.response_for(login, lea(school)))
    assert response["Location"] == FIRST_ARRIVAL
    deleted = response.cookies[BROWSER_COOKIE]
    assert deleted.value == "" and deleted["path"] == "/gar/"
    assert int(deleted["max-age"]) == 0


# --- H2 and H3: the session ------------------------------------------------------------------


def _session_cookie(response):
    return response.cookies[settings.SESSION_COOKIE_NAME]


def test_a_gar_sign_in_ends_with_the_browser(school, gar_idp):
    student = make_student()
    add_gar_method(student, "ido-lea-sec")
    client = Client()
    login = start_login(client)
    response = post_acs(client, gar_idp.response_for(login, lea(school)))
    assert response["Location"] == "/mes-parcours/"
    assert signed_in_user_id(client) == student.pk
    cookie = _session_cookie(response)
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert session_of(client).get_expire_at_browser_close()


def test_a_first_arrival_gets_a_new_session_key_ending_with_the_browser(school, gar_idp):
    client = Client()
    session = client.session
    session["something"] = "before"
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before
    login = start_login(client)
    response = post_acs(client, gar_idp.response_for(login, lea(school)))
    assert response["Location"] == FIRST_ARRIVAL
    cookie = _session_cookie(response)
    assert cookie.value != before
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert pending.SESSION_KEY in session_of(client)
    # Whoever knew the old key shares nothing.
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=before).exists()


def test_a_first_arrival_signs_out_whoever_was_signed_in(school, gar_idp):
    member = make_member(school, email="claire@exemple.fr")
    client = Client()
    client.force_login(member)
    login = start_login(client)
    response = post_acs(client, gar_idp.response_for(login, lea(school, PRO="National_ens")))
    assert response["Location"] == STAFF
    assert signed_in_user_id(client) is None
    assert pending.SESSION_KEY in session_of(client)


def test_signing_out_forgets_the_waiting_arrival(school, gar_idp):
    make_member(school, email="claire@exemple.fr")
    client = Client()
    login = start_login(client)
    post_acs(client, gar_idp.response_for(login, lea(school, PRO="National_ens")))
    client.post(
        "/compte/login/",
        {"login": "claire@exemple.fr", "password": PASSWORD, "next": "/gar/personnel/rattacher/"},
    )
    assert pending.SESSION_KEY in session_of(client)
    client.post("/compte/logout/")
    assert refusal_code(client.get("/gar/personnel/rattacher/")) == "GAR_ARRIVAL_EXPIRED"


def test_a_refusal_linked_to_another_ent_account_forgets_the_arrival(school, gar_idp):
    link_learner(school.lea, make_student(username="lea.old", gar_id="ido-old"))
    # R33 on a tolerated match (the GAR's last name differs a little): a teacher decides.
    client = Client()
    login = start_login(client)
    post_acs(client, gar_idp.response_for(login, lea(school, NOM="MARTINE")))
    response = client.post(FIRST_ARRIVAL, birth())
    assert refusal_code(response) == "R33"
    assert pending.SESSION_KEY not in session_of(client)
    assert not AuthenticationMethod.objects.filter(external_id="ido-lea-sec").exists()


# --- M1: the confirmations of the (decrypted) assertion --------------------------------------


@pytest.mark.parametrize("encrypt", [True, False], ids=["encrypted", "clear"])
def test_an_assertion_moved_onto_another_request_is_refused(school, gar_idp, encrypt):
    """The victim's answer (its assertion signed, the Response not) rewrapped in a Response
    answering the attacker's own request, posted from the attacker's browser."""
    victim = Client()
    victims_login = start_login(victim)
    attacker = Client()
    attackers_login = start_login(attacker)
    answer = gar_idp.response_for(
        victims_login,
        lea(school, IDO="ido-victim"),
        encrypt=encrypt,
        response_in_response_to=request_id_of(attackers_login),
    )
    response = post_acs(attacker, answer)
    assert response.status_code in (400, 403)
    assert refusal_code(response) in ("GAR_REQUEST_UNKNOWN", "GAR_RESPONSE_INVALID")
    assert request_row(attackers_login).consumed_at is None
    assert not AuthenticationMethod.objects.exists()
    assert pending.SESSION_KEY not in session_of(attacker)


@pytest.mark.parametrize("encrypt", [True, False], ids=["encrypted", "clear"])
def test_a_confirmation_past_its_not_on_or_after_is_refused(school, gar_idp, encrypt):
    client = Client()
    login = start_login(client)
    answer = gar_idp.response_for(
        login, lea(school), encrypt=encrypt, confirmation_not_on_or_after=shift(-120)
    )
    response = post_acs(client, answer)
    assert refusal_code(response) in ("GAR_RESPONSE_EXPIRED", "GAR_RESPONSE_INVALID")
    assert response.status_code == 403
    assert request_row(login).consumed_at is None


def test_a_confirmation_within_the_skew_is_accepted(school, gar_idp):
    client = Client()
    login = start_login(client)
    answer = gar_idp.response_for(
        login, lea(school), encrypt=True, confirmation_not_on_or_after=shift(-30)
    )
    assert post_acs(client, answer)["Location"] == FIRST_ARRIVAL


@pytest.mark.parametrize("encrypt", [True, False], ids=["encrypted", "clear"])
def test_a_confirmation_without_not_on_or_after_is_refused(school, gar_idp, encrypt):
    client = Client()
    login = start_login(client)
    answer = gar_idp.response_for(
        login, lea(school), encrypt=encrypt, confirmation_not_on_or_after=""
    )
    assert_refused(post_acs(client, answer), "GAR_RESPONSE_INVALID")


# --- M2: one assertion after decryption --------------------------------------------------------


@pytest.mark.parametrize(
    ("sign_response", "code"),
    # The response unsigned: pysaml2 wants the unsigned one signed. Signed (around the
    # encrypted content, as an IdP would): only the count after decryption refuses it.
    [(False, "GAR_SIGNATURE_INVALID"), (True, "GAR_RESPONSE_INVALID")],
)
def test_a_second_assertion_inside_the_encrypted_one_is_refused(
    school, gar_idp, sign_response, code
):
    client = Client()
    login = start_login(client)
    answer = gar_idp.response_for(
        login,
        lea(school),
        encrypt=True,
        sign_response=sign_response,
        extra_encrypted_assertion={"IDO": "ido-smuggled", "PRE": "Eve", "NOM": "PIRATE"},
    )
    assert_refused(post_acs(client, answer), code)
    assert request_row(login).consumed_at is None
    assert pending.SESSION_KEY not in session_of(client)


# --- M3: the Destination ---------------------------------------------------------------------


@pytest.mark.parametrize("sign_response", [False, True])
def test_a_response_without_destination_is_refused(school, gar_idp, sign_response):
    client = Client()
    login = start_login(client)
    answer = gar_idp.response_for(login, lea(school), destination="", sign_response=sign_response)
    assert_refused(post_acs(client, answer), "GAR_RESPONSE_INVALID")
    assert request_row(login).consumed_at is None


# --- Low: attributes, staff of several schools, logs, limits -----------------------------------


@pytest.mark.parametrize(
    ("attributes", "name"),
    [
        ({"IDO": ["ido-1", ""]}, "IDO"),
        ({"PRE": ["Léa", " "]}, "PRE"),
        ({"PRO": ["National_elv", "National_ens"]}, "PRO"),
        ({"PRO": ["National_elv", ""]}, "PRO"),
    ],
)
def test_a_second_value_even_empty_is_refused(school, gar_idp, attributes, name):
    client = Client()
    login = start_login(client)
    response = post_acs(client, gar_idp.response_for(login, lea(school, **attributes)))
    assert_refused(response, "GAR_ATTRIBUTE_MULTIVALUED")
    assert f"({name})" in text(response)


def test_a_teacher_of_several_schools_attaches_in_the_one_where_they_are_a_member(school, gar_idp):
    from tests.factories import audit_rows, make_organization

    other = make_organization(name="Lycée Victor Hugo")
    teacher = make_member(school, email="claire@exemple.fr")
    client = Client()
    login = start_login(client)
    attributes = lea(school, IDO="ido-prof", PRO="National_ens", UAI=[other.uai, school.uai])
    assert post_acs(client, gar_idp.response_for(login, attributes))["Location"] == STAFF
    client.force_login(teacher)
    # force_login keeps the session's data (the same visitor signing in).
    assert client.get("/gar/personnel/rattacher/").status_code == 200
    response = client.post("/gar/personnel/rattacher/", {"password": PASSWORD})
    assert response["Location"] == "/"
    [row] = audit_rows(action="authentication_method.added")
    assert row[1:4] == (teacher.pk, "SELF", school.pk)


def test_pysaml2_never_logs_even_its_errors(settings):
    import logging

    assert settings.LOGGING["loggers"]["saml2"]["level"] == "CRITICAL"
    for name in ("saml2", "saml2.response", "saml2.sigver", "saml2.client_base"):
        assert not logging.getLogger(name).isEnabledFor(logging.ERROR)


def test_sign_ins_started_per_ip_are_limited_and_the_purge_is_frequent(settings):
    from django.conf import settings as defaults

    assert defaults.GAR_LOGIN_RATE_LIMIT == "300/m/ip"
    assert defaults.CELERY_BEAT_SCHEDULE["gar-purge"]["schedule"] == 600.0
