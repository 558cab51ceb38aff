"""The single guard of every organisation-space view: `org_view`.

    @org_view()                 any active member of the current organisation
    @org_view(role="ADMIN")     administrators only
    @org_view(role="ADMIN", organization_from=import_organization)
                                a URL naming an object: the object's organisation

Anonymous → sign-in page; signed in but member of no organisation → 403; wrong role → 403;
archived organisation → the "space closed" page (403).

For a URL that names an object (an import, a campaign), `organization_from(**kwargs)`
returns the object's organisation (Http404 if there is no such object). Every rule then
applies to that organisation, whatever the current one: not an active member → 404 (an
outsider cannot tell an existing id from a missing one), archived → closed, wrong role →
403. Only once all pass does it become the current organisation (`switch=False` for
views polled in the background, which must not move the person elsewhere).

On success the view finds `request.membership` and `request.organization`.
New rules for the whole space (terms of use…) are added here, once.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .current import resolve_current_membership, switch_organization
from .models import Membership, Organization
from .selectors import membership_get_active

ROLE_RANK = {Membership.Role.MEMBER: 0, Membership.Role.ADMIN: 1}
ORGANIZATION_ARCHIVED = "ORGANIZATION_ARCHIVED"


def _space_closed(request, organization: Organization, *, as_json: bool):
    if as_json:
        message = _("The Pix Orga space of %(name)s is closed.") % {"name": organization.name}
        return JsonResponse({"error": ORGANIZATION_ARCHIVED, "message": message}, status=403)
    return render(
        request, "organizations/space_closed.html", {"organization": organization}, status=403
    )


def org_view(
    role: str = Membership.Role.MEMBER,
    *,
    organization_from: Callable[..., Organization] | None = None,
    switch: bool = True,
    as_json: bool = False,
):
    if role not in ROLE_RANK:
        raise ValueError(f"Unknown role {role!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if organization_from is None:
                membership = resolve_current_membership(request)
                if membership is None:
                    raise PermissionDenied("not a member of any organisation")
            else:
                organization = organization_from(**kwargs)
                membership = membership_get_active(
                    user=request.user, organization_id=organization.pk
                )
                if membership is None:
                    raise Http404
            if membership.organization.is_archived:
                return _space_closed(request, membership.organization, as_json=as_json)
            if ROLE_RANK[membership.role] < ROLE_RANK[role]:
                raise PermissionDenied("role too low")
            # Terms of use (CGU) check goes here, for every organisation-space view.
            if organization_from is not None and switch:
                switch_organization(request, membership.organization_id)
            request.membership = membership
            request.organization = membership.organization
            return view(request, *args, **kwargs)

        wrapped.org_view_role = role
        return wrapped

    return decorator
