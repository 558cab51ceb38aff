"""Account pages around allauth: the account page, its API tokens, the language switch,
the back office sign-in and the "too many requests" page."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

# The account page is an interface, like the back office (accounts/admin.py): it calls the
# token services of `organizations`; accounts' models and services import nothing from it.
from organizations.selectors import membership_list_for_user
from organizations.token_forms import ApiTokenForm
from organizations.tokens import (
    ApiTokenError,
    api_token_create,
    api_token_get_for_owner,
    api_token_list_for_user,
    api_token_revoke,
    api_token_state,
)

from .forms import ChoosePasswordForm, ProfileForm
from .language import SUPPORTED, activate_for_request, set_language_cookie
from .services import user_choose_new_password, user_set_language, user_update_profile


@login_required
def account_index(request):
    return redirect("account_profile")


@login_required
def profile(request):
    """Names and preferred language; the password is changed on allauth's page."""
    if request.method == "POST":
        form = ProfileForm.for_user(request.user, data=request.POST)
        if form.is_valid():
            user = user_update_profile(user=request.user, **form.cleaned_data)
            # The new language applies at once, starting with this confirmation.
            activate_for_request(request, user.language)
            messages.success(request, _("Your account has been updated."))
            response = redirect("account_profile")
            set_language_cookie(response, user.language)
            return response
    else:
        form = ProfileForm.for_user(request.user)
    return render(request, "account/profile.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def choose_password(request):
    """Where an account given a one-time password chooses its own (the middleware sends
    it here from every page, with the page asked for as `next`). No current password
    asked: the person has just signed in with the one-time one, which the new one may not
    be. Then the safe `next` (a student who signed in from a campaign's page goes back
    there), else the home page. Without the obligation, the account page's usual change."""
    if not request.user.must_change_password:
        return redirect("account_change_password")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = ChoosePasswordForm(request.user, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        user = user_choose_new_password(
            user=request.user, password=form.cleaned_data["new_password1"]
        )
        # The password's hash changed: keep this session signed in.
        update_session_auth_hash(request, user)
        messages.success(request, _("Your new password is saved: use it from now on."))
        return redirect(next_url or "home")
    return render(request, "account/choose_password.html", {"form": form, "next": next_url})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """The person's API tokens: the list, and a new one for one of their organisations
    (open ones) with a role no higher than theirs. A new token's secret is in this answer
    only (no redirect, never cached): it is not stored and cannot be shown again."""
    memberships = [
        membership
        for membership in membership_list_for_user(user=request.user)
        if not membership.organization.is_archived
    ]
    form = ApiTokenForm(request.POST if request.method == "POST" else None, memberships=memberships)
    created = secret = None
    if form.is_bound and form.is_valid():
        try:
            created, secret = api_token_create(user=request.user, **form.cleaned_data)
        except ApiTokenError as error:
            form.add_service_error(error)
        else:
            form = ApiTokenForm(memberships=memberships)
    now = timezone.now()
    tokens = [
        (token, api_token_state(token, now=now))
        for token in api_token_list_for_user(user=request.user)
    ]
    return render(
        request,
        "account/api_tokens.html",
        {
            "form": form,
            "has_organizations": bool(memberships),
            "tokens": tokens,
            "created": created,
            "secret": secret,
            "api_url": request.build_absolute_uri(reverse("api:me")).removesuffix("me/"),
        },
    )


@login_required
@require_POST
def api_token_revoke_view(request, token_id: int):
    token = api_token_get_for_owner(user=request.user, token_id=token_id)
    api_token_revoke(actor=request.user, token=token)
    messages.success(
        request, _("The token « %(name)s » is revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("account_api_tokens")


@require_POST
def set_language(request):
    """Django's language switch (POST language, next), which also saves the choice on the
    account of a signed-in person so that their next sign-in opens in it."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in SUPPORTED:
        user_set_language(user=request.user, language=language)
    return response


@never_cache
def backoffice_login(request, extra_context=None):
    """The back office has no password form of its own: staff sign in through allauth,
    which applies the same rate limits (admin.site.login points here, see pixorga/urls.py).
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(next_url)
        # Signed in but not platform staff: sending them to sign in again would loop.
        raise PermissionDenied("not platform staff")
    return redirect_to_login(next_url, login_url=reverse("account_login"))


def rate_limited(request, exception=None):
    """allauth's 429 page (handler429 in pixorga/urls.py)."""
    return render(request, "account/rate_limited.html", status=429)
