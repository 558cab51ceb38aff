"""The students' pages: code entry (`/code/`), a campaign's landing (`/parcours/<CODE>/`),
starting, the campaign page with "send my results", and `/mes-parcours/`. The matching
and the sign-up without an e-mail are in `student_link`.

None of them goes through `org_view` (a student is no member) nor asks for the terms of
use. Every page naming a code goes through `student_page`, which finds the campaign (an
unknown code is counted against the browser and its IP, so codes cannot be enumerated),
refuses a deleted campaign, and a closed one or a closed space to whoever has not joined
it, and words every `StudentJoinError` on its own page with its code.
"""

from __future__ import annotations

import functools
import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import limits
from ..codes import is_valid_code, normalize_code
from ..errors import (
    CampaignClosedError,
    CampaignDeletedError,
    CampaignError,
    LearnerDisabledError,
)
from ..join_errors import (
    CampaignArchivedPageError,
    CampaignCodeUnknownError,
    CampaignGoneError,
    JoinRateLimitedError,
    SpaceClosedError,
    StudentJoinError,
)
from ..models import Campaign, Participation
from ..selectors import (
    campaign_get_by_code,
    participation_current_for_user,
    participation_list_for_user,
)
from ..services import participation_share
from ..services.joining import (
    StudentNotLinkedError,
    learner_link_automatically,
    student_join,
    student_learner,
)
from ..student_forms import CodeForm, ExternalIdForm

SESSION_ID_KEY = "join_session_id"


def session_id(request: HttpRequest) -> str:
    """A random id for this browser's session, counted by the limits. Not the session
    key, which changes at sign-in."""
    if SESSION_ID_KEY not in request.session:
        request.session[SESSION_ID_KEY] = secrets.token_urlsafe(16)
    return request.session[SESSION_ID_KEY]


def identity(user) -> str:
    """ "Léa Martin (lea.martin1705)": who is signed in on this (maybe shared) computer."""
    login = user.email or user.username or ""
    name = user.get_full_name()
    return f"{name} ({login})" if name and login else name or login


def refusal(request: HttpRequest, error: AppErrorLike, campaign: Campaign | None = None):
    landing = reverse("join:landing", args=[campaign.code]) if campaign else reverse("join:code")
    return render(
        request,
        "campaigns/student/refusal.html",
        {
            "error": error,
            "campaign": campaign,
            "landing_url": landing,
            "login_url": f"{reverse('account_login')}?{urlencode({'next': landing})}",
        },
        status=error.status,
    )


AppErrorLike = StudentJoinError | CampaignError


def _campaign_error_page(error: AppErrorLike) -> AppErrorLike:
    """A refusal of `participation_start` that happened between the page and the click
    (archived, deleted meanwhile), worded as the page would have."""
    if isinstance(error, CampaignDeletedError):
        return CampaignGoneError()
    if isinstance(error, CampaignClosedError):
        return CampaignArchivedPageError()
    return error


def check_open(campaign: Campaign) -> None:
    if campaign.is_deleted:
        raise CampaignGoneError()
    if campaign.organization.is_archived:
        raise SpaceClosedError()
    if campaign.is_archived:
        raise CampaignArchivedPageError()


def student_page(*, login: bool = False):
    """Find the campaign of the URL's code and hand it to the view; `login=True`: an
    anonymous visitor goes to the landing page, which offers to sign in."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, code: str, **kwargs) -> HttpResponse:
            normalised = normalize_code(code)
            if normalised != code and is_valid_code(normalised):
                return redirect(request.resolver_match.view_name, code=normalised, **kwargs)
            campaign = _campaign_for(request, normalised)
            if isinstance(campaign, HttpResponse):
                return campaign
            if campaign.is_deleted:
                return refusal(request, CampaignGoneError(), campaign)
            if login and not request.user.is_authenticated:
                return redirect("join:landing", code=campaign.code)
            try:
                return view(request, campaign, **kwargs)
            except (StudentJoinError, CampaignError) as error:
                return refusal(request, _campaign_error_page(error), campaign)

        wrapper.student_page = True
        return wrapper

    return decorator


def _campaign_for(request: HttpRequest, code: str) -> Campaign | HttpResponse:
    keys = limits.code_keys(request, session_id=session_id(request))
    if limits.blocked(keys):
        return refusal(request, JoinRateLimitedError())
    campaign = campaign_get_by_code(code=code) if is_valid_code(code) else None
    if campaign is None:
        # A malformed code reveals nothing: only well-formed unknown ones are counted.
        if is_valid_code(code):
            limits.consume(keys)
        return refusal(request, CampaignCodeUnknownError())
    return campaign


# --- Code entry and landing -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def code_entry(request: HttpRequest) -> HttpResponse:
    """9 characters, capitals and spaces ignored. An empty code and an unknown one each
    have their sentence under the field; only unknown well-formed codes are counted."""
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        keys = limits.code_keys(request, session_id=session_id(request))
        if limits.blocked(keys):
            return refusal(request, JoinRateLimitedError())
        if form.is_valid():
            code = form.cleaned_data["code"]
            campaign = campaign_get_by_code(code=code) if is_valid_code(code) else None
            if campaign is not None:
                return redirect("join:landing", code=campaign.code)
            if is_valid_code(code):
                limits.consume(keys)
            unknown = CampaignCodeUnknownError()
            form.add_error("code", unknown.message)
            form.error_code = unknown.code
        status = 400
    return render(request, "campaigns/student/code.html", {"form": form}, status=status)


@require_GET
@student_page()
def landing(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """The organisation, the title, the landing text and how to start. A closed campaign
    (or space) still shows its landing to a student who joined it: they may send their
    results."""
    user = request.user
    participation = (
        participation_current_for_user(campaign=campaign, user=user)
        if user.is_authenticated
        else None
    )
    if participation is None:
        check_open(campaign)
    here = reverse("join:landing", args=[campaign.code])
    return render(
        request,
        "campaigns/student/landing.html",
        {
            "campaign": campaign,
            "organization": campaign.organization,
            "participation": participation,
            "identity": identity(user) if user.is_authenticated else "",
            "this_page": here,
            "login_url": f"{reverse('account_login')}?{urlencode({'next': here})}",
            "signup_url": f"{reverse('account_signup')}?{urlencode({'next': here})}",
            "offers_sign_up_without_email": campaign.organization.is_managing_students,
        },
    )


# --- Starting ---------------------------------------------------------------------------------


def continue_joining(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """Where the signed-in student goes next: their participation if they have one; the
    matching form when the school manages its students and this account is not linked
    (after an automatic link through another school, when that applies); the external id
    when the campaign asks for one; else the participation starts at once."""
    user = request.user
    if participation_current_for_user(campaign=campaign, user=user) is not None:
        return redirect("join:campaign", code=campaign.code)
    check_open(campaign)
    organization = campaign.organization
    if organization.is_managing_students:
        learner = student_learner(user=user, organization=organization)
        if learner is None:
            learner = learner_link_automatically(
                user=user, organization=organization, campaign=campaign
            )
            if learner is not None:
                messages.success(request, _("We found you in your school's list."))
        if learner is None:
            return redirect("join:reconcile", code=campaign.code)
        if learner.disabled:
            raise LearnerDisabledError(meta={"learner_id": learner.pk})
    if campaign.external_id_label:
        return redirect("join:participate", code=campaign.code)
    return _join(request, campaign)


def _join(request: HttpRequest, campaign: Campaign, external_id: str = "") -> HttpResponse:
    try:
        student_join(campaign=campaign, user=request.user, external_id=external_id)
    except StudentNotLinkedError:
        return redirect("join:reconcile", code=campaign.code)
    except CampaignError as error:
        if error.code == "PARTICIPATION_ALREADY_SHARED":
            messages.info(request, error.message)
            return redirect("join:campaign", code=campaign.code)
        return refusal(request, _campaign_error_page(error), campaign)
    return redirect("join:campaign", code=campaign.code)


@require_POST
@student_page(login=True)
def start(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    return continue_joining(request, campaign)


@require_http_methods(["GET", "POST"])
@student_page(login=True)
def participate(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """The external id the campaign asks first, then the participation starts. With
    multiple sendings, "Start again" after sending comes here (`restart`)."""
    current = participation_current_for_user(campaign=campaign, user=request.user)
    if request.method == "POST" and request.POST.get("restart") and current is not None:
        if current.is_shared and campaign.multiple_sendings:
            return _join(request, campaign)
        return redirect("join:campaign", code=campaign.code)
    if current is not None:
        return redirect("join:campaign", code=campaign.code)
    check_open(campaign)
    organization = campaign.organization
    if organization.is_managing_students and not student_learner(
        user=request.user, organization=organization
    ):
        return redirect("join:reconcile", code=campaign.code)
    form = (
        ExternalIdForm(request.POST or None, campaign=campaign)
        if campaign.external_id_label
        else None
    )
    if request.method == "POST":
        if form is None:
            return _join(request, campaign)
        if form.is_valid():
            try:
                student_join(
                    campaign=campaign,
                    user=request.user,
                    external_id=form.cleaned_data["external_id"],
                )
            except StudentNotLinkedError:
                return redirect("join:reconcile", code=campaign.code)
            except CampaignError as error:
                if error.field != "external_id":
                    return refusal(request, _campaign_error_page(error), campaign)
                form.add_error("external_id", error.message)
            else:
                return redirect("join:campaign", code=campaign.code)
    return render(
        request,
        "campaigns/student/participate.html",
        {"campaign": campaign, "organization": campaign.organization, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


# --- The campaign page, sending, and the student's list ----------------------------------------


@require_GET
@student_page(login=True)
def campaign_page(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    participation = participation_current_for_user(campaign=campaign, user=request.user)
    if participation is None:
        return redirect("join:landing", code=campaign.code)
    is_open = not (campaign.is_archived or campaign.organization.is_archived)
    return render(
        request,
        "campaigns/student/campaign.html",
        {
            "campaign": campaign,
            "organization": campaign.organization,
            "participation": participation,
            "can_start_again": participation.is_shared and campaign.multiple_sendings and is_open,
        },
    )


@require_POST
@student_page(login=True)
def share(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    participation = participation_current_for_user(campaign=campaign, user=request.user)
    if participation is None:
        return redirect("join:landing", code=campaign.code)
    try:
        participation_share(participation=participation, user=request.user)
    except CampaignError as error:
        messages.info(request, error.message)
    else:
        messages.success(
            request,
            _("Your results have been sent to %(name)s.") % {"name": campaign.organization.name},
        )
    return redirect("join:campaign", code=campaign.code)


@require_GET
@login_required
def my_campaigns(request: HttpRequest) -> HttpResponse:
    participations = list(participation_list_for_user(user=request.user)[:200])
    return render(
        request,
        "campaigns/student/my_campaigns.html",
        {"participations": participations, "Status": Participation.Status},
    )
