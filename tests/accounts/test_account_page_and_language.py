import re

import pytest
from django.conf import settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_account_page_requires_sign_in(client):
    response = client.get("/compte/profil/")
    assert response.status_code == 302
    assert response["Location"] == "/compte/login/?next=/compte/profil/"


def test_account_root_leads_to_the_account_page(client):
    client.force_login(UserFactory())
    assert client.get("/compte/")["Location"] == "/compte/profil/"


def test_account_page_shows_names_language_and_password_link(client):
    user = UserFactory(first_name="Camille", last_name="Martin")
    client.force_login(user)
    page = client.get("/compte/profil/").content.decode()
    assert 'value="Camille"' in page
    assert 'value="Martin"' in page
    assert user.email in page
    assert "/compte/password/change/" in page
    assert '<option value="en"' in page


def test_account_page_saves_names_and_language_and_switches_at_once(client):
    user = UserFactory(language="fr")
    client.force_login(user)
    response = client.post(
        "/compte/profil/", {"first_name": " Camille ", "last_name": "Martin", "language": "en"}
    )
    assert response.status_code == 302
    assert response.cookies[LANGUAGE_COOKIE].value == "en"
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.language) == ("Camille", "Martin", "en")
    page = client.get("/compte/profil/").content.decode()
    assert "Your account has been updated." in page


def test_account_page_refuses_an_unknown_language_and_empty_names(client):
    user = UserFactory(first_name="Camille", language="fr")
    client.force_login(user)
    response = client.post("/compte/profil/", {"first_name": "", "last_name": "", "language": "de"})
    assert response.status_code == 200
    assert 'aria-describedby="id_language_helptext id_language_error"' in response.content.decode()
    user.refresh_from_db()
    assert (user.first_name, user.language) == ("Camille", "fr")


def test_language_switch_for_an_anonymous_visitor_sets_the_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/mentions-legales/"})
    assert response["Location"] == "/mentions-legales/"
    assert response.cookies[LANGUAGE_COOKIE].value == "en"
    assert '<html lang="en"' in client.get("/mentions-legales/").content.decode()


def test_language_switch_while_signed_in_is_remembered_on_the_account(client):
    user = UserFactory(language="fr")
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_language_switch_ignores_an_unknown_language(client):
    user = UserFactory(language="fr")
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "fr"


def test_language_switch_is_a_post(client):
    assert client.get("/i18n/setlang/", {"language": "en"}).status_code == 405


def test_language_switch_needs_the_csrf_token():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 403


@pytest.mark.parametrize(
    "path", ["/compte/password/change/", "/compte/email/", "/compte/logout/", "/compte/profil/"]
)
def test_allauth_account_pages_render_in_our_layout(client, path):
    client.force_login(UserFactory())
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="fr-header"' in page
    assert 'class="fr-sidemenu"' in page


@pytest.mark.parametrize("path", ["/compte/password/reset/", "/compte/password/reset/done/"])
def test_allauth_entrance_pages_render_in_our_layout(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert 'class="fr-header"' in response.content.decode()


def test_password_change_form_ties_errors_to_fields(client):
    client.force_login(UserFactory())
    response = client.post("/compte/password/change/", {"oldpassword": "wrong"})
    page = response.content.decode()
    assert 'role="alert"' in page
    assert 'id="id_oldpassword_error"' in page
    assert re.search(r'aria-describedby="[^"]*id_oldpassword_error"', page)
    assert "fr-input-group--error" in page
