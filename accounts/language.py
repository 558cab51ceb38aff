"""The person's language: their saved preference, else the `django_language` cookie,
else French — never the browser's Accept-Language (accounts.middleware.LanguageMiddleware).

The cookie is set by the language switch, at sign-in (from the preference saved on the
account) and when the account page changes the preference; the switch and the account
page also save the preference of a signed-in person.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation

SUPPORTED = dict(settings.LANGUAGES)

# Each language named in itself: a person who does not read the current one finds theirs.
NATIVE_NAMES = {"fr": "Français", "en": "English"}


def supported_or_default(language: str | None) -> str:
    return language if language in SUPPORTED else settings.LANGUAGE_CODE


def language_for_request(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return supported_or_default(getattr(user, "language", None))
    return supported_or_default(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))


def activate_for_request(request: HttpRequest, language: str) -> None:
    """Use `language` for the rest of this request (messages, e-mails)."""
    translation.activate(language)
    request.LANGUAGE_CODE = language


def set_language_cookie(response: HttpResponseBase, language: str) -> None:
    # The same cookie, with the same attributes, as django.views.i18n.set_language.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
