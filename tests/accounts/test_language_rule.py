"""The language is the person's saved preference, else the `django_language` cookie, else
French — never the browser's Accept-Language; e-mails follow the same rule (the
recipient's preference first)."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}


def html_lang(response) -> str:
    page = response.content.decode()
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_an_english_browser_without_cookie_gets_french_pages():
    response = Client().get("/compte/login/", **ENGLISH_BROWSER)
    assert html_lang(response) == "fr"
    assert response["Content-Language"] == "fr"


def test_the_language_cookie_chooses_english():
    client = Client()
    client.cookies[LANGUAGE_COOKIE] = "en"
    response = client.get("/compte/login/")
    assert html_lang(response) == "en"
    assert response["Content-Language"] == "en"


def test_an_unknown_language_in_the_cookie_falls_back_to_french():
    client = Client()
    client.cookies[LANGUAGE_COOKIE] = "de"
    assert html_lang(client.get("/compte/login/", **ENGLISH_BROWSER)) == "fr"


def test_the_saved_preference_wins_over_the_cookie_and_the_browser():
    client = Client()
    client.force_login(UserFactory(language="fr"))
    client.cookies[LANGUAGE_COOKIE] = "en"
    assert html_lang(client.get("/compte/profil/", **ENGLISH_BROWSER)) == "fr"


def test_a_saved_english_preference_applies_without_a_cookie():
    client = Client()
    client.force_login(UserFactory(language="en"))
    assert html_lang(client.get("/compte/profil/")) == "en"


def test_pages_vary_on_the_cookie_not_on_accept_language():
    response = Client().get("/mentions-legales/", **ENGLISH_BROWSER)
    vary = response.get("Vary", "")
    assert "Cookie" in vary
    assert "Accept-Language" not in vary


# --- E-mails ---------------------------------------------------------------------------


def test_an_english_browser_signs_up_in_french_and_gets_a_french_email(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            "/compte/signup/",
            {
                "first_name": "Léa",
                "last_name": "Dupont",
                "email": "lea@college.example",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
            **ENGLISH_BROWSER,
        )
    assert User.objects.get(email="lea@college.example").language == "fr"
    assert '<html lang="fr">' in mail.outbox[0].alternatives[0][0]
    assert mail.outbox[0].subject == "[Pix Orga] Confirmez votre adresse e-mail"


def test_a_reset_for_an_unknown_address_from_an_english_browser_is_in_french(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            "/compte/password/reset/", {"email": "personne@college.example"}, **ENGLISH_BROWSER
        )
    assert mail.outbox[0].subject == "[Pix Orga] Compte inconnu"


def test_a_reset_from_an_english_page_goes_to_a_french_speaker_in_french(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(language="fr")
    client = Client()
    client.cookies[LANGUAGE_COOKIE] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/compte/password/reset/", {"email": user.email})
    assert '<html lang="fr">' in mail.outbox[0].alternatives[0][0]
    assert mail.outbox[0].subject == "[Pix Orga] E-mail de réinitialisation de mot de passe"
