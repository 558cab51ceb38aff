"""Rate limits of self-activation, counted in the Django cache (Redis when configured, so
shared by every process), like allauth's limits of the sign-in pages.

Per UAI: nobody can flood a school's mailbox; only the e-mails actually sent count (a
request within the cooldown of self-activation sends nothing, and is not counted).
Per IP: one address cannot try school after school. The client IP is allauth's (the
proxy chain is read only when TRUSTED_PROXY_COUNT says so); cache keys hold hashes, not
the IP or the UAI. Fixed windows: simple, and at worst twice the rate at a window's edge.

A cache that is down does not refuse the request (nor turn it into a 500): the e-mail
still goes only to the school's official address, and a pending invitation is reused,
so the damage of a flood during an outage stays one mailbox receiving a few links.
"""

from __future__ import annotations

import hashlib
import logging
import time

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from redis.exceptions import RedisError

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
