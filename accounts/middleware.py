"""Three request-wide rules of the accounts app: the page's language, what a page does
when the cache (Redis) is down, and the new password an account with a one-time password
must choose first."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from pixorga.errors import error_response

from . import limits
from .language import language_for_request


class LanguageMiddleware:
    """The person's saved preference, else the `django_language` cookie, else French.

    Replaces Django's LocaleMiddleware, which would follow the browser's Accept-Language:
    a French public service answers in French unless the person chose otherwise. Placed
    after AuthenticationMiddleware, which it needs to read the preference."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # The view may have switched (sign-in, account page): say what was served.
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ("Cookie",))
        return response


class CacheOutageMiddleware:
    """Redis down: sign-in and sign-up fail open, every other page fails closed.

    Sign-in and sign-up only read and write rate limits in the cache: they run with the
    cache failing open (accounts.limits.cache_failing_open), so people can still sign in
    when Redis is down. Anything else that needs the cache (the limits of password reset,
    of e-mail and password changes…) is refused with a 503 page: a limit that cannot be
    counted is not skipped there, and the person reads "try again later", not a 500."""

    # The GAR's sign-in counts AuthnRequests per IP only, against floods: like sign-in,
    # it goes on when Redis is down.
    FAIL_OPEN_URL_NAMES = ("account_login", "account_signup", "gar:login")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if url_name(request) in self.FAIL_OPEN_URL_NAMES:
            with limits.cache_failing_open():
                return self.get_response(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, limits.CACHE_ERRORS):
            return None
        # The URL's name, not its path: a password reset link carries its token in the path.
        match = request.resolver_match
        name = match.view_name if match else "?"
        limits.warn_cache_unreachable(exception, f"{name} refused with a 503 (fail closed)")
        return render(request, "account/service_unavailable.html", status=503)


PASSWORD_CHANGE_REQUIRED = "PASSWORD_CHANGE_REQUIRED"  # noqa: S105 - an error code


class PasswordChangeRequiredMiddleware:
    """An account given a one-time password (`User.must_change_password`) sees nothing
    else until its owner chose a new one: every page redirects to that page, JSON answers
    (the API, a page's poll) are a coded 403. Exempt: the page itself, signing out, the
    language switch, static files and /healthz. After AuthenticationMiddleware."""

    EXEMPT_URL_NAMES = ("account_choose_password", "account_logout", "set_language", "healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.must_change_password:
            return self.get_response(request)
        path = request.path_info
        if path.startswith(settings.STATIC_URL) or url_name(request) in self.EXEMPT_URL_NAMES:
            return self.get_response(request)
        if path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
            return error_response(
                PASSWORD_CHANGE_REQUIRED,
                _("Choose a new password before going on: %(url)s")
                % {"url": reverse("account_choose_password")},
                meta={"url": reverse("account_choose_password")},
                status=403,
            )
        url = reverse("account_choose_password")
        if request.method == "GET" and request.path != reverse("home"):
            # Back to the page asked for once the password is chosen (checked there).
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)


def url_name(request) -> str | None:
    """The name of the URL the request is for, with its namespace (`gar:login`), from its
    path within the site (the same whatever prefix the site is served under); None for a
    path of no view."""
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None
