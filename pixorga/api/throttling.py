"""The API's rate limits: per token for scripts, per person for the pages' own calls.

`API_RATE_LIMITS` in settings ("count/period", period s, m, h or d). A token is counted
on its own, whoever else uses the same account or network: a school's nightly script
is never slowed by a teacher's, and one runaway script stops at its own ceiling. Over
it: 429 `RATE_LIMITED` with `Retry-After`.

The counts live in the cache (Redis when configured, shared by every process). When
the cache is unreachable the request goes through, logged once a minute
(`accounts.limits.warn_cache_unreachable`): a limit against runaway scripts is not worth
refusing a school's import over, and every request is still authenticated and guarded.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.limits import CACHE_ERRORS, warn_cache_unreachable
from organizations.models import ApiToken


class ApiRateThrottle(SimpleRateThrottle):
    def __init__(self) -> None:
        # The rate depends on who calls (a token or a session): set in allow_request.
        self.rate = None

    def allow_request(self, request, view) -> bool:
        if isinstance(request.auth, ApiToken):
            self.scope, ident = "token", request.auth.pk
        elif request.user is not None and request.user.is_authenticated:
            self.scope, ident = "session", request.user.pk
        else:
            return True  # refused anyway (401)
        self.rate = settings.API_RATE_LIMITS[self.scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self._key = f"api-rate:{self.scope}:{ident}"
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as error:
            warn_cache_unreachable(error, "API rate limits not counted (fail open)")
            return True

    def get_cache_key(self, request, view) -> str:
        return self._key
