import pytest
from django.conf import settings
from django.core import mail

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


def sign_up(client, **overrides):
    data = {
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "camille.martin@ac-paris.fr",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post("/compte/signup/", data)


# --- Sign-up --------------------------------------------------------------------------


def test_sign_up_asks_names_email_and_password_in_that_order(client):
    page = client.get("/compte/signup/").content.decode()
    positions = [
        page.index(f'name="{name}"')
        for name in ("first_name", "last_name", "email", "password1", "password2")
    ]
    assert positions == sorted(positions)
    assert 'name="username"' not in page
    assert "placeholder=" not in page


def test_sign_up_creates_the_account_with_names_and_signs_in(client):
    response = sign_up(client)
    assert response.status_code == 302
    user = User.objects.get(email="camille.martin@ac-paris.fr")
    assert (user.first_name, user.last_name) == ("Camille", "Martin")
    assert user.username is None, "no identifier is invented for a teacher"
    assert user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_up_in_english_saves_english_as_preferred_language(client):
    client.cookies[LANGUAGE_COOKIE] = "en"
    sign_up(client)
    assert User.objects.get(email="camille.martin@ac-paris.fr").language == "en"


def test_sign_up_with_a_missing_name_tells_which_field_and_ties_the_error_to_it(client):
    response = sign_up(client, last_name="")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page
    assert 'aria-describedby="id_last_name_error"' in page
    assert 'id="id_last_name_error"' in page
    assert 'aria-invalid="true"' in page
    assert not User.objects.exists()


def test_sign_up_with_an_email_already_used_creates_no_second_account(client):
    UserFactory(email="camille.martin@ac-paris.fr")
    sign_up(client, email="Camille.Martin@ac-paris.fr")
    assert User.objects.filter(email__iexact="camille.martin@ac-paris.fr").count() == 1


# --- Sign-in --------------------------------------------------------------------------


def test_sign_in_by_email(client):
    user = UserFactory()
    response = client.post("/compte/login/", {"login": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_in_by_identifier(client):
    user = User.objects.create_user(username="lea.dupont1201", password=PASSWORD)
    response = client.post("/compte/login/", {"login": "Lea.Dupont1201", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_is_refused_with_an_announced_message(client):
    user = UserFactory()
    response = client.post("/compte/login/", {"login": user.email, "password": "nope"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "_auth_user_id" not in client.session


def test_preferred_language_is_applied_at_sign_in(client):
    user = UserFactory(language="en")
    response = client.post("/compte/login/", {"login": user.email, "password": PASSWORD})
    assert response.cookies[LANGUAGE_COOKIE].value == "en"
    page = client.get("/").content.decode()  # no organisation: how access works
    assert '<html lang="en"' in page
    assert "Your account is not linked to any organisation" in page


def test_french_preference_overrides_an_english_browser_at_sign_in(client):
    user = UserFactory(language="fr")
    client.cookies[LANGUAGE_COOKIE] = "en"
    response = client.post("/compte/login/", {"login": user.email, "password": PASSWORD})
    assert response.cookies[LANGUAGE_COOKIE].value == "fr"


def test_sign_in_next_leads_to_the_requested_page(client, member_user):
    response = client.post(
        "/compte/login/?next=/documentation/", {"login": member_user.email, "password": PASSWORD}
    )
    assert response["Location"] == "/documentation/"


def test_sign_out_is_a_post(client, member_user):
    client.force_login(member_user)
    client.post("/compte/logout/")
    assert "_auth_user_id" not in client.session


# --- E-mails --------------------------------------------------------------------------


def test_password_reset_email_goes_through_the_task_after_commit(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compte/password/reset/", {"email": user.email})
        assert mail.outbox == [], "sent by the task, once the transaction commits"
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject.startswith("[Pix Orga] ")
    assert "/compte/password/reset/key/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="http://testserver/compte/password/reset/key/' in html


def test_emails_are_written_in_the_recipients_language(client, django_capture_on_commit_callbacks):
    user = UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/compte/password/reset/", {"email": user.email})  # French pages
    assert mail.outbox[0].subject == "[Pix Orga] Password Reset Email"
    assert '<html lang="en">' in mail.outbox[0].alternatives[0][0]


def test_sign_up_sends_the_optional_confirmation_email(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    assert len(mail.outbox) == 1
    assert "/compte/confirm-email/" in mail.outbox[0].body
    assert "Pix Orga" in mail.outbox[0].body
