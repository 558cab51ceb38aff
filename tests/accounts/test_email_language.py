"""Account e-mails are written in the recipient's saved language, including those that
allauth sends without a user in their context ("account already exists", "unknown
account"); an address that belongs to nobody gets the language of the page."""

import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from django.core import mail
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def html_of(message) -> str:
    return message.alternatives[0][0]


def test_password_reset_for_an_english_speaker_from_a_french_page_is_in_english(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/compte/password/reset/", {"email": user.email})
    assert mail.outbox[0].subject == "[Pix Orga] Password Reset Email"
    assert '<html lang="en">' in html_of(mail.outbox[0])


def test_password_reset_for_an_unknown_address_is_in_the_language_of_the_page(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/compte/password/reset/", {"email": "personne@college.example"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[Pix Orga] Compte inconnu"
    assert '<html lang="fr">' in html_of(mail.outbox[0])


def test_a_mail_without_a_user_in_its_context_goes_to_the_owner_in_their_language(
    rf, django_capture_on_commit_callbacks
):
    # allauth sends "account already exists" with no user in the context (when sign-up
    # hides which addresses are taken); the address, in any case, is the account's.
    UserFactory(email="camille@college.example", language="en")
    request = rf.post("/compte/signup/")
    with (
        translation.override("fr"),
        allauth_context.request_context(request),
        django_capture_on_commit_callbacks(execute=True),
    ):
        get_adapter(request).send_mail(
            "account/email/account_already_exists",
            "Camille@College.example",
            {"signup_url": "/compte/signup/", "password_reset_url": "/compte/password/reset/"},
        )
    assert len(mail.outbox) == 1
    assert '<html lang="en">' in html_of(mail.outbox[0])
    assert mail.outbox[0].subject == "[Pix Orga] Account Already Exists"
