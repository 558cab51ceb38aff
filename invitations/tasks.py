"""Celery tasks of invitations: thin interfaces that receive ids and call a service.

Services are imported inside the bodies: the services import `emails`, which imports
these tasks when it publishes (no import cycle).
"""

from celery import shared_task


@shared_task(name="invitations.record_delivery", soft_time_limit=20, time_limit=30)
def record_delivery(outcome: str | None, *, invitation_id: int, send_count: int) -> None:
    """`send_email`'s success callback: it returns "sent", or "refused" for a 5xx."""
    from accounts.tasks import REFUSED

    from .services import invitation_record_delivery

    invitation_record_delivery(
        invitation_id=invitation_id, send_count=send_count, sent=outcome != REFUSED
    )


@shared_task(name="invitations.record_delivery_failure", soft_time_limit=20, time_limit=30)
def record_delivery_failure(*, invitation_id: int, send_count: int) -> None:
    """`send_email`'s error callback: its retries ran out (the server kept failing)."""
    from .services import invitation_record_delivery

    invitation_record_delivery(invitation_id=invitation_id, send_count=send_count, sent=False)


@shared_task(name="invitations.maintenance", soft_time_limit=50, time_limit=60)
def invitations_maintenance() -> None:
    """Every few minutes (CELERY_BEAT_SCHEDULE): send again the e-mails that never reached
    the broker; erase the requesters' names kept past their time."""
    from .services import invitations_forget_requesters, invitations_send_unqueued

    invitations_send_unqueued()
    invitations_forget_requesters()
