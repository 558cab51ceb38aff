"""The first arrival waiting in the server-side session: the GAR's identity (IDO, names,
UAI, profile) and the campaign being joined, for one hour (issue #16), never in a URL.

It is no credential: it never signs anyone in by itself (an IDO that got an account
meanwhile starts again at /gar/login/), it is forgotten on every terminal outcome (signed
in, a refusal that no new birth date can change, sign-out flushes the session), and it
lives in a session of its own (a new key, ending with the browser). Attaching it to a
team member's account requires it to be at most STAFF_ATTACH_MAX_AGE_SECONDS old.

Stored signed (`django.core.signing`, its own salt) with the time of arrival inside: the
session is the server's, but a value that no longer verifies (a changed secret, a session
written by something else) or that is older than an hour is refused the same way, with a
page that sends the person back to their ENT — never a 500.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib.auth import logout
from django.core import signing
from django.http import HttpRequest

from accounts.gar.identity import GarIdentity

from .errors import GarArrivalExpiredError

SESSION_KEY = "gar_arrival"
# What the birth date matched and which account must prove its password (the proof page).
MATCH_KEY = "gar_arrival_match"
SALT = "campaigns.gar.pending"
MAX_AGE_SECONDS = 3600
# Attaching the ENT to a team member's account: a short window after the GAR's answer.
STAFF_ATTACH_MAX_AGE_SECONDS = 15 * 60


def clock() -> float:
    """The time arrivals are dated with (a test moves it)."""
    return time.time()


@dataclass(frozen=True)
class PendingArrival:
    identity: GarIdentity
    campaign_code: str
    arrived_at: float


def pending_store(request: HttpRequest, identity: GarIdentity, *, campaign_code: str = "") -> None:
    """A first arrival is a new person on this browser: whoever was signed in is signed
    out (the session emptied), and the session gets a new key either way (nobody who
    knew the old one shares the arrival). It lasts until the browser closes."""
    if request.user.is_authenticated:
        logout(request)  # flushes the session: a new key
    else:
        request.session.cycle_key()
    request.session.set_expiry(0)
    payload = {
        "ido": identity.ido,
        "pre": identity.first_name,
        "nom": identity.last_name,
        "uai": identity.uai,
        "pro": identity.profile,
        "div": list(identity.divisions),
        "uais": list(identity.uais),
        "code": campaign_code,
        "t": clock(),
    }
    request.session[SESSION_KEY] = signing.dumps(payload, salt=SALT)
    request.session.pop(MATCH_KEY, None)


def pending_load(request: HttpRequest) -> PendingArrival:
    """The arrival waiting in this session; GarArrivalExpiredError when there is none, it
    does not verify, or it is over an hour old."""
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, str):
        raise GarArrivalExpiredError(meta={"reason": "missing"})
    try:
        payload = signing.loads(stored, salt=SALT)
        identity = GarIdentity(
            ido=str(payload["ido"]),
            first_name=str(payload["pre"]),
            last_name=str(payload["nom"]),
            uai=str(payload["uai"]),
            profile=str(payload["pro"]),
            divisions=tuple(str(value) for value in payload["div"]),
            uais=tuple(str(value) for value in payload.get("uais", ())),
        )
        arrived_at = float(payload["t"])
        campaign_code = str(payload["code"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        pending_clear(request)
        raise GarArrivalExpiredError(meta={"reason": "invalid"}) from error
    if not identity.ido or clock() - arrived_at > MAX_AGE_SECONDS:
        pending_clear(request)
        raise GarArrivalExpiredError(meta={"reason": "expired"})
    return PendingArrival(identity=identity, campaign_code=campaign_code, arrived_at=arrived_at)


def pending_age(arrival: PendingArrival) -> float:
    """Seconds since the GAR's answer started this arrival."""
    return clock() - arrival.arrived_at


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(MATCH_KEY, None)
