"""The public pages of invitations: accepting one (`/rejoindre/`) and self-activation
(`/demande-administration-sco/`).

Neither goes through `org_view`: the person is not (yet) a member, and the acceptance
page is exempt from the terms-of-use check. The link's code arrives in the query string
(GET) or in the form (POST); it is never logged and never put in a message.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.language import supported_or_default
from organizations.current import make_current
from pixorga.errors import AppError

from . import limits
from .errors import SelfActivationRateLimitedError
from .forms import SelfActivationForm
from .models import Invitation
from .selectors import invitation_get_by_link
from .services import Outcome, invitation_accept, self_activation_request


def _refusal(request, error: AppError):
    """The link's refusals have their page; the others raised while accepting (a
    membership added meanwhile: AlreadyMemberError, MembershipNotActiveError...) get the
    generic refusal page, with their code, never a 500."""
    context = {"error": error, "organization": getattr(error, "organization", None)}
    template = getattr(error, "template_name", "errors/refusal.html")
    return render(request, template, context, status=error.status)


def _outcome_message(outcome: Outcome, membership) -> str:
    name = membership.organization.name
    if outcome == Outcome.PROMOTED:
        return _("You are now an administrator of %(name)s.") % {"name": name}
    if outcome == Outcome.ALREADY_MEMBER:
        return _("You already are a member of %(name)s: nothing changed.") % {"name": name}
    if outcome == Outcome.REJOINED:
        return _("Welcome back to %(name)s.") % {"name": name}
    if membership.is_admin:
        return _("You joined %(name)s as an administrator.") % {"name": name}
    return _("You joined %(name)s.") % {"name": name}


def _identity(user) -> str:
    """ "Camille Martin (camille.martin@ac-paris.fr)": who is signed in on this computer."""
    if not user.is_authenticated:
        return ""
    login = user.email or user.username or ""
    name = user.get_full_name()
    return f"{name} ({login})" if name and login else name or login


@require_http_methods(["GET", "POST"])
def accept(request):
    """GET shows what the link leads to; POST (signed in) accepts it, then the person
    lands in the organisation's space, which becomes the current one."""
    data = request.POST if request.method == "POST" else request.GET
    invitation_id, code = data.get("invitationId", ""), data.get("code", "")
    link = urlencode({"invitationId": invitation_id, "code": code})
    this_page = f"{reverse('invitations:accept')}?{link}"

    if request.method == "POST" and request.user.is_authenticated:
        try:
            acceptance = invitation_accept(
                invitation_id=invitation_id, code=code, user=request.user
            )
        except AppError as error:
            return _refusal(request, error)
        make_current(request, acceptance.membership)
        level = messages.INFO if acceptance.outcome == Outcome.ALREADY_MEMBER else messages.SUCCESS
        messages.add_message(
            request, level, _outcome_message(acceptance.outcome, acceptance.membership)
        )
        return redirect("campaigns:list")

    try:
        invitation = invitation_get_by_link(invitation_id=invitation_id, code=code)
    except AppError as error:
        return _refusal(request, error)
    context = {
        "invitation": invitation,
        "organization": invitation.organization,
        "invitation_id": invitation.pk,
        "code": code,
        "this_page": this_page,
        # allauth sends the person back here after signing in or up (a local URL only).
        "login_url": f"{reverse('account_login')}?{urlencode({'next': this_page})}",
        "signup_url": f"{reverse('account_signup')}?{urlencode({'next': this_page})}",
        "is_admin_invitation": invitation.role == Invitation.Role.ADMIN,
        "identity": _identity(request.user),
    }
    template = (
        "invitations/accept.html"
        if request.user.is_authenticated
        else "invitations/accept_signed_out.html"
    )
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def self_activation(request):
    """UAI, first and last name → an administrator invitation to the school's official
    e-mail. Limited per IP (every POST) and per UAI (the e-mails sent: the service's)."""
    form = SelfActivationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not limits.self_activation_allowed_for_ip(request):
            form.is_valid()  # the form is shown again as typed
            return _rate_limited(request, form)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = self_activation_request(
                    uai=data["uai"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    language=supported_or_default(translation.get_language()),
                )
            except AppError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                result.invitation.refresh_from_db(fields=["delivery"])
                return render(
                    request,
                    "invitations/self_activation_sent.html",
                    {
                        "organization": result.organization,
                        "masked_email": mask_email(result.organization.official_email),
                        "has_administrators": result.has_administrators,
                        "not_sent_yet": result.invitation.delivery
                        == Invitation.Delivery.NOT_QUEUED,
                    },
                )
        else:
            status = 400
    return render(request, "invitations/self_activation.html", {"form": form}, status=status)


def _rate_limited(request, form):
    form.add_error(None, SelfActivationRateLimitedError().message)
    return render(request, "invitations/self_activation.html", {"form": form}, status=429)


def mask_email(email: str) -> str:
    """ce.0750654d@ac-paris.fr → c***@a***.fr: enough to recognise one's own mailbox."""
    local, _at, domain = email.partition("@")
    host, _dot, suffix = domain.rpartition(".")
    return f"{local[:1]}***@{host[:1]}***.{suffix}" if host else f"{local[:1]}***@{domain}"
