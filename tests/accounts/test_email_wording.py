"""Account e-mails greet formally and are signed by the product, not by a host name
(allauth's default says "Bonjour, c'est …" and signs with the site's domain)."""

import pytest
from django.core import mail

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def reset_mail(client, django_capture_on_commit_callbacks, **user):
    account = UserFactory(**user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/compte/password/reset/", {"email": account.email})
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def test_password_reset_mail_in_french(client, django_capture_on_commit_callbacks):
    message = reset_mail(client, django_capture_on_commit_callbacks, language="fr")
    body = message.body.strip()
    assert body.startswith("Bonjour,\n")
    assert body.endswith("\nL'équipe Pix Orga")
    assert "Nous avons reçu une demande de réinitialisation du mot de passe" in body
    assert "http://testserver/compte/password/reset/key/" in body
    assert "votre mot de passe reste inchangé" in body
    assert "c'est Pix Orga" not in body
    html = message.alternatives[0][0]
    assert "L&#x27;équipe Pix Orga" in html or "L'équipe Pix Orga" in html


def test_password_reset_mail_in_english(client, django_capture_on_commit_callbacks):
    message = reset_mail(client, django_capture_on_commit_callbacks, language="en")
    body = message.body.strip()
    assert body.startswith("Hello,\n")
    assert body.endswith("\nThe Pix Orga team")
    assert "reset the password of your Pix Orga account" in body


def test_the_identifier_is_recalled_when_the_account_has_one(
    client, django_capture_on_commit_callbacks
):
    message = reset_mail(
        client, django_capture_on_commit_callbacks, language="fr", username="lea.martin"
    )
    assert "Votre identifiant est lea.martin." in message.body


def test_every_account_mail_is_signed_by_the_product(client, django_capture_on_commit_callbacks):
    # allauth's other mails share the same base: "unknown account" here.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/compte/password/reset/", {"email": "personne@college.example"})
    body = mail.outbox[0].body.strip()
    assert body.startswith("Bonjour,\n")
    assert body.endswith("\nL'équipe Pix Orga")
