"""Import a SIECLE export for a school from the command line, through the web's pipeline.

    python manage.py import_siecle 0750654D ExportXML_ElevesSansAdresses.zip          # check
    python manage.py import_siecle 0750654D ExportXML_ElevesSansAdresses.zip --yes    # apply
    python manage.py import_siecle 0750654D file.xml --yes --json
    python manage.py import_siecle 0750654D one-class.xml --yes --acknowledge-mass-deactivation

Runs the same services as the web and the worker, synchronously: upload (stored through
the storage API, recorded in the school's import history), validation, then — with
--yes — confirmation and apply. Without --yes the import stays VALIDATED, and an
administrator may confirm it on the web page. An import that would disable more than a
fifth of the active students is applied only with --acknowledge-mass-deactivation, as the
web page asks for a tick: without it the refusal is printed, the import stays VALIDATED
and the exit status is 1. No upload size limit here (the zip inflation limits still
apply). Exit status 0 only when IMPORTED, or VALIDATED without --yes.
"""

import json
import os
import sys

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from organizations.models import Organization
from organizations.uai import normalize_uai
from students import services
from students.models import Import
from students.siecle import ReaderLimits

Status = Import.Status


class Command(BaseCommand):
    help = "Import a SIECLE export (.xml or .zip) for the school with this UAI."

    def add_arguments(self, parser):
        parser.add_argument("uai", help="the school's UAI, e.g. 0750654D")
        parser.add_argument("file", help="ElevesSansAdresses.xml or the zip SIECLE exports")
        parser.add_argument(
            "--yes", action="store_true", help="apply the import once validated (no preview stop)"
        )
        parser.add_argument(
            "--acknowledge-mass-deactivation",
            action="store_true",
            help="with --yes: apply even if it disables more than a fifth of the active students",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help='print {"status", "counts", "errors": [{"code", "meta", "message"}]}',
        )

    def handle(self, *args, **options):
        uai = normalize_uai(options["uai"])
        organization = Organization.objects.filter(uai=uai).first()
        if organization is None:
            raise CommandError(f"No organisation has the UAI {uai}.")
        if not organization.can_import_from_siecle:
            raise CommandError(f"{organization} does not import its students from SIECLE.")
        path = options["file"]
        try:
            stored = open(path, "rb")  # noqa: SIM115 - closed below, after the upload
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        with stored:
            import_ = services.import_upload(
                organization=organization,
                user=None,
                uploaded_file=File(stored, name=os.path.basename(path)),
                max_upload_bytes=0,
                enqueue=False,
            )
        limits = ReaderLimits(
            max_upload_bytes=None,
            max_inflated_bytes=settings.SIECLE_MAX_INFLATED_BYTES,
            max_ratio=settings.SIECLE_MAX_ZIP_RATIO,
        )
        import_ = services.import_validate(import_id=import_.pk, limits=limits) or import_
        refusal = None
        if import_.status == Status.VALIDATED and options["yes"]:
            try:
                import_ = services.import_confirm(
                    import_=import_,
                    user=None,
                    acknowledge_mass_deactivation=options["acknowledge_mass_deactivation"],
                    enqueue=False,
                )
            except services.ImportActionError as refused:
                refusal = refused
                import_.refresh_from_db()
            else:
                import_ = services.import_apply(import_id=import_.pk) or import_
        import_.refresh_from_db()
        with translation.override(settings.LANGUAGE_CODE):
            self._report(import_, options, refusal)
        succeeded = import_.status == Status.IMPORTED or (
            import_.status == Status.VALIDATED and not options["yes"]
        )
        if not succeeded:
            sys.exit(1)

    def _report(self, import_: Import, options, refusal=None) -> None:
        errors = services.errors_for_display(import_.errors)
        counts = import_.counts if import_.status == Status.IMPORTED else import_.preview
        hidden = {"divisions", "mass_deactivation"}
        counts = {key: value for key, value in (counts or {}).items() if key not in hidden}
        refused = refusal and {
            "code": refusal.code,
            "message": str(refusal.message),
            "meta": dict(refusal.meta),
        }
        if options["json"]:
            payload = {"status": import_.status, "counts": counts, "errors": errors}
            if refused:  # the confirmation was refused: the import is as it was
                payload["refused"] = refused
            self.stdout.write(json.dumps(payload, ensure_ascii=False, default=str))
            return
        self.stdout.write(f"Import #{import_.pk} of {import_.file_name}: {import_.status}")
        for key, value in counts.items():
            self.stdout.write(f"  {key}: {value}")
        for error in errors:
            self.stderr.write(f"  {error['code']}: {error['message']}")
        if refused:
            self.stderr.write(f"Not applied: {refused['code']}: {refused['message']}")
            classes = refused["meta"].get("classes")
            if classes:
                self.stderr.write(f"  classes absent from the file: {', '.join(classes)}")
            if refused["code"] == services.MASS_DEACTIVATION_NOT_ACKNOWLEDGED:
                self.stderr.write(
                    "Run again with --yes --acknowledge-mass-deactivation to apply it, "
                    "or confirm it on the import page."
                )
        elif import_.status == Status.VALIDATED:
            self.stdout.write("Run again with --yes to apply it, or confirm it on the import page.")
