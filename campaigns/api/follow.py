"""Following a campaign through the API: its participants (the page's filters, a cursor
on the page's order) and the page's CSV export (see `views.py` for the rest)."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from pixorga.api.pagination import PageQuerySerializer, keyset_page, page_serializer
from pixorga.api.views import GuardedAPIView

from ..exports import export_file_name, export_lines
from ..guards import campaign_get_for_member
from ..selectors import class_rank, participant_divisions, participation_list
from .serializers import ParticipantQuerySerializer, ParticipantSerializer

PARTICIPANT_KEYS = ("class_rank", "learner__sort_name", "id")
TAGS = ["campaigns"]
ParticipantPage = page_serializer(ParticipantSerializer, "ParticipantPage")


class ParticipantQuery(PageQuerySerializer, ParticipantQuerySerializer):
    pass


class CampaignParticipants(GuardedAPIView):
    guards = {"GET": campaign_get_for_member}

    @extend_schema(
        operation_id="campaigns_participants",
        summary="The campaign's participants, one line per student, by class then name",
        parameters=[ParticipantQuery],
        responses={200: ParticipantPage},
        tags=TAGS,
    )
    def get(self, request: Request, **kwargs) -> Response:
        query = ParticipantQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        campaign = self.object
        divisions = participant_divisions(campaign=campaign)
        participations = participation_list(
            campaign=campaign,
            search=filters.get("search", ""),
            division=filters.get("division", ""),
            status=filters.get("status", ""),
            division_order=divisions,
        )
        # The page's order (participation_list), with the class's rank as a value the
        # cursor can hold.
        participations = participations.annotate(
            class_rank=class_rank("learner__division", divisions)
        ).order_by(*PARTICIPANT_KEYS)
        return Response(
            keyset_page(
                request,
                participations,
                keys=PARTICIPANT_KEYS,
                sort=f"participants:{campaign.pk}",
                serialize=lambda rows: ParticipantSerializer(rows, many=True).data,
                query=filters,
            )
        )


class JsonForErrors(BaseContentNegotiation):
    """The export answers CSV whatever the Accept header, and its refusals in JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), JSONRenderer.media_type


class CampaignExport(GuardedAPIView):
    guards = {"GET": campaign_get_for_member}
    content_negotiation_class = JsonForErrors

    @extend_schema(
        operation_id="campaigns_export",
        summary="The results as CSV (`;`, UTF-8 with BOM), as the page's export",
        responses={(200, "text/csv"): OpenApiTypes.STR},
        tags=TAGS,
    )
    def get(self, request: Request, **kwargs) -> StreamingHttpResponse:
        campaign = self.object
        response = StreamingHttpResponse(
            export_lines(campaign), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=export_file_name(campaign)
        )
        return response
