"""Guarded lookups of the team's invitations (see `organizations/guards.py` for the rules).

Reads only: nothing from `invitations.services`.
"""

from __future__ import annotations

from django.http import Http404

from accounts.models import User
from organizations.guards import membership_get_for_role
from organizations.models import Membership

from .models import Invitation


def invitation_get_for_admin(*, user: User, invitation_id: int) -> tuple[Invitation, Membership]:
    """An invitation, for an administrator of its organisation: (the invitation, the
    administrator's membership). Two queries: the invitation, then the membership there
    (with the organisation). Any status: resending or cancelling one that is no longer
    pending is the services' refusal (`INVITATION_NOT_PENDING`), worded on the page."""
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    membership = membership_get_for_role(
        user=user, organization_id=invitation.organization_id, role=Membership.Role.ADMIN
    )
    invitation.organization = membership.organization
    return invitation, membership
