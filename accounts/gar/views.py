"""/gar/metadata.xml, /gar/login/ and /gar/acs/: the GAR's single sign-on (SAML 2.0).

Public routes (no org_view): whoever arrives from an ENT is not signed in yet. Every
refusal is a `GarError` rendered on its page with its code (never a 500), logged with
its code only.
"""

from __future__ import annotations

import logging

from allauth.core.internal import ratelimit
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import config, service
from .errors import GarError, GarUnavailableError

logger = logging.getLogger(__name__)

CAMPAIGN_PARAMETER = "campagne"


def refusal(request: HttpRequest, error: GarError) -> HttpResponse:
    return render(request, "gar/refusal.html", {"error": error}, status=error.status)


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    if not config.is_enabled():
        return refusal(request, GarUnavailableError())
    try:
        xml = service.gar_metadata_xml()
    except GarError as error:
        return refusal(request, error)
    return HttpResponse(xml, content_type="application/samlmetadata+xml")


def _campaign_code(request: HttpRequest) -> str:
    """The code of `?campagne=` when it names an open campaign, else '' (the sign-in goes
    on; the person lands on their campaigns). Kept with the request, never in a URL."""
    # Imported here: accounts comes before campaigns in the apps' dependencies; the
    # login page is the one place that names a campaign.
    from campaigns.codes import is_valid_code, normalize_code
    from campaigns.selectors import campaign_get_by_code

    code = normalize_code(request.GET.get(CAMPAIGN_PARAMETER, ""))
    if not is_valid_code(code):
        return ""
    campaign = campaign_get_by_code(code=code)
    if campaign is None or campaign.is_deleted or campaign.is_archived:
        return ""
    if campaign.organization.is_archived:
        return ""
    return campaign.code


@require_GET
def login(request: HttpRequest) -> HttpResponse:
    if not config.is_enabled():
        return refusal(request, GarUnavailableError())
    allowed = ratelimit.consume(
        request,
        app="pixorga.gar",
        action="gar_login",
        config={"gar_login": settings.GAR_LOGIN_RATE_LIMIT},
        limit_get=True,
    )
    if not allowed:
        return render(request, "account/rate_limited.html", status=429)
    try:
        started = service.gar_login_start(campaign_code=_campaign_code(request))
    except GarError as error:
        logger.warning("GAR sign-in not started: %s", error.code)
        return refusal(request, error)
    response = HttpResponseRedirect(started.redirect_url)
    _set_browser_cookie(request, response, started.request_id)
    return response


def _set_browser_cookie(request: HttpRequest, response: HttpResponse, request_id: str) -> None:
    """The proof that the answer comes back to the browser that went to the GAR (see
    `service.BROWSER_COOKIE`). SameSite=None: the answer is a cross-site POST, which
    brings no Lax cookie; hence Secure, which browsers require with SameSite=None
    (Chromium also keeps Secure cookies set by http://localhost, the browser test's live
    server). Only a DEBUG site on plain http gets it without Secure. HttpOnly, for
    /gar/ only, for as long as the request waits."""
    response.set_cookie(
        service.BROWSER_COOKIE,
        service.browser_binding(request_id),
        max_age=settings.GAR_REQUEST_LIFETIME_SECONDS,
        path="/gar/",
        secure=request.is_secure() or not settings.DEBUG,
        httponly=True,
        samesite="None",
    )


# A cross-site POST from the GAR: no CSRF token (nor, SameSite=Lax, our cookies) comes
# with it. The signed response, answering a request stored in the database, is the proof.
@csrf_exempt
@require_POST
def acs(request: HttpRequest) -> HttpResponse:
    if not config.is_enabled():
        return refusal(request, GarUnavailableError())
    # The RelayState is ignored on purpose: ours is always GAR_RESOURCE_URL, and where
    # the person goes next is decided from the stored request, never from the POST.
    try:
        accepted = service.gar_response_accept(
            saml_response=request.POST.get("SAMLResponse", ""),
            browser=request.COOKIES.get(service.BROWSER_COOKIE, ""),
        )
    except GarError as error:
        logger.warning("GAR response refused: %s", error.code)
        return refusal(request, error)
    # Imported here: accounts comes before campaigns in the apps' dependencies.
    from campaigns.gar.arrival import gar_arrive

    # The campaign being joined was kept with the request (never in the RelayState).
    response = gar_arrive(request, accepted.identity, campaign_code=accepted.campaign_code)
    # Used: the request it proved is consumed.
    response.delete_cookie(service.BROWSER_COOKIE, path="/gar/", samesite="None")
    return response
