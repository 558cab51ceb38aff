"""Access rules as plain functions: who may reach an organisation, with which role.

Every rule of the organisation space lives here, once. Each guarded lookup takes the
person and an id and returns what was asked for together with the membership that
allowed it, or raises:

    Http404                     not an active member (an outsider cannot tell an existing
                                id from a missing one), or no such object
    CguNotAcceptedError         the person has not accepted the current terms of use
                                (code CGU_NOT_ACCEPTED; pages redirect to /cgu/)
    OrganizationArchivedError   the space is closed (code ORGANIZATION_ARCHIVED)
    PermissionDenied            the role is too low
    (another AppError)          a capability the organisation lacks, e.g. importing
                                from SIECLE (each app's guards add their own)

The order is fixed: membership, terms of use, closed space, role, then capabilities.
Membership comes first so that what a refusal reveals never depends on more than the
person already knows (an outsider gets 404, never "accept the terms"); the terms come
next because they are the person's own business, whatever the organisation's state or
their role there. A person who belongs to no organisation at all gets
`NoOrganizationError` from `org_view` (a page explaining invitations, not a bare 403).

The CGU state is read with the membership (`selectors.membership_list_for_user`
annotates it), so the rule adds no query to a lookup. Pages reach these through
`organizations.permissions.org_view`; the API and tasks call them directly. Objects of
other apps get their own `<entity>_get_for_<role>` in that app's `guards.py`, built on
`membership_get_for_role`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from pixorga.errors import AppError

from .models import Membership, Organization
from .selectors import cgu_state_for_user, membership_get_active

ROLE_RANK = {Membership.Role.MEMBER: 0, Membership.Role.ADMIN: 1}
ORGANIZATION_ARCHIVED = "ORGANIZATION_ARCHIVED"
CGU_NOT_ACCEPTED = "CGU_NOT_ACCEPTED"
NO_ORGANIZATION = "NO_ORGANIZATION"


class CguNotAcceptedError(AppError):
    """The person has not accepted the current terms of use (or none is published yet:
    nobody uses a space without terms). meta: `version_id` (None before the first
    version), `url` (the page where they accept)."""

    code = CGU_NOT_ACCEPTED
    default_message = _("Read and accept the terms of use of Pix Orga to continue.")
    status = 403

    def __init__(self, version_id: int | None) -> None:
        super().__init__(meta={"version_id": version_id, "url": reverse("organizations:cgu")})


class NoOrganizationError(AppError):
    """A signed-in person who belongs to no organisation reached the organisation space."""

    code = NO_ORGANIZATION
    default_message = _(
        "Your account is not a member of any organisation: access to a school's space is "
        "by invitation from its administrator."
    )
    status = 403
    template_name = "organizations/no_organization.html"


class OrganizationArchivedError(AppError):
    code = ORGANIZATION_ARCHIVED
    default_message = _("The Pix Orga space of %(name)s is closed.")
    status = 403
    template_name = "organizations/space_closed.html"

    def __init__(self, organization: Organization) -> None:
        self.organization = organization
        super().__init__(meta={"organization_id": organization.pk, "name": organization.name})


def check_cgu_accepted(membership: Membership) -> None:
    """CguNotAcceptedError unless the member accepted the current terms of use."""
    accepted = getattr(membership, "cgu_accepted", None)
    version_id = getattr(membership, "cgu_version_id", None)
    if accepted is None:
        # A membership not read through the selectors: one query for the state.
        version_id, accepted = cgu_state_for_user(user_id=membership.user_id)
    if not accepted:
        raise CguNotAcceptedError(version_id)


def check_role(membership: Membership, role: str) -> Membership:
    """The rules of the space once the membership is known: terms of use, closed space,
    then role."""
    if ROLE_RANK.get(role) is None:
        raise ValueError(f"Unknown role {role!r}")
    check_cgu_accepted(membership)
    if membership.organization.is_archived:
        raise OrganizationArchivedError(membership.organization)
    if ROLE_RANK[membership.role] < ROLE_RANK[role]:
        raise PermissionDenied("role too low")
    return membership


def check_active_admin(*, user: User, organization_id: int) -> None:
    """For services (the page's guard checked it already; a service called from elsewhere
    checks it again): PermissionDenied unless `user` is an active administrator of the
    organisation. One query."""
    if not Membership.objects.filter(
        user=user,
        organization_id=organization_id,
        role=Membership.Role.ADMIN,
        disabled_at__isnull=True,
    ).exists():
        raise PermissionDenied("not an administrator of this organisation")


def check_token_scope(user: User, membership: Membership) -> Membership:
    """A request made with an API token (`organizations.tokens`) reaches only the
    membership the token was made for (Http404 elsewhere, as for an outsider), with the
    lower of the token's role and the membership's role as it is now: a demoted
    administrator's token acts as a member at once. Without a token, nothing changes."""
    token = getattr(user, "api_token", None)
    if token is None:
        return membership
    if membership.pk != token.membership_id:
        raise Http404
    if ROLE_RANK[token.role] < ROLE_RANK[membership.role]:
        membership.role = token.role
    return membership


def membership_get_for_role(*, user: User, organization_id: int, role: str) -> Membership:
    """The person's active membership of that organisation, if it allows `role` (within
    the scope of the API token the request was made with, if any)."""
    if not user.is_authenticated:
        raise Http404
    membership = membership_get_active(user=user, organization_id=organization_id)
    if membership is None:
        raise Http404
    return check_role(check_token_scope(user, membership), role)


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


def membership_get_for_admin(*, user: User, membership_id: int) -> tuple[Membership, Membership]:
    """Someone's active membership (with their account), for an administrator of its
    organisation: (that membership, the administrator's own).

    Two queries: the membership asked for, then the person's own there. A membership
    that has ended is 404 like a missing one: nothing can be done to it any more, and an
    outsider learns nothing either way."""
    target = (
        Membership.objects.select_related("user", "organization")
        .filter(pk=membership_id, disabled_at__isnull=True)
        .first()
    )
    if target is None:
        raise Http404
    own = membership_get_for_role(
        user=user, organization_id=target.organization_id, role=Membership.Role.ADMIN
    )
    target.organization = own.organization
    return target, own
