"""The team page's invitations: several addresses at once, resend and cancel by an
administrator of the organisation.

Addresses are typed in one text area (`addresses_parse`): separated by commas,
semicolons, spaces or line breaks; trimmed, lower-cased, de-duplicated; every one
checked before anything is sent. `team_invitations_preview` says what sending would do
(the confirmation step shows it); `invitations_send_many` does it, all or nothing:
already-members are reported and not invited, pending invitations are sent again with a
new link (unless sent less than a minute ago), the others created. Every role is
automatic (`AUTO`: administrator only if the organisation has none when accepted).

Limits (`invitations.limits`): TEAM_INVITATIONS_PER_HOUR e-mails per organisation, new
and resent alike; a resend waits a minute after the invitation's last sending.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from organizations.audit import OnBehalfOf
from organizations.guards import check_active_admin
from organizations.models import Organization
from organizations.selectors import membership_emails_in_organization
from pixorga.errors import AppError

from .. import limits
from ..errors import OrganizationClosedError
from ..models import Invitation
from .sending import _lock_pending, invitation_cancel, invitation_resend, invitation_send

MAX_ADDRESSES = 50
SEPARATORS = re.compile(r"[,;\s]+")
# What an invitation's e-mail column holds (Django's EmailField).
MAX_EMAIL_LENGTH = 254
# An invalid "address" is shown back as typed: a pasted paragraph is cut short.
SHOWN_INVALID_LENGTH = 80


class InvalidAddressesError(AppError):
    """meta: `addresses`, the invalid ones (shortened), in the order typed."""

    code = "INVALID_ADDRESSES"
    default_message = _("Some addresses are not valid e-mail addresses: nothing was sent.")
    status = 400


class TooManyAddressesError(AppError):
    """meta: `count` (distinct addresses typed), `limit`."""

    code = "TOO_MANY_ADDRESSES"
    default_message = _(
        "You typed %(count)s addresses: invite at most %(limit)s at once. Nothing was sent."
    )
    status = 400


@dataclass(frozen=True)
class ParsedAddresses:
    emails: list[str]  # the valid ones, lower-cased, each once, in the order typed
    invalid: list[str]  # the others, as typed (shortened), each once

    @property
    def count(self) -> int:
        return len(self.emails) + len(self.invalid)


def addresses_parse(text: str) -> ParsedAddresses:
    """Split, trim, lower-case, de-duplicate and check the addresses of `text`."""
    emails: list[str] = []
    invalid: list[str] = []
    seen: set[str] = set()
    for token in SEPARATORS.split(text or ""):
        email = token.strip().lower()
        if not email or email in seen:
            continue
        seen.add(email)
        if _is_valid(email):
            emails.append(email)
        else:
            shown = token.strip()
            if len(shown) > SHOWN_INVALID_LENGTH:
                shown = shown[: SHOWN_INVALID_LENGTH - 1] + "…"
            invalid.append(shown)
    return ParsedAddresses(emails=emails, invalid=invalid)


def addresses_check(parsed: ParsedAddresses) -> None:
    """TooManyAddressesError / InvalidAddressesError, before anything is sent."""
    if parsed.count > MAX_ADDRESSES:
        raise TooManyAddressesError(meta={"count": parsed.count, "limit": MAX_ADDRESSES})
    if parsed.invalid:
        raise InvalidAddressesError(meta={"addresses": parsed.invalid})


def _is_valid(email: str) -> bool:
    if len(email) > MAX_EMAIL_LENGTH:
        return False
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


@dataclass
class TeamInvitations:
    """What sending to these addresses does (or did), each list in the order typed."""

    new: list[str] = field(default_factory=list)  # invited for the first time
    resent: list[str] = field(default_factory=list)  # pending: sent again, a new link
    too_recent: list[str] = field(default_factory=list)  # pending, sent under a minute ago
    already_members: list[str] = field(default_factory=list)  # active members: not sent

    @property
    def to_send(self) -> list[str]:
        return [*self.new, *self.resent]


def team_invitations_preview(*, organization: Organization, emails: list[str]) -> TeamInvitations:
    """Sort checked, lower-cased addresses by what sending would do. Two queries."""
    members = membership_emails_in_organization(organization_id=organization.pk, emails=emails)
    pending = dict(
        Invitation.objects.filter(
            organization=organization, status=Invitation.Status.PENDING, email__in=emails
        ).values_list("email", "last_sent_at")
    )
    plan = TeamInvitations()
    for email in emails:
        if email in members:
            plan.already_members.append(email)
        elif email not in pending:
            plan.new.append(email)
        elif limits.resend_wait_seconds(pending[email]):
            plan.too_recent.append(email)
        else:
            plan.resent.append(email)
    return plan


@transaction.atomic
def invitations_send_many(
    *, organization: Organization, actor: User, emails: list[str], language: str
) -> TeamInvitations:
    """Invite these addresses to the organisation as its administrator `actor`, all or
    nothing. `emails` are checked again here (TooManyAddressesError,
    InvalidAddressesError), whatever the caller did. Other refusals: PermissionDenied
    (not an active administrator there), OrganizationClosedError (archived),
    TeamInvitationsLimitError / InvitationLimitUnavailableError (nothing counted, nothing
    sent). Each e-mail is recorded as `invitation.sent` (source "team")."""
    parsed = addresses_parse("\n".join(emails))
    addresses_check(parsed)
    check_active_admin(user=actor, organization_id=organization.pk)
    if organization.is_archived:
        raise OrganizationClosedError(meta={"organization_id": organization.pk})
    plan = team_invitations_preview(organization=organization, emails=parsed.emails)
    to_send = plan.to_send
    bucket = limits.team_invitations_consume(organization_id=organization.pk, count=len(to_send))
    try:
        for email in to_send:
            invitation_send(
                organization=organization,
                email=email,
                role=Invitation.Role.AUTO,
                language=language,
                sent_by=actor,
                on_behalf_of=OnBehalfOf.ADMIN,
                source="team",
            )
    except BaseException:
        # Rolled back: the e-mails were counted but none leaves.
        limits.team_invitations_give_back(
            organization_id=organization.pk, count=len(to_send), bucket=bucket
        )
        raise
    return plan


@transaction.atomic
def invitation_resend_by_admin(*, invitation: Invitation, actor: User) -> Invitation:
    """Send a pending invitation again (a new link) from the team page. Refusals, in this
    order: PermissionDenied, InvitationNotPendingError, InvitationResendTooSoonError (read
    under the row lock: two clicks at once send one e-mail), the organisation's hourly
    limit; then those of `invitation_resend`."""
    check_active_admin(user=actor, organization_id=invitation.organization_id)
    current = _lock_pending(invitation)
    wait = limits.resend_wait_seconds(current.last_sent_at)
    if wait:
        raise limits.InvitationResendTooSoonError(
            meta={"invitation_id": current.pk, "seconds": wait}
        )
    bucket = limits.team_invitations_consume(organization_id=current.organization_id, count=1)
    try:
        return invitation_resend(invitation=current, actor=actor, on_behalf_of=OnBehalfOf.ADMIN)
    except BaseException:
        limits.team_invitations_give_back(
            organization_id=current.organization_id, count=1, bucket=bucket
        )
        raise


@transaction.atomic
def invitation_cancel_by_admin(*, invitation: Invitation, actor: User) -> Invitation:
    """Cancel a pending invitation from the team page: its link stops working at once
    (PermissionDenied, InvitationNotPendingError)."""
    check_active_admin(user=actor, organization_id=invitation.organization_id)
    return invitation_cancel(invitation=invitation, actor=actor, on_behalf_of=OnBehalfOf.ADMIN)
