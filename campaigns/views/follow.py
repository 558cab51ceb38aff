"""Following a campaign: its page (code, settings, per-class summary, participants), the
CSV export, the printable code sheet of a class, deleting a participation."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from organizations.permissions import org_view

from .. import services
from ..exports import export_file_name, export_lines
from ..forms import ParticipantFilterForm
from ..guards import (
    campaign_class_get_for_member,
    campaign_get_for_member,
    participation_get_for_manager,
)
from ..models import Campaign, Participation
from ..selectors import (
    campaign_class_summary,
    campaign_totals,
    participant_divisions,
    participation_list,
    sheet_learners,
)
from .manage import page_number

PAGE_SIZE = 50


def code_links(request: HttpRequest, campaign: Campaign) -> dict[str, str]:
    """Where students type the code, and the campaign's direct link (`campaigns.views.student`)."""
    return {
        "code_entry_url": request.build_absolute_uri(reverse("join:code")),
        "student_url": request.build_absolute_uri(reverse("join:landing", args=[campaign.code])),
    }


@require_GET
@org_view(get=campaign_get_for_member)
def campaign_detail(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    membership = request.membership
    divisions = participant_divisions(campaign=campaign)
    form = ParticipantFilterForm(request.GET, divisions=divisions)
    filters = form.filters()
    participations = participation_list(campaign=campaign, division_order=divisions, **filters)
    page = Paginator(participations, PAGE_SIZE).get_page(page_number(request.GET.get("page")))
    query = request.GET.copy()
    query.pop("page", None)
    summary = (
        campaign_class_summary(campaign=campaign)
        if campaign.organization.is_managing_students
        else None
    )
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "can_manage": membership.is_admin or campaign.owner_id == membership.user_id,
            "totals": campaign_totals(campaign=campaign),
            "summary": summary,
            "form": form,
            "filters": filters,
            "is_filtered": any(filters.values()),
            "page": page,
            "query_string": query.urlencode(),
            **code_links(request, campaign),
        },
    )


@require_GET
@org_view(get=campaign_get_for_member)
def campaign_export(request: HttpRequest, campaign: Campaign) -> StreamingHttpResponse:
    response = StreamingHttpResponse(export_lines(campaign), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=export_file_name(campaign)
    )
    return response


@require_GET
@org_view(get=campaign_class_get_for_member)
def campaign_sheet(request: HttpRequest, campaign_and_division: tuple) -> HttpResponse:
    campaign, division = campaign_and_division
    return render(
        request,
        "campaigns/sheet.html",
        {
            "campaign": campaign,
            "division": division,
            "learners": sheet_learners(campaign=campaign, division=division),
            **code_links(request, campaign),
        },
    )


@require_http_methods(["GET", "POST"])
@org_view(get=participation_get_for_manager)
def participation_delete_view(request: HttpRequest, participation: Participation) -> HttpResponse:
    campaign = participation.campaign
    if request.method == "POST":
        services.participation_delete(
            actor=request.user, participation=participation, on_behalf_of=request.membership.role
        )
        messages.success(
            request,
            _("The participation is deleted: the student can join again with the right account."),
        )
        return redirect("campaigns:detail", campaign_id=campaign.pk)
    return render(
        request,
        "campaigns/participation_delete_confirm.html",
        {"campaign": campaign, "participation": participation},
    )
