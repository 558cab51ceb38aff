"""The one way e-mails leave the application: a Celery task, enqueued on commit.

Delivery is "at least once": a message may exceptionally be sent twice, when the SMTP
server accepted it but the answer to DATA was lost (a timeout, then a retry), or when the
worker died after sending but before acknowledging the task (`acks_late`: the broker hands
it out again). Sending twice is acceptable for these messages (a second identical reset
link or confirmation); losing one is not, as the person would be stuck waiting for it.
"""

import hashlib
import logging
import smtplib

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What the broker raises when it cannot be reached (kombu wraps most of them).
BROKER_ERRORS = (KombuError, RedisError, OSError)

# What `send_email` returns (a task that runs out of retries fails instead).
SENT, REFUSED = "sent", "refused"


def recipients_fingerprint(to: list[str]) -> str:
    """Addresses are personal data: logs carry a short hash, enough to match a complaint."""
    return ",".join(hashlib.sha256(a.strip().lower().encode()).hexdigest()[:12] for a in to)


def is_permanent_refusal(error: Exception) -> bool:
    """The server said no for good (5xx): retrying would only be refused again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # A greylisting server refuses with 4xx: that one is worth another try.
        return any(code >= 500 for code, _message in error.recipients.values())
    # SMTPSenderRefused, SMTPDataError, SMTPAuthenticationError… carry the server's code.
    return isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600


@shared_task(
    bind=True,
    name="accounts.send_email",
    max_retries=5,
    # Well above EMAIL_TIMEOUT (10 s per socket operation, a few operations per message):
    # a slow server fails with a timeout (an OSError, retried) before the soft limit.
    soft_time_limit=90,
    time_limit=120,
)
def send_email(
    self,
    to: list[str],
    subject: str,
    body: str,
    html_body: str | None = None,
    from_email: str | None = None,
) -> str:
    """Send one e-mail; returns SENT or REFUSED (a 5xx answer, not retried), so that a
    caller may record the outcome with a `link` callback (invitations do)."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email or settings.DEFAULT_FROM_EMAIL, to=to
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    try:
        message.send()
    except (OSError, SoftTimeLimitExceeded) as error:
        # smtplib's errors are OSErrors: refusals (5xx) are final, the rest (connection
        # refused or lost, timeouts, 4xx) is transient and retried with a growing delay:
        # about 30 s, 1, 2, 4 and 8 minutes (jittered), well within the broker's
        # visibility timeout.
        if is_permanent_refusal(error):
            logger.error(
                "E-mail refused by the SMTP server, not retried: %s (subject %r, to %s)",
                getattr(error, "smtp_code", None) or type(error).__name__,
                subject,
                recipients_fingerprint(to),
            )
            return REFUSED
        countdown = get_exponential_backoff_interval(
            factor=30, retries=self.request.retries, maximum=15 * 60, full_jitter=True
        )
        raise self.retry(exc=error, countdown=countdown) from error
    return SENT


def enqueue_email(*, to: list[str], subject: str, body: str, html_body: str | None = None) -> None:
    """Send an e-mail from the worker once the current transaction commits.

    If the broker is down, the e-mail is lost and logged, but the request that asked for
    it (a sign-up, whose row is already saved) still succeeds."""

    def send() -> None:
        try:
            send_email.delay(to=to, subject=subject, body=body, html_body=html_body)
        except BROKER_ERRORS:
            logger.exception(
                "E-mail not queued, the broker is unreachable (subject %r, to %s)",
                subject,
                recipients_fingerprint(to),
            )

    transaction.on_commit(send)


@shared_task(name="accounts.gar_purge", soft_time_limit=60, time_limit=90)
def gar_purge() -> tuple[int, int]:
    """Hourly (CELERY_BEAT_SCHEDULE): expired GAR requests and assertion ids."""
    from .gar.service import gar_expired_purge

    return gar_expired_purge()
