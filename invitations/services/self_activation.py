"""Self-activation (`/demande-administration-sco/`): a school without administrator, or
that lost theirs, asks for an administrator invitation.

The invitation always goes to the organisation's official e-mail on file, never to an
address the requester types (there is none to type): whoever asks can only make the
school's own mailbox receive a link. The rate limits (per IP, per UAI) are the view's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from organizations.models import Membership, Organization
from organizations.uai import normalize_uai

from ..errors import NoOfficialEmailError, UaiNotRecognizedError
from ..models import Invitation
from .sending import invitation_send


@dataclass(frozen=True)
class SelfActivation:
    invitation: Invitation
    organization: Organization
    # The school already has active administrators: the requester is told so (no names).
    has_administrators: bool


@transaction.atomic
def self_activation_request(
    *, uai: str, first_name: str, last_name: str, language: str
) -> SelfActivation:
    """Send (or send again) an ADMIN invitation to the school's official address, naming
    who asked. Refusals: UaiNotRecognizedError for an unknown UAI and for an archived
    organisation alike (archiving is not revealed), NoOfficialEmailError when none is on
    file. Recorded as `invitation.sent` on behalf of SYSTEM (no account asked)."""
    organization = Organization.objects.filter(uai=normalize_uai(uai)).first()
    if organization is None or organization.is_archived:
        raise UaiNotRecognizedError
    if not organization.official_email:
        raise NoOfficialEmailError(meta={"organization_id": organization.pk})
    has_administrators = Membership.objects.filter(
        organization=organization, role=Membership.Role.ADMIN, disabled_at__isnull=True
    ).exists()
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
