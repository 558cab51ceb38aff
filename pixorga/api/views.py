"""The base of every API view that reaches an organisation's data, and the API's own pages.

`GuardedAPIView` is the API's `org_view`: each HTTP method names the guarded lookup it
goes through (the same functions as the pages: `organizations/guards.py`,
`students/guards.py`, `campaigns/guards.py`), optionally with a capability check, as
`org_view(get=…, check=…)` does:

    class ImportDetail(GuardedAPIView):
        guards = {"GET": import_get_for_admin}

        def get(self, request, **kwargs):
            import_ = self.object  # what the lookup returned; self.membership with it

The lookup receives the URL's keyword arguments it declares (`import_id`) and the person
(within their token's scope, `organizations.guards.check_token_scope`); the object's
organisation must be the one the URL names (`organizations/<organization_id>/…`), else
404, as for a missing id. It runs after authentication (401) and the rate limit (429),
before the handler, so no handler reads an id from the URL itself. A handler without a
guard is refused when the class is defined, and the URL-walker test
(`tests/pixorga/test_every_route_is_guarded.py`) reads `guards`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cache
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from rest_framework.views import APIView

from organizations.models import Membership
from pixorga.errors import error_response

from .errors import NOT_FOUND

Guard = Callable[..., tuple[Any, Membership]]
Check = Callable[[Any], None]
HANDLERS = ("get", "post", "put", "patch", "delete")


@cache
def guard_parameters(guard: Guard) -> tuple[str, ...]:
    """The URL arguments a guarded lookup takes: its keyword-only parameters but `user`."""
    return tuple(
        name
        for name, parameter in inspect.signature(guard).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and name != "user"
    )


class GuardedAPIView(APIView):
    # HTTP method → guarded lookup, or (guarded lookup, capability check on the
    # organisation).
    guards: ClassVar[dict[str, Guard | tuple[Guard, Check]]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        missing = [name.upper() for name in HANDLERS if hasattr(cls, name)]
        missing = [method for method in missing if method not in cls.guards]
        if missing:
            raise ImproperlyConfigured(f"{cls.__name__}: no guarded lookup for {missing}")

    @classmethod
    def guard_names(cls) -> dict[str, str]:
        """{method: the lookup's name} (the URL walker's marker)."""
        return {method: _split(entry)[0].__name__ for method, entry in cls.guards.items()}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        entry = self.guards.get("GET" if request.method == "HEAD" else request.method)
        if entry is None:
            return  # no handler either: dispatch answers 405
        guard, check = _split(entry)
        wanted = guard_parameters(guard)
        self.object, self.membership = guard(
            user=request.user, **{name: kwargs[name] for name in wanted}
        )
        organization_id = kwargs.get("organization_id")
        if organization_id is not None and self.membership.organization_id != organization_id:
            raise Http404
        if check is not None:
            check(self.membership.organization)
        request.membership = self.membership
        request.organization = self.membership.organization


def _split(entry) -> tuple[Guard, Check | None]:
    return entry if isinstance(entry, tuple) else (entry, None)


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    """The OpenAPI documentation (Swagger UI from drf-spectacular-sidecar's static files,
    started by our own static script: nothing inline, so it runs under the site's CSP)."""
    return render(request, "api/docs.html", {"schema_url": reverse("api:schema")})


def not_found(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Any other path under /api/v1/: the API's 404, not the site's HTML page."""
    return error_response(NOT_FOUND, _("This resource does not exist."), status=404)
