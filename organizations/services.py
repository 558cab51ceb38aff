"""Writes on organisations and memberships. Views, commands and tests go through these."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User

from .models import Membership, Organization


class AlreadyMemberError(Exception):
    code = "ALREADY_MEMBER"


@transaction.atomic
def organization_create(
    *,
    name: str,
    type: str,
    uai: str | None = None,
    official_email: str = "",
    is_managing_students: bool | None = None,
    province_code: str = "",
    documentation_url: str = "",
) -> Organization:
    """Create an organisation after full validation (UAI format and check letter).

    `is_managing_students` defaults to true for secondary schools (SCO) only.
    """
    if is_managing_students is None:
        is_managing_students = type == Organization.Type.SCO
    organization = Organization(
        name=name.strip(),
        type=type,
        uai=uai,
        official_email=(official_email or "").strip().lower(),
        is_managing_students=is_managing_students,
        province_code=province_code,
        documentation_url=documentation_url,
    )
    organization.full_clean()  # normalises the UAI, then validates it
    organization.save()
    return organization


def membership_create(
    *, user: User, organization: Organization, role: str = Membership.Role.MEMBER
) -> Membership:
    """Add a person to an organisation; raises AlreadyMemberError if already an active member."""
    try:
        with transaction.atomic():
            return Membership.objects.create(user=user, organization=organization, role=role)
    except IntegrityError as exc:
        if Membership.objects.filter(
            user=user, organization=organization, disabled_at__isnull=True
        ).exists():
            raise AlreadyMemberError from exc
        raise


def membership_disable(*, membership: Membership) -> Membership:
    membership.disabled_at = timezone.now()
    membership.save(update_fields=["disabled_at"])
    return membership
