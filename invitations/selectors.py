"""Reads on invitations: what a link leads to, and the lists of the back office."""

from __future__ import annotations

from django.db.models import F, QuerySet

from .codes import MAX_CODE_LENGTH, code_matches, hash_code
from .errors import (
    InvitationAlreadyAcceptedError,
    InvitationCancelledError,
    InvitationLinkInvalidError,
    InvitationOrganizationArchivedError,
    InvitationReplacedError,
)
from .models import Invitation


def invitation_get_by_link(*, invitation_id, code) -> Invitation:
    """The pending invitation of an open organisation that the link (id and code) names,
    with its organisation; else the link's refusal (see `invitation_check_link`)."""
    try:
        pk = int(invitation_id)
    except (TypeError, ValueError):
        pk = None
    invitation = None
    if pk is not None and 0 < pk < 2**63:
        invitation = Invitation.objects.select_related("organization").filter(pk=pk).first()
    return invitation_check_link(invitation, code)


def invitation_check_link(invitation: Invitation | None, code) -> Invitation:
    """The code first: no invitation or a code it never had → the one generic refusal,
    whatever the invitation's state. Then, in this order: accepted, cancelled,
    organisation archived, replaced (an older code of a pending invitation)."""
    code = code if isinstance(code, str) else ""
    # Hashed even for an unknown id, so that both cases cost the same.
    digest = hash_code(code[:MAX_CODE_LENGTH])
    if invitation is None or not code or len(code) > MAX_CODE_LENGTH:
        raise InvitationLinkInvalidError
    current = code_matches(invitation.code_hash, digest)
    # Every old hash is compared (no early exit), in constant time each.
    replaced = [code_matches(old, digest) for old in invitation.replaced_code_hashes]
    if not (current or any(replaced)):
        raise InvitationLinkInvalidError
    if invitation.status == Invitation.Status.ACCEPTED:
        raise InvitationAlreadyAcceptedError(invitation)
    if invitation.status == Invitation.Status.CANCELLED:
        raise InvitationCancelledError(invitation)
    if invitation.organization.is_archived:
        raise InvitationOrganizationArchivedError(invitation)
    if not current:
        raise InvitationReplacedError(invitation)
    return invitation


def invitation_list_for_organization(*, organization_id: int) -> QuerySet[Invitation]:
    """An organisation's invitations, newest first, with who sent and accepted them."""
    return (
        Invitation.objects.filter(organization_id=organization_id)
        .select_related("sent_by", "accepted_by")
        .order_by("-created_at", "-id")
    )


def invitation_list_pending(*, organization_id: int) -> QuerySet[Invitation]:
    """An organisation's pending invitations, most recently sent first (the team page).
    Only the columns the page shows: never the code hashes."""
    return (
        Invitation.objects.filter(organization_id=organization_id, status=Invitation.Status.PENDING)
        .only("id", "organization_id", "email", "status", "last_sent_at", "delivery", "role")
        .order_by(F("last_sent_at").desc(nulls_last=True), "-id")
    )
