"""How many generations of one-time passwords an organisation may make: 60 in a clock
hour (a class or a student each). A lycée with 30 classes or more gives every class its
cards at the start of the year, some twice, within the hour; 60 stays far below what
would let a stolen administrator session take over every pupil's account one by one.

Counted in the cache per organisation and clock hour (an atomic increment; 10:00-10:59,
then a new count), before the generation: one refused or failed still counts. The
message says so ("this hour", not "the last hour", which a fixed window is not). The
cache unreachable, the limit fails closed (`OneTimePasswordLimitUnavailableError`): a
generation resets passwords, an unchecked limit is no limit, and it can wait for Redis
to come back.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from accounts.limits import CACHE_ERRORS, warn_cache_unreachable
from organizations.models import Organization
from pixorga.errors import AppError

GENERATIONS_PER_HOUR = 60
_WINDOW = 3600


class OneTimePasswordLimitError(AppError):
    code = "ONE_TIME_PASSWORD_LIMIT"
    default_message = _(
        "Your school has generated %(limit)s series of passwords this hour, the most "
        "allowed: you can generate more from the start of the next hour. Nothing was "
        "changed."
    )
    status = 429


class OneTimePasswordLimitUnavailableError(AppError):
    code = "ONE_TIME_PASSWORD_LIMIT_UNAVAILABLE"
    default_message = _(
        "Passwords cannot be generated right now (a service is unavailable): try again in "
        "a few minutes. Nothing was changed."
    )
    status = 503


def one_time_password_generation_count(*, organization: Organization) -> None:
    """Count one generation for the organisation, or refuse it (over the limit, or the
    cache unreachable)."""
    key = f"otp-generations:{organization.pk}:{int(time.time()) // _WINDOW}"
    try:
        cache.add(key, 0, timeout=_WINDOW + 60)
        count = cache.incr(key)
    except CACHE_ERRORS as error:
        warn_cache_unreachable(error, "one-time passwords refused (fail closed)")
        raise OneTimePasswordLimitUnavailableError() from error
    if count > GENERATIONS_PER_HOUR:
        raise OneTimePasswordLimitError(meta={"limit": GENERATIONS_PER_HOUR})
