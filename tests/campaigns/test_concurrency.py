"""The campaign rules that read then write hold when two people act at once: real
transactions on PostgreSQL, one connection per thread (as in
tests/organizations/test_membership_concurrency.py).

Each service locks the campaign's row, then reads. A rendezvous (a barrier) right after
that read makes the race certain: without the lock both threads would meet there having
read the same state; with it the second cannot read until the first has committed, and
the rendezvous times out (`broken`).
"""

import contextlib
import threading

import pytest
from django.db import connections

from campaigns.errors import CampaignAlreadyArchivedError
from campaigns.models import Campaign, Participation
from campaigns.services import campaign_archive, campaign_update, participation_start
from campaigns.services import campaigns as campaign_services
from organizations.models import AuditLog
from tests.factories import UserFactory, make_campaign, make_learner

pytestmark = pytest.mark.django_db(transaction=True)

PAUSE = 1.0


def race(*calls, after):
    """Run `calls` at once, each in its own thread and transaction; `after(barrier)`
    installs the rendezvous. Returns each outcome and whether the rendezvous broke."""
    barrier = threading.Barrier(len(calls))
    after(barrier)
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


def meet(barrier):
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait(timeout=PAUSE)


def test_two_people_archiving_at_once_archive_once(monkeypatch, organization, admin_user):
    campaign = make_campaign(organization)
    lock = campaign_services._lock

    def lock_then_meet(barrier):
        def patched(given):
            current = lock(given)
            meet(barrier)
            return current

        monkeypatch.setattr(campaign_services, "_lock", patched)

    outcomes, serialised = race(
        lambda: campaign_archive(actor=admin_user, campaign=campaign, on_behalf_of="ADMIN"),
        lambda: campaign_archive(actor=campaign.owner, campaign=campaign, on_behalf_of="MEMBER"),
        after=lock_then_meet,
    )
    assert serialised
    refused = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert [type(error) for error in refused] == [CampaignAlreadyArchivedError]
    assert AuditLog.objects.filter(action="campaign.archived").count() == 1


def test_a_student_joining_waits_for_a_change_of_multiple_sendings(monkeypatch, organization):
    """The owner checks that nobody has joined, then allows multiple sendings; a student
    joining meanwhile must come after the change, never between the check and it."""
    campaign = make_campaign(organization)
    learner = make_learner(organization, division="4A")
    learner.user = UserFactory(email=None, username="eleve.course")
    learner.save()
    has_participants = campaign_services._has_participants

    def check_then_meet(barrier):
        def patched(given):
            found = has_participants(given)
            meet(barrier)
            return found

        monkeypatch.setattr(campaign_services, "_has_participants", patched)

    def change():
        return campaign_update(
            actor=campaign.owner,
            campaign=campaign,
            on_behalf_of="MEMBER",
            name=campaign.name,
            title="",
            landing_text="",
            external_id_label="",
            external_id_type="",
            multiple_sendings=True,
            owner=campaign.owner,
        )

    def join():
        # Let the change take the lock first.
        threading.Event().wait(0.2)
        return participation_start(campaign=campaign, user=learner.user, learner=learner)

    outcomes, serialised = race(change, join, after=check_then_meet)
    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    assert serialised
    changed = AuditLog.objects.get(action="campaign.changed")
    participation = Participation.objects.get()
    assert participation.created_at > changed.created_at
    assert Campaign.objects.get().multiple_sendings is True
