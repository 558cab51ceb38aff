"""What happens once the GAR vouched for someone: `gar_arrive`, called by the service
provider's assertion consumer (accounts/gar/, `/gar/acs/`) with the validated identity.

- A known IDO (an account has this GAR method): that account is signed in (Django's
  login: a new session key), the method's names refreshed if the GAR's changed and its
  last use set (`authentication_method_touch`; the account's own names stay the
  person's), then the campaign being joined, else `/mes-parcours/` (a student) or the home
  page (anyone else, who goes on to their space).
- An unknown IDO: the identity waits in the server-side session for an hour
  (`pending.py`); a student (`PRO` = National_elv) types their birth date
  (`/gar/premiere-connexion/`), anyone else reads how staff join a school's team
  (`/gar/personnel/`) and may attach the ENT to their account (views.py).

The campaign code comes from the service provider, which kept it with the outstanding
request: it is only ever used as a well-formed code in a URL we build, never as a URL.
"""

from __future__ import annotations

from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.gar.identity import GarIdentity
from accounts.language import activate_for_request, set_language_cookie, supported_or_default
from accounts.models import AuthenticationMethod, User
from accounts.selectors import authentication_method_get
from accounts.services import authentication_method_touch

from ..codes import is_valid_code, normalize_code
from .errors import GarAccountDisabledError
from .pending import pending_clear, pending_store

BACKEND = "accounts.backends.AuthenticationBackend"


def gar_arrive(
    request: HttpRequest, identity: GarIdentity, *, campaign_code: str = ""
) -> HttpResponse:
    """Sign the known account in, or start a first arrival (see the module)."""
    method = authentication_method_get(
        provider=AuthenticationMethod.Provider.GAR, external_id=identity.ido
    )
    if method is None:
        pending_store(request, identity, campaign_code=campaign_code)
        if identity.is_student:
            return redirect("gar_arrival:birthdate")
        return redirect("gar_arrival:staff")
    if not method.user.is_active:
        error = GarAccountDisabledError()
        return render(request, "campaigns/gar/refusal.html", {"error": error}, status=error.status)
    authentication_method_touch(
        method=method, first_name=identity.first_name, last_name=identity.last_name
    )
    pending_clear(request)
    return sign_in_and_continue(
        request, method.user, campaign_code=campaign_code, student=identity.is_student
    )


def next_url(*, campaign_code: str, student: bool) -> str:
    code = normalize_code(campaign_code or "")
    if is_valid_code(code):
        return reverse("join:landing", args=[code])
    return reverse("join:my_campaigns") if student else reverse("home")


def sign_in_and_continue(
    request: HttpRequest, user: User, *, campaign_code: str, student: bool
) -> HttpResponse:
    """Signed in (a new session key; the session of someone else signed in on this
    computer is emptied by Django's login) until the browser closes, in the account's
    language, then onwards."""
    auth_login(request, user, backend=BACKEND)
    # Until the browser closes, as allauth's sign-in (ACCOUNT_SESSION_REMEMBER=False):
    # school computers are shared.
    request.session.set_expiry(0)
    language = supported_or_default(user.language)
    activate_for_request(request, language)
    response = redirect(next_url(campaign_code=campaign_code, student=student))
    set_language_cookie(response, language)
    return response
