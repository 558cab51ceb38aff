"""The last-administrator rule holds when two people act at once: real transactions on
PostgreSQL, one connection per thread.

Each service reads the active administrators, then writes. To make the race certain
rather than lucky, that read is followed by a rendezvous (a barrier) where each thread
waits up to PAUSE seconds for the other. Without the organisation's row lock both
threads would meet there, each having counted two administrators, and both would
succeed. With the lock the second thread cannot even read until the first has
committed: the rendezvous times out (`broken`), and the second reads the truth.
"""

import contextlib
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connections

from organizations.models import AuditLog, Membership
from organizations.services import (
    LastAdministratorError,
    membership_change_role,
    membership_leave,
    user_delete,
)
from organizations.services import memberships as membership_services
from organizations.services import users as user_services
from tests.factories import make_member, make_staff

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN, MEMBER = Membership.Role.ADMIN, Membership.Role.MEMBER
PAUSE = 1.0


@pytest.fixture
def two_admins(organization):
    first = make_member(organization, role=ADMIN)
    second = make_member(organization, role=ADMIN)
    make_member(organization)  # a member, who never counts as an administrator
    return first, second


def membership_of(user, organization) -> Membership:
    return Membership.objects.get(user=user, organization=organization, disabled_at__isnull=True)


def active_admins(organization) -> set[int]:
    return set(
        Membership.objects.filter(
            organization=organization, role=ADMIN, disabled_at__isnull=True
        ).values_list("user_id", flat=True)
    )


def race(monkeypatch, *calls):
    """Run `calls` at once, each in its own thread and transaction; return each outcome
    (the value or the exception) and whether the rendezvous after the read timed out."""
    barrier = threading.Barrier(len(calls))
    read = membership_services.active_admin_ids

    def read_then_meet(organization_id):
        admins = read(organization_id)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=PAUSE)
        return admins

    monkeypatch.setattr(membership_services, "active_admin_ids", read_then_meet)
    monkeypatch.setattr(user_services, "active_admin_ids", read_then_meet)
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
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a transaction never ended"
    return outcomes, barrier.broken


def split(outcomes):
    refused = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    return len(outcomes) - len(refused), refused


def test_two_admins_demoting_each_other_at_once_leave_one_admin(
    monkeypatch, organization, two_admins
):
    first, second = two_admins
    outcomes, serialised = race(
        monkeypatch,
        lambda: membership_change_role(
            actor=first, membership=membership_of(second, organization), role=MEMBER
        ),
        lambda: membership_change_role(
            actor=second, membership=membership_of(first, organization), role=MEMBER
        ),
    )
    succeeded, refused = split(outcomes)
    assert succeeded == 1
    assert serialised
    # The loser is no longer an administrator when its turn comes.
    assert [type(error) for error in refused] == [PermissionDenied]
    assert len(active_admins(organization)) == 1
    assert AuditLog.objects.filter(action="membership.role_changed").count() == 1


def test_staff_demoting_the_two_admins_at_once_keep_one(monkeypatch, organization, two_admins):
    first, second = two_admins
    staff, other_staff = make_staff(), make_staff()
    outcomes, serialised = race(
        monkeypatch,
        *(
            lambda actor=actor, admin=admin: membership_change_role(
                actor=actor,
                membership=membership_of(admin, organization),
                role=MEMBER,
                on_behalf_of="STAFF",
            )
            for actor, admin in ((staff, first), (other_staff, second))
        ),
    )
    succeeded, refused = split(outcomes)
    assert succeeded == 1
    assert serialised
    assert [error.code for error in refused] == ["LAST_ADMINISTRATOR"]
    assert len(active_admins(organization)) == 1


def test_two_admins_leaving_at_once_leave_one_admin(monkeypatch, organization, two_admins):
    outcomes, serialised = race(
        monkeypatch,
        *(
            lambda admin=admin: membership_leave(
                user=admin, membership=membership_of(admin, organization)
            )
            for admin in two_admins
        ),
    )
    succeeded, refused = split(outcomes)
    assert succeeded == 1
    assert serialised
    assert [type(error) for error in refused] == [LastAdministratorError]
    assert len(active_admins(organization)) == 1
    assert AuditLog.objects.filter(action="membership.left").count() == 1


def test_deleting_an_admin_s_account_while_the_other_admin_leaves_keeps_one(
    monkeypatch, organization, two_admins
):
    first, second = two_admins
    staff = make_staff()
    outcomes, serialised = race(
        monkeypatch,
        lambda: user_delete(actor=staff, user=first),
        lambda: membership_leave(user=second, membership=membership_of(second, organization)),
    )
    succeeded, refused = split(outcomes)
    assert succeeded == 1
    assert serialised
    assert [type(error) for error in refused] == [LastAdministratorError]
    assert len(active_admins(organization)) == 1
