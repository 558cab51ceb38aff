"""allauth's adapter (ACCOUNT_ADAPTER): where allauth meets our conventions.

- e-mails leave through the `send_email` task, after commit, in HTML and plain text, in
  the recipient's language;
- the preferred language saved on the account is applied at sign-in;
- accounts that sign up with an e-mail get no generated identifier;
- failed sign-ins are counted per account, whichever of its e-mail or identifier is typed.
"""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .language import activate_for_request, set_language_cookie, supported_or_default
from .models import User
from .tasks import enqueue_email


class AccountAdapter(DefaultAccountAdapter):
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
        return response

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth counts failed sign-ins per typed login ("5/5m/key"). A person with both
        # an e-mail and an identifier would get two allowances: count per account instead.
        # (Private allauth hook, pinned by tests/accounts/test_rate_limits.py.)
        login = (credentials.get("email") or credentials.get("username") or "").strip()
        if login:
            lookup = {"email__iexact": login} if "@" in login else {"username__iexact": login}
            user_id = User.objects.filter(**lookup).values_list("pk", flat=True).first()
            if user_id is not None:
                return f"account:{user_id}"
        return super()._get_login_attempts_cache_key(request, **credentials)

    # --- E-mails ---------------------------------------------------------------------
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        user = context.get("user")
        if not isinstance(user, User):
            # Some mails ("unknown account", "account already exists") carry no user: the
            # address may still belong to someone, who reads in the language they chose.
            user = User.objects.filter(email__iexact=email).only("language").first()
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
