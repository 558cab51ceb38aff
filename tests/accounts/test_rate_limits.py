"""Rate limits: generous per IP (a whole class works behind the school's one address),
strict per account (test_sign_in_lockout.py). The cache is Redis (REDIS_URL), cleared
between tests."""

import pytest
from allauth.account.adapter import get_adapter
from django.test import Client

from accounts.models import User
from tests.accounts.helpers import SCHOOL_IP, TOO_MANY, is_signed_in, sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_class_of_35_signs_up_from_one_school_ip():
    for n in range(35):
        response = Client().post(
            "/compte/signup/",
            {
                "first_name": "Élève",
                "last_name": f"Numéro {n}",
                "email": f"eleve{n}@college.example",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
            REMOTE_ADDR=SCHOOL_IP,
        )
        assert response.status_code == 302, f"sign-up {n + 1} of 35 refused"
    assert User.objects.filter(email__startswith="eleve").count() == 35


def test_sign_ups_from_one_ip_are_limited(settings):
    # The real figure (300 an hour) is in test_a_class_of_35…; a small one proves the limit.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "3/h/ip"}

    def sign_up(n: int, ip: str):
        data = {
            "first_name": "Élève",
            "last_name": f"Numéro {n}",
            "email": f"eleve{n}@college.example",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
        return Client().post("/compte/signup/", data, REMOTE_ADDR=ip)

    assert [sign_up(n, SCHOOL_IP).status_code for n in range(4)] == [302, 302, 302, 429]
    assert "Trop de tentatives" in sign_up(4, SCHOOL_IP).content.decode()
    assert sign_up(5, "198.51.100.7").status_code == 302
    assert User.objects.filter(email__startswith="eleve").count() == 4


def test_two_classes_sign_in_from_one_ip_even_if_everyone_mistypes_once():
    users = [UserFactory() for _ in range(70)]
    for user in users:
        client = Client()
        sign_in(client, user.email, "wrong password")
        response = sign_in(client, user.email, PASSWORD)
        assert response.status_code == 302
        assert is_signed_in(client), f"{user.email} could not sign in"


def test_wrong_passwords_from_one_ip_have_a_ceiling(settings):
    # The real figure is in the thousands; a small one proves the per-IP limit exists.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip"}
    users = [UserFactory() for _ in range(4)]
    for user in users[:3]:
        assert TOO_MANY not in sign_in(Client(), user.email, "wrong").content.decode()
    client = Client()
    assert TOO_MANY in sign_in(client, users[3].email, PASSWORD).content.decode()
    assert not is_signed_in(client)
    # Another address is not concerned.
    client = Client()
    sign_in(client, users[3].email, PASSWORD, ip="203.0.113.7")
    assert is_signed_in(client)


def test_per_ip_limits_leave_room_for_a_whole_school(settings):
    # A school of up to ~2,000 pupils behind one address: one pupil's script spending
    # the per-IP budget would refuse every right password (see settings.py).
    # allauth's per-IP limit on every sign-in POST is off: it would apply to trusted
    # browsers too (test_a_flood_of_sign_in_posts_from_the_school_does_not_lock_the_head_out).
    assert settings.ACCOUNT_RATE_LIMITS["login"] is None
    for action in ("login_failed",):
        for rate in settings.ACCOUNT_RATE_LIMITS[action].split(","):
            amount, _duration, per = rate.split("/")
            if per == "ip":
                assert int(amount) >= 300, f"{action}: {rate}"


def test_password_reset_e_mails_to_one_address_are_limited():
    user = UserFactory()
    statuses = [
        Client()
        .post("/compte/password/reset/", {"email": user.email}, REMOTE_ADDR=f"198.51.100.{n}")
        .status_code
        for n in range(1, 5)
    ]
    assert statuses == [302, 302, 302, 429]


def test_the_429_page_is_ours_and_in_french():
    user = UserFactory()
    for _ in range(3):
        Client().post("/compte/password/reset/", {"email": user.email})
    response = Client().post("/compte/password/reset/", {"email": user.email})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


# --- Back office ----------------------------------------------------------------------


def test_back_office_login_page_sends_to_the_rate_limited_sign_in(client):
    response = client.get("/backoffice/login/", {"next": "/backoffice/"})
    assert response.status_code == 302
    assert response["Location"] == "/compte/login/?next=/backoffice/"


def test_back_office_has_no_password_form_of_its_own(client):
    staff = UserFactory(is_staff=True, username="staff")
    response = client.post(
        "/backoffice/login/?next=/backoffice/", {"username": staff.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/login/")
    assert not is_signed_in(client)


def test_staff_signs_in_and_lands_in_the_back_office(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    response = sign_in(client, staff.email, PASSWORD, next_url="/backoffice/")
    assert response["Location"] == "/backoffice/"
    assert client.get("/backoffice/").status_code == 200
    # Once signed in, the back office login page just lets staff through.
    assert client.get("/backoffice/login/?next=/backoffice/")["Location"] == "/backoffice/"


def test_signed_in_non_staff_is_refused_by_the_back_office_without_a_loop(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/backoffice/login/", {"next": "/backoffice/"})
    assert response.status_code == 403


def test_back_office_login_ignores_a_next_to_another_site(client):
    response = client.get("/backoffice/login/", {"next": "https://evil.example/"})
    assert response["Location"] == "/compte/login/?next=/backoffice/"


# --- The client IP --------------------------------------------------------------------


def test_forwarded_for_is_ignored_without_a_trusted_proxy(rf, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    request = rf.post("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert get_adapter(request).get_client_ip(request) == "10.0.0.2"


def test_behind_one_trusted_proxy_the_client_is_the_address_it_appended(rf, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The first address was typed by the client; the last one was added by our proxy.
    request = rf.post(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.5"
    )
    assert get_adapter(request).get_client_ip(request) == "203.0.113.5"
