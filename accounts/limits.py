"""Sign-in limits: who may try a password, how often, and what happens when Redis is down.

Failed sign-ins (wrong passwords) are counted, before the password is checked, in
allauth's limiter (`ACCOUNT_RATE_LIMITS`, kept in the cache):

- an untrusted browser is counted per (account, IP) — `login_failed`, 5 in 5 minutes,
  under per-IP ceilings against floods — and per account — `login_failed_account`, 30 an
  hour, whatever the IP;
- a browser that has signed in to the account before carries a signed device cookie and
  is counted per (account, device) only — `login_failed_device`, 5 in 5 minutes. It is
  exempt from the per-account and per-IP counts, so a pupil on the school's network (same
  IP as the head of school, but not the head's browser) cannot lock the head out.

An account's counts are keyed by a fingerprint of its password hash: a password reset (or
change) starts fresh counts, which is how a reset clears the lock. A login that names no
account is counted exactly like one that does (per typed login and IP, per typed login),
so the limits tell nothing about which addresses have an account.

When the cache is unreachable, sign-in and sign-up fail open: `cache_failing_open()`
(entered by `accounts.middleware.CacheOutageMiddleware` for those two pages) makes every
cache call of the request answer "nothing stored" instead of raising, and logs it at most
once a minute per process. Every other page fails closed (a 503 page, never a 500).
"""

import logging
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from allauth.core.internal import ratelimit
from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.http import HttpRequest, HttpResponseBase
from django.utils.crypto import salted_hmac
from redis.exceptions import RedisError

from .models import User
from .selectors import user_get_for_login

logger = logging.getLogger(__name__)

# What Django's Redis cache raises when Redis cannot be reached or answer (redis-py wraps
# socket errors, refused connections and timeouts in these).
CACHE_ERRORS = (RedisError,)

DEVICE_COOKIE_NAME = "pixorga_device"
DEVICE_COOKIE_AGE = 60 * 60 * 24 * 365
# Shared computers (computer rooms, the staff room) see several accounts: the cookie keeps
# the most recent ones.
DEVICE_MAX_ACCOUNTS = 10
_DEVICE_SALT = "accounts.limits.device"
_FINGERPRINT_SALT = "accounts.limits.password"


# --- Failing open ---------------------------------------------------------------------

WARNING_INTERVAL_SECONDS = 60
_warning_lock = threading.Lock()
_last_warnings: dict[str, float] = {}


def warn_cache_unreachable(error: Exception, consequence: str) -> None:
    """Log that Redis is unreachable, at most once a minute per process and consequence:
    while it is down every request would say it again."""
    with _warning_lock:
        now = time.monotonic()
        last = _last_warnings.get(consequence)
        if last is not None and now - last < WARNING_INTERVAL_SECONDS:
            return
        _last_warnings[consequence] = now
    logger.warning(
        "Cache unreachable (%s): %s (logged at most once a minute)",
        type(error).__name__,
        consequence,
    )


class _FailOpenCache:
    """The real cache, seen by one request: an error reads as a miss, a write is dropped.

    After the first error the request stops calling Redis: with an unreachable host each
    call would wait for its timeout, and a sign-in makes a dozen of them."""

    # What each call answers when Redis does not: allauth's limiter then finds no history
    # and takes its lock (add → True), so every attempt is allowed. Other methods reach
    # the real cache (an error there is a 503, see CacheOutageMiddleware).
    _ANSWERS = {
        "add": True,
        "set": True,
        "touch": False,
        "delete": False,
        "incr": 1,
        "has_key": False,
    }

    def __init__(self, cache) -> None:
        self._cache = cache
        self._down = False

    def _call(self, name: str, answer, *args, **kwargs):
        if not self._down:
            try:
                return getattr(self._cache, name)(*args, **kwargs)
            except CACHE_ERRORS as error:
                self._down = True
                warn_cache_unreachable(
                    error, "sign-in and sign-up limits are not applied (fail open)"
                )
        return answer

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default=default, version=version)

    def __getattr__(self, name: str):
        if name in self._ANSWERS:
            answer = self._ANSWERS[name]
            return lambda *args, **kwargs: self._call(name, answer, *args, **kwargs)
        return getattr(self._cache, name)


@contextmanager
def cache_failing_open() -> Iterator[None]:
    """For the rest of this request (this thread), the default cache fails open.

    Django keeps one cache object per thread (`caches` is context-local): replacing it
    here concerns this request only, and allauth's limiter (which uses
    `django.core.cache.cache`) sees the wrapper."""
    real = caches["default"]
    caches["default"] = _FailOpenCache(real)
    try:
        yield
    finally:
        caches["default"] = real


# --- The device cookie ----------------------------------------------------------------


def _password_fingerprint(user: User) -> str:
    # Changes whenever the password does (new salt, new hash): a reset starts fresh counts
    # and revokes every browser trusted with the old password.
    return salted_hmac(_FINGERPRINT_SALT, user.password or "").hexdigest()[:16]


@dataclass
class Device:
    """A browser, and the accounts it has signed in to (account id → fingerprint)."""

    id: str
    accounts: dict[str, str] = field(default_factory=dict)

    def trusts(self, user: User) -> bool:
        return self.accounts.get(str(user.pk)) == _password_fingerprint(user)


def read_device(request: HttpRequest) -> Device | None:
    value = request.COOKIES.get(DEVICE_COOKIE_NAME)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=_DEVICE_SALT, max_age=DEVICE_COOKIE_AGE)
        return Device(id=str(data["id"]), accounts=dict(data["accounts"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        # Forged, expired or from an older format: an untrusted browser.
        return None


def remember_device(request: HttpRequest, response: HttpResponseBase, user: User) -> None:
    """After a successful sign-in: this browser is trusted for `user` from now on."""
    device = read_device(request) or Device(id=secrets.token_urlsafe(12))
    accounts = {str(user.pk): _password_fingerprint(user)}
    for account, fingerprint in device.accounts.items():
        if len(accounts) >= DEVICE_MAX_ACCOUNTS:
            break
        accounts.setdefault(account, fingerprint)
    value = signing.dumps({"id": device.id, "accounts": accounts}, salt=_DEVICE_SALT)
    response.set_cookie(
        DEVICE_COOKIE_NAME,
        value,
        max_age=DEVICE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# --- Counting failed sign-ins ---------------------------------------------------------


def consume_sign_in_attempt(
    request: HttpRequest, *, credentials: dict
) -> ratelimit.RateLimitUsage | None:
    """Count one attempt before the password is checked; None when it must be refused.

    The usage is rolled back by allauth when the password is right, so only failures
    count. A refused attempt counts nowhere (its password was not checked)."""
    user = user_get_for_login(email=credentials.get("email"), username=credentials.get("username"))
    if user is not None:
        subject = f"account:{user.pk}:{_password_fingerprint(user)}"
    else:
        typed = credentials.get("email") or credentials.get("username") or ""
        subject = f"login:{typed.strip().lower()}"
    device = read_device(request)
    if user is not None and device is not None and device.trusts(user):
        plan = [("login_failed_device", f"{subject}:device:{device.id}")]
    else:
        plan = [
            ("login_failed", f"{subject}:ip:{ratelimit.get_ip(request)}"),
            ("login_failed_account", subject),
        ]
    consumed: list[ratelimit.SingleRateLimitUsage] = []
    for action, key in plan:
        usage = ratelimit.consume(request, app="allauth.account", action=action, key=key)
        if usage is None:
            ratelimit.RateLimitUsage(usage=consumed).rollback()
            return None
        consumed.extend(usage.usage)
    return ratelimit.RateLimitUsage(usage=consumed)
