"""The single guard of every organisation-space view: `org_view`.

    @org_view()                 any active member of the current organisation
    @org_view(role="ADMIN")     administrators only

Anonymous → sign-in page; signed in but member of no organisation → 403; wrong role → 403;
archived organisation → the "space closed" page (403).
On success the view finds `request.membership` and `request.organization`.
New rules for the whole space (terms of use, archived organisations) are added here, once.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .current import resolve_current_membership
from .models import Membership

ROLE_RANK = {Membership.Role.MEMBER: 0, Membership.Role.ADMIN: 1}


def org_view(role: str = Membership.Role.MEMBER):
    if role not in ROLE_RANK:
        raise ValueError(f"Unknown role {role!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = resolve_current_membership(request)
            if membership is None:
                raise PermissionDenied("not a member of any organisation")
            if membership.organization.is_archived:
                return render(
                    request,
                    "organizations/space_closed.html",
                    {"organization": membership.organization},
                    status=403,
                )
            if ROLE_RANK[membership.role] < ROLE_RANK[role]:
                raise PermissionDenied("role too low")
            # Terms of use (CGU) check goes here, for every organisation-space view.
            request.membership = membership
            request.organization = membership.organization
            return view(request, *args, **kwargs)

        wrapped.org_view_role = role
        return wrapped

    return decorator
