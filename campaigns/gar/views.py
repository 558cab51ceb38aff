"""The GAR's first-arrival pages (namespace `gar_arrival`, under `/gar/`):

- `/gar/premiere-connexion/`: "Bonjour <PRE> <NOM>", the birth date only, matched with the
  GAR's names in the school whose UAI the GAR sent (product.md's rule, `learner_find`).
  A free learner → an account, its GAR method and its link (`gar_student_sign_up`); the
  learner linked to an ENT account (R33) matched exactly → that account takes this IDO;
  R13, or R33 matched with tolerance → ask a teacher; linked to an account with an e-mail
  or an identifier (R11, R12, R31, R32) → `…/mon-compte/`.
- `/gar/premiere-connexion/mon-compte/`: the refusal's masked sign-in and that account's
  password; then the GAR method is added to it and the student is signed in.
- `/gar/personnel/`: staff (any profile but National_elv) are never matched: how they
  join a school's team; "J'ai déjà un compte Pix Orga" → `/gar/personnel/rattacher/`
  (sign in, then the password again) attaches the ENT to a member's account.

Every page reads the arrival waiting in the session (`pending.py`): none, tampered or over
an hour old → a page sending the person back to their ENT (400). Refusals are shown on
`campaigns/gar/refusal.html` with their codes. Attempts (birth dates per IDO, per learner
found and per IP; passwords per account and per IDO) are counted in the database
(`campaigns.limits`).
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.language import supported_or_default
from accounts.models import AuthenticationMethod, User
from accounts.selectors import authentication_method_get, users_with_sign_in_methods
from accounts.services import AuthenticationMethodTakenError
from organizations.models import Membership, Organization
from pixorga.errors import AppError
from students.models import Learner
from students.normalize import normalize_match_name

from .. import limits
from ..join_errors import (
    AlreadyLinkedError,
    JoinRateLimitedError,
    LinkedInAnotherSchoolError,
    LinkedInThisSchoolError,
    NoMatchError,
)
from ..reconciliation import check_can_link, learner_find_with_pass
from ..student_forms import BirthDateForm
from .arrival import sign_in_and_continue
from .errors import (
    GarArrivalExpiredError,
    GarLinkedToAnotherEntAccountError,
    GarNotAMemberError,
    GarSchoolUnavailableError,
)
from .forms import PasswordProofForm
from .pending import (
    MATCH_KEY,
    STAFF_ATTACH_MAX_AGE_SECONDS,
    PendingArrival,
    pending_age,
    pending_clear,
    pending_load,
)
from .services import (
    gar_ent_account_take_over,
    gar_method_add_after_password,
    gar_method_attach_for_member,
    gar_student_sign_up,
)

ENT = User.SignInMethod.ENT


def refusal(request: HttpRequest, error: AppError) -> HttpResponse:
    return render(
        request,
        "campaigns/gar/refusal.html",
        {"error": error, "restart_url": "/gar/login/"},
        status=error.status,
    )


def gar_page(view):
    """The arrival waiting in the session handed to the view; every refusal on its page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        try:
            return view(request, pending_load(request))
        except AppError as error:
            # Every refusal that reaches here is terminal for the arrival (linked to another
            # ENT account, no school, too many attempts…): it is forgotten, the person
            # starts again from the ENT (pending_load's own refusal has forgotten it
            # already). A birth date that matches no one is not one: the form shows it.
            pending_clear(request)
            return refusal(request, error)

    return wrapper


def _school(pending: PendingArrival) -> Organization:
    """The organisation of the identity's UAI, when it has a list to find students in."""
    organization = (
        Organization.objects.filter(uai=pending.identity.uai).first()
        if pending.identity.uai
        else None
    )
    if organization is None or not organization.is_managing_students or organization.is_archived:
        raise GarSchoolUnavailableError(meta={"organization_id": getattr(organization, "pk", None)})
    return organization


def _known_account(pending: PendingArrival) -> User | None:
    """The account this IDO signs in to, when it got one since the arrival (another tab,
    a form sent twice). The waiting arrival never signs it in (it is no credential): the
    person starts again at /gar/login/, and the GAR signs them in."""
    method = authentication_method_get(
        provider=AuthenticationMethod.Provider.GAR, external_id=pending.identity.ido
    )
    return method.user if method is not None and method.user.is_active else None


def _start_again(request: HttpRequest) -> HttpResponse:
    pending_clear(request)
    return redirect("gar:login")


def _finish(request: HttpRequest, pending: PendingArrival, user: User) -> HttpResponse:
    pending_clear(request)
    return sign_in_and_continue(
        request, user, campaign_code=pending.campaign_code, student=pending.identity.is_student
    )


# --- A student's first arrival ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@gar_page
def birthdate(request: HttpRequest, pending: PendingArrival) -> HttpResponse:
    identity = pending.identity
    if not identity.is_student:
        return redirect("gar_arrival:staff")
    if _known_account(pending) is not None:
        return _start_again(request)
    organization = _school(pending)
    form = BirthDateForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        return _birthdate_page(request, pending, organization, form)
    names = (
        f"{normalize_match_name(identity.first_name)}:{normalize_match_name(identity.last_name)}"
    )
    keys = limits.gar_birthdate_keys(
        request, ido=identity.ido, organization_id=organization.pk, names=names
    )
    if not limits.consume(keys):
        raise JoinRateLimitedError()
    try:
        learner, exact = learner_find_with_pass(
            organization=organization,
            first_name=identity.first_name,
            last_name=identity.last_name,
            birthdate=form.cleaned_data["birthdate"],
        )
    except NoMatchError as error:
        # Not terminal: a 12-year-old mistypes a date. The form again, with the no-match
        # sentence and its code; the arrival waits on, the attempts are counted above.
        form.refusal = error
        return _birthdate_page(request, pending, organization, form)
    if not limits.consume([limits.learner_key(learner.pk)]):
        raise JoinRateLimitedError()
    try:
        check_can_link(learner=learner, user=None)
    except AlreadyLinkedError as error:
        return _already_linked(request, pending, organization, learner, exact=exact, error=error)
    try:
        user = gar_student_sign_up(
            identity=identity,
            organization=organization,
            learner_id=learner.pk,
            language=supported_or_default(translation.get_language()),
        )
    except (AlreadyLinkedError, AuthenticationMethodTakenError):
        # The same arrival sent twice: the other request made the account and its link
        # (and signed it in); this one starts again from the GAR.
        if _known_account(pending) is None:
            raise
        return _start_again(request)
    messages.success(request, _("Your account is ready: next time, the ENT signs you in."))
    return _finish(request, pending, user)


def _birthdate_page(request, pending, organization, form) -> HttpResponse:
    return render(
        request,
        "campaigns/gar/birthdate.html",
        {"identity": pending.identity, "organization": organization, "form": form},
        status=400 if form.is_bound else 200,
    )


def _already_linked(
    request: HttpRequest,
    pending: PendingArrival,
    organization: Organization,
    learner: Learner,
    *,
    exact: bool,
    error: AlreadyLinkedError,
) -> HttpResponse:
    if error.meta["method"] == ENT:
        # The learner's account signs in through the ENT with another IDO. Only in this
        # school (R33, the learner linked here) and on an exact match does it take this
        # one; R13 (linked in another school) or a tolerated match: a teacher decides.
        if isinstance(error, LinkedInThisSchoolError) and exact:
            user = gar_ent_account_take_over(
                identity=pending.identity, organization=organization, learner_id=learner.pk
            )
            return _finish(request, pending, user)
        raise GarLinkedToAnotherEntAccountError(
            code=error.code, meta={"learner_id": learner.pk, "exact": exact}
        )
    request.session[MATCH_KEY] = {
        "ido": pending.identity.ido,
        "learner": learner.pk,
        "account": error.account_id,
    }
    return redirect("gar_arrival:prove")


@require_http_methods(["GET", "POST"])
@gar_page
def prove(request: HttpRequest, pending: PendingArrival) -> HttpResponse:
    """The account the refusal named (masked), and its password."""
    identity = pending.identity
    match = request.session.get(MATCH_KEY) or {}
    if not identity.is_student or match.get("ido") != identity.ido:
        return redirect("gar_arrival:birthdate")
    organization = _school(pending)
    account = users_with_sign_in_methods().filter(pk=match.get("account"), is_active=True).first()
    learner = Learner.objects.filter(
        pk=match.get("learner"), organization=organization, disabled=False
    ).first()
    if account is None or learner is None:
        return redirect("gar_arrival:birthdate")
    kind = LinkedInThisSchoolError if learner.user_id == account.pk else LinkedInAnotherSchoolError
    named = kind.for_account(account)
    form = PasswordProofForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        keys = limits.gar_password_keys(account_id=account.pk, ido=identity.ido)
        if not limits.consume(keys):
            raise JoinRateLimitedError()
        if account.check_password(form.cleaned_data["password"]):
            user = gar_method_add_after_password(
                identity=identity, organization=organization, learner_id=learner.pk, account=account
            )
            messages.success(request, _("Done: next time, the ENT signs you in to this account."))
            return _finish(request, pending, user)
        form.add_error("password", str(PasswordProofForm.WRONG))
    return render(
        request,
        "campaigns/gar/prove.html",
        {"identity": identity, "organization": organization, "named": named, "form": form},
        status=400 if form.is_bound else 200,
    )


# --- Staff ------------------------------------------------------------------------------------


@require_http_methods(["GET"])
@gar_page
def staff(request: HttpRequest, pending: PendingArrival) -> HttpResponse:
    if pending.identity.is_student:
        return redirect("gar_arrival:birthdate")
    return render(request, "campaigns/gar/staff.html", {"identity": pending.identity})


@require_http_methods(["GET", "POST"])
@gar_page
def staff_attach(request: HttpRequest, pending: PendingArrival) -> HttpResponse:
    """A signed-in team member confirms their password; their account then signs in
    through the ENT."""
    identity = pending.identity
    if identity.is_student:
        return redirect("gar_arrival:birthdate")
    here = reverse("gar_arrival:staff_attach")
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': here})}")
    if pending_age(pending) > STAFF_ATTACH_MAX_AGE_SECONDS:
        raise GarArrivalExpiredError(meta={"reason": "expired"})
    user = request.user
    # A member of the team of a school the GAR names (its UAIs), not of any school.
    if not Membership.objects.filter(
        user=user, disabled_at__isnull=True, organization__uai__in=identity.schools
    ).exists():
        raise GarNotAMemberError()
    form = PasswordProofForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not limits.consume(limits.gar_password_keys(account_id=user.pk, ido=identity.ido)):
            raise JoinRateLimitedError()
        if user.check_password(form.cleaned_data["password"]):
            gar_method_attach_for_member(user=user, identity=identity)
            pending_clear(request)
            messages.success(request, _("Done: next time, the ENT signs you in to this account."))
            return redirect("home")
        form.add_error("password", str(PasswordProofForm.WRONG))
    return render(
        request,
        "campaigns/gar/staff_attach.html",
        {"identity": identity, "form": form},
        status=400 if form.is_bound else 200,
    )
