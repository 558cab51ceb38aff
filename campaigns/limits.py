"""Attempt limits of the students' pages, counted in the database.

Birth dates are guessable: whoever knows a pupil's name could try the days of a year
until the school's list answers. So the attempts are limited, and the counts live in the
database (`AttemptCounter`), not in the cache: they hold while Redis is down, where a
cache-based limit would have to fail open (accounts/limits.py) or refuse every pupil.

Scopes and their default rates (`STUDENT_JOIN_RATE_LIMITS` in the settings overrides any):

- a signed-in student matching themselves: per account, per learner (the typed names in
  the school, and the learner found when there is one), and per IP;
- the sign-up without an account: per browser session, per campaign code, and per IP;
- code entry: unknown codes per browser session and per IP, so that codes cannot be
  enumerated (a right code never counts);
- the GAR's first arrival: birth dates per IDO (10 an hour and 20 a day), per GAR names
  in the school before matching and per learner found, per IP (in the reconciliation's
  scopes), and the password proving an existing account per account
  and per IDO.

The IP limits are generous on purpose: a whole class (35 pupils, two or three tries each,
and the next class within the hour) sits behind the school's one public address, while the
per-account, per-learner, per-session and per-code limits are strict.

Fixed windows: simple, and at worst twice the rate at a window's edge. Keys are hashed,
so the table holds no IP address, name or code. Each call is one statement.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest

from .models import AttemptCounter

DEFAULT_RATES = {
    # Signed-in student, reconciliation (every attempt counts).
    "reconcile_account": "10/h",
    "reconcile_learner": "10/h",
    "reconcile_ip": "600/h",
    # Sign-up without an account (every attempt counts).
    "sign_up_session": "10/h",
    "sign_up_code": "200/h",
    "sign_up_ip": "600/h",
    # Code entry (unknown codes only).
    "code_session": "10/10m,30/d",
    "code_ip": "300/h",
    # The GAR's first arrival (campaigns.gar): birth dates per IDO (every attempt counts,
    # with a daily cap; the GAR names in the school, the learner a match found and the IP
    # count in the reconciliation's scopes), and the password proving an account per
    # account and per IDO.
    "gar_birthdate_ido": "10/h,20/d",
    "gar_password_account": "10/h",
    "gar_password_ido": "10/h",
}
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"(\d+)/(\d*)([smhd])")
# Rows older than this are purged at most once a minute per process.
_PURGE_INTERVAL_SECONDS = 60
_last_purge = 0.0


def clock() -> float:
    """The time the windows are cut from (a test moves it)."""
    return time.time()


def parse_rates(rates: str) -> list[tuple[int, int]]:
    """ "10/10m,30/d" → [(10, 600), (30, 86400)]: (attempts allowed, window in seconds)."""
    parsed = []
    for rate in rates.split(","):
        found = _RATE.fullmatch(rate.strip())
        if found is None:
            raise ValueError(f"not a rate: {rate!r} (e.g. 10/h, 5/10m)")
        amount, number, unit = found.groups()
        parsed.append((int(amount), int(number or 1) * UNITS[unit]))
    return parsed


def rates_for(scope: str) -> list[tuple[int, int]]:
    configured = getattr(settings, "STUDENT_JOIN_RATE_LIMITS", None) or {}
    return parse_rates(configured.get(scope, DEFAULT_RATES[scope]))


def client_ip(request: HttpRequest) -> str:
    """allauth's: the proxy chain is read only when TRUSTED_PROXY_COUNT says so."""
    return get_adapter(request).get_client_ip(request)


@dataclass(frozen=True)
class Key:
    """One thing counted: a scope (its rates) and the value counted in it."""

    scope: str
    value: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(f"{self.scope}:{self.value}".encode()).hexdigest()


def _windows(keys: Iterable[Key], now: float):
    for key in keys:
        for amount, period in rates_for(key.scope):
            window = int(now // period)
            yield key, amount, period, window, datetime.fromtimestamp((window + 1) * period, UTC)


def consume(keys: Iterable[Key]) -> bool:
    """Count one attempt for every key in every window of its scope; False when one of
    them is now over its limit (the refused attempt counts too: nobody gains by
    insisting). One statement, whatever the number of keys."""
    now = clock()
    rows = list(_windows(keys, now))
    if not rows:
        return True
    table = connection.ops.quote_name(AttemptCounter._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, 1, %s)"] * len(rows))
    params: list = []
    for key, _amount, period, window, expires_at in rows:
        params += [key.scope, key.digest, period, window, expires_at]
    sql = (
        f"INSERT INTO {table} (scope, key, period, window_index, attempts, expires_at) "  # noqa: S608 - a constant table name; values are parameters
        f"VALUES {values} "
        "ON CONFLICT (scope, key, period, window_index) "
        f"DO UPDATE SET attempts = {table}.attempts + 1 "
        "RETURNING scope, key, period, attempts"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counted = {(scope, digest, period): n for scope, digest, period, n in cursor.fetchall()}
    _purge_now_and_then(now)
    return all(
        counted[(key.scope, key.digest, period)] <= amount for key, amount, period, _, _ in rows
    )


def blocked(keys: Iterable[Key]) -> bool:
    """Whether one of the keys has used up a window already (nothing counted): for limits
    that count failures only, checked before trying."""
    full = Q(pk__in=[])
    for key, amount, period, window, _expires in _windows(keys, clock()):
        full |= Q(
            scope=key.scope,
            key=key.digest,
            period=period,
            window_index=window,
            attempts__gte=amount,
        )
    return AttemptCounter.objects.filter(full).exists()


def _purge_now_and_then(now: float) -> None:
    global _last_purge
    if now - _last_purge < _PURGE_INTERVAL_SECONDS:
        return
    _last_purge = now
    AttemptCounter.objects.filter(expires_at__lt=datetime.fromtimestamp(now, UTC)).delete()


# --- The keys of each page ------------------------------------------------------------------


def reconcile_keys(request: HttpRequest, *, user_id: int, organization_id: int, names: str):
    return [
        Key("reconcile_account", str(user_id)),
        Key("reconcile_learner", f"{organization_id}:{names}"),
        Key("reconcile_ip", client_ip(request)),
    ]


def learner_key(learner_id: int) -> Key:
    """The learner a match found: bounded whatever names or account tried it."""
    return Key("reconcile_learner", f"learner:{learner_id}")


def sign_up_keys(request: HttpRequest, *, session_id: str, code: str):
    return [
        Key("sign_up_session", session_id),
        Key("sign_up_code", code),
        Key("sign_up_ip", client_ip(request)),
    ]


def code_keys(request: HttpRequest, *, session_id: str):
    return [Key("code_session", session_id), Key("code_ip", client_ip(request))]


def gar_birthdate_keys(request: HttpRequest, *, ido: str, organization_id: int, names: str):
    """Counted before matching: per IDO, per GAR names in the school (the scope of the
    names a signed-in student types: whichever IDO or account tries them) and per IP."""
    return [
        Key("gar_birthdate_ido", ido),
        Key("reconcile_learner", f"{organization_id}:{names}"),
        Key("reconcile_ip", client_ip(request)),
    ]


def gar_password_keys(*, account_id: int, ido: str):
    return [Key("gar_password_account", str(account_id)), Key("gar_password_ido", ido)]
