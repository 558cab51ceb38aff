"""Matching a student to their line of the school's list: the form (names and birth
date), the confirmation ("Associer"), and the sign-up without an e-mail (names and birth
date, then a password and a generated identifier).

What was matched waits in the session (stored server-side: a browser cannot forge it)
between the form and the confirmation, for this campaign and this account only; the
services check everything again when the link is made.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.language import supported_or_default
from accounts.models import User
from students.models import Learner
from students.normalize import normalize_match_name, student_identifier_base

from .. import limits
from ..join_errors import JoinRateLimitedError, NoMatchError
from ..models import Campaign
from ..reconciliation import check_can_link, learner_find
from ..services.joining import (
    learner_link,
    student_learner,
    student_sign_up,
)
from ..student_forms import IdentityForm, StudentPasswordForm
from .student import check_open, continue_joining, identity, session_id, student_page

MATCH_KEY = "join_match"
SIGN_UP_KEY = "join_sign_up"
BACKEND = "accounts.backends.AuthenticationBackend"


def _typed_names(data: dict) -> str:
    return f"{normalize_match_name(data['first_name'])}:{normalize_match_name(data['last_name'])}"


def _find(form: IdentityForm, campaign: Campaign) -> Learner | None:
    """The learner matched by the form, or None with the no-match sentence on the form."""
    data = form.cleaned_data
    try:
        return learner_find(
            organization=campaign.organization,
            first_name=data["first_name"],
            last_name=data["last_name"],
            birthdate=data["birthdate"],
        )
    except NoMatchError as error:
        form.refusal = error
        return None


def _identity_page(request, campaign, form, *, sign_up: bool, status: int = 200):
    return render(
        request,
        "campaigns/student/identity_form.html",
        {
            "campaign": campaign,
            "organization": campaign.organization,
            "form": form,
            "sign_up": sign_up,
            "identity": "" if sign_up else identity(request.user),
        },
        status=status,
    )


# --- A signed-in student ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@student_page(login=True)
def reconcile(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """First name and last name (pre-filled from the account), birth date. Every attempt
    counts, per account, per learner and per IP (birth dates are guessable)."""
    organization = campaign.organization
    if not organization.is_managing_students or student_learner(
        user=request.user, organization=organization
    ):
        return redirect("join:participate", code=campaign.code)
    check_open(campaign)
    user = request.user
    initial = {"first_name": user.first_name, "last_name": user.last_name}
    form = IdentityForm(request.POST or None, initial=initial)
    if request.method == "GET" or not form.is_valid():
        return _identity_page(request, campaign, form, sign_up=False, status=_status(request))
    keys = limits.reconcile_keys(
        request,
        user_id=user.pk,
        organization_id=organization.pk,
        names=_typed_names(form.cleaned_data),
    )
    if not limits.consume(keys):
        raise JoinRateLimitedError()
    learner = _find(form, campaign)
    if learner is None:
        return _identity_page(request, campaign, form, sign_up=False, status=400)
    if not limits.consume([limits.learner_key(learner.pk)]):
        raise JoinRateLimitedError()
    check_can_link(learner=learner, user=user)
    request.session[MATCH_KEY] = {"code": campaign.code, "user": user.pk, "learner": learner.pk}
    return redirect("join:confirm", code=campaign.code)


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


@require_http_methods(["GET", "POST"])
@student_page(login=True)
def confirm(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """Which account, which line of the list (first and last name only: never the class,
    the INE or the birth date), then "Associer"."""
    match = request.session.get(MATCH_KEY) or {}
    if match.get("code") != campaign.code or match.get("user") != request.user.pk:
        return redirect("join:reconcile", code=campaign.code)
    learner = Learner.objects.filter(
        pk=match["learner"], organization_id=campaign.organization_id
    ).first()
    if learner is None:
        return redirect("join:reconcile", code=campaign.code)
    if request.method == "POST":
        learner_link(
            user=request.user,
            organization=campaign.organization,
            learner_id=learner.pk,
            campaign=campaign,
        )
        request.session.pop(MATCH_KEY, None)
        messages.success(request, _("Your account is now linked to your school's list."))
        return continue_joining(request, campaign)
    return render(
        request,
        "campaigns/student/confirm.html",
        {
            "campaign": campaign,
            "organization": campaign.organization,
            "learner": learner,
            "identity": identity(request.user),
        },
    )


# --- The sign-up without an e-mail ------------------------------------------------------------


def _sign_up_allowed(request: HttpRequest, campaign: Campaign) -> HttpResponse | None:
    if request.user.is_authenticated or not campaign.organization.is_managing_students:
        return redirect("join:landing", code=campaign.code)
    check_open(campaign)
    return None


@require_http_methods(["GET", "POST"])
@student_page()
def sign_up(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """Step 1: names and birth date, matched before any account exists. Every attempt
    counts, per browser session, per campaign code and per IP."""
    elsewhere = _sign_up_allowed(request, campaign)
    if elsewhere:
        return elsewhere
    form = IdentityForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        return _identity_page(request, campaign, form, sign_up=True, status=_status(request))
    keys = limits.sign_up_keys(request, session_id=session_id(request), code=campaign.code)
    if not limits.consume(keys):
        raise JoinRateLimitedError()
    learner = _find(form, campaign)
    if learner is None:
        return _identity_page(request, campaign, form, sign_up=True, status=400)
    if not limits.consume([limits.learner_key(learner.pk)]):
        raise JoinRateLimitedError()
    check_can_link(learner=learner, user=None)
    request.session[SIGN_UP_KEY] = {"code": campaign.code, "learner": learner.pk}
    return redirect("join:sign_up_password", code=campaign.code)


@require_http_methods(["GET", "POST"])
@student_page()
def sign_up_password(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """Step 2: "this is you", the identifier to come, a password; then the account is
    created and linked in one transaction, and the student is signed in."""
    elsewhere = _sign_up_allowed(request, campaign)
    if elsewhere:
        return elsewhere
    pending = request.session.get(SIGN_UP_KEY) or {}
    learner = (
        Learner.objects.filter(
            pk=pending.get("learner"), organization_id=campaign.organization_id, disabled=False
        ).first()
        if pending.get("code") == campaign.code
        else None
    )
    if learner is None:
        return redirect("join:sign_up", code=campaign.code)
    identifier = student_identifier_base(
        first_name=learner.first_name,
        last_name=learner.display_last_name,
        birthdate=learner.birthdate,
    )
    future_user = User(
        username=identifier, first_name=learner.first_name, last_name=learner.display_last_name
    )
    form = StudentPasswordForm(request.POST or None, future_user=future_user)
    if request.method == "POST" and form.is_valid():
        user = student_sign_up(
            campaign=campaign,
            learner_id=learner.pk,
            password=form.cleaned_data["password1"],
            language=supported_or_default(translation.get_language()),
        )
        request.session.pop(SIGN_UP_KEY, None)
        auth_login(request, user, backend=BACKEND)
        return redirect("join:account_created", code=campaign.code)
    return render(
        request,
        "campaigns/student/sign_up_password.html",
        {
            "campaign": campaign,
            "organization": campaign.organization,
            "learner": learner,
            "identifier": identifier,
            "form": form,
        },
        status=_status(request),
    )


@require_GET
@student_page(login=True)
def account_created(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """The identifier to write down, then "Continue"."""
    return render(
        request,
        "campaigns/student/account_created.html",
        {"campaign": campaign, "organization": campaign.organization, "user": request.user},
    )
