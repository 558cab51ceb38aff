"""Checking a stored SIECLE file: UPLOADED → VALIDATING → VALIDATED or an error status.

The validation writes nothing but its own import row and its rows file, so a run whose
worker died can be taken over safely. Each run claims the import with a run token; its
progress reports are the heartbeat (`updated_at`) and succeed only for the current
token, so a run that was taken over stops at its next report and its outcome is never
written. A claim silent for CLAIM_STALE_AFTER is taken over by the next run that comes
(the task redelivered after a crash, or sent again by maintenance); a live claim makes
that run wait (ValidationRunning: the task re-queues itself once per claim). After
MAX_TAKEOVERS, the import ends VALIDATION_ERROR / VALIDATION_FAILED: a file that kills
its worker must not kill workers forever.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import F, Q
from django.utils import timezone, translation

from students.models import Import
from students.siecle import ReaderLimits, ReadResult, SiecleError, read_siecle

from .error_file import ErrorFile
from .errors import FILE_MISSING, IMPORT_INTERRUPTED, VALIDATION_FAILED
from .preview import import_preview
from .rows import rows_length_errors, rows_save
from .states import error, import_transition

logger = logging.getLogger(__name__)

Status = Import.Status
# The validation's share of the progress bar; the rest is the preview and the rows file.
PARSE_SHARE = 90
# At most one progress UPDATE per this many seconds (each is its own small commit).
PROGRESS_INTERVAL = 0.5
# A running validation reports progress at least every second or so (the reader calls
# back about every megabyte; the preview and the rows file take seconds): silent this
# long, its worker is gone.
CLAIM_STALE_AFTER = timedelta(seconds=60)
# Runs after the first that may take a silent validation over; the next one gives up.
MAX_TAKEOVERS = 2


def web_reader_limits() -> ReaderLimits:
    return ReaderLimits(
        max_upload_bytes=settings.SIECLE_MAX_UPLOAD_BYTES,
        max_inflated_bytes=settings.SIECLE_MAX_INFLATED_BYTES,
        max_ratio=settings.SIECLE_MAX_ZIP_RATIO,
    )


class ValidationRunning(Exception):
    """Another run holds a live claim on this validation; look again in `retry_in`
    seconds, when the claim would be stale if that run has died."""

    def __init__(self, run_token: str, retry_in: float) -> None:
        super().__init__(run_token, retry_in)
        self.run_token = run_token
        self.retry_in = retry_in


class _Stopped(Exception):  # the import left VALIDATING, or was taken over: stop reading
    pass


Progress = Callable[[int, int | None], object]


class _ProgressReporter:
    """The reader's progress callback: a cheap conditional UPDATE, at most every 0.5 s.

    Each UPDATE commits on its own (the validation runs outside any transaction), so
    the live panel sees it and the claim stays live. When the import is no longer
    VALIDATING for this run's token (cancelled, reaped, taken over), it stops the reader.
    `hook`, when given, is called first with what the reader reports (bytes read, total).
    """

    def __init__(
        self, import_id: int, token: str, start: int, end: int, hook: Progress | None = None
    ) -> None:
        self.import_id = import_id
        self.token = token
        self.start = start
        self.end = end
        self.hook = hook
        self.last = time.monotonic()
        self.reported = start

    def __call__(self, done: int, total: int | None) -> None:
        if self.hook is not None:
            self.hook(done, total)
        if not total:
            return
        now = time.monotonic()
        if now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        self.set(self.start + (self.end - self.start) * min(done, total) // total)

    def set(self, progress: int) -> None:
        self.reported = progress
        updated = Import.objects.filter(
            pk=self.import_id, status=Status.VALIDATING, run_token=self.token
        ).update(progress=progress, updated_at=timezone.now())
        if not updated:
            raise _Stopped


def _claim(import_id: int) -> str | None:
    """This run's token once it holds the claim; None when there is nothing to do (not
    waiting for a check, taken over by another run first, or given up)."""
    now = timezone.now()
    token = uuid.uuid4().hex
    if import_transition(
        import_id=import_id,
        to=Status.VALIDATING,
        expected_from=Status.UPLOADED,
        run_token=token,
        progress=0,
        updated_at=now,
        validation_started_at=now,
    ):
        return token
    held = (
        Import.objects.filter(pk=import_id, status=Status.VALIDATING)
        .values_list("run_token", "updated_at", "takeovers")
        .first()
    )
    if held is None:  # checked, cancelled, reaped, or no such import
        return None
    held_token, heartbeat, takeovers = held
    silence = now - heartbeat
    if silence < CLAIM_STALE_AFTER:
        # A few seconds past the moment the claim would go stale, if its run is dead.
        raise ValidationRunning(held_token, (CLAIM_STALE_AFTER - silence).total_seconds() + 5)
    # The claim as seen: another run taking it over meanwhile changes both.
    same_claim = Q(run_token=held_token, updated_at=heartbeat)
    if takeovers >= MAX_TAKEOVERS:
        logger.error(
            "Validation of import %s went silent after %s takeovers: given up", import_id, takeovers
        )
        import_transition(
            import_id=import_id,
            to=Status.VALIDATION_ERROR,
            expected_from=Status.VALIDATING,
            where=same_claim,
            errors=[error(VALIDATION_FAILED, takeovers=takeovers)],
        )
        return None
    if import_transition(
        import_id=import_id,
        to=Status.VALIDATING,
        expected_from=Status.VALIDATING,
        where=same_claim,
        run_token=token,
        takeovers=F("takeovers") + 1,
        progress=0,
        updated_at=now,
        validation_started_at=now,
    ):
        logger.warning(
            "Validation of import %s silent for %d s: taken over", import_id, silence.seconds
        )
        return token
    return None


def import_validate(
    *,
    import_id: int,
    limits: ReaderLimits | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> Import | None:
    """Read the stored file and end VALIDATED (with a preview) or with every error.

    Claims the import first (UPLOADED → VALIDATING, or takes over a validation silent
    for a minute): a second run, or a run for an import cancelled meanwhile, does
    nothing and returns None. Raises ValidationRunning when another run's claim is
    live. Runs outside any transaction: progress is committed as it goes. The file's
    rules and errors are the reader's (students.siecle); the web's size limits apply
    unless `limits` says else.

    When the check itself fails (the task's time limit, an unexpected error) the import
    ends VALIDATION_ERROR too, with IMPORT_INTERRUPTED / VALIDATION_FAILED: nothing was
    written, the person imports the file again. `progress(bytes_read, total)` is called
    as the reader goes (about every megabyte, and at the end); what it raises stops the
    validation and is handled as above.
    """
    token = _claim(import_id)
    if token is None:
        return None
    import_ = Import.objects.select_related("organization").get(pk=import_id)
    mine = Q(run_token=token)
    try:
        _validate(
            import_, token, limits or web_reader_limits(), today or timezone.localdate(), progress
        )
    except _Stopped:
        pass
    except SoftTimeLimitExceeded:
        import_transition(
            import_id=import_id,
            to=Status.VALIDATION_ERROR,
            expected_from=Status.VALIDATING,
            where=mine,
            errors=[error(IMPORT_INTERRUPTED)],
        )
    except Exception:
        logger.exception("Validation of import %s failed", import_id)
        import_transition(
            import_id=import_id,
            to=Status.VALIDATION_ERROR,
            expected_from=Status.VALIDATING,
            where=mine,
            errors=[error(VALIDATION_FAILED)],
        )
    return Import.objects.get(pk=import_id)


def _validate(
    import_: Import, token: str, limits: ReaderLimits, today: date, hook: Progress | None
) -> None:
    progress = _ProgressReporter(import_.pk, token, 0, PARSE_SHARE, hook)
    mine = Q(run_token=token)
    try:
        stored = default_storage.open(import_.upload_path, "rb")
    except (FileNotFoundError, ValueError):
        import_transition(
            import_id=import_.pk,
            to=Status.UPLOAD_ERROR,
            expected_from=Status.VALIDATING,
            where=mine,
            errors=[error(FILE_MISSING)],
        )
        return
    organization = import_.organization
    prefix = import_.upload_path.removesuffix(".upload")
    # Every error goes to the file as it is found; the result keeps the first ones and
    # the count per code. Sentences in the site's language (French), whoever reads them.
    with translation.override(settings.LANGUAGE_CODE), ErrorFile() as error_file:
        with stored:
            result = read_siecle(
                stored,
                uai=organization.uai or "",
                today=today,
                limits=limits,
                progress=progress,
                on_error=error_file.add,
            )
        if result.is_valid:
            for length_error in rows_length_errors(result.learners):
                result.add_error(SiecleError(length_error["code"], length_error["meta"]))
        errors_path = error_file.save(prefix=prefix) if error_file.per_student else ""
    summary = {"students": result.student_count, "skipped": dict(result.skipped)}
    if result.skipped_students:
        # The first students set aside for having no INE or no class, by name (deleted
        # after 30 days with the errors: maintenance.imports_expire_details).
        summary["skipped_students"] = [student.to_dict() for student in result.skipped_students]
    if not result.is_valid:
        _refused(import_.pk, token, result, summary, errors_path)
        return
    progress.set(PARSE_SHARE)
    preview = {**summary, **import_preview(organization=organization, result=result)}
    # The storage gives each save a free name: a run taken over never shares its file.
    rows_path, rows_sha256 = rows_save(learners=result.learners, prefix=prefix)
    now = timezone.now()
    validated = import_transition(
        import_id=import_.pk,
        to=Status.VALIDATED,
        expected_from=Status.VALIDATING,
        where=mine,
        progress=100,
        encoding=result.encoding or "",
        preview=preview,
        rows_path=rows_path,
        rows_sha256=rows_sha256,
        validated_at=now,
        updated_at=now,
    )
    if not validated:  # cancelled, reaped or taken over while we were reading
        default_storage.delete(rows_path)


def _refused(
    import_id: int, token: str, result: ReadResult, summary: dict, errors_path: str
) -> None:
    """VALIDATION_ERROR with the first errors, their total and count per code (the row
    stays small whatever the file), and the complete list's file when there is one."""
    refused = import_transition(
        import_id=import_id,
        to=Status.VALIDATION_ERROR,
        expected_from=Status.VALIDATING,
        where=Q(run_token=token),
        errors=[error.to_dict() for error in result.errors],
        # After `errors`: the state machine counts what it stores, these say what was found.
        error_count=result.error_count,
        error_counts=dict(result.error_counts),
        errors_path=errors_path,
        encoding=result.encoding or "",
        preview=summary,
    )
    if not refused and errors_path:  # cancelled, reaped or taken over meanwhile
        default_storage.delete(errors_path)
