"""Wrong passwords lock an account for one IP, or for every untrusted browser once there are
many, never for a browser that has signed in to it before; a password reset clears the lock.
"""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.limits import DEVICE_COOKIE_NAME, read_device
from tests.accounts.helpers import (
    HOME_IP,
    SCHOOL_IP,
    is_signed_in,
    refused,
    sign_in,
    sign_out,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "un-tout-nouveau-mot-de-passe"


def wrong_passwords(login: str, count: int, *, ip: str = SCHOOL_IP, client=None) -> None:
    for n in range(count):
        response = sign_in(client or Client(), login, f"guess {n}", ip=ip)
        assert not refused(response), f"attempt {n + 1} was refused, not counted"


def wrong_passwords_from_many_ips(login: str, count: int) -> None:
    # Four per address: never the per (account, IP) limit, only the per-account one.
    for n in range(count):
        sign_in(Client(), login, f"guess {n}", ip=f"203.0.113.{n // 4 + 1}")


def trusted_browser(user, ip: str = SCHOOL_IP) -> Client:
    """A browser that signed in to `user`'s account, then signed out."""
    browser = Client()
    sign_in(browser, user.email, PASSWORD, ip=ip)
    assert is_signed_in(browser)
    sign_out(browser)
    return browser


# --- Per (account, IP) ------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_from_that_ip():
    user = UserFactory()
    wrong_passwords(user.email, 5)
    client = Client()
    assert refused(sign_in(client, user.email, PASSWORD))
    assert not is_signed_in(client)


def test_the_lock_of_one_ip_does_not_reach_another_ip():
    head = UserFactory()
    wrong_passwords(head.email, 5, ip=SCHOOL_IP)
    client = Client()
    sign_in(client, head.email, PASSWORD, ip=HOME_IP)
    assert is_signed_in(client)


def test_the_lock_of_an_ip_ends_after_five_minutes(clock):
    user = UserFactory()
    wrong_passwords(user.email, 5)
    clock.advance(minutes=4, seconds=50)
    assert refused(sign_in(Client(), user.email, PASSWORD))
    clock.advance(seconds=20)
    client = Client()
    sign_in(client, user.email, PASSWORD)
    assert is_signed_in(client)


def test_wrong_passwords_by_email_and_by_identifier_count_for_the_same_account():
    user = UserFactory(username="lea.dupont")
    wrong_passwords(user.email, 3)
    wrong_passwords("LEA.DUPONT", 2)
    client = Client()
    assert refused(sign_in(client, "lea.dupont", PASSWORD))
    assert not is_signed_in(client)


def test_a_right_password_is_not_counted_as_a_failure():
    user = UserFactory()
    wrong_passwords(user.email, 4)
    for _ in range(3):
        client = Client()
        sign_in(client, user.email, PASSWORD)
        assert is_signed_in(client)


def test_a_refused_attempt_does_not_extend_the_lock(clock):
    user = UserFactory()
    wrong_passwords(user.email, 5)
    for _ in range(4):
        clock.advance(minutes=1)
        assert refused(sign_in(Client(), user.email, "one more guess"))
    clock.advance(minutes=1, seconds=10)
    client = Client()
    sign_in(client, user.email, PASSWORD)
    assert is_signed_in(client)


# --- Per account --------------------------------------------------------------------


def test_thirty_wrong_passwords_in_an_hour_lock_the_account_for_untrusted_browsers():
    user = UserFactory()
    wrong_passwords_from_many_ips(user.email, 30)
    client = Client()
    assert refused(sign_in(client, user.email, PASSWORD, ip=HOME_IP))
    assert not is_signed_in(client)


def test_twenty_nine_wrong_passwords_from_many_ips_do_not_lock_the_account():
    user = UserFactory()
    wrong_passwords_from_many_ips(user.email, 29)
    client = Client()
    sign_in(client, user.email, PASSWORD, ip=HOME_IP)
    assert is_signed_in(client)


def test_the_per_account_lock_ends_within_the_hour(clock):
    user = UserFactory()
    wrong_passwords_from_many_ips(user.email, 30)
    clock.advance(minutes=59)
    assert refused(sign_in(Client(), user.email, PASSWORD, ip=HOME_IP))
    clock.advance(minutes=2)
    client = Client()
    sign_in(client, user.email, PASSWORD, ip=HOME_IP)
    assert is_signed_in(client)


def test_a_locked_account_does_not_lock_its_classmates():
    victim, classmate = UserFactory(), UserFactory()
    wrong_passwords(victim.email, 5)
    wrong_passwords_from_many_ips(victim.email, 30)
    client = Client()
    sign_in(client, classmate.email, PASSWORD)
    assert is_signed_in(client)


def test_repeated_wrong_passwords_on_a_staff_account_are_stopped():
    staff = UserFactory(is_staff=True, is_superuser=True)
    for n in range(5):
        sign_in(Client(), staff.email, f"guess {n}", next_url="/backoffice/")
    client = Client()
    assert refused(sign_in(client, staff.email, PASSWORD, next_url="/backoffice/"))
    assert not is_signed_in(client)
    assert client.get("/backoffice/").status_code == 302


# --- The trusted browser (device cookie) ------------------------------------------------


def test_signing_in_gives_the_browser_a_lasting_signed_http_only_cookie(rf):
    user, other = UserFactory(), UserFactory()
    response = sign_in(Client(), user.email, PASSWORD)
    cookie = response.cookies[DEVICE_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 180 * 24 * 3600
    request = rf.get("/")
    request.COOKIES[DEVICE_COOKIE_NAME] = cookie.value
    device = read_device(request)
    assert device.trusts(user)
    assert not device.trusts(other)


def test_a_wrong_password_does_not_make_a_browser_trusted():
    user = UserFactory()
    response = sign_in(Client(), user.email, "wrong")
    assert DEVICE_COOKIE_NAME not in response.cookies


def test_a_browser_that_signed_in_before_is_exempt_from_the_per_account_lock():
    head = UserFactory()
    browser = trusted_browser(head)
    wrong_passwords_from_many_ips(head.email, 40)
    assert refused(sign_in(Client(), head.email, PASSWORD, ip=HOME_IP))
    sign_in(browser, head.email, PASSWORD, ip=HOME_IP)
    assert is_signed_in(browser)


def test_a_trusted_browser_on_a_locked_ip_still_signs_in():
    head = UserFactory()
    browser = trusted_browser(head)
    wrong_passwords(head.email, 5, ip=SCHOOL_IP)
    sign_in(browser, head.email, PASSWORD, ip=SCHOOL_IP)
    assert is_signed_in(browser)


def test_a_trusted_browser_has_its_own_allowance_of_wrong_passwords():
    head = UserFactory()
    browser = trusted_browser(head)
    wrong_passwords(head.email, 5, client=browser)
    assert refused(sign_in(browser, head.email, PASSWORD))
    assert not is_signed_in(browser)
    # Its mistakes are its own: another browser is not locked by them.
    other = Client()
    sign_in(other, head.email, PASSWORD, ip=HOME_IP)
    assert is_signed_in(other)


def test_a_trusted_browser_is_not_stopped_by_the_ceiling_of_its_ip(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip"}
    head = UserFactory()
    browser = trusted_browser(head)
    for user in UserFactory.create_batch(3):
        sign_in(Client(), user.email, "wrong")
    assert refused(sign_in(Client(), head.email, PASSWORD))
    sign_in(browser, head.email, PASSWORD)
    assert is_signed_in(browser)


def test_a_browser_is_trusted_only_for_the_accounts_it_signed_in_to():
    pupil, head = UserFactory(), UserFactory()
    pupils_browser = trusted_browser(pupil)
    wrong_passwords(head.email, 5)
    assert refused(sign_in(pupils_browser, head.email, PASSWORD))
    assert not is_signed_in(pupils_browser)


def test_a_browser_remembers_several_accounts():
    first, second = UserFactory(), UserFactory()
    browser = trusted_browser(first)
    sign_in(browser, second.email, PASSWORD)
    sign_out(browser)
    wrong_passwords(first.email, 5)
    wrong_passwords(second.email, 5)
    for user in (first, second):
        sign_in(browser, user.email, PASSWORD)
        assert is_signed_in(browser), user.email
        sign_out(browser)


@pytest.mark.parametrize("tamper", ["garbage", "edit", "other-salt"])
def test_a_forged_device_cookie_is_not_trusted(tamper):
    from django.core import signing

    head = UserFactory()
    browser = trusted_browser(head)
    value = browser.cookies[DEVICE_COOKIE_NAME].value
    if tamper == "garbage":
        value = "not-a-signed-value"
    elif tamper == "edit":
        value = value[:-1] + ("A" if value[-1] != "A" else "B")
    else:
        value = signing.dumps({"id": "x", "accounts": {str(head.pk): "0" * 16}}, salt="other")
    browser.cookies[DEVICE_COOKIE_NAME] = value
    wrong_passwords(head.email, 5)
    assert refused(sign_in(browser, head.email, PASSWORD))


def test_a_pupil_on_the_school_network_cannot_lock_the_head_out(clock):
    """The pupil types a wrong password for the head's account once a minute, for an hour
    and a half, from the school's IP; the head, on the same network, in their own browser,
    signs in every quarter of an hour."""
    head = UserFactory()
    heads_browser = trusted_browser(head, ip=SCHOOL_IP)
    guesses = []  # the minutes at which the pupil's guess was checked
    for minute in range(1, 91):
        clock.advance(minutes=1)
        if not refused(sign_in(Client(), head.email, f"guess {minute}")):
            guesses.append(minute)
        if minute % 15 == 0:
            sign_in(heads_browser, head.email, PASSWORD, ip=SCHOOL_IP)
            assert is_signed_in(heads_browser), f"the head was locked out at minute {minute}"
            sign_out(heads_browser)
    # Meanwhile the pupil got no more than 30 guesses in any hour.
    assert max(sum(start <= m < start + 60 for m in guesses) for start in range(1, 32)) == 30


# --- A password reset clears the lock ----------------------------------------------------


def reset_password(client: Client, user, new_password: str, capture) -> None:
    with capture(execute=True):
        client.post("/compte/password/reset/", {"email": user.email}, REMOTE_ADDR=HOME_IP)
    link = re.search(r"http://testserver(/compte/password/reset/key/\S+/)", mail.outbox[-1].body)
    form_url = client.get(link.group(1))["Location"]
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302, response.content.decode()


def test_a_password_reset_clears_the_locks_of_the_account(django_capture_on_commit_callbacks):
    head = UserFactory()
    wrong_passwords(head.email, 5, ip=SCHOOL_IP)
    wrong_passwords_from_many_ips(head.email, 30)
    reset_password(Client(), head, NEW_PASSWORD, django_capture_on_commit_callbacks)
    client = Client()
    sign_in(client, head.email, NEW_PASSWORD, ip=SCHOOL_IP)
    assert is_signed_in(client)


def test_a_password_reset_ends_the_trust_of_every_browser(django_capture_on_commit_callbacks):
    head = UserFactory()
    old_browser = trusted_browser(head)
    reset_password(Client(), head, NEW_PASSWORD, django_capture_on_commit_callbacks)
    wrong_passwords(head.email, 5)
    assert refused(sign_in(old_browser, head.email, NEW_PASSWORD))


def test_a_flood_of_sign_in_posts_from_the_school_does_not_lock_the_head_out(settings):
    """A pupil's script posts the sign-in form without end from the school's address: the
    per-IP ceilings stop the untrusted attempts, never the head's own browser."""
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": "10/m/ip,20/h/ip,5/5m/key",
    }
    head = UserFactory()
    heads_browser = trusted_browser(head)
    flood = Client()
    for number in range(40):  # twice the hourly ceiling of the school's address
        flood.post(
            "/compte/login/", {"login": f"x{number}@x.fr", "password": "x"}, REMOTE_ADDR=SCHOOL_IP
        )
        flood.post("/compte/login/", {"login": "", "password": ""}, REMOTE_ADDR=SCHOOL_IP)
    # Untrusted browsers at the school are stopped by the ceiling…
    assert refused(sign_in(Client(), head.email, PASSWORD))
    # …the head's browser is not, nor is anyone from another address.
    sign_in(heads_browser, head.email, PASSWORD)
    assert is_signed_in(heads_browser)
    elsewhere = Client()
    sign_in(elsewhere, head.email, PASSWORD, ip=HOME_IP)
    assert is_signed_in(elsewhere)
