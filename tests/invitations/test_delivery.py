"""Whether an invitation's e-mail left, against real failures: a mail server that refuses
(for good, or until the retries run out), a broker (our own Redis, `tests.own_redis`) that
stops and comes back, and the maintenance task that sends again what never reached it."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from invitations.models import Invitation
from invitations.services import (
    invitation_record_delivery,
    invitation_send,
    invitations_forget_requesters,
    invitations_send_unqueued,
)
from invitations.tasks import invitations_maintenance
from pixorga.celery import app as celery_app
from tests.accounts.test_send_email import SMTPResponder, serve
from tests.factories import audit_rows
from tests.invitations.helpers import link_parameters, send
from tests.own_redis import RedisServer

pytestmark = pytest.mark.django_db

Delivery = Invitation.Delivery
# E-mails have their own queue (CELERY_TASK_ROUTES), a Redis list of that name.
EMAIL_QUEUE = settings.CELERY_TASK_ROUTES["accounts.send_email"]["queue"]


def later(minutes=3):
    return timezone.now() + timedelta(minutes=minutes)


# --- The mail server's answer -----------------------------------------------------------


@pytest.fixture
def smtp(settings):
    """A tiny SMTP server answering RCPT with the given reply; eager retries run at once
    and must not propagate (as in tests/accounts/test_send_email.py)."""
    previous = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    servers = []

    def start(rcpt_reply):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 0.5
        server = serve(SMTPResponder, rcpt_reply=rcpt_reply)
        settings.EMAIL_PORT = server.server_address[1]
        servers.append(server)
        return server

    yield start
    celery_app.conf.task_eager_propagates = previous
    for server in servers:
        server.shutdown()
        server.server_close()


def send_through_smtp(organization, on_commit):
    with on_commit():
        invitation = invitation_send(
            organization=organization, email="ce@ac-test.fr", role="ADMIN", language="fr"
        )
    invitation.refresh_from_db()
    return invitation


def test_an_e_mail_handed_to_the_mail_server_is_recorded_as_sent(organization):
    invitation, _ = send(organization)
    assert invitation.delivery == Delivery.SENT
    assert invitation.delivery_changed_at is not None


def test_a_refusal_for_good_is_recorded_on_the_invitation(smtp, organization, on_commit):
    server = smtp("550 5.1.1 No such mailbox")
    invitation = send_through_smtp(organization, on_commit)
    assert server.connections == 1
    assert invitation.delivery == Delivery.FAILED


def test_a_server_failing_until_the_retries_run_out_is_recorded(smtp, organization, on_commit):
    server = smtp("450 4.2.0 Try again later")
    invitation = send_through_smtp(organization, on_commit)
    assert server.connections > 1  # retried before giving up
    assert invitation.delivery == Delivery.FAILED


def test_the_outcome_of_an_older_e_mail_does_not_overwrite_a_newer_one(organization):
    invitation, _ = send(organization)
    send(organization)  # send_count 2, delivered
    assert not invitation_record_delivery(invitation_id=invitation.pk, send_count=1, sent=False)
    invitation.refresh_from_db()
    assert invitation.delivery == Delivery.SENT


# --- The broker stops and comes back ----------------------------------------------------


@pytest.fixture
def broker():
    server = RedisServer()
    server.start()
    keys = ("task_always_eager", "broker_url", "task_publish_retry_policy")
    previous = {key: celery_app.conf[key] for key in keys}

    def forget_connections():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    celery_app.conf.update(
        task_always_eager=False,
        broker_url=server.url,
        # Production's default retries, shortened: a refused connection fails at once.
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.1},
    )
    forget_connections()
    yield server
    server.stop()
    celery_app.conf.update(previous)
    forget_connections()


def test_an_invitation_saved_while_the_broker_is_down_is_sent_by_the_maintenance_task(
    broker, organization, on_commit
):
    def invite(email):
        with on_commit():
            invitation = invitation_send(
                organization=organization, email=email, role="ADMIN", language="fr"
            )
        invitation.refresh_from_db()
        return invitation

    queued = invite("up@ac-test.fr")
    assert queued.delivery == Delivery.QUEUED
    assert broker.client().llen(EMAIL_QUEUE) == 1

    broker.stop()
    lost = invite("down@ac-test.fr")  # no exception: the row is kept
    assert lost.delivery == Delivery.NOT_QUEUED
    # Still down: the maintenance task tries, keeps the row as it is, and does not fail.
    with on_commit():
        assert invitations_send_unqueued(now=later()) == 1
    lost.refresh_from_db()
    assert lost.delivery == Delivery.NOT_QUEUED

    broker.start()
    # Too recent to be taken for lost: an e-mail being published right now is left alone.
    assert invitations_send_unqueued() == 0
    with on_commit():
        assert invitations_send_unqueued(now=later(minutes=10)) == 1
    lost.refresh_from_db()
    assert lost.delivery == Delivery.QUEUED
    assert lost.send_count == 3  # each attempt made a new code
    assert broker.client().llen(EMAIL_QUEUE) == 1
    # The queued message is the e-mail to the invited address, with the new link.
    assert b"down@ac-test.fr" in broker.client().lindex(EMAIL_QUEUE, 0)
    assert mail.outbox == []


def test_an_e_mail_the_broker_forgot_in_a_restart_is_sent_again_an_hour_later(
    broker, organization, on_commit
):
    with on_commit():
        invitation = invitation_send(
            organization=organization, email="head@ac-test.fr", role="ADMIN", language="fr"
        )
    invitation.refresh_from_db()
    assert invitation.delivery == Delivery.QUEUED
    # Redis restarted without persistence: its queues, our e-mail with them, are gone.
    broker.stop()
    broker.start()
    assert broker.client().llen(EMAIL_QUEUE) == 0
    # Not yet taken for lost: send_email may still be retrying (about 16 minutes at most).
    assert invitations_send_unqueued(now=later(minutes=30)) == 0
    with on_commit():
        assert invitations_send_unqueued(now=later(minutes=61)) == 1
    invitation.refresh_from_db()
    assert (invitation.delivery, invitation.send_count) == (Delivery.QUEUED, 2)
    assert b"head@ac-test.fr" in broker.client().lindex(EMAIL_QUEUE, 0)
    row = audit_rows(action="invitation.sent")[-1]
    assert (row[1], row[2], row[6]["reason"]) == (None, "SYSTEM", "lost")
    # An e-mail whose outcome the worker recorded is never sent again.
    Invitation.objects.filter(pk=invitation.pk).update(delivery=Delivery.SENT)
    assert invitations_send_unqueued(now=later(minutes=200)) == 0


def test_the_maintenance_task_sends_a_lost_e_mail_with_a_link_that_works(
    client, organization, on_commit
):
    """Eager: the e-mail sent again arrives, and its (new) link accepts."""
    invitation, old_link = send(organization)
    Invitation.objects.filter(pk=invitation.pk).update(
        delivery=Delivery.NOT_QUEUED, last_sent_at=timezone.now() - timedelta(minutes=5)
    )
    with on_commit():
        invitations_maintenance()
    invitation.refresh_from_db()
    assert invitation.delivery == Delivery.SENT
    assert len(mail.outbox) == 2
    new_link = mail.outbox[-1].body
    assert link_parameters(old_link)["code"] not in new_link


def test_the_maintenance_task_leaves_finished_invitations_alone(organization):
    invitation, _ = send(organization)
    Invitation.objects.filter(pk=invitation.pk).update(
        status="CANCELLED", delivery=Delivery.NOT_QUEUED
    )
    assert invitations_send_unqueued(now=later()) == 0
    assert len(mail.outbox) == 1


def test_requesters_names_are_erased_after_thirty_days(organization):
    invitation, _ = send(organization, requester_first_name="Anne", requester_last_name="Roux")
    assert invitations_forget_requesters(now=timezone.now() + timedelta(days=29)) == 0
    assert invitations_forget_requesters(now=timezone.now() + timedelta(days=31)) == 1
    invitation.refresh_from_db()
    assert (invitation.requester_first_name, invitation.requester_last_name) == ("", "")


# --- Through a real worker ----------------------------------------------------------------


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_e_mail_and_records_the_outcome(
    celery_worker_thread, smtp, organization
):
    """The callbacks as a worker runs them: the e-mail handed to the mail server, then
    its answer recorded — sent (the test's mailbox), or refused for good (SMTP 550)."""

    def invite_and_wait(email):
        invitation = invitation_send(
            organization=organization, email=email, role="ADMIN", language="fr"
        )
        deadline = time.monotonic() + 30
        while True:
            invitation.refresh_from_db()
            if invitation.delivery in {Delivery.SENT, Delivery.FAILED}:
                return invitation
            assert time.monotonic() < deadline, f"still {invitation.delivery}"
            time.sleep(0.05)

    assert invite_and_wait("a@ac-test.fr").delivery == Delivery.SENT
    assert [message.to for message in mail.outbox] == [["a@ac-test.fr"]]
    refusing = smtp("550 5.1.1 No such mailbox")
    assert invite_and_wait("b@ac-test.fr").delivery == Delivery.FAILED
    assert refusing.connections == 1
    assert [name for name, _ in celery_worker_thread] == [
        "accounts.send_email",
        "invitations.record_delivery",
        "accounts.send_email",
        "invitations.record_delivery",
    ]
