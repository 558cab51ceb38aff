"""Writes on invitations: send (create or reuse), send again, cancel, delivery outcomes,
and the maintenance task's work.

One pending invitation per (organisation, e-mail): inviting an address that already has
one reuses it (a conditional unique constraint makes it certain even when two requests
come at once). Every sending makes a new code; the replaced hashes are kept so that an
old link says a newer e-mail was sent.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from organizations.audit import Action, OnBehalfOf, audit_record
from organizations.models import Organization

from ..codes import hash_code, new_code
from ..emails import schedule_invitation_email
from ..errors import InvitationNotPendingError, OrganizationClosedError
from ..models import Invitation

logger = logging.getLogger(__name__)

Role, Status, Delivery = Invitation.Role, Invitation.Status, Invitation.Delivery

# Reusing a pending invitation never lowers what it offers.
ROLE_RANK = {Role.MEMBER: 0, Role.AUTO: 1, Role.ADMIN: 2}
# Enough old links to recognise for an invitation sent again and again.
REPLACED_CODES_KEPT = 20
# An e-mail still NOT_QUEUED this long after it was asked for missed the broker (the
# publish on commit normally takes milliseconds).
UNQUEUED_AFTER = timedelta(minutes=2)
# An e-mail handed to the broker with no outcome after this long was lost (see
# invitations_send_unqueued); send_email's retries take about 16 minutes at the most.
LOST_AFTER = timedelta(hours=1)
# How long a self-activation requester's names stay on a pending invitation.
REQUESTER_KEPT_DAYS = 30


def normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    validate_email(email)
    return email


@transaction.atomic
def invitation_send(
    *,
    organization: Organization,
    email: str,
    role: str,
    language: str,
    sent_by: User | None = None,
    on_behalf_of: str | None = None,
    requester_first_name: str = "",
    requester_last_name: str = "",
    source: str = "",
) -> Invitation:
    """Invite `email` to `organization`, or send its pending invitation again.

    Reused, the pending invitation keeps the higher of its role and `role`, takes the
    new language, sender and requester, and gets a new code (the old link then says a
    newer e-mail was sent). The e-mail leaves after commit. Refusals: ValidationError
    (not an e-mail address), OrganizationClosedError (archived). Acceptance re-checks
    the archive under the organisation's lock, so an invitation sent while the space
    was being closed cannot be used.
    """
    if role not in ROLE_RANK:
        raise ValueError(f"Unknown role {role!r}")
    email = normalize_email(email)
    if organization.is_archived:
        raise OrganizationClosedError(meta={"organization_id": organization.pk})
    invitation, reused = _create_or_lock_pending(organization, email, role, language)
    if reused:
        if ROLE_RANK[role] > ROLE_RANK[invitation.role]:
            invitation.role = role
        invitation.language = language
    invitation.sent_by = sent_by
    invitation.requester_first_name = requester_first_name.strip()
    invitation.requester_last_name = requester_last_name.strip()
    _send(
        invitation,
        actor=sent_by,
        on_behalf_of=on_behalf_of,
        details={"reused": reused, **({"source": source} if source else {})},
    )
    return invitation


@transaction.atomic
def invitation_resend(
    *, invitation: Invitation, actor: User | None, on_behalf_of: str | None = None
) -> Invitation:
    """Send a pending invitation's e-mail again, with a new code (InvitationNotPendingError
    once accepted or cancelled; OrganizationClosedError once archived)."""
    current = _lock_pending(invitation)
    if current.organization.is_archived:
        raise OrganizationClosedError(meta={"organization_id": current.organization_id})
    if actor is not None:
        current.sent_by = actor
    _send(current, actor=actor, on_behalf_of=on_behalf_of, details={"reused": True})
    return current


@transaction.atomic
def invitation_cancel(
    *, invitation: Invitation, actor: User | None, on_behalf_of: str | None = None
) -> Invitation:
    """Cancel a pending invitation: its link then says so (InvitationNotPendingError
    once accepted or cancelled)."""
    current = _lock_pending(invitation)
    current.status = Status.CANCELLED
    current.cancelled_at = timezone.now()
    current.requester_first_name = current.requester_last_name = ""
    current.save(
        update_fields=["status", "cancelled_at", "requester_first_name", "requester_last_name"]
    )
    audit_record(
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=Action.INVITATION_CANCELLED,
        target=current,
        details={"invitation_id": current.pk},
    )
    invitation.status, invitation.cancelled_at = current.status, current.cancelled_at
    return current


@transaction.atomic
def invitations_cancel_pending(
    *,
    organization: Organization,
    actor: User | None,
    reason: str,
    on_behalf_of: str | None = None,
    email: str | None = None,
) -> int:
    """Cancel every pending invitation of the organisation (only those sent to `email`
    when given) in one UPDATE (archiving calls it); returns how many. One audit row with
    the count and `reason` (a short code, such as "ORGANIZATION_ARCHIVED"), on behalf of
    STAFF when there is an actor (the back office), SYSTEM otherwise, unless
    `on_behalf_of` says."""
    if on_behalf_of is None and actor is not None:
        on_behalf_of = OnBehalfOf.STAFF
    pending = Invitation.objects.filter(organization=organization, status=Status.PENDING)
    if email is not None:
        pending = pending.filter(email=email.strip().lower())
    count = pending.update(
        status=Status.CANCELLED,
        cancelled_at=timezone.now(),
        requester_first_name="",
        requester_last_name="",
    )
    if count:
        audit_record(
            actor=actor,
            on_behalf_of=on_behalf_of,
            action=Action.INVITATIONS_PENDING_CANCELLED,
            target=organization,
            details={"count": count, "reason": reason},
        )
    return count


def invitations_cancel_archived(
    *, organization: Organization, actor: User | None, on_behalf_of: str | None
) -> int:
    """The archive step (`organizations.services.organizations.ARCHIVE_STEPS`)."""
    return invitations_cancel_pending(
        organization=organization,
        actor=actor,
        reason="ORGANIZATION_ARCHIVED",
        on_behalf_of=on_behalf_of,
    )


def invitations_cancel_sent_to_old_address(
    *, organization: Organization, old_email: str, actor: User | None, on_behalf_of: str | None
) -> int:
    """The official-address step (`OFFICIAL_EMAIL_CHANGED_STEPS`): the pending invitations
    sent to the school's former official address are cancelled in one UPDATE — that mailbox
    may belong to someone else now, and the link in it would still make its reader an
    administrator. Staff send a new invitation to the new address."""
    return invitations_cancel_pending(
        organization=organization,
        actor=actor,
        reason="OFFICIAL_EMAIL_CHANGED",
        on_behalf_of=on_behalf_of,
        email=old_email,
    )


def invitation_record_delivery(*, invitation_id: int, send_count: int, sent: bool) -> bool:
    """The worker's word on one e-mail (see `invitations.emails`); ignored when a newer
    e-mail was asked for since. Not audited: no person's decision, nothing changes but
    the delivery state. Returns whether it was recorded."""
    delivery = Delivery.SENT if sent else Delivery.FAILED
    if not sent:
        logger.warning("Invitation %s: e-mail refused by the mail server", invitation_id)
    return bool(
        Invitation.objects.filter(pk=invitation_id, send_count=send_count).update(
            delivery=delivery, delivery_changed_at=timezone.now()
        )
    )


def invitations_send_unqueued(*, now=None) -> int:
    """The maintenance task: send again the pending e-mails that never reached the broker
    (the broker was down on commit: NOT_QUEUED for UNQUEUED_AFTER), and those the broker
    took but lost (QUEUED with no word from the worker for LOST_AFTER: a Redis restarted
    without persistence forgets its queues, and a worker killed mid-task may never
    answer; `send_email`'s retries end well within that time, with SENT or FAILED). Each
    gets a new code (a lost e-mail's link, should it ever arrive, says "a newer e-mail was
    sent"); one transaction per invitation. Returns how many were sent."""
    now = now or timezone.now()
    due = Q(delivery=Delivery.NOT_QUEUED, last_sent_at__lt=now - UNQUEUED_AFTER) | Q(
        delivery=Delivery.QUEUED, delivery_changed_at__lt=now - LOST_AFTER
    )
    ids = list(
        Invitation.objects.filter(due, status=Status.PENDING)
        .order_by("last_sent_at")
        .values_list("pk", flat=True)[:500]
    )
    sent = 0
    for invitation_id in ids:
        with transaction.atomic():
            current = (
                Invitation.objects.select_for_update(of=("self",))
                .select_related("organization")
                .filter(due, pk=invitation_id, status=Status.PENDING)
                .first()
            )
            # Sent again or finished meanwhile; an archived space's link cannot be used.
            if current is None or current.organization.is_archived:
                continue
            reason = "not_queued" if current.delivery == Delivery.NOT_QUEUED else "lost"
            _send(current, actor=None, on_behalf_of=None, details={"reason": reason})
            sent += 1
    return sent


def invitations_forget_requesters(*, now=None) -> int:
    """Erase the requesters' names from invitations asked for more than
    REQUESTER_KEPT_DAYS ago (what the self-activation page's notice promises)."""
    now = now or timezone.now()
    return (
        Invitation.objects.filter(last_sent_at__lt=now - timedelta(days=REQUESTER_KEPT_DAYS))
        .exclude(requester_first_name="", requester_last_name="")
        .update(requester_first_name="", requester_last_name="")
    )


# --- Helpers ----------------------------------------------------------------------------


def _create_or_lock_pending(organization, email, role, language) -> tuple[Invitation, bool]:
    """The pending invitation for (organisation, e-mail), locked, and whether it existed.

    Two requests at once: both find none and insert; the second insert waits for the
    first transaction on the unique index, fails once it commits, and the second request
    then reads and reuses the committed invitation.
    """
    pending = Invitation.objects.select_for_update(of=("self",)).select_related("organization")
    existing = pending.filter(organization=organization, email=email, status=Status.PENDING)
    found = existing.first()
    if found is not None:
        return found, True
    try:
        with transaction.atomic():
            created = Invitation.objects.create(
                organization=organization, email=email, role=role, language=language
            )
    except IntegrityError:
        found = existing.first()
        if found is None:
            raise
        return found, True
    return created, False


def _lock_pending(invitation: Invitation) -> Invitation:
    current = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=invitation.pk)
    )
    if current.status != Status.PENDING:
        raise InvitationNotPendingError(meta={"invitation_id": current.pk})
    return current


def _send(
    invitation: Invitation, *, actor: User | None, on_behalf_of: str | None, details: dict
) -> None:
    """A new code, the e-mail scheduled after commit, the change recorded."""
    code = new_code()
    if invitation.code_hash:
        invitation.replaced_code_hashes = [
            invitation.code_hash,
            *invitation.replaced_code_hashes,
        ][:REPLACED_CODES_KEPT]
    invitation.code_hash = hash_code(code)
    invitation.send_count += 1
    invitation.last_sent_at = invitation.delivery_changed_at = timezone.now()
    invitation.delivery = Delivery.NOT_QUEUED
    invitation.save()
    schedule_invitation_email(invitation, code)
    audit_record(
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=Action.INVITATION_SENT,
        target=invitation,
        details={
            "invitation_id": invitation.pk,
            "role": invitation.role,
            "send_count": invitation.send_count,
            **details,
        },
    )
