"""Rate limits of self-activation and of the team page.

Self-activation is counted in the Django cache (Redis when configured, so
shared by every process), like allauth's limits of the sign-in pages.

Per UAI: nobody can flood a school's mailbox; only the e-mails actually sent count (a
request within the cooldown of self-activation sends nothing, and is not counted).
Per IP: one address cannot try school after school. The client IP is allauth's (the
proxy chain is read only when TRUSTED_PROXY_COUNT says so); cache keys hold hashes, not
the IP or the UAI. Fixed windows: simple, and at worst twice the rate at a window's edge.

A cache that is down does not refuse the request (nor turn it into a 500): the e-mail
still goes only to the school's official address, and a pending invitation is reused,
so the damage of a flood during an outage stays one mailbox receiving a few links.

The team page (an organisation's administrators inviting addresses they type) is limited
to TEAM_INVITATIONS_PER_HOUR e-mails per organisation in any hour, counted in the cache
too, and there a cache that is down refuses (fail closed, a message, never a 500): the
addresses are anyone's, so an unchecked limit would let one account mail strangers
without bound, and the broker (the same Redis) could not take the e-mails anyway.
Resending one invitation waits RESEND_INTERVAL_SECONDS after its last sending: that is
read from the invitation's own `last_sent_at`, under its row lock, so it needs no cache.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from datetime import datetime

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError

from accounts.limits import warn_cache_unreachable
from pixorga.errors import AppError

logger = logging.getLogger(__name__)

CACHE_ERRORS = (RedisError, OSError)
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rates(rates: str) -> list[tuple[int, int]]:
    """ "3/h,5/d" → [(3, 3600), (5, 86400)]."""
    parsed = []
    for rate in rates.split(","):
        amount, _, period = rate.strip().partition("/")
        parsed.append((int(amount), UNITS[period]))
    return parsed


def _key(scope: str, value: str, period: int, now: float) -> str:
    window = int(now // period)
    digest = hashlib.sha256(f"{scope}:{value}".encode()).hexdigest()[:32]
    return f"invitations:rl:{scope}:{period}:{window}:{digest}"


def _hit(scope: str, value: str, amount: int, period: int, now: float) -> bool:
    key = _key(scope, value, period, now)
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        count = 1
    return count <= amount


def consume(scope: str, value: str, rates: str) -> bool:
    """Count one request for `value` in every window of `rates`; False when one is full."""
    windows = parse_rates(rates)
    now = time.time()
    try:
        # Every window counts the request (no short-circuit on the first full one).
        allowed = [_hit(scope, value, amount, period, now) for amount, period in windows]
        return all(allowed)
    except CACHE_ERRORS:  # the cache is unreachable: see the module's docstring
        logger.warning("Self-activation rate limit not checked: the cache is unreachable")
        return True


def consume_if_room(scope: str, value: str, rates: str) -> bool:
    """Count one for `value` only when every window of `rates` has room; False (and
    nothing counted) otherwise. For what counts e-mails actually sent: a refused request
    filling the day's window would let anyone exhaust it. Two requests at once may both
    find room: one more than the limit at worst."""
    windows = parse_rates(rates)
    now = time.time()
    try:
        keys = {_key(scope, value, period, now): amount for amount, period in windows}
        counts = cache.get_many(list(keys))
        if any(counts.get(key, 0) >= amount for key, amount in keys.items()):
            return False
        for amount, period in windows:
            _hit(scope, value, amount, period, now)
        return True
    except CACHE_ERRORS:  # the cache is unreachable: see the module's docstring
        logger.warning("Self-activation rate limit not checked: the cache is unreachable")
        return True


def self_activation_allowed_for_ip(request: HttpRequest) -> bool:
    ip = get_adapter(request).get_client_ip(request)
    return consume("self_activation_ip", ip, settings.SELF_ACTIVATION_RATE_LIMITS["ip"])


def self_activation_email_allowed_for_uai(uai: str) -> bool:
    """Counted only when an e-mail is about to be sent (see services/self_activation.py)."""
    return consume_if_room("self_activation_uai", uai, settings.SELF_ACTIVATION_RATE_LIMITS["uai"])


# --- The team page ------------------------------------------------------------------------

TEAM_INVITATIONS_PER_HOUR = 200
RESEND_INTERVAL_SECONDS = 60
# Sends are counted in 10-minute buckets; a new send is allowed when it, the current
# bucket and the six before it stay within the limit. Any 60 minutes lie within seven
# consecutive buckets, so no hour ever sees more than the limit (a fixed hourly window
# would let twice as many through across the turn of an hour); the price is that a full
# quota comes back 60 to 70 minutes later rather than exactly 60.
TEAM_BUCKET_SECONDS = 600
TEAM_BUCKETS = 7


class TeamInvitationsLimitError(AppError):
    """The organisation's hourly number of invitations would be exceeded: nothing was
    sent. meta: `limit`, `remaining` (how many could still be sent now)."""

    code = "TEAM_INVITATIONS_LIMIT"
    default_message = _(
        "Your organisation may send at most %(limit)s invitations in an hour: nothing was "
        "sent. You can send %(remaining)s more now, the others later."
    )
    status = 429


class InvitationLimitUnavailableError(AppError):
    """The cache that counts the team's invitations cannot be reached: refused (fail
    closed), nothing sent."""

    code = "INVITATION_LIMIT_UNAVAILABLE"
    default_message = _(
        "Invitations cannot be sent at the moment: a service of Pix Orga is unavailable. "
        "Nothing was sent; please try again in a few minutes."
    )
    status = 503


class InvitationResendTooSoonError(AppError):
    """Resent less than RESEND_INTERVAL_SECONDS after its last sending. meta:
    `invitation_id`, `seconds` (how long to wait)."""

    code = "INVITATION_RESEND_TOO_SOON"
    default_message = _(
        "This invitation was sent less than a minute ago: you can send it again in "
        "%(seconds)s seconds."
    )
    status = 429


def _team_key(organization_id: int, bucket: int) -> str:
    return f"invitations:team:{organization_id}:{bucket}"


def team_invitations_consume(*, organization_id: int, count: int) -> int:
    """Count `count` e-mails of the organisation's team page, or refuse them all:
    TeamInvitationsLimitError when they do not fit, InvitationLimitUnavailableError when
    the cache cannot be reached. The increment is atomic (Redis INCRBY), so requests at
    once cannot both slip under the limit; one that overshoots takes its count back.
    Returns the bucket counted in, for `team_invitations_give_back`."""
    bucket = int(time.time() // TEAM_BUCKET_SECONDS)
    if count <= 0:
        return bucket
    limit = TEAM_INVITATIONS_PER_HOUR
    current, *earlier = [_team_key(organization_id, bucket - n) for n in range(TEAM_BUCKETS)]
    try:
        cache.add(current, 0, timeout=TEAM_BUCKET_SECONDS * (TEAM_BUCKETS + 1))
        in_bucket = cache.incr(current, count)
        used = in_bucket + sum(int(value) for value in cache.get_many(earlier).values())
        if used > limit:
            cache.decr(current, count)
            raise TeamInvitationsLimitError(
                meta={"limit": limit, "remaining": max(limit - (used - count), 0)}
            )
    except CACHE_ERRORS as error:
        warn_cache_unreachable(error, "team invitations refused (their limit fails closed)")
        raise InvitationLimitUnavailableError() from error
    except ValueError as error:  # the bucket vanished between add and incr (evicted)
        raise InvitationLimitUnavailableError() from error
    return bucket


def team_invitations_give_back(*, organization_id: int, count: int, bucket: int) -> None:
    """Return e-mails that were counted (in `bucket`) but not sent: the sending failed and
    rolled back."""
    if count <= 0:
        return
    try:
        cache.decr(_team_key(organization_id, bucket), count)
    except (*CACHE_ERRORS, ValueError):
        pass  # a count that stays too high only makes the limit stricter, for an hour


def resend_wait_seconds(last_sent_at: datetime | None) -> int:
    """How many seconds before an invitation last sent at `last_sent_at` may be resent."""
    if last_sent_at is None:
        return 0
    elapsed = time.time() - last_sent_at.timestamp()
    return max(0, math.ceil(RESEND_INTERVAL_SECONDS - elapsed))
