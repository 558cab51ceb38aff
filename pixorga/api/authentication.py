"""Who is calling the API: a script with a personal access token, or a page of ours.

    Authorization: Bearer pxo_…   a token (organizations.tokens); no CSRF check, no cookie
    the session cookie             the pages' own calls; unsafe methods need the CSRF token
                                   (X-CSRFToken), as every form of the site does

The answer is in the person's saved language (French by default), as the pages are.

A request that sends an Authorization header is judged on it alone: a wrong token is a
401 even when the browser also has a session, so a script never acts as whoever happens
to be signed in.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.language import activate_for_request, supported_or_default
from organizations.tokens import TokenInvalidError, TokenRefusedError, api_token_authenticate


class TokenAuthenticationFailed(exceptions.AuthenticationFailed):
    def __init__(self, error: TokenRefusedError) -> None:
        super().__init__(detail=error.message, code=error.code)
        self.meta = error.meta


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request)
        if not header:
            return None
        try:
            keyword, secret = header.decode("latin-1").split(" ", 1)
        except ValueError:
            keyword, secret = "", ""
        secret = secret.strip()
        if keyword.lower() != self.keyword.lower() or not secret or " " in secret:
            raise TokenAuthenticationFailed(TokenInvalidError())
        try:
            token = api_token_authenticate(secret)
        except TokenRefusedError as error:
            raise TokenAuthenticationFailed(error) from None
        user = token.membership.user
        # The language middleware ran before the token was read (it saw no one): the
        # person's saved preference applies from here, as on the pages.
        activate_for_request(request._request, supported_or_default(user.language))
        return user, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "pixorga.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal access token made on the account page (/compte/profil/), "
                "for one organisation and a role: `Authorization: Bearer pxo_…`."
            ),
        }
