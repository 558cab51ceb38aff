"""The team page's limits, with a clock that moves only when told to: at most 200 e-mails
per organisation in any hour (new and resent alike, all or nothing), a resend at most once
a minute per invitation, and a cache that is down refusing (fail closed) without a 500."""

import pytest
from django.core import mail
from django.test import TestCase, override_settings

from invitations import limits
from invitations.models import Invitation
from invitations.services import invitation_resend_by_admin
from tests.invitations.helpers import send
from tests.invitations.team_helpers import install_clock, team_send

pytestmark = pytest.mark.django_db

LIMIT = limits.TEAM_INVITATIONS_PER_HOUR
# Nothing listens there (a port of the range kept for the team's tests).
DEAD_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6428/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


def already_sent(organization, count):
    """E-mails the organisation sent earlier in the hour (counted as the service does)."""
    limits.team_invitations_consume(organization_id=organization.pk, count=count)


def resend(invitation, actor):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return invitation_resend_by_admin(invitation=invitation, actor=actor)


def addresses(count, prefix="prof"):
    return [f"{prefix}{n}@ac-test.fr" for n in range(count)]


@pytest.fixture
def clock(monkeypatch):
    fake = install_clock(monkeypatch)
    # At the start of a 10-minute bucket, so that the minutes below are exact.
    fake.now = int(fake.now // limits.TEAM_BUCKET_SECONDS) * limits.TEAM_BUCKET_SECONDS
    return fake


def test_the_two_hundredth_invitation_of_the_hour_goes_and_the_next_one_does_not(
    organization, admin_user, clock
):
    assert LIMIT == 200
    already_sent(organization, 150)
    assert len(team_send(organization, admin_user, *addresses(50)).new) == 50
    with pytest.raises(limits.TeamInvitationsLimitError) as refused:
        team_send(organization, admin_user, "one.more@ac-test.fr")
    assert refused.value.code == "TEAM_INVITATIONS_LIMIT"
    assert refused.value.meta == {"limit": 200, "remaining": 0}
    assert not Invitation.objects.filter(email="one.more@ac-test.fr").exists()
    assert len(mail.outbox) == 50


def test_a_batch_that_does_not_fit_is_refused_whole_and_says_how_many_would(
    organization, admin_user, clock
):
    already_sent(organization, 180)
    with pytest.raises(limits.TeamInvitationsLimitError) as refused:
        team_send(organization, admin_user, *addresses(30))
    assert refused.value.meta["remaining"] == 20
    assert "20" in refused.value.message
    assert Invitation.objects.count() == 0
    assert mail.outbox == []
    # The refused batch was not counted: twenty still fit.
    assert len(team_send(organization, admin_user, *addresses(20)).new) == 20


def test_already_members_and_recent_invitations_are_not_counted(
    organization, admin_user, member_user, clock
):
    already_sent(organization, LIMIT - 1)
    send(organization, "recent@ac-test.fr")  # the back office: not the team's quota
    result = team_send(
        organization, admin_user, member_user.email, "recent@ac-test.fr", "new@ac-test.fr"
    )
    assert result.new == ["new@ac-test.fr"]


def test_each_organisation_has_its_own_quota(
    organization, other_organization, admin_user, outsider_user, clock
):
    already_sent(organization, LIMIT)
    with pytest.raises(limits.TeamInvitationsLimitError):
        team_send(organization, admin_user, "paul@ac-test.fr")
    assert team_send(other_organization, outsider_user, "paul@ac-test.fr").new


def test_the_quota_comes_back_after_an_hour_and_at_most_seventy_minutes(
    organization, admin_user, clock
):
    already_sent(organization, LIMIT)
    clock.advance(minutes=59)
    with pytest.raises(limits.TeamInvitationsLimitError):
        team_send(organization, admin_user, "paul@ac-test.fr")
    clock.advance(minutes=11)
    assert team_send(organization, admin_user, *addresses(50)).new


def test_no_sixty_minutes_ever_see_more_than_the_limit(organization, admin_user, clock):
    # A fixed hourly window would let 200 more through at the turn of the hour.
    clock.advance(minutes=59)
    already_sent(organization, LIMIT)
    clock.advance(minutes=2)
    with pytest.raises(limits.TeamInvitationsLimitError):
        team_send(organization, admin_user, "paul@ac-test.fr")


# --- Resending ----------------------------------------------------------------------------


def test_an_invitation_is_resent_at_most_once_a_minute(organization, admin_user, monkeypatch):
    clock = install_clock(monkeypatch)
    team_send(organization, admin_user, "paul@ac-test.fr")
    invitation = Invitation.objects.get()
    clock.advance(seconds=59)
    with pytest.raises(limits.InvitationResendTooSoonError) as refused:
        resend(invitation, admin_user)
    assert refused.value.code == "INVITATION_RESEND_TOO_SOON"
    assert 0 < refused.value.meta["seconds"] <= 2
    assert Invitation.objects.get().send_count == 1
    clock.advance(seconds=2)
    resend(invitation, admin_user)
    assert Invitation.objects.get().send_count == 2
    assert len(mail.outbox) == 2
    # And the minute starts again from that sending.
    clock.advance(seconds=30)
    with pytest.raises(limits.InvitationResendTooSoonError):
        resend(invitation, admin_user)


def test_a_resend_counts_in_the_hourly_quota_and_a_refused_one_does_not(
    organization, admin_user, monkeypatch
):
    clock = install_clock(monkeypatch)
    team_send(organization, admin_user, "paul@ac-test.fr", "lea@ac-test.fr")
    paul, lea = Invitation.objects.order_by("id")
    with pytest.raises(limits.InvitationResendTooSoonError):
        resend(paul, admin_user)
    already_sent(organization, LIMIT - 3)  # 2 sent + 197 = 199: one left
    clock.advance(minutes=2)
    resend(paul, admin_user)
    with pytest.raises(limits.TeamInvitationsLimitError):
        resend(lea, admin_user)
    assert Invitation.objects.get(pk=lea.pk).send_count == 1


# --- The cache down: fail closed ----------------------------------------------------------


def test_with_the_cache_down_nothing_is_sent_and_the_reason_is_given(
    organization, admin_user, caplog, monkeypatch
):
    from accounts import limits as account_limits

    # The warning is logged at most once a minute per process: start afresh.
    monkeypatch.setattr(account_limits, "_last_warnings", {})
    with (
        override_settings(CACHES=DEAD_CACHE),
        pytest.raises(limits.InvitationLimitUnavailableError) as refused,
    ):
        team_send(organization, admin_user, "paul@ac-test.fr")
    assert refused.value.status == 503
    assert Invitation.objects.count() == 0
    assert mail.outbox == []
    assert "team invitations refused (their limit fails closed)" in caplog.text


def test_with_the_cache_down_a_resend_is_refused_too(organization, admin_user, monkeypatch):
    clock = install_clock(monkeypatch)
    team_send(organization, admin_user, "paul@ac-test.fr")
    invitation = Invitation.objects.get()
    clock.advance(minutes=2)
    with (
        override_settings(CACHES=DEAD_CACHE),
        pytest.raises(limits.InvitationLimitUnavailableError),
    ):
        resend(invitation, admin_user)
    assert Invitation.objects.get().send_count == 1


def test_requests_at_once_never_count_more_than_the_limit_together():
    # Twelve batches of 30 at once on the shared cache (Redis in the tests, INCRBY): at most
    # six fit, and the refused ones take their count back.
    import threading

    from django.core.cache import cache

    organization_id = 987654  # the cache alone: no row needed
    barrier = threading.Barrier(12)
    outcomes = []

    def batch():
        barrier.wait()
        try:
            limits.team_invitations_consume(organization_id=organization_id, count=30)
            outcomes.append("sent")
        except limits.TeamInvitationsLimitError:
            outcomes.append("refused")

    threads = [threading.Thread(target=batch) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(outcomes) == 12
    sent = outcomes.count("sent")
    assert 1 <= sent <= LIMIT // 30
    bucket = int(limits.time.time() // limits.TEAM_BUCKET_SECONDS)
    assert cache.get(limits._team_key(organization_id, bucket)) == sent * 30
