"""`organizations/<id>/campaigns/`: the campaign pages as resources.

    GET    campaigns/                        list (mine, owner, search, archived), cursor
    POST   campaigns/                        create                      (any member)
    POST   campaigns/per-class/              one per class               (any member)
    GET    campaigns/<id>/                   with its totals and per-class numbers
    PATCH  campaigns/<id>/                   change                      (owner or admin)
    DELETE campaigns/<id>/                                               (owner or admin)
    POST   campaigns/<id>/archive/, unarchive/                           (owner or admin)
    GET    campaigns/<id>/participants/      the page's filters, cursor   (follow.py)
    GET    campaigns/<id>/export.csv         the page's CSV               (follow.py)

Rights are the pages' (`campaigns.guards`: `campaign_get_for_member`,
`campaign_get_for_manager`), bodies are checked by the pages' forms (`CampaignForm`,
`CampaignPerClassForm`: same codes, same sentences), changes go through the same services
on behalf of the caller's role (a token's: the lower of its role and the person's).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from organizations.guards import organization_get_for_member
from organizations.selectors import membership_list_for_organization
from pixorga.api.errors import field_error, form_errors
from pixorga.api.pagination import PageQuerySerializer, keyset_page, page_serializer
from pixorga.api.schema import error
from pixorga.api.views import GuardedAPIView
from students.selectors import learner_divisions

from .. import services
from ..forms import CampaignForm, CampaignPerClassForm
from ..guards import campaign_get_for_manager, campaign_get_for_member
from ..models import Campaign
from ..selectors import (
    campaign_class_summary,
    campaign_list,
    campaign_totals,
)
from .serializers import (
    CampaignCreateSerializer,
    CampaignDetailSerializer,
    CampaignPerClassSerializer,
    CampaignQuerySerializer,
    CampaignSerializer,
    CampaignUpdateSerializer,
)

CAMPAIGN_KEYS = ("-created_at", "id")
# Fixed at creation: the codes handed out and the sheets printed say which class.
FIXED_FIELDS = ("type", "target_division")
TAGS = ["campaigns"]
REFUSED = error(
    "A campaign rule: CAMPAIGN_OWNER_NOT_MEMBER, CAMPAIGN_UNKNOWN_CLASS, "
    "CAMPAIGN_NO_CLASS, CAMPAIGN_NAME_TOO_LONG (`meta.field`: the field concerned), or "
    "VALIDATION_ERROR (`meta.fields`)."
)
CONFLICT = error(
    "CAMPAIGN_ALREADY_ARCHIVED, CAMPAIGN_NOT_ARCHIVED, CAMPAIGN_MULTIPLE_SENDINGS_FROZEN "
    "(students have joined)."
)

CampaignPage = page_serializer(CampaignSerializer, "CampaignPage")


class CampaignQuery(PageQuerySerializer, CampaignQuerySerializer):
    pass


def _members(organization) -> list:
    return list(membership_list_for_organization(organization_id=organization.pk))


def _form_data(request: Request, **defaults) -> dict:
    """The JSON body as a form's data (a dict; the forms read lists from it as well)."""
    if not isinstance(request.data, dict):
        raise field_error("__all__", "invalid", _("The body must be a JSON object."))
    return {**defaults, **request.data}


def _save(form, memberships, run):
    """The form's settings (owner as the member's account) through a service; a service's
    refusal is raised as itself (AppError: its code, `meta.field`)."""
    if not form.is_valid():
        raise form_errors(form)
    data = form.settings()
    owners = {membership.user_id: membership.user for membership in memberships}
    data["owner"] = owners[data["owner"]]
    return run(data)


def _with_totals(campaign: Campaign) -> Campaign:
    totals = campaign_totals(campaign=campaign)
    campaign.participants_count, campaign.shared_count = totals["participants"], totals["shared"]
    campaign.classes = (
        campaign_class_summary(campaign=campaign)
        if campaign.organization.is_managing_students
        else None
    )
    return campaign


class CampaignList(GuardedAPIView):
    guards = {"GET": organization_get_for_member, "POST": organization_get_for_member}

    @extend_schema(
        operation_id="campaigns_list",
        summary="The organisation's campaigns, newest first, with their counts",
        parameters=[CampaignQuery],
        responses={200: CampaignPage},
        tags=TAGS,
    )
    def get(self, request: Request, **kwargs) -> Response:
        query = CampaignQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        organization = self.membership.organization
        owner = request.user if filters["mine"] else None
        if filters.get("owner") is not None and owner is None:
            owners = {m.user_id: m.user for m in _members(organization)}
            if filters["owner"] not in owners:
                raise field_error(
                    "owner",
                    "invalid_choice",
                    _("The owner must be an active member of your organisation."),
                )
            owner = owners[filters["owner"]]
        campaigns = campaign_list(
            organization=organization,
            owner=owner,
            search=filters.get("search", ""),
            archived=filters["archived"],
        )
        context = {"request": request}
        return Response(
            keyset_page(
                request,
                campaigns,
                keys=CAMPAIGN_KEYS,
                sort="campaigns",
                serialize=lambda rows: CampaignSerializer(rows, many=True, context=context).data,
                query=filters,
            )
        )

    @extend_schema(
        operation_id="campaigns_create",
        summary="Create a campaign (with a new code)",
        request=CampaignCreateSerializer,
        responses={201: CampaignDetailSerializer, 400: REFUSED},
        tags=TAGS,
    )
    def post(self, request: Request, **kwargs) -> Response:
        organization = self.membership.organization
        memberships = _members(organization)
        form = CampaignForm(
            _form_data(request, owner=request.user.pk),
            memberships=memberships,
            divisions=learner_divisions(organization=organization),
        )

        def create(data):
            return services.campaign_create(
                actor=request.user,
                organization=organization,
                on_behalf_of=self.membership.role,
                **data,
            )

        campaign = _save(form, memberships, create)
        campaign.organization = organization
        data = CampaignDetailSerializer(_with_totals(campaign), context={"request": request}).data
        return Response(data, status=201)


class CampaignPerClass(GuardedAPIView):
    guards = {"POST": organization_get_for_member}

    @extend_schema(
        operation_id="campaigns_create_per_class",
        summary="One campaign per class, each with its own code (all or none)",
        request=CampaignPerClassSerializer,
        responses={201: CampaignSerializer(many=True), 400: REFUSED},
        tags=TAGS,
    )
    def post(self, request: Request, **kwargs) -> Response:
        organization = self.membership.organization
        memberships = _members(organization)
        form = CampaignPerClassForm(
            _form_data(request, owner=request.user.pk),
            memberships=memberships,
            divisions=learner_divisions(organization=organization),
        )

        def create(data):
            return services.campaign_create_per_class(
                actor=request.user,
                organization=organization,
                on_behalf_of=self.membership.role,
                **data,
            )

        campaigns = _save(form, memberships, create)
        for campaign in campaigns:
            campaign.participants_count = campaign.shared_count = 0
        return Response(
            CampaignSerializer(campaigns, many=True, context={"request": request}).data,
            status=201,
        )


class CampaignDetail(GuardedAPIView):
    guards = {
        "GET": campaign_get_for_member,
        "PATCH": campaign_get_for_manager,
        "DELETE": campaign_get_for_manager,
    }

    @extend_schema(
        operation_id="campaigns_retrieve",
        summary="A campaign, its totals and its numbers per class",
        responses={200: CampaignDetailSerializer},
        tags=TAGS,
    )
    def get(self, request: Request, **kwargs) -> Response:
        campaign = _with_totals(self.object)
        return Response(CampaignDetailSerializer(campaign, context={"request": request}).data)

    @extend_schema(
        operation_id="campaigns_partial_update",
        summary="Change a campaign's settings (the owner or an administrator)",
        request=CampaignUpdateSerializer,
        responses={200: CampaignDetailSerializer, 400: REFUSED, 409: CONFLICT},
        tags=TAGS,
    )
    def patch(self, request: Request, **kwargs) -> Response:
        campaign: Campaign = self.object
        body = _form_data(request)
        for name in FIXED_FIELDS:
            if name in body and body[name] != getattr(campaign, name):
                raise field_error(
                    name, "read_only", _("This cannot change once the campaign is created.")
                )
        current = {
            "name": campaign.name,
            "owner": campaign.owner_id,
            "title": campaign.title,
            "landing_text": campaign.landing_text,
            "external_id_label": campaign.external_id_label,
            "external_id_type": campaign.external_id_type,
            "multiple_sendings": campaign.multiple_sendings,
        }
        memberships = _members(campaign.organization)
        # Not `frozen`: a change of multiple sendings after someone joined is refused by
        # the service with its own code, rather than silently ignored as the page's
        # disabled box would be.
        form = CampaignForm({**current, **body}, memberships=memberships, editing=True)

        def save(data):
            return services.campaign_update(
                actor=request.user, campaign=campaign, on_behalf_of=self.membership.role, **data
            )

        _save(form, memberships, save)
        return Response(
            CampaignDetailSerializer(_with_totals(campaign), context={"request": request}).data
        )

    @extend_schema(
        operation_id="campaigns_destroy",
        summary="Delete a campaign (its code stays reserved; the owner or an administrator)",
        responses={204: OpenApiResponse(description="Deleted.")},
        tags=TAGS,
    )
    def delete(self, request: Request, **kwargs) -> Response:
        services.campaign_delete(
            actor=request.user, campaigns=[self.object], on_behalf_of=self.membership.role
        )
        return Response(status=204)


class _CampaignAction(GuardedAPIView):
    guards = {"POST": campaign_get_for_manager}
    service = None

    def post(self, request: Request, **kwargs) -> Response:
        campaign = type(self).service(
            actor=request.user, campaign=self.object, on_behalf_of=self.membership.role
        )
        campaign.organization = self.membership.organization
        return Response(
            CampaignDetailSerializer(_with_totals(campaign), context={"request": request}).data
        )


class CampaignArchive(_CampaignAction):
    service = staticmethod(services.campaign_archive)

    @extend_schema(
        operation_id="campaigns_archive",
        summary="Archive: no new participant (the owner or an administrator)",
        request=None,
        responses={200: CampaignDetailSerializer, 409: CONFLICT},
        tags=TAGS,
    )
    def post(self, request: Request, **kwargs) -> Response:
        return super().post(request, **kwargs)


class CampaignUnarchive(_CampaignAction):
    service = staticmethod(services.campaign_unarchive)

    @extend_schema(
        operation_id="campaigns_unarchive",
        summary="Open an archived campaign again (the owner or an administrator)",
        request=None,
        responses={200: CampaignDetailSerializer, 409: CONFLICT},
        tags=TAGS,
    )
    def post(self, request: Request, **kwargs) -> Response:
        return super().post(request, **kwargs)
