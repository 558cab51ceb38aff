"""The list, creating (one campaign, or one per class), changing, archiving and deleting."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations.permissions import org_view
from organizations.selectors import membership_list_for_organization
from students.models import Learner
from students.selectors import learner_divisions

from .. import services
from ..errors import CampaignError
from ..forms import CampaignFilterForm, CampaignForm, CampaignPerClassForm
from ..guards import campaign_get_for_manager, campaigns_get_for_deletion
from ..models import Campaign, Participation
from ..selectors import campaign_exists
from ..selectors import campaign_list as select_campaigns

PAGE_SIZE = 25


def page_number(value: str | None) -> int:
    """The page asked for; 0, a negative or a non-number is the first page (Paginator
    would show the last one for 0). Past the end, `get_page` shows the last one."""
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


def _members(organization) -> list:
    return list(membership_list_for_organization(organization_id=organization.pk))


@require_GET
@org_view()
def campaign_list(request: HttpRequest) -> HttpResponse:
    """The organisation's home. Queries do not grow with the number of campaigns: the
    members (owner filter), the count, the page with its counts (`campaign_list`)."""
    organization = request.organization
    memberships = _members(organization)
    form = CampaignFilterForm(request.GET, memberships=memberships)
    filters = form.filters()
    owners = {membership.user_id: membership.user for membership in memberships}
    owner = request.user if filters["mine"] else owners.get(filters["owner_id"])
    campaigns = select_campaigns(
        organization=organization,
        owner=owner,
        search=filters["search"],
        archived=filters["archived"],
    )
    page = Paginator(campaigns, PAGE_SIZE).get_page(page_number(request.GET.get("page")))
    has_campaigns = bool(page.paginator.count) or campaign_exists(organization=organization)
    needs_students = (
        not has_campaigns
        and organization.is_managing_students
        and not Learner.objects.filter(organization=organization, disabled=False).exists()
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "campaigns/list.html",
        {
            "page": page,
            "form": form,
            "filters": filters,
            "has_campaigns": has_campaigns,
            "needs_students": needs_students,
            "can_import": request.membership.is_admin and organization.can_import_from_siecle,
            "is_filtered": bool(filters["search"] or filters["owner_id"] or filters["archived"]),
            "query_string": query.urlencode(),
        },
    )


def _save_form(request, form, memberships, create) -> HttpResponse | None:
    """Run the service with the form's settings; a field refusal goes under its field."""
    if request.method != "POST" or not form.is_valid():
        return None
    data = form.settings()
    owners = {membership.user_id: membership.user for membership in memberships}
    data["owner"] = owners[data["owner"]]
    try:
        return create(data)
    except CampaignError as error:
        form.add_service_error(error)
        return None


@require_http_methods(["GET", "POST"])
@org_view()
def campaign_create_view(request: HttpRequest) -> HttpResponse:
    organization = request.organization
    memberships = _members(organization)
    form = CampaignForm(
        request.POST if request.method == "POST" else None,
        memberships=memberships,
        divisions=learner_divisions(organization=organization),
        initial={"owner": request.user.pk, "type": Campaign.Type.ASSESSMENT},
    )

    def create(data):
        campaign = services.campaign_create(
            actor=request.user,
            organization=organization,
            on_behalf_of=request.membership.role,
            **data,
        )
        messages.success(request, _("The campaign is created: give its code to the students."))
        return redirect("campaigns:detail", campaign_id=campaign.pk)

    done = _save_form(request, form, memberships, create)
    return done or render(request, "campaigns/form.html", {"form": form, "mode": "create"})


@require_http_methods(["GET", "POST"])
@org_view()
def campaign_per_class_view(request: HttpRequest) -> HttpResponse:
    organization = request.organization
    divisions = learner_divisions(organization=organization)
    if not divisions:
        return render(request, "campaigns/per_class_unavailable.html")
    memberships = _members(organization)
    form = CampaignPerClassForm(
        request.POST if request.method == "POST" else None,
        memberships=memberships,
        divisions=divisions,
        initial={"owner": request.user.pk, "type": Campaign.Type.ASSESSMENT},
    )

    def create(data):
        campaigns = services.campaign_create_per_class(
            actor=request.user,
            organization=organization,
            on_behalf_of=request.membership.role,
            **data,
        )
        count = len(campaigns)
        messages.success(
            request,
            ngettext(
                "%(count)d campaign created, one per class, each with its own code.",
                "%(count)d campaigns created, one per class, each with its own code.",
                count,
            )
            % {"count": count},
        )
        return redirect("campaigns:list")

    done = _save_form(request, form, memberships, create)
    return done or render(request, "campaigns/form.html", {"form": form, "mode": "per_class"})


@require_http_methods(["GET", "POST"])
@org_view(get=campaign_get_for_manager)
def campaign_edit_view(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    memberships = _members(request.organization)
    frozen = Participation.objects.filter(campaign=campaign, deleted_at__isnull=True).exists()
    form = CampaignForm(
        request.POST if request.method == "POST" else None,
        memberships=memberships,
        editing=True,
        frozen=frozen,
        initial={
            "name": campaign.name,
            "owner": campaign.owner_id,
            "title": campaign.title,
            "landing_text": campaign.landing_text,
            "external_id_label": campaign.external_id_label,
            "external_id_type": campaign.external_id_type,
            "multiple_sendings": campaign.multiple_sendings,
        },
    )

    def save(data):
        services.campaign_update(
            actor=request.user,
            campaign=campaign,
            on_behalf_of=request.membership.role,
            **data,
        )
        messages.success(request, _("The campaign's settings are saved."))
        return redirect("campaigns:detail", campaign_id=campaign.pk)

    done = _save_form(request, form, memberships, save)
    return done or render(
        request, "campaigns/form.html", {"form": form, "mode": "edit", "campaign": campaign}
    )


@require_POST
@org_view(get=campaign_get_for_manager)
def campaign_archive_view(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    try:
        services.campaign_archive(
            actor=request.user, campaign=campaign, on_behalf_of=request.membership.role
        )
    except CampaignError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The campaign is archived: it accepts no new participants."))
    return redirect("campaigns:detail", campaign_id=campaign.pk)


@require_POST
@org_view(get=campaign_get_for_manager)
def campaign_unarchive_view(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    try:
        services.campaign_unarchive(
            actor=request.user, campaign=campaign, on_behalf_of=request.membership.role
        )
    except CampaignError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The campaign is open again: students can join it."))
    return redirect("campaigns:detail", campaign_id=campaign.pk)


@require_http_methods(["GET", "POST"])
@org_view()
def campaign_delete_view(request: HttpRequest) -> HttpResponse:
    """`?campagne=3&campagne=5`: the confirmation, then (POST) the deletion. The ids go
    through `campaigns_get_for_deletion`: 404 for one that is not the organisation's,
    403 unless an administrator or the owner of every one."""
    source = request.POST if request.method == "POST" else request.GET
    try:
        ids = [int(value) for value in source.getlist("campagne")]
    except ValueError as error:
        raise Http404 from error
    if not ids:
        messages.info(request, _("Tick the campaigns to delete first."))
        return redirect("campaigns:list")
    campaigns = campaigns_get_for_deletion(membership=request.membership, campaign_ids=ids)
    if request.method == "POST":
        count = services.campaign_delete(
            actor=request.user, campaigns=campaigns, on_behalf_of=request.membership.role
        )
        messages.success(
            request,
            ngettext("%(count)d campaign deleted.", "%(count)d campaigns deleted.", count)
            % {"count": count},
        )
        return redirect("campaigns:list")
    return render(request, "campaigns/delete_confirm.html", {"campaigns": campaigns})
