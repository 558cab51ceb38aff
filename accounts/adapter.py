"""allauth's adapter (ACCOUNT_ADAPTER): where allauth meets our conventions.

- e-mails leave through the `send_email` task, after commit, in HTML and plain text, in
  the recipient's language;
- the preferred language saved on the account is applied at sign-in;
- accounts that sign up with an e-mail get no generated identifier;
- failed sign-ins are counted per (account, IP), per account and per trusted browser
  (accounts.limits), whichever of its e-mail or identifier is typed; a successful sign-in
  makes the browser trusted for that account.
"""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import limits
from .language import activate_for_request, set_language_cookie, supported_or_default
from .models import User
from .tasks import enqueue_email

# One sentence whether the login is an e-mail or an identifier, known or not.
WRONG_LOGIN_OR_PASSWORD = _(
    "Incorrect sign-in details: check your e-mail address (or identifier) and your password."
)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": WRONG_LOGIN_OR_PASSWORD,
        "username_password_mismatch": WRONG_LOGIN_OR_PASSWORD,
        # Sign-up says an address is taken (a trade-off: with optional verification the
        # other way would be a second account on one address), and how to get in.
        "email_taken": _(
            "An account already uses this e-mail address: sign in, or reset your password "
            "if you have forgotten it."
        ),
        # The same sentence whether or not the login names an account (see limits.py).
        "too_many_login_attempts": _(
            "Too many failed sign-in attempts. Try again in a few minutes, or reset your "
            "password to sign in at once."
        ),
    }

    # --- Sign-up ---------------------------------------------------------------------
    def populate_username(self, request, user) -> None:
        # allauth would invent an identifier from the names; teachers sign in with their
        # e-mail, and identifiers are reserved for students (the field stays NULL).
        return None

    def save_user(self, request, user, form, commit=True):
        # Whoever signs up in English prefers English.
        user.language = supported_or_default(translation.get_language())
        return super().save_user(request, user, form, commit=commit)

    # --- Sign-in ---------------------------------------------------------------------
    def post_login(self, request, user, **kwargs):
        language = supported_or_default(getattr(user, "language", None))
        # Active now (the "signed in" message), and remembered by the browser.
        activate_for_request(request, language)
        response = super().post_login(request, user, **kwargs)
        set_language_cookie(response, language)
        # This browser has proved it knows the password: it gets its own allowance of
        # wrong passwords for this account, which no one else can spend.
        limits.remember_device(request, response, user)
        return response

    def pre_authenticate(self, request, **credentials) -> None:
        # allauth counts failures per IP and per typed login; ours are per (account, IP),
        # per account and per trusted browser (accounts.limits). allauth's authenticate()
        # rolls this usage back when the password is right.
        self._login_failed_rl_usage = limits.consume_sign_in_attempt(
            request, credentials=credentials
        )
        if self._login_failed_rl_usage is None:
            raise self.validation_error("too_many_login_attempts")

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        # allauth clears the counts of each address after a password reset. Ours are keyed
        # by a fingerprint of the password hash, so the new password already starts fresh
        # counts (for every IP, which a clear by key could not reach).
        return None

    # --- E-mails ---------------------------------------------------------------------
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        user = context.get("user")
        if not isinstance(user, User):
            # Some mails ("unknown account", "account already exists") carry no user: the
            # address may still belong to someone, who reads in the language they chose.
            user = User.objects.filter(email=email.lower()).only("language").first()
        language = supported_or_default(user.language if user else translation.get_language())
        ctx = {
            "request": request,
            "email": email,
            # allauth's texts say "Hello from {site_name}": the service, not a host name.
            "current_site": SimpleNamespace(
                name="Pix Orga", domain=urlsplit(settings.SITE_URL).netloc
            ),
            **context,
        }
        with translation.override(language):
            message = self.render_mail(template_prefix, email, ctx)
            html_body = next(
                (
                    content
                    for content, mimetype in getattr(message, "alternatives", [])
                    if mimetype == "text/html"
                ),
                None,
            )
            if html_body is None:
                # allauth ships plain-text templates only: the HTML part is the same text
                # in our layout, links made clickable.
                html_body = render_to_string(
                    "account/email/layout.html",
                    {"subject": message.subject, "body": message.body, "language": language},
                )
        enqueue_email(
            to=list(message.to), subject=message.subject, body=message.body, html_body=html_body
        )
