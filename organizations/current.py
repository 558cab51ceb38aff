"""The current organisation of a signed-in person, kept in their session.

A person may belong to several organisations; the session names the one they work in.
It is always re-checked against their active memberships: a stale or forged session
value falls back to their first organisation, never to someone else's.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import Membership
from .selectors import membership_get_active, membership_list_for_user

SESSION_KEY = "current_organization_id"


def resolve_current_membership(request: HttpRequest) -> Membership | None:
    """The active membership of the current organisation, cached on the request."""
    if hasattr(request, "_current_membership"):
        return request._current_membership
    membership = None
    user = request.user
    if user.is_authenticated:
        organization_id = request.session.get(SESSION_KEY)
        if organization_id is not None:
            membership = membership_get_active(user=user, organization_id=organization_id)
        if membership is None:
            membership = membership_list_for_user(user=user).first()
            if membership is not None:
                request.session[SESSION_KEY] = membership.organization_id
            else:
                request.session.pop(SESSION_KEY, None)
    request._current_membership = membership
    return membership


def switch_organization(request: HttpRequest, organization_id: int) -> Membership:
    """Make `organization_id` current; PermissionDenied unless an active member."""
    membership = membership_get_active(user=request.user, organization_id=organization_id)
    if membership is None:
        raise PermissionDenied
    return make_current(request, membership)


def make_current(request: HttpRequest, membership: Membership) -> Membership:
    """Make an already checked active membership's organisation the current one."""
    request.session[SESSION_KEY] = membership.organization_id
    request._current_membership = membership
    return membership
