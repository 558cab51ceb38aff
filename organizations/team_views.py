"""The team page (`/equipe/`) and its actions: inviting, following the invitations,
changing roles, removing a member, leaving.

Everyone in the space sees the members; administrators also see each member's last
visit, the pending invitations and the actions. Every action is a POST through a service
(audited; the last-administrator rule holds under the organisation's lock); removing,
changing a role and leaving first show a confirmation page (GET) naming the person. A URL
naming a membership or an invitation goes through its guarded lookup: a member gets 403,
someone of another organisation 404 as for a missing id.

This is the one module of `organizations` that calls `invitations`: a page is an
interface, like the back office (see `accounts/admin.py`), and the team page shows both.
`organizations`' models, services, selectors and guards import nothing from it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.language import supported_or_default
from invitations.guards import invitation_get_for_admin
from invitations.models import Invitation
from invitations.selectors import invitation_list_pending
from invitations.services import (
    TeamInvitations,
    invitation_cancel_by_admin,
    invitation_resend_by_admin,
    invitations_send_many,
    team_invitations_preview,
)
from pixorga.errors import AppError

from .forms import TeamInviteForm
from .guards import membership_get_for_admin
from .models import Membership
from .permissions import org_view
from .selectors import membership_list_for_organization
from .services import membership_change_role, membership_leave, membership_remove

PAGE_SIZE = 50
MAX_SEARCH_LENGTH = 100
Role = Membership.Role


def _page_number(value: str | None) -> int:
    """0, a negative or a non-number is the first page; past the end, the last one."""
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


def _query_without(request: HttpRequest, name: str) -> str:
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


def _person(membership: Membership) -> str:
    user = membership.user
    return user.get_full_name() or user.email or user.username


@require_GET
@org_view()
def team(request: HttpRequest) -> HttpResponse:
    """The current organisation's members, searchable and paginated; for administrators,
    the pending invitations (paginated on their own) and the actions."""
    # Scoped to request.organization, which org_view resolved from the person's own
    # memberships: another organisation's members are never listed.
    organization = request.organization
    search = " ".join(request.GET.get("q", "").split())[:MAX_SEARCH_LENGTH]
    members = membership_list_for_organization(organization_id=organization.pk, search=search)
    page = Paginator(members, PAGE_SIZE).get_page(_page_number(request.GET.get("page")))
    is_admin = request.membership.is_admin
    context = {
        "page": page,
        "search": search,
        "members_query": _query_without(request, "page"),
        "is_admin": is_admin,
        "own_membership_id": request.membership.pk,
    }
    if is_admin:
        pending = invitation_list_pending(organization_id=organization.pk)
        context |= {
            "invitations": Paginator(pending, PAGE_SIZE).get_page(
                _page_number(request.GET.get("invitations"))
            ),
            "invitations_query": _query_without(request, "invitations"),
        }
    return render(request, "organizations/team/team.html", context)


# --- Inviting -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@org_view(role=Role.ADMIN)
def team_invite(request: HttpRequest) -> HttpResponse:
    """Three steps in one URL: the text area (GET, or POST `step=edit` to change the
    addresses), the confirmation (POST `step=check`: every address valid, what will be
    sent), the sending (POST `step=send`, checked again by the service)."""
    step = request.POST.get("step", "check")
    if request.method == "GET" or step == "edit":
        initial = {"emails": request.POST.get("emails", "")}
        return render(
            request, "organizations/team/invite.html", {"form": TeamInviteForm(initial=initial)}
        )
    form = TeamInviteForm(request.POST)
    status = 400
    if form.is_valid():
        emails = form.cleaned_data["emails"]
        if step != "send":
            plan = team_invitations_preview(organization=request.organization, emails=emails)
            context = {"plan": plan, "emails": " ".join(emails)}
            return render(request, "organizations/team/invite_confirm.html", context)
        try:
            sent = invitations_send_many(
                organization=request.organization,
                actor=request.user,
                emails=emails,
                language=supported_or_default(get_language()),
            )
        except AppError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            _announce(request, sent)
            return redirect("organizations:team")
    return render(request, "organizations/team/invite.html", {"form": form}, status=status)


def _announce(request: HttpRequest, sent: TeamInvitations) -> None:
    count = len(sent.to_send)
    if count:
        messages.success(
            request,
            ngettext("%(count)s invitation sent.", "%(count)s invitations sent.", count)
            % {"count": count},
        )
    else:
        messages.warning(request, _("No invitation was sent."))
    if sent.resent:
        messages.info(
            request,
            ngettext(
                "Already invited, sent again with a new link (the previous one no longer "
                "works): %(addresses)s.",
                "Already invited, sent again with new links (the previous ones no longer "
                "work): %(addresses)s.",
                len(sent.resent),
            )
            % {"addresses": ", ".join(sent.resent)},
        )
    if sent.too_recent:
        messages.info(
            request,
            _("Invited less than a minute ago, not sent again: %(addresses)s.")
            % {"addresses": ", ".join(sent.too_recent)},
        )
    if sent.already_members:
        messages.info(
            request,
            ngettext(
                "Already a member of the team, not invited: %(addresses)s.",
                "Already members of the team, not invited: %(addresses)s.",
                len(sent.already_members),
            )
            % {"addresses": ", ".join(sent.already_members)},
        )


# --- Pending invitations ----------------------------------------------------------------


@require_POST
@org_view(get=invitation_get_for_admin)
def invitation_resend(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    try:
        invitation_resend_by_admin(invitation=invitation, actor=request.user)
    except AppError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Invitation sent again to %(email)s, with a new link.") % {"email": invitation.email},
        )
    return redirect("organizations:team")


@require_POST
@org_view(get=invitation_get_for_admin)
def invitation_cancel(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    try:
        invitation_cancel_by_admin(invitation=invitation, actor=request.user)
    except AppError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Invitation of %(email)s cancelled: its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("organizations:team")


# --- Members ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@org_view(get=membership_get_for_admin)
def member_change_role(request: HttpRequest, membership: Membership) -> HttpResponse:
    """GET: the confirmation, for the other role. POST `role`: the role to give (named,
    not toggled, so that a form sent twice does not undo itself)."""
    if request.method == "POST":
        role = request.POST.get("role", "")
    else:
        role = Role.MEMBER if membership.is_admin else Role.ADMIN
    context = {
        "membership": membership,
        "person": _person(membership),
        "role": role,
        "to_admin": role == Role.ADMIN,
        "is_self": membership.pk == request.membership.pk,
    }
    if role not in Role.values:
        context["error"] = _("Choose the role to give: administrator or member.")
        return render(request, "organizations/team/member_role.html", context, status=400)
    if request.method == "POST":
        try:
            membership_change_role(actor=request.user, membership=membership, role=role)
        except AppError as error:
            context["error"] = error.message
            return render(
                request, "organizations/team/member_role.html", context, status=error.status
            )
        if role == Role.ADMIN:
            done = _("%(name)s is now an administrator.")
        else:
            done = _("%(name)s is now a member.")
        messages.success(request, done % {"name": context["person"]})
        return redirect("organizations:team")
    return render(request, "organizations/team/member_role.html", context)


@require_http_methods(["GET", "POST"])
@org_view(get=membership_get_for_admin)
def member_remove(request: HttpRequest, membership: Membership) -> HttpResponse:
    if membership.pk == request.membership.pk:
        # One's own membership: that is leaving (recorded as such).
        return redirect("organizations:team_leave")
    context = {"membership": membership, "person": _person(membership)}
    if request.method == "POST":
        try:
            membership_remove(actor=request.user, membership=membership)
        except AppError as error:
            context["error"] = error.message
            return render(
                request, "organizations/team/member_remove.html", context, status=error.status
            )
        messages.success(
            request,
            _("%(name)s no longer has access to the space of %(organization)s.")
            % {"name": context["person"], "organization": request.organization.name},
        )
        return redirect("organizations:team")
    return render(request, "organizations/team/member_remove.html", context)


@require_http_methods(["GET", "POST"])
@org_view()
def team_leave(request: HttpRequest) -> HttpResponse:
    """Leave the current organisation: access ends with this request (every page checks
    the membership), and the home page goes on to another organisation, if any."""
    membership = request.membership
    context = {"membership": membership}
    if request.method == "POST":
        try:
            membership_leave(user=request.user, membership=membership)
        except AppError as error:
            context["error"] = error.message
            return render(request, "organizations/team/leave.html", context, status=error.status)
        messages.success(
            request,
            _("You left the space of %(organization)s.")
            % {"organization": request.organization.name},
        )
        return redirect("home")
    return render(request, "organizations/team/leave.html", context)
