"""The authentication backend (AUTHENTICATION_BACKENDS): allauth's, with one password
check per sign-in.

allauth's backend tries an e-mail-looking login as an e-mail, then as an identifier, then
as an e-mail again, and Django's ModelBackend (which allauth's extends) tries it as an
identifier first: a wrong password for an existing address cost three hashes, an unknown
address two — a measurable difference that told which addresses have an account. Here the
login names at most one account (accounts.selectors.user_get_for_login) and exactly one
hash is computed either way: the account's, or allauth's dummy one for an unknown login.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from .selectors import user_get_for_login


class AuthenticationBackend(AllauthBackend):
    def _authenticate(self, request, **credentials):
        user = user_get_for_login(
            email=credentials.get("email"), username=credentials.get("username")
        )
        # Sets _did_check_password when there is an account; otherwise allauth's
        # authenticate() hashes the password against a dummy user.
        return self._check_password(user, credentials.get("password") or "")
