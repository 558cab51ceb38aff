"""Self-activation (`/demande-administration-sco/`): a school without administrator, or
that lost theirs, asks for an administrator invitation.

The invitation always goes to the organisation's official e-mail on file, never to an
address the requester types (there is none to type): whoever asks can only make the
school's own mailbox receive a link.

Asking again soon sends nothing: within SELF_ACTIVATION_COOLDOWN of the last sending of
the school's pending ADMIN invitation (by staff or by this page), the requester gets the
same answer, and the link already in the mailbox keeps working (sending again would
rotate its code, so anyone could void the link staff just sent). Only e-mails actually
sent count in the per-UAI limit (`limits`); the per-IP limit is the view's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from organizations.models import Organization
from organizations.services.memberships import active_admin_ids
from organizations.uai import normalize_uai

from .. import limits
from ..errors import NoOfficialEmailError, SelfActivationRateLimitedError, UaiNotRecognizedError
from ..models import Invitation
from .sending import invitation_send, normalize_email

SELF_ACTIVATION_COOLDOWN = timedelta(minutes=15)


@dataclass(frozen=True)
class SelfActivation:
    invitation: Invitation
    organization: Organization
    # The school already has active administrators: the requester is told so (no names).
    has_administrators: bool
    # False within the cooldown: the invitation's last e-mail was recent, none was sent.
    sent: bool = True


@transaction.atomic
def self_activation_request(
    *, uai: str, first_name: str, last_name: str, language: str
) -> SelfActivation:
    """Send (or send again) an ADMIN invitation to the school's official address, naming
    who asked. Refusals: UaiNotRecognizedError for an unknown UAI and for an archived
    organisation alike (archiving is not revealed), NoOfficialEmailError when none is on
    file, SelfActivationRateLimitedError when the school's mailbox got enough e-mails.
    Recorded as `invitation.sent` on behalf of SYSTEM (no account asked); nothing is
    recorded within the cooldown (nothing changes)."""
    organization = Organization.objects.filter(uai=normalize_uai(uai)).first()
    if organization is None or organization.is_archived:
        raise UaiNotRecognizedError
    if not organization.official_email:
        raise NoOfficialEmailError(meta={"organization_id": organization.pk})
    # Told to the requester only: no lock needed. A deactivated account administers
    # nothing (its school may be asking precisely because its administrator left).
    has_administrators = bool(active_admin_ids(organization.pk))
    recent = _recent_admin_invitation(organization)
    if recent is not None:
        return SelfActivation(
            invitation=recent,
            organization=organization,
            has_administrators=has_administrators,
            sent=False,
        )
    if not limits.self_activation_email_allowed_for_uai(organization.uai):
        raise SelfActivationRateLimitedError(meta={"organization_id": organization.pk})
    invitation = invitation_send(
        organization=organization,
        email=organization.official_email,
        role=Invitation.Role.ADMIN,
        language=language,
        requester_first_name=first_name,
        requester_last_name=last_name,
        source="self_activation",
    )
    return SelfActivation(
        invitation=invitation,
        organization=organization,
        has_administrators=has_administrators,
    )


def _recent_admin_invitation(organization: Organization) -> Invitation | None:
    """The school's pending ADMIN invitation to its official address, when its last
    e-mail left less than SELF_ACTIVATION_COOLDOWN ago. Locked: two requests at once
    cannot both decide to send again."""
    return (
        Invitation.objects.select_for_update(of=("self",))
        .filter(
            organization=organization,
            email=normalize_email(organization.official_email),
            status=Invitation.Status.PENDING,
            role=Invitation.Role.ADMIN,
            last_sent_at__gte=timezone.now() - SELF_ACTIVATION_COOLDOWN,
        )
        .first()
    )
