"""Attempt limits of the students' pages, counted in the database: per account and per
learner for a signed-in student, per session and per campaign code on the sign-up without
an account, unknown codes per session; generous per IP (a class of 35 gets through); and
they hold while the cache is down."""

import datetime
import re

import pytest
from django.test import Client

from campaigns import limits
from campaigns.models import AttemptCounter, Participation
from tests.campaigns.join_helpers import BIRTHDATE, identity, refusal_code, signed_in, text
from tests.campaigns.own_redis import cache_on_own_redis  # noqa: F401 - a fixture
from tests.factories import make_campaign, make_learner, make_student

pytestmark = pytest.mark.django_db
WRONG_DAY = BIRTHDATE.replace(day=18)
PASSWORD = "Une-phrase-de-passe-2026"


@pytest.fixture
def lea(school):
    learner = school.learners_by_name["Léa"]
    learner.birthdate = BIRTHDATE
    learner.save()
    return learner


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = datetime.datetime(2026, 9, 3, 9, 0, tzinfo=datetime.UTC).timestamp()

        def advance(self, **delta):
            self.now += datetime.timedelta(**delta).total_seconds()

    fake = Clock()
    monkeypatch.setattr(limits, "clock", lambda: fake.now)
    return fake


def reconcile(client, campaign, birthdate=BIRTHDATE, **names):
    return client.post(f"/parcours/{campaign.code}/eleve/", identity(birthdate=birthdate, **names))


def sign_up(client, campaign, birthdate=BIRTHDATE, **names):
    return client.post(
        f"/parcours/{campaign.code}/inscription/", identity(birthdate=birthdate, **names)
    )


def is_limited(response) -> bool:
    return response.status_code == 429 and refusal_code(response) == "JOIN_RATE_LIMITED"


# --- Signed in: per account, per learner ---------------------------------------------------


def test_an_account_has_ten_tries_an_hour_then_even_the_right_date_waits(campaign, lea, clock):
    client = signed_in(make_student())
    for day in range(1, 11):
        assert not is_limited(reconcile(client, campaign, BIRTHDATE.replace(day=day + 18)))
    refused = reconcile(client, campaign)
    assert is_limited(refused)
    assert "Vous avez essayé trop de fois" in text(refused)
    lea.refresh_from_db()
    assert lea.user_id is None
    # Another account is not held back by this one's tries (other names).
    assert not is_limited(reconcile(signed_in(make_student()), campaign, first_name="Hugo"))
    # An hour later, the right date works.
    clock.advance(hours=1)
    assert reconcile(client, campaign)["Location"].endswith("/associer/")


def test_a_learner_is_protected_whatever_the_accounts_trying(campaign, lea, clock):
    # Ten accounts guess Léa's birth date once each: the eleventh waits.
    for day in range(1, 11):
        client = signed_in(make_student())
        assert not is_limited(reconcile(client, campaign, BIRTHDATE.replace(day=day + 18)))
    assert is_limited(reconcile(signed_in(make_student()), campaign))


def test_a_matched_learner_is_counted_whatever_the_names_typed(campaign, lea, clock):
    spellings = ["Léa", "Lea", "LEA", "Lééa", "Leaa"]
    for n in range(10):
        first = spellings[n % len(spellings)] + " " * (n // len(spellings))
        response = reconcile(signed_in(make_student()), campaign, first_name=first)
        assert response["Location"].endswith("/associer/"), n
    assert is_limited(reconcile(signed_in(make_student()), campaign, first_name="Leá"))


def test_the_counts_hold_no_name_no_ip_and_no_account_id(campaign, lea, clock):
    student = make_student()
    reconcile(signed_in(student), campaign)
    # Keys are SHA-256 digests: nothing to read back.
    stored = list(AttemptCounter.objects.values_list("key", flat=True))
    assert stored and all(re.fullmatch(r"[0-9a-f]{64}", key) for key in stored)
    assert str(student.pk) not in {key.lstrip("0") for key in stored}
    assert {row.scope for row in AttemptCounter.objects.all()} == {
        "reconcile_account",
        "reconcile_learner",
        "reconcile_ip",
    }


def test_the_ip_limit_exists_though_generous(campaign, lea, clock, settings):
    settings.STUDENT_JOIN_RATE_LIMITS = {"reconcile_ip": "3/h"}
    for _ in range(3):
        assert not is_limited(reconcile(signed_in(make_student()), campaign, WRONG_DAY))
    assert is_limited(reconcile(signed_in(make_student()), campaign))
    # Another address is not concerned.
    other_ip = Client(REMOTE_ADDR="192.0.2.10")
    other_ip.force_login(make_student())
    assert not is_limited(reconcile(other_ip, campaign))


# --- Signing up without an account: per session, per code ------------------------------------


def test_a_browser_session_has_ten_tries_an_hour_on_the_sign_up(campaign, lea, clock):
    client = Client()
    for day in range(1, 11):
        assert not is_limited(sign_up(client, campaign, BIRTHDATE.replace(day=day + 18)))
    assert is_limited(sign_up(client, campaign))
    # A new browser is not held back by the first one's tries (other names).
    assert not is_limited(sign_up(Client(), campaign, first_name="Hugo", last_name="Bernard"))


def test_a_campaign_code_bounds_the_sign_ups_of_fresh_sessions(school, lea, clock, settings):
    settings.STUDENT_JOIN_RATE_LIMITS = {"sign_up_code": "5/h"}
    campaign = make_campaign(school)
    for _ in range(5):
        # A script dropping its cookies: a new session every time.
        assert not is_limited(sign_up(Client(), campaign, WRONG_DAY, first_name="Hugo"))
    assert is_limited(sign_up(Client(), campaign))
    # Another campaign's code is not concerned.
    assert not is_limited(sign_up(Client(), make_campaign(school)))


# --- Code entry: unknown codes ----------------------------------------------------------------


def unknown_code(n: int) -> str:
    return "ZZZZZZ" + f"{n:03d}".translate(str.maketrans("0123456789", "2345678923"))


def test_unknown_codes_are_limited_per_session_so_codes_cannot_be_enumerated(campaign, clock):
    client = Client()
    for n in range(10):
        assert client.post("/code/", {"code": unknown_code(n)}).status_code == 400
    refused = client.post("/code/", {"code": campaign.code})
    assert is_limited(refused)
    # Typing the address instead does not get round it.
    assert is_limited(client.get(f"/parcours/{unknown_code(11)}/"))
    assert is_limited(client.get(f"/parcours/{campaign.code}/"))
    # Ten minutes later the session may try again.
    clock.advance(minutes=10)
    assert client.post("/code/", {"code": campaign.code}).status_code == 302


def test_a_right_code_or_a_malformed_one_never_counts(campaign, clock):
    client = Client()
    for _ in range(30):
        assert client.post("/code/", {"code": campaign.code}).status_code == 302
        client.post("/code/", {"code": "ABC"})
    assert not AttemptCounter.objects.exists()


def test_unknown_codes_are_limited_per_ip_across_sessions(campaign, clock, settings):
    settings.STUDENT_JOIN_RATE_LIMITS = {"code_ip": "4/h"}
    for n in range(4):
        Client().post("/code/", {"code": unknown_code(n)})
    assert is_limited(Client().post("/code/", {"code": campaign.code}))
    assert (
        Client(REMOTE_ADDR="192.0.2.20").post("/code/", {"code": campaign.code}).status_code == 302
    )


# --- A class behind one IP ------------------------------------------------------------------


def test_a_class_of_35_behind_one_ip_joins_with_a_mistake_each(school, clock):
    """35 pupils of one class, one school address: each mistypes the code once, then signs
    up without an e-mail with a wrong birth date first, then the right one, and joins."""
    campaign = make_campaign(school, name="Rentrée 6C")
    pupils = [
        make_learner(
            school,
            first_name=f"Élève{chr(65 + n // 26)}{chr(65 + n % 26)}",
            last_name="CLASSE",
            birthdate=datetime.date(2012, 1 + n % 12, 1 + n % 28),
            division="6C",
        )
        for n in range(35)
    ]
    for n, pupil in enumerate(pupils):
        client = Client(REMOTE_ADDR="203.0.113.7")
        assert client.post("/code/", {"code": unknown_code(n)}).status_code == 400, n
        assert client.post("/code/", {"code": campaign.code}).status_code == 302, n
        names = {"first_name": pupil.first_name, "last_name": "Classe"}
        wrong = sign_up(client, campaign, pupil.birthdate.replace(year=2013), **names)
        assert wrong.status_code == 400, n
        right = sign_up(client, campaign, pupil.birthdate, **names)
        assert right["Location"].endswith("/mot-de-passe/"), n
        created = client.post(right["Location"], {"password1": PASSWORD, "password2": PASSWORD})
        assert created["Location"].endswith("/compte-cree/"), n
        assert client.post(f"/parcours/{campaign.code}/commencer/").status_code == 302, n
    assert Participation.objects.filter(campaign=campaign).count() == 35


def test_a_class_of_35_with_accounts_reconciles_behind_one_ip(school, clock):
    campaign = make_campaign(school, name="Rentrée 6D")
    for n in range(35):
        make_learner(
            school, first_name=f"Pupil{n}", last_name="LISTE", birthdate=BIRTHDATE, division="6D"
        )
    for n in range(35):
        client = Client(REMOTE_ADDR="203.0.113.8")
        client.force_login(make_student())
        names = {"first_name": f"Pupil{n}", "last_name": "Liste"}
        assert reconcile(client, campaign, WRONG_DAY, **names).status_code == 400, n
        assert reconcile(client, campaign, **names)["Location"].endswith("/associer/"), n
        assert client.post(f"/parcours/{campaign.code}/associer/").status_code == 302, n
    assert Participation.objects.filter(campaign=campaign).count() == 35


# --- With the cache down --------------------------------------------------------------------


def test_the_limits_hold_while_the_cache_is_down(
    cache_on_own_redis,  # noqa: F811 - the fixture imported above
    campaign,
    lea,
    clock,
):
    cache_on_own_redis.stop()
    client = signed_in(make_student())
    for day in range(1, 11):
        response = reconcile(client, campaign, BIRTHDATE.replace(day=day + 18))
        assert response.status_code == 400, day
    assert is_limited(reconcile(client, campaign))
    browser = Client()
    for day in range(1, 11):
        assert sign_up(browser, campaign, BIRTHDATE.replace(day=day + 18)).status_code == 400
    assert is_limited(sign_up(browser, campaign))
    for n in range(10):
        assert browser.post("/code/", {"code": unknown_code(n)}).status_code == 400
    assert is_limited(browser.post("/code/", {"code": campaign.code}))
    lea.refresh_from_db()
    assert lea.user_id is None


def test_a_student_joins_while_the_cache_is_down(
    cache_on_own_redis,  # noqa: F811 - the fixture imported above
    campaign,
    lea,
):
    cache_on_own_redis.stop()
    client = Client()
    assert client.post("/code/", {"code": campaign.code}).status_code == 302
    assert client.get(f"/parcours/{campaign.code}/").status_code == 200
    step = sign_up(client, campaign)
    done = client.post(step["Location"], {"password1": PASSWORD, "password2": PASSWORD})
    assert done["Location"].endswith("/compte-cree/")
    client.post(f"/parcours/{campaign.code}/commencer/")
    client.post(f"/parcours/{campaign.code}/envoyer/")
    assert Participation.objects.get().status == "SHARED"


# --- The counters themselves -------------------------------------------------------------------


def test_one_statement_counts_every_key_and_old_windows_are_purged(clock, monkeypatch):
    keys = [limits.Key("code_session", "s1"), limits.Key("code_ip", "10.0.0.1")]
    assert limits.consume(keys)
    # code_session has two windows (10 minutes, a day), code_ip one: three rows.
    assert AttemptCounter.objects.count() == 3
    assert set(AttemptCounter.objects.values_list("attempts", flat=True)) == {1}
    assert limits.consume(keys)
    assert set(AttemptCounter.objects.values_list("attempts", flat=True)) == {2}
    clock.advance(days=2)
    monkeypatch.setattr(limits, "_last_purge", 0.0)
    limits.consume([limits.Key("code_ip", "10.0.0.2")])
    assert AttemptCounter.objects.count() == 1


@pytest.mark.parametrize(
    ("rates", "parsed"),
    [("10/h", [(10, 3600)]), ("10/10m,30/d", [(10, 600), (30, 86400)]), ("5/30s", [(5, 30)])],
)
def test_rates_are_read_like_allauths(rates, parsed):
    assert limits.parse_rates(rates) == parsed
    with pytest.raises(ValueError):
        limits.parse_rates("ten an hour")
