"""`org_view`: the adapter between the guards (`organizations/guards.py`) and the pages.

    @org_view()                    any active member of the current organisation
    @org_view(role="ADMIN")        administrators of the current organisation
    @org_view(get=import_get_for_admin)
                                   a URL naming an object: the guarded lookup gets the URL's
                                   keyword arguments, and the view receives the object in
                                   their place — `def import_detail(request, import_)`.
    @org_view(..., check=organization_check_can_import)
                                   a capability of the organisation, checked last

The adapter holds no rule of its own; it maps the guards' outcomes, in the guards' order:
anonymous → sign-in page; signed in but member of no organisation → the "no organisation"
page (`NO_ORGANIZATION`, 403: access is by invitation); `Http404` → 404; terms of use not
accepted (`CGU_NOT_ACCEPTED`) → redirect to `/cgu/?next=<this page>` (a GET; after another
method, no `next`: the page it would return to only takes that method); `PermissionDenied`
→ 403; another `AppError` (closed space, a capability) → its page with its status
(`template_name` when the error has one). With `as_json=True`, every refusal but the
sign-in is `{"code", "message", "meta"}` with the same status (403 for CGU_NOT_ACCEPTED).

A URL naming an object applies every rule to the object's organisation, whatever the
current one; only once all pass does it become current (`switch=False` for the polls of a
live panel, which must not move the person elsewhere). On success the view finds
`request.membership` and `request.organization`, and the membership's last visit is
recorded (at most once an hour, `services/visits.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from pixorga.errors import AppError, app_error_response, error_response

from .current import make_current, resolve_current_membership
from .guards import ROLE_RANK, CguNotAcceptedError, NoOrganizationError, check_role
from .models import Membership, Organization
from .services.visits import membership_record_visit

NOT_AUTHENTICATED = "NOT_AUTHENTICATED"
NOT_FOUND = "NOT_FOUND"
FORBIDDEN = "FORBIDDEN"


def _refusal(request, error: Exception, *, as_json: bool):
    if isinstance(error, CguNotAcceptedError) and not as_json:
        url = error.meta["url"]
        if request.method in ("GET", "HEAD"):
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(url)
    if isinstance(error, AppError):
        if as_json:
            return app_error_response(error)
        context = {"error": error, "organization": getattr(error, "organization", None)}
        template = getattr(error, "template_name", "errors/refusal.html")
        return render(request, template, context, status=error.status)
    if as_json:
        if isinstance(error, Http404):
            return error_response(NOT_FOUND, _("This page does not exist."), status=404)
        return error_response(FORBIDDEN, _("You are not allowed to do this."), status=403)
    raise error


def org_view(
    role: str | None = None,
    *,
    get: Callable[..., tuple[Any, Membership]] | None = None,
    check: Callable[[Organization], None] | None = None,
    switch: bool = True,
    as_json: bool = False,
):
    if get is not None and role is not None:
        raise ValueError("the guarded lookup decides the role: give `get` or `role`, not both")
    role = role or Membership.Role.MEMBER
    if role not in ROLE_RANK:
        raise ValueError(f"Unknown role {role!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                if as_json:
                    # A poll whose session ended: a code the page can act on, not the
                    # sign-in page's HTML.
                    return error_response(
                        NOT_AUTHENTICATED,
                        _("Your session has ended: please sign in again."),
                        status=401,
                    )
                return redirect_to_login(request.get_full_path())
            try:
                if get is None:
                    membership = resolve_current_membership(request)
                    if membership is None:
                        raise NoOrganizationError()
                    check_role(membership, role)
                    view_args = args
                else:
                    obj, membership = get(user=request.user, **kwargs)
                    kwargs = {}
                    view_args = (*args, obj)
                if check is not None:
                    check(membership.organization)
            except (Http404, PermissionDenied, AppError) as error:
                return _refusal(request, error, as_json=as_json)
            if get is not None and switch:
                make_current(request, membership)
            # The team page's "last visit": one conditional UPDATE an hour at most.
            membership_record_visit(membership=membership)
            request.membership = membership
            request.organization = membership.organization
            return view(request, *view_args, **kwargs)

        # Read by the URL-walker test: every organisation-space route carries this.
        wrapped.org_view_guard = get.__name__ if get is not None else f"current:{role}"
        wrapped.org_view_as_json = as_json
        return wrapped

    return decorator
