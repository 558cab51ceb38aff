"""Access rules as plain functions: who may reach an organisation, with which role.

Every rule of the organisation space lives here, once. Each guarded lookup takes the
person and an id and returns what was asked for together with the membership that
allowed it, or raises:

    Http404                     not an active member (an outsider cannot tell an existing
                                id from a missing one), or no such object
    OrganizationArchivedError   the space is closed (code ORGANIZATION_ARCHIVED)
    PermissionDenied            the role is too low
    (another AppError)          a capability the organisation lacks, e.g. importing
                                from SIECLE (each app's guards add their own)

The order is fixed: membership, closed space, role, then capabilities, so that what a
refusal reveals never depends on more than the person already knows. Pages reach these
through `organizations.permissions.org_view`; the API and tasks call them directly.
Objects of other apps get their own `<entity>_get_for_<role>` in that app's `guards.py`,
built on `membership_get_for_role`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from pixorga.errors import AppError

from .models import Membership, Organization
from .selectors import membership_get_active

ROLE_RANK = {Membership.Role.MEMBER: 0, Membership.Role.ADMIN: 1}
ORGANIZATION_ARCHIVED = "ORGANIZATION_ARCHIVED"


class OrganizationArchivedError(AppError):
    code = ORGANIZATION_ARCHIVED
    default_message = _("The Pix Orga space of %(name)s is closed.")
    status = 403
    template_name = "organizations/space_closed.html"

    def __init__(self, organization: Organization) -> None:
        self.organization = organization
        super().__init__(meta={"organization_id": organization.pk, "name": organization.name})


def check_role(membership: Membership, role: str) -> Membership:
    """The rules of the space once the membership is known: closed space, then role."""
    if ROLE_RANK.get(role) is None:
        raise ValueError(f"Unknown role {role!r}")
    if membership.organization.is_archived:
        raise OrganizationArchivedError(membership.organization)
    if ROLE_RANK[membership.role] < ROLE_RANK[role]:
        raise PermissionDenied("role too low")
    return membership


def membership_get_for_role(*, user: User, organization_id: int, role: str) -> Membership:
    """The person's active membership of that organisation, if it allows `role`."""
    if not user.is_authenticated:
        raise Http404
    membership = membership_get_active(user=user, organization_id=organization_id)
    if membership is None:
        raise Http404
    return check_role(membership, role)


def organization_get_for_member(
    *, user: User, organization_id: int
) -> tuple[Organization, Membership]:
    membership = membership_get_for_role(
        user=user, organization_id=organization_id, role=Membership.Role.MEMBER
    )
    return membership.organization, membership


def organization_get_for_admin(
    *, user: User, organization_id: int
) -> tuple[Organization, Membership]:
    membership = membership_get_for_role(
        user=user, organization_id=organization_id, role=Membership.Role.ADMIN
    )
    return membership.organization, membership
