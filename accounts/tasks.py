"""The one way e-mails leave the application: a Celery task, enqueued on commit."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction


@shared_task(
    name="accounts.send_email",
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
    soft_time_limit=30,
    time_limit=45,
)
def send_email(
    to: list[str],
    subject: str,
    body: str,
    html_body: str | None = None,
    from_email: str | None = None,
) -> None:
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email or settings.DEFAULT_FROM_EMAIL, to=to
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()


def enqueue_email(*, to: list[str], subject: str, body: str, html_body: str | None = None) -> None:
    """Send an e-mail from the worker once the current transaction commits."""
    transaction.on_commit(
        lambda: send_email.delay(to=to, subject=subject, body=body, html_body=html_body)
    )
