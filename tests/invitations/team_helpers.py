"""Helpers of the team tests: a clock for the limits, and the team's invitations sent
through the service with their e-mails leaving (eager Celery, commit callbacks run)."""

import datetime

from django.test import TestCase

from invitations import limits
from invitations.services import invitations_send_many, sending
from tests.accounts.conftest import Clock


def team_send(organization, actor, *emails, language="fr"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return invitations_send_many(
            organization=organization, actor=actor, emails=list(emails), language=language
        )


class _Timezone:
    """django.utils.timezone as the sending service sees it, on the test's clock."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def now(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.clock.now, tz=datetime.UTC)


def install_clock(monkeypatch) -> Clock:
    """One clock that moves only when told to, for the limits (time.time() in their
    module) and for the dates the sending service writes (`last_sent_at`)."""
    fake = Clock()
    monkeypatch.setattr(limits, "time", fake)
    monkeypatch.setattr(sending, "timezone", _Timezone(fake))
    return fake
