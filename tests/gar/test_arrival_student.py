"""A student's arrival from the ENT: the first one (birth date only, matched with the
GAR's names in the school of the GAR's UAI) makes the account, its GAR method and its
link in one transaction and signs in; the next ones sign in directly."""

import pytest
from django.test import Client

from accounts.models import AuthenticationMethod, User
from campaigns.gar import pending
from tests.campaigns.join_helpers import refusal_code, text
from tests.factories import audit_rows, make_campaign, make_member, make_student
from tests.gar.arrival_helpers import (
    arrive,
    birth,
    gar_identity,
    make_school,
    session_of,
    signed_in_user_id,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(db):
    return make_school()


FIRST_ARRIVAL = "/gar/premiere-connexion/"


def lea_identity(school, **overrides):
    return gar_identity(uai=school.uai, **overrides)


def first_arrival(client, school, *, date=None, campaign_code="", **identity):
    response = arrive(client, lea_identity(school, **identity), campaign_code=campaign_code)
    assert response.status_code == 302
    assert response["Location"] == FIRST_ARRIVAL
    return client.post(FIRST_ARRIVAL, birth(date) if date else birth())


def test_a_first_arrival_asks_only_the_birth_date_greeting_the_gar_names(school):
    client = Client()
    arrive(client, lea_identity(school))
    response = client.get(FIRST_ARRIVAL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bonjour" in text(response) and "Léa" in text(response) and "MARTIN" in text(response)
    assert school.name in text(response)
    assert 'name="birth_day"' in page and 'name="birth_year"' in page
    assert 'name="first_name"' not in page and 'name="last_name"' not in page
    # Nothing of the identity in a URL.
    assert "ido-lea-1" not in page


def test_the_first_arrival_makes_the_account_its_method_and_its_link_and_signs_in(school):
    client = Client()
    response = first_arrival(client, school)
    assert response.status_code == 302
    assert response["Location"] == "/mes-parcours/"
    school.lea.refresh_from_db()
    user = school.lea.user
    assert user is not None
    assert signed_in_user_id(client) == user.pk
    # The identifier of the sign-up without an e-mail; no usable password, no e-mail.
    assert user.username == "lea.martin1705"
    assert user.email is None
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Léa", "MARTIN")
    method = AuthenticationMethod.objects.get(user=user)
    assert (method.provider, method.external_id) == ("GAR", "ido-lea-1")
    assert user.sign_in_methods == ["ENT", "IDENTIFIER"]
    rows = audit_rows(organization_id=school.pk, on_behalf_of="SELF")
    assert [(row[0], row[1]) for row in rows] == [
        ("learner.linked", user.pk),
        ("authentication_method.added", user.pk),
    ]
    assert rows[0][6]["method"] == "gar"
    assert rows[1][6] == {"method_id": method.pk, "provider": "GAR", "reason": "sign_up"}
    # The page after says so.
    assert "la prochaine fois, l'ENT vous connecte" in text(client.get("/mes-parcours/"))


def test_the_first_arrival_goes_on_to_the_campaign_being_joined(school):
    campaign = make_campaign(school, owner=make_member(school))
    client = Client()
    response = first_arrival(client, school, campaign_code=campaign.code.lower())
    assert response["Location"] == f"/parcours/{campaign.code}/"
    assert "Commencer" in text(client.get(response["Location"]))


@pytest.mark.parametrize(
    "code", ["https://evil.example/", "//evil.example", "ABC", "../../compte/", "AAAAAA222/x"]
)
def test_a_campaign_code_is_never_a_url(school, code):
    make_student(gar_id="ido-lea-1")
    response = arrive(Client(), lea_identity(school), campaign_code=code)
    assert response["Location"] == "/mes-parcours/"


def test_the_next_arrival_signs_in_directly_and_refreshes_the_names(
    school, django_assert_max_num_queries
):
    first_arrival(Client(), school)
    user = User.objects.get(username="lea.martin1705")
    client = Client()
    # The method and its account, the touch, the sign-in (session, last login), and the
    # helper's own session saves.
    with django_assert_max_num_queries(12):
        response = arrive(client, lea_identity(school, first_name="Léa-Marie"))
    assert response.status_code == 302
    assert response["Location"] == "/mes-parcours/"
    assert signed_in_user_id(client) == user.pk
    method = AuthenticationMethod.objects.get(user=user)
    assert (method.first_name, method.last_name) == ("Léa-Marie", "MARTIN")
    # The account's own names are the person's (and the school's list's).
    user.refresh_from_db()
    assert user.first_name == "Léa"
    # Nothing new recorded, nothing waiting.
    assert len(audit_rows(action="authentication_method.added")) == 1
    assert client.get(FIRST_ARRIVAL).status_code == 400


def test_a_known_ido_signs_in_whoever_is_signed_in_on_this_computer_out(school):
    lea = make_student(gar_id="ido-lea-1")
    client = Client()
    client.force_login(make_student())
    arrive(client, lea_identity(school))
    assert signed_in_user_id(client) == lea.pk


def test_a_known_teacher_goes_to_the_home_page(school):
    teacher = make_member(school, email="prof@exemple.fr")
    from tests.factories import add_gar_method

    add_gar_method(teacher, "ido-prof")
    client = Client()
    response = arrive(client, gar_identity(ido="ido-prof", profile="National_ens"))
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == teacher.pk


def test_a_deactivated_account_is_not_signed_in(school):
    lea = make_student(gar_id="ido-lea-1")
    User.objects.filter(pk=lea.pk).update(is_active=False)
    client = Client()
    response = arrive(client, lea_identity(school))
    assert response.status_code == 403
    assert refusal_code(response) == "ACCOUNT_DISABLED"
    assert signed_in_user_id(client) is None


def test_the_signed_in_language_is_the_accounts(school):
    lea = make_student(gar_id="ido-lea-1", language="en")
    client = Client()
    response = arrive(client, lea_identity(school))
    assert signed_in_user_id(client) == lea.pk
    assert response.cookies["django_language"].value == "en"


def test_the_pages_speak_english_to_whoever_chose_it(school):
    client = Client()
    client.cookies["django_language"] = "en"
    arrive(client, lea_identity(school))
    response = client.get(FIRST_ARRIVAL)
    assert "Hello" in text(response)
    assert "we only need your birth date" in text(response)
    response = client.post(FIRST_ARRIVAL, birth())
    user = User.objects.get(username="lea.martin1705")
    # An account made in English prefers English.
    assert user.language == "en"


def test_a_bad_birth_date_is_said_in_french_and_nothing_is_counted_or_made(school):
    client = Client()
    arrive(client, lea_identity(school))
    response = client.post(
        FIRST_ARRIVAL, {"birth_day": "31", "birth_month": "2", "birth_year": "2012"}
    )
    assert response.status_code == 400
    assert "Cette date n'existe pas" in text(response)
    response = client.post(FIRST_ARRIVAL, {"birth_day": "x", "birth_month": "", "birth_year": ""})
    assert response.status_code == 400
    assert not User.objects.filter(username__startswith="lea.").exists()
    # Still waiting: the right date then works.
    assert client.post(FIRST_ARRIVAL, birth()).status_code == 302


def test_the_first_arrival_page_has_a_bounded_number_of_queries(
    school, django_assert_max_num_queries
):
    client = Client()
    arrive(client, lea_identity(school))
    with django_assert_max_num_queries(6):
        assert client.get(FIRST_ARRIVAL).status_code == 200
    # Session, limits, match, checks, account (identifier tries in savepoints), link,
    # method, two audit rows, sign-in: bounded, whatever the size of the list.
    with django_assert_max_num_queries(40):
        assert client.post(FIRST_ARRIVAL, birth()).status_code == 302


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_arrival_finished_elsewhere_meanwhile_starts_again_at_the_gar(school, method):
    """The waiting arrival is no credential: it never signs in the account its IDO got
    meanwhile (the GAR must vouch again)."""
    waiting = Client()
    arrive(waiting, lea_identity(school))
    # The same student, in another browser, finishes first.
    assert first_arrival(Client(), school)["Location"] == "/mes-parcours/"
    send = waiting.get if method == "GET" else waiting.post
    response = send(FIRST_ARRIVAL, birth())
    assert response.status_code == 302
    assert response["Location"] == "/gar/login/"
    assert signed_in_user_id(waiting) is None
    assert pending.SESSION_KEY not in session_of(waiting)
    assert User.objects.count() == 1


def test_the_service_refuses_a_second_account_for_the_same_arrival(school):
    from campaigns.gar.services import gar_student_sign_up
    from campaigns.join_errors import LinkedInThisSchoolError

    identity = lea_identity(school)
    gar_student_sign_up(identity=identity, organization=school, learner_id=school.lea.pk)
    with pytest.raises(LinkedInThisSchoolError) as refusal:
        gar_student_sign_up(identity=identity, organization=school, learner_id=school.lea.pk)
    assert refusal.value.code == "R33"
    assert User.objects.count() == 1
