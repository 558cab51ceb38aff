"""An account given a one-time password (`must_change_password`) chooses its own before
anything else: pages redirect to /compte/nouveau-mot-de-passe/, JSON answers a coded
403; signing out, the language switch, static files and /healthz stay reachable."""

from urllib.parse import quote

import pytest
from django.test import Client

from accounts.models import User
from accounts.services import (
    one_time_password_generate,
    user_choose_new_password,
    user_set_one_time_password,
)
from tests.factories import make_campaign, make_organization, make_student

pytestmark = pytest.mark.django_db

PAGE = "/compte/nouveau-mot-de-passe/"
NEW = "Un-vrai-mot-de-passe-42"


@pytest.fixture
def student():
    user = make_student(username="lea.martin1705")
    return user_set_one_time_password(user=user, password="abcdEFGH")


@pytest.fixture
def signed_in(student):
    client = Client()
    response = client.post("/compte/login/", {"login": "lea.martin1705", "password": "abcdEFGH"})
    assert response.status_code == 302
    return client


def test_a_one_time_password_is_stored_hashed_and_flags_the_account():
    user = make_student()
    password = one_time_password_generate()
    user_set_one_time_password(user=user, password=password)
    user.refresh_from_db()
    assert user.must_change_password
    assert password not in user.password and user.check_password(password)


def test_every_page_sends_to_the_new_password_page(signed_in):
    response = signed_in.get("/")
    assert response.status_code == 302 and response["Location"] == PAGE
    for url in ("/mes-parcours/", "/compte/profil/", "/code/", "/eleves/"):
        response = signed_in.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{PAGE}?next={quote(url, safe='')}", url
    response = signed_in.post("/compte/profil/", {"first_name": "X"})
    assert response.status_code == 302 and response["Location"] == PAGE


def test_json_answers_a_coded_403(signed_in):
    response = signed_in.get("/api/v1/me/")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "PASSWORD_CHANGE_REQUIRED"
    assert body["meta"] == {"url": PAGE}
    assert "Choisis un nouveau mot de passe avant de continuer" in body["message"]
    polled = signed_in.get("/eleves/import/1/etat.json", HTTP_ACCEPT="application/json")
    assert polled.status_code == 403 and polled.json()["code"] == "PASSWORD_CHANGE_REQUIRED"


def test_the_page_itself_sign_out_healthz_and_static_files_stay_reachable(signed_in):
    page = signed_in.get(PAGE)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Choisis ton nouveau mot de passe" in body
    assert "Tu viens de te connecter avec un mot de passe à usage unique" in body
    assert "lea.martin1705" in body
    assert signed_in.get("/healthz").status_code in (200, 503)
    assert signed_in.get("/static/css/pixorga.css").status_code in (200, 404)
    assert signed_in.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    out = signed_in.post("/compte/logout/")
    assert out.status_code == 302 and out["Location"] != PAGE


def test_choosing_a_new_password_ends_the_obligation_and_keeps_the_session(signed_in, student):
    response = signed_in.post(PAGE, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == "/"
    student.refresh_from_db()
    assert not student.must_change_password
    assert student.check_password(NEW) and not student.check_password("abcdEFGH")
    assert signed_in.get("/mes-parcours/").status_code == 200
    # Once done, the page is the account page's usual change of password.
    assert signed_in.get(PAGE)["Location"] == "/compte/password/change/"


def test_a_weak_or_mismatched_password_is_refused_with_a_french_message(signed_in, student):
    response = signed_in.post(PAGE, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert "Ce mot de passe est entièrement numérique." in response.content.decode()
    response = signed_in.post(PAGE, {"new_password1": NEW, "new_password2": NEW + "x"})
    assert "Les deux mots de passe ne correspondent pas." in response.content.decode()
    student.refresh_from_db()
    assert student.must_change_password and student.check_password("abcdEFGH")


def test_the_page_in_english(student):
    student.language = "en"
    student.save(update_fields=["language"])
    client = Client()
    client.post("/compte/login/", {"login": "lea.martin1705", "password": "abcdEFGH"})
    body = client.get(PAGE).content.decode()
    assert "Choose your new password" in body
    assert "You signed in with a one-time password given by your school." in body


def test_an_account_without_the_obligation_is_not_redirected():
    user = make_student(username="libre")
    client = Client()
    client.force_login(user)
    assert client.get("/mes-parcours/").status_code == 200
    user_choose_new_password(user=user, password=NEW)
    assert not User.objects.get(pk=user.pk).must_change_password


def test_the_old_session_ends_when_the_school_generates_a_password():
    user = make_student(username="ancien")
    client = Client()
    client.force_login(user)
    assert client.get("/mes-parcours/").status_code == 200
    user_set_one_time_password(user=user, password="abcdEFGH")
    # The hash changed: the session opened with the old password is signed out.
    response = client.get("/mes-parcours/")
    assert response.status_code == 302 and response["Location"].startswith("/compte/login/")


def test_the_one_time_password_itself_is_refused_as_the_new_one(signed_in, student):
    response = signed_in.post(PAGE, {"new_password1": "abcdEFGH", "new_password2": "abcdEFGH"})
    assert response.status_code == 200
    assert (
        "Choisis un mot de passe différent de celui donné par ton établissement."
        in response.content.decode()
    )
    student.refresh_from_db()
    assert student.must_change_password and student.check_password("abcdEFGH")


def test_a_student_signing_in_from_a_campaign_page_comes_back_to_it(student):
    campaign = make_campaign(make_organization())
    where = f"/parcours/{campaign.code}/"
    client = Client()
    response = client.post(
        "/compte/login/", {"login": "lea.martin1705", "password": "abcdEFGH", "next": where}
    )
    assert response["Location"] == where
    response = client.get(where)
    assert response["Location"] == f"{PAGE}?next={quote(where, safe='')}"
    page = client.get(response["Location"])
    assert f'name="next" value="{where}"' in page.content.decode()
    response = client.post(PAGE, {"new_password1": NEW, "new_password2": NEW, "next": where})
    assert response.status_code == 302 and response["Location"] == where
    student.refresh_from_db()
    assert not student.must_change_password


@pytest.mark.parametrize("next_url", ["https://ailleurs.example/", "//ailleurs.example/x"])
def test_a_next_to_another_site_is_ignored(signed_in, student, next_url):
    response = signed_in.post(
        f"{PAGE}?next={quote(next_url, safe='')}",
        {"new_password1": NEW, "new_password2": NEW, "next": next_url},
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_page_is_reached_under_a_url_prefix(student):
    """The exemptions compare the URL's name, not a path with or without the prefix the
    site is served under (SCRIPT_NAME): no redirect loop behind a prefix."""
    from django.urls import clear_script_prefix, set_script_prefix

    client = Client()
    client.post("/compte/login/", {"login": "lea.martin1705", "password": "abcdEFGH"})
    # As a WSGI server under a prefix would: reverse() then names /pixorga/… paths.
    set_script_prefix("/pixorga/")
    try:
        assert client.get(PAGE, SCRIPT_NAME="/pixorga").status_code == 200
        response = client.get("/mes-parcours/", SCRIPT_NAME="/pixorga")
    finally:
        clear_script_prefix()
    assert response.status_code == 302
    assert response["Location"] == (
        "/pixorga/compte/nouveau-mot-de-passe/?next=" + quote("/pixorga/mes-parcours/", safe="")
    )
