"""Helpers of the team page tests."""

from html import unescape

from django.test import TestCase

from organizations.models import Membership


def page_text(response) -> str:
    return unescape(response.content.decode())


def membership_of(user, organization) -> Membership:
    return Membership.objects.get(user=user, organization=organization, disabled_at__isnull=True)


def post_invite(client, text: str, step: str = "send"):
    """The invitation form as its buttons send it, the e-mails leaving on commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/equipe/inviter/", {"step": step, "emails": text})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]
