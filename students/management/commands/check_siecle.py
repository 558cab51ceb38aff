"""Read a SIECLE export as an import would, and say whether it is valid (exit code 1 if not)."""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from students.siecle import ReaderLimits, read_siecle
from students.siecle_messages import render_error, render_skip_reason


class Command(BaseCommand):
    help = (
        "Check a SIECLE export (.xml or .zip) against a school's UAI; prints a summary "
        "(--json for machines). Exit code 0 when valid, 1 otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xml or .zip export")
        parser.add_argument("--uai", required=True, help="the school's UAI")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        path = Path(options["file"])
        # No upload limit on the command line; the archive limits still apply.
        limits = ReaderLimits(
            max_upload_bytes=None,
            max_inflated_bytes=getattr(settings, "SIECLE_MAX_INFLATED_BYTES", 200 * 1024 * 1024),
            max_ratio=getattr(settings, "SIECLE_MAX_ZIP_RATIO", 100),
        )
        try:
            with path.open("rb") as fileobj:
                result = read_siecle(fileobj, uai=options["uai"], limits=limits)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        summary = {
            "status": "VALID" if result.is_valid else "INVALID",
            "counts": result.counts(),
            "errors": [
                {**error.to_dict(), "message": render_error(error.code, error.meta)}
                for error in result.errors
            ],
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
        else:
            self._write_text(path, result, summary)
        if not result.is_valid:
            # The summary is the output; a CommandError would add a traceback-like line.
            sys.exit(1)

    def _write_text(self, path, result, summary) -> None:
        counts = summary["counts"]
        skipped = ", ".join(
            f"{render_skip_reason(reason)}: {count}" for reason, count in counts["skipped"].items()
        )
        export_date = result.export_date.isoformat() if result.export_date else "-"
        self.stdout.write(f"{path}")
        self.stdout.write(
            f"  encoding: {result.encoding or '-'}, UAI: {result.uai or '-'}, "
            f"export date: {export_date}"
        )
        self.stdout.write(
            f"  students: {counts['students']}, to import: {counts['learners']}, "
            f"skipped: {sum(counts['skipped'].values())} ({skipped})"
        )
        if result.is_valid:
            self.stdout.write(self.style.SUCCESS("  VALID"))
            return
        self.stdout.write(self.style.ERROR(f"  INVALID: {counts['errors']} error(s)"))
        for error in summary["errors"]:
            self.stdout.write(f"  - [{error['code']}] {error['message']}")
