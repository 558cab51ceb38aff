"""Redis down (cache and broker): sign-in and sign-up still work, their limits failing
open, logged at most once a minute; every other page that needs the cache answers 503,
never 500, and changes nothing. A Redis of the test's own is started, then stopped
(tests/accounts/conftest.py), never the shared one."""

import logging
import re

import pytest
from django.core import mail
from django.test import Client

from accounts import limits
from accounts.models import User
from tests.accounts.helpers import is_signed_in, refused, sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

UNAVAILABLE = "Service momentanément indisponible"
FAIL_OPEN_WARNING = "sign-in and sign-up limits are not applied (fail open)"


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch):
    # Each test sees the first warning of its outage.
    monkeypatch.setattr(limits, "_last_warnings", {})


def sign_up_data(**overrides) -> dict:
    return {
        "first_name": "Léa",
        "last_name": "Dupont",
        "email": "lea.dupont@college.example",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


def test_while_its_redis_runs_the_limits_are_counted_there(own_redis):
    user = UserFactory()
    for n in range(5):
        sign_in(Client(), user.email, f"guess {n}")
    assert any(b"login_failed" in key for key in own_redis.stored_keys())
    assert refused(sign_in(Client(), user.email, PASSWORD))


# --- Sign-in and sign-up fail open ----------------------------------------------------


def test_sign_in_works_while_redis_is_stopped(own_redis):
    user = UserFactory()
    own_redis.stop()
    client = Client()
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_a_wrong_password_is_refused_as_usual_while_redis_is_stopped(own_redis):
    user = UserFactory()
    own_redis.stop()
    client = Client()
    response = sign_in(client, user.email, "wrong")
    assert response.status_code == 200
    assert "Identifiants incorrects" in response.content.decode()
    assert not is_signed_in(client)


def test_sign_in_limits_fail_open_and_say_so_once_a_minute(own_redis, caplog, monkeypatch):
    user = UserFactory()
    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="accounts.limits"):
        for n in range(7):
            assert not refused(sign_in(Client(), user.email, f"guess {n}"))
    assert caplog.text.count(FAIL_OPEN_WARNING) == 1
    # A minute later, it is said again.
    later = limits.time.monotonic() + limits.WARNING_INTERVAL_SECONDS + 1
    monkeypatch.setattr(limits.time, "monotonic", lambda: later)
    with caplog.at_level(logging.WARNING, logger="accounts.limits"):
        sign_in(Client(), user.email, "guess again")
    assert caplog.text.count(FAIL_OPEN_WARNING) == 2


def test_sign_up_works_while_redis_is_stopped(
    own_redis, caplog, django_capture_on_commit_callbacks
):
    own_redis.stop()
    client = Client()
    with (
        caplog.at_level(logging.WARNING),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post("/compte/signup/", sign_up_data())
    assert response.status_code == 302
    user = User.objects.get(email="lea.dupont@college.example")
    assert client.session["_auth_user_id"] == str(user.pk)
    # The broker is down too: the confirmation e-mail is logged as lost, the row is kept.
    assert "E-mail not queued, the broker is unreachable" in caplog.text
    assert FAIL_OPEN_WARNING in caplog.text


def test_sign_up_refuses_a_taken_address_as_usual_while_redis_is_stopped(own_redis):
    UserFactory(email="lea.dupont@college.example")
    own_redis.stop()
    response = Client().post("/compte/signup/", sign_up_data(email="Lea.Dupont@college.example"))
    assert response.status_code == 200
    assert User.objects.filter(email="lea.dupont@college.example").count() == 1


def test_the_entrance_pages_open_while_redis_is_stopped(own_redis):
    own_redis.stop()
    for path in ("/compte/login/", "/compte/signup/", "/compte/password/reset/"):
        assert Client().get(path).status_code == 200, path


def test_limits_count_again_once_redis_is_back(own_redis):
    user = UserFactory()
    own_redis.stop()
    sign_in(Client(), user.email, "guess while down")
    own_redis.start()
    for n in range(5):
        sign_in(Client(), user.email, f"guess {n}")
    assert refused(sign_in(Client(), user.email, PASSWORD))


# --- Every other page that needs the cache fails closed ----------------------------------


def test_password_reset_answers_503_and_sends_nothing_while_redis_is_stopped(
    own_redis, caplog, django_capture_on_commit_callbacks
):
    user = UserFactory()
    own_redis.stop()
    with (
        caplog.at_level(logging.WARNING, logger="accounts.limits"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = Client().post("/compte/password/reset/", {"email": user.email})
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()
    assert callbacks == []
    assert mail.outbox == []
    assert "account_reset_password refused with a 503 (fail closed)" in caplog.text


def test_following_a_reset_link_answers_503_and_keeps_the_password(
    own_redis, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/compte/password/reset/", {"email": user.email})
    celery_mail = own_redis.stored_keys()  # the task went to our broker: no worker runs it
    assert celery_mail
    own_redis.stop()
    # Build the link as the e-mail would carry it.
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    form_url = client.get(f"/compte/password/reset/key/{key}/")["Location"]
    response = client.post(
        form_url, {"password1": "nouveau-secret-1", "password2": "nouveau-secret-1"}
    )
    assert response.status_code == 503
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (
            "/compte/password/change/",
            {
                "oldpassword": PASSWORD,
                "password1": "nouveau-secret-1",
                "password2": "nouveau-secret-1",
            },
        ),
        ("/compte/email/", {"action_add": "", "email": "autre@college.example"}),
    ],
)
def test_signed_in_pages_that_need_the_cache_answer_503_and_change_nothing(own_redis, path, data):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    own_redis.stop()
    response = client.post(path, data)
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not user.emailaddress_set.filter(email="autre@college.example").exists()


def test_after_a_fail_open_sign_in_the_next_page_fails_closed(own_redis):
    # The fail-open cache is the sign-in request's only: it does not stay behind.
    user = UserFactory()
    own_redis.stop()
    client = Client()
    sign_in(client, user.email, PASSWORD)
    response = client.post(
        "/compte/password/change/",
        {"oldpassword": PASSWORD, "password1": "nouveau-secret-1", "password2": "nouveau-secret-1"},
    )
    assert response.status_code == 503


def test_a_page_without_cache_or_limits_is_unaffected(own_redis):
    own_redis.stop()
    client = Client()
    client.force_login(UserFactory())
    assert client.get("/compte/profil/").status_code == 200
    assert re.search(r"<h1", client.get("/mentions-legales/").content.decode())
