"""`organizations/<id>/imports/`: the nightly script's SIECLE import.

    POST   imports/                 the .xml or .zip (multipart, field `file`) → 201, UPLOADED
    GET    imports/<id>/            poll: status, progress, preview, errors, counts
    POST   imports/<id>/confirm/    {"acknowledge_mass_deactivation": true} when needed → 202
    POST   imports/<id>/cancel/
    GET    imports/                 the history (the 50 newest, as the page)

For administrators of an organisation that imports from SIECLE, exactly as the pages:
the same lookups (`import_get_for_admin`; `organization_get_for_admin` with
`organization_check_can_import` for the list and the upload), the same form and the same
services (`import_upload`, `import_confirm` with its mass-deactivation acknowledgement,
`import_cancel`). A file over the size limit is recorded as the page records it
(UPLOAD_ERROR) and answered 413.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from organizations.guards import organization_get_for_admin
from pixorga.api.errors import form_errors
from pixorga.api.schema import error
from pixorga.api.views import GuardedAPIView

from .. import services
from ..forms import ImportUploadForm
from ..guards import import_get_for_admin, organization_check_can_import
from ..models import Import
from ..selectors import import_list
from ..siecle import PAYLOAD_TOO_LARGE


class ImportSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Import.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    file_name = serializers.CharField()
    file_size = serializers.IntegerField(help_text="In bytes.")
    created_at = serializers.DateTimeField()
    created_by_id = serializers.IntegerField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    error_count = serializers.IntegerField()
    counts = serializers.DictField(
        help_text="Once imported: created, updated, reenabled, disabled, skipped by reason."
    )


class ImportErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    meta = serializers.DictField()


class ImportSerializer(ImportSummarySerializer):
    running = serializers.BooleanField(source="is_running")
    waiting = serializers.BooleanField(
        source="is_waiting_for_worker", help_text="Queued: no worker has started it yet."
    )
    final = serializers.BooleanField(source="is_final", help_text="Nothing more will change.")
    progress = serializers.IntegerField(help_text="0 to 100.")
    validated_at = serializers.DateTimeField(allow_null=True)
    confirmed_by_id = serializers.IntegerField(allow_null=True)
    preview = serializers.DictField(
        help_text="Once VALIDATED: what confirming would do (learners, created, updated, "
        "reenabled, disabled, per class in `divisions`), `mass_deactivation` "
        "({active, disabled, classes, needs_acknowledgement}: confirm with "
        "acknowledge_mass_deactivation when true) and the skipped students."
    )
    errors = serializers.SerializerMethodField(
        help_text="The first 200 errors, in file order, each with its sentence."
    )
    error_counts = serializers.DictField(help_text="Every error counted, per code.")
    replaced_by = serializers.SerializerMethodField(
        help_text="The newer import that replaced this one (IMPORT_REPLACED), if any."
    )

    def get_errors(self, import_: Import) -> list[dict]:
        return ImportErrorSerializer(
            services.errors_for_display(import_.errors or []), many=True
        ).data

    def get_replaced_by(self, import_: Import) -> int | None:
        return services.import_replaced_by(import_=import_)


class ImportUploadSerializer(serializers.Serializer):
    """The documentation of the upload; the page's form checks it."""

    file = serializers.FileField(help_text="ElevesSansAdresses.xml, or SIECLE's .zip as it is.")


class ImportConfirmSerializer(serializers.Serializer):
    acknowledge_mass_deactivation = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Required (true) when the import would disable more than a fifth of the "
        "active students (`preview.mass_deactivation.needs_acknowledgement`).",
    )


CONFLICT = error(
    "IMPORT_OUTDATED, IMPORT_REPLACED (`meta.replaced_by`), IMPORT_NOT_CONFIRMABLE, "
    "IMPORT_NOT_CANCELLABLE, MASS_DEACTIVATION_NOT_ACKNOWLEDGED (`meta.disabled`, "
    "`meta.active`, `meta.classes`: confirm again with acknowledge_mass_deactivation)."
)
IMPORTER = (organization_get_for_admin, organization_check_can_import)


class ImportList(GuardedAPIView):
    guards = {"GET": IMPORTER, "POST": IMPORTER}
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="imports_list",
        summary="The organisation's imports, newest first (the 50 latest)",
        responses={200: ImportSummarySerializer(many=True)},
        tags=["imports"],
    )
    def get(self, request: Request, **kwargs) -> Response:
        imports = import_list(organization=self.membership.organization)
        return Response(ImportSummarySerializer(imports, many=True).data)

    @extend_schema(
        operation_id="imports_create",
        summary="Upload a SIECLE export (.xml or .zip): it is checked in the background",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            201: ImportSerializer,
            413: error(
                "PAYLOAD_TOO_LARGE: the file is over the limit (`meta.limit`, in bytes); "
                "the refused upload is in the history (`meta.import_id`)."
            ),
        },
        tags=["imports"],
    )
    def post(self, request: Request, **kwargs) -> Response:
        form = ImportUploadForm(
            request.data, request.FILES, max_bytes=settings.SIECLE_MAX_UPLOAD_BYTES
        )
        if not form.is_valid():
            raise form_errors(form)
        import_ = services.import_upload(
            organization=self.membership.organization,
            user=request.user,
            uploaded_file=form.cleaned_data["file"],
        )
        if import_.status == Import.Status.UPLOAD_ERROR:
            stored = (import_.errors or [{}])[0]
            meta = {**(stored.get("meta") or {}), "import_id": import_.pk}
            return Response(
                {
                    "code": PAYLOAD_TOO_LARGE,
                    "message": services.error_message(PAYLOAD_TOO_LARGE, stored.get("meta")),
                    "meta": meta,
                },
                status=413,
            )
        return Response(ImportSerializer(import_).data, status=201)


class ImportDetail(GuardedAPIView):
    guards = {"GET": import_get_for_admin}

    @extend_schema(
        operation_id="imports_retrieve",
        summary="An import's state: poll it until `final`, or VALIDATED to confirm",
        responses={200: ImportSerializer},
        tags=["imports"],
    )
    def get(self, request: Request, **kwargs) -> Response:
        return Response(ImportSerializer(self.object).data)


class ImportConfirm(GuardedAPIView):
    guards = {"POST": import_get_for_admin}

    @extend_schema(
        operation_id="imports_confirm",
        summary="Confirm a VALIDATED import: the list is updated in the background",
        request=ImportConfirmSerializer,
        responses={202: ImportSerializer, 409: CONFLICT},
        tags=["imports"],
    )
    def post(self, request: Request, **kwargs) -> Response:
        body = ImportConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        import_ = services.import_confirm(
            import_=self.object,
            user=request.user,
            acknowledge_mass_deactivation=body.validated_data["acknowledge_mass_deactivation"],
        )
        return Response(ImportSerializer(import_).data, status=202)


class ImportCancel(GuardedAPIView):
    guards = {"POST": import_get_for_admin}

    @extend_schema(
        operation_id="imports_cancel",
        summary="Cancel an import that is not applying yet (the list is unchanged)",
        request=None,
        responses={200: ImportSerializer, 409: CONFLICT},
        tags=["imports"],
    )
    def post(self, request: Request, **kwargs) -> Response:
        import_ = services.import_cancel(import_=self.object, user=request.user)
        return Response(ImportSerializer(import_).data)
