"""Helpers of the GAR arrival tests: an identity the service provider would have
validated, `gar_arrive` called on a test client's session (no SAML: the provider's own
tests cover it), and the pending arrival written or damaged directly."""

from __future__ import annotations

import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import Client, RequestFactory
from django.utils import translation

from accounts.gar.identity import GarIdentity
from campaigns.gar import pending
from campaigns.gar.arrival import gar_arrive
from tests.factories import make_learner, make_organization

BIRTHDATE = datetime.date(2012, 5, 17)


def gar_identity(
    *,
    ido: str = "ido-lea-1",
    first_name: str = "Léa",
    last_name: str = "MARTIN",
    uai: str = "",
    profile: str = "National_elv",
    divisions: tuple[str, ...] = ("6A",),
) -> GarIdentity:
    return GarIdentity(
        ido=ido,
        first_name=first_name,
        last_name=last_name,
        uai=uai,
        profile=profile,
        divisions=divisions,
    )


def _session(client: Client):
    engine = import_module(settings.SESSION_ENGINE)
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return engine.SessionStore(cookie.value if cookie else None)


def arrive(client: Client, identity: GarIdentity, *, campaign_code: str = ""):
    """What /gar/acs/ does once the response is valid: `gar_arrive` on this browser's
    session. The client keeps the (new) session and the cookies set."""
    request = RequestFactory().post("/gar/acs/")
    request.session = _session(client)
    request.user = get_user(request)
    request._messages = FallbackStorage(request)
    try:
        response = gar_arrive(request, identity, campaign_code=campaign_code)
    finally:
        translation.deactivate()
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    for name, morsel in response.cookies.items():
        client.cookies[name] = morsel.value
    return response


def session_of(client: Client):
    return _session(client)


def set_session_value(client: Client, key: str, value) -> None:
    session = _session(client)
    session[key] = value
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


def age_pending_arrival(client: Client, seconds: float, monkeypatch) -> None:
    """The arrival waiting in the session is now `seconds` old (the clock moves)."""
    now = pending.clock()
    monkeypatch.setattr(pending, "clock", lambda: now + seconds)


def signed_in_user_id(client: Client):
    session = _session(client)
    value = session.get("_auth_user_id")
    return int(value) if value is not None else None


# --- Data (tests/gar/conftest.py is the SAML tests': each module has its `school` fixture) ---


def make_school():
    """A school that manages its students: Léa MARTIN (17/05/2012), Hugo BERNARD (same day),
    and Zoé FAURE (17/05/2012, disabled: she left)."""
    organization = make_organization(name="Collège Jean Moulin")
    organization.lea = make_learner(
        organization, first_name="Léa", last_name="MARTIN", birthdate=BIRTHDATE
    )
    organization.hugo = make_learner(
        organization, first_name="Hugo", last_name="BERNARD", birthdate=BIRTHDATE, sex="M"
    )
    organization.zoe = make_learner(
        organization, first_name="Zoé", last_name="FAURE", birthdate=BIRTHDATE, disabled=True
    )
    return organization


def birth(date=BIRTHDATE) -> dict:
    return {
        "birth_day": str(date.day),
        "birth_month": str(date.month),
        "birth_year": str(date.year),
    }
