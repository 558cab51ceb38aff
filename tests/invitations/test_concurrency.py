"""Invitations when two requests come at once: real transactions on PostgreSQL, one
connection per thread.

- Two identical invitations at once: the second insert waits on the conditional unique
  index for the first transaction, fails once it commits, and reuses its row.
- Two automatic invitations accepted at once in an organisation without administrator:
  the role is read under the organisation's row lock, so one administrator, one member.
- One link accepted twice at once: checked again under the lock, it works once.

As in tests/organizations/test_membership_concurrency.py, a rendezvous (a barrier) after
the read makes the race certain: without the lock both threads would meet there.
"""

import contextlib
import threading
import time

import pytest
from django.core import mail
from django.db import connection, connections, transaction

from invitations.errors import InvitationAlreadyAcceptedError
from invitations.models import Invitation
from invitations.services import accepting, invitation_accept, invitation_send
from organizations.models import Membership
from tests.factories import UserFactory
from tests.invitations.helpers import link_in, link_parameters

pytestmark = pytest.mark.django_db(transaction=True)

PAUSE = 1.0


def run_at_once(*calls):
    """Run `calls` in threads, each with its own connection; return each outcome."""
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            outcomes[index] = call()
        except Exception as error:  # the outcome under test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    return threads, outcomes


def join(threads):
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a transaction never ended"


def waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.02)


def test_two_identical_invitations_at_once_make_one(organization):
    inserted, release = threading.Event(), threading.Event()

    def send():
        return invitation_send(
            organization=organization, email="prof@school.example", role="MEMBER", language="fr"
        )

    def first():
        # Holds its transaction open after the insert, until the second one waits.
        with transaction.atomic():
            invitation = send()
            inserted.set()
            release.wait(timeout=10)
        return invitation

    def second():
        inserted.wait(timeout=10)
        return send()

    threads, outcomes = run_at_once(first, second)
    wait_until(inserted.is_set)
    # The second insert is blocked on the unique index by the open first transaction.
    wait_until(lambda: waiting_on_a_lock() >= 1)
    release.set()
    join(threads)

    assert all(isinstance(outcome, Invitation) for outcome in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk
    invitation = Invitation.objects.get()
    assert invitation.send_count == 2
    # Both e-mails left; only the newer link is current.
    assert len(mail.outbox) == 2
    assert invitation.replaced_code_hashes == [outcomes[0].code_hash]


def race_past(monkeypatch, module, name, *calls):
    """Run `calls` at once; each meets the others at a rendezvous right after calling
    `module.name`. Returns the outcomes and whether the rendezvous timed out (the calls
    were serialised before reaching it)."""
    barrier = threading.Barrier(len(calls))
    original = getattr(module, name)

    def then_meet(*args, **kwargs):
        value = original(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=PAUSE)
        return value

    monkeypatch.setattr(module, name, then_meet)
    threads, outcomes = run_at_once(*calls)
    join(threads)
    return outcomes, barrier.broken


def links(organization, *emails, role):
    found = []
    for email in emails:
        invitation_send(organization=organization, email=email, role=role, language="fr")
        found.append(link_parameters(link_in(mail.outbox[-1])))
    return found


def test_two_automatic_invitations_accepted_at_once_make_one_administrator(
    monkeypatch, organization
):
    first_link, second_link = links(
        organization, "a@school.example", "b@school.example", role="AUTO"
    )
    first_user, second_user = UserFactory(), UserFactory()
    outcomes, serialised = race_past(
        monkeypatch,
        accepting,
        "active_admin_ids",
        lambda: invitation_accept(
            invitation_id=first_link["invitationId"], code=first_link["code"], user=first_user
        ),
        lambda: invitation_accept(
            invitation_id=second_link["invitationId"], code=second_link["code"], user=second_user
        ),
    )
    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    assert serialised
    roles = sorted(
        Membership.objects.filter(organization=organization).values_list("role", flat=True)
    )
    assert roles == ["ADMIN", "MEMBER"]


def test_one_link_accepted_twice_at_once_works_once(monkeypatch, organization):
    (link,) = links(organization, "a@school.example", role="ADMIN")
    first_user, second_user = UserFactory(), UserFactory()
    outcomes, serialised = race_past(
        monkeypatch,
        accepting,
        "invitation_get_by_link",  # the check before the lock: both pass it
        *(
            lambda user=user: invitation_accept(
                invitation_id=link["invitationId"], code=link["code"], user=user
            )
            for user in (first_user, second_user)
        ),
    )
    refused = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert not serialised  # both passed the first check before either committed
    assert [type(error) for error in refused] == [InvitationAlreadyAcceptedError]
    assert Membership.objects.filter(organization=organization).count() == 1
