"""The invitation e-mail: rendered in the invitation's language, sent by `send_email`.

`accounts.tasks.enqueue_email` is the usual way, but it cannot tell its caller whether
the broker took the message; an invitation must know (a "not sent yet" invitation is
shown so, and sent again by the maintenance task). So this module publishes the same
`send_email` task itself, on commit, with the same broker errors caught, and records:

    NOT_QUEUED  saved; the broker has not taken the e-mail (yet)
    QUEUED      the broker took it
    SENT        the worker handed it to the mail server      (`link` callback)
    FAILED      the server refused it (5xx), or the retries ran out (`link` / `link_error`)

Each callback carries the invitation's `send_count`: the outcome of an older e-mail never
overwrites that of a newer one.

The code travels in the e-mail only: it is in the message handed to the broker (as a
password-reset link is), and in no log line of ours; the callbacks get ids only.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tasks import BROKER_ERRORS, send_email

from .models import Invitation

logger = logging.getLogger(__name__)

Delivery = Invitation.Delivery


def invitation_link(invitation: Invitation, code: str) -> str:
    query = urlencode({"invitationId": invitation.pk, "code": code})
    return f"{settings.SITE_URL}{reverse('invitations:accept')}?{query}"


def render_invitation_email(invitation: Invitation, code: str) -> dict:
    """Subject, text and HTML of the e-mail, in the invitation's language."""
    context = {
        "invitation": invitation,
        "organization": invitation.organization,
        "link": invitation_link(invitation, code),
        "requester": " ".join(
            part
            for part in (invitation.requester_first_name, invitation.requester_last_name)
            if part
        ),
        "language": invitation.language,
    }
    with translation.override(invitation.language):
        subject = render_to_string("invitations/email/subject.txt", context)
        body = render_to_string("invitations/email/body.txt", context)
        html_body = render_to_string("invitations/email/body.html", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    return {"to": [invitation.email], "subject": subject, "body": body, "html_body": html_body}


def schedule_invitation_email(invitation: Invitation, code: str) -> None:
    """Render now (inside the transaction: a template error rolls the change back), hand
    to the broker once the transaction commits, and record whether it took it."""
    message = render_invitation_email(invitation, code)
    invitation_id, send_count = invitation.pk, invitation.send_count

    def publish() -> None:
        from .tasks import record_delivery, record_delivery_failure

        outcome = {"invitation_id": invitation_id, "send_count": send_count}
        try:
            send_email.apply_async(
                kwargs=message,
                link=record_delivery.s(**outcome),
                link_error=record_delivery_failure.si(**outcome),
            )
        except BROKER_ERRORS:
            # The row is kept as NOT_QUEUED: the maintenance task sends it again.
            logger.warning(
                "Invitation %s: e-mail not queued, the broker is unreachable; "
                "the maintenance task will send it again",
                invitation_id,
            )
            return
        # Conditional: the worker may already have recorded the outcome (eager mode, or a
        # fast worker), and a newer e-mail may have been asked for meanwhile.
        Invitation.objects.filter(
            pk=invitation_id, send_count=send_count, delivery=Delivery.NOT_QUEUED
        ).update(delivery=Delivery.QUEUED, delivery_changed_at=timezone.now())

    transaction.on_commit(publish)
