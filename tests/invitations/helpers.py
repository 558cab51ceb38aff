"""Helpers of the invitation tests: send through the services, read the link back from
the e-mail (the only place the code exists), accept through the page."""

import re
from urllib.parse import parse_qs, urlsplit

from django.core import mail
from django.test import TestCase

from invitations.models import Invitation
from invitations.services import invitation_send

LINK = re.compile(r"https?://[^\s\"<>]+/rejoindre/\?[^\s\"<>]+")


def link_in(message) -> str:
    found = LINK.findall(message.body)
    assert found, message.body
    return found[0]


def link_parameters(link: str) -> dict:
    query = parse_qs(urlsplit(link).query)
    return {"invitationId": query["invitationId"][0], "code": query["code"][0]}


def accept_path(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def send(organization, email=None, *, role=Invitation.Role.ADMIN, language="fr", **kwargs):
    """Send an invitation, commit callbacks run (the e-mail leaves, eager Celery), and
    return it with the link of its e-mail."""
    before = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        invitation = invitation_send(
            organization=organization,
            email=email or organization.official_email,
            role=role,
            language=language,
            **kwargs,
        )
    assert len(mail.outbox) == before + 1
    invitation.refresh_from_db()
    return invitation, link_in(mail.outbox[-1])


def accept(client, link: str):
    """POST the acceptance form as the page's button does."""
    return client.post("/rejoindre/", link_parameters(link))
