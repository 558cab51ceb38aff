"""The life of a SIECLE import: upload, validate, confirm or cancel, apply, clean up.

An import is a row (`students.models.Import`); its status only moves through
conditional updates (`UPDATE … WHERE status = …`), so every step is safe to run twice
and two processes never both take the same step. The Celery tasks
(`students.tasks`) only call these functions with an id; the command line
(`import_siecle`) calls them one after the other.

    import_upload     → UPLOADED, file stored, validation enqueued on commit
    import_validate   UPLOADED → VALIDATING → VALIDATED (preview + validated rows stored)
                                           → VALIDATION_ERROR (every error, or the check
                                             itself failed) | UPLOAD_ERROR
    import_confirm    VALIDATED → IMPORTING, apply enqueued on commit (or IMPORT_OUTDATED)
    import_cancel     UPLOADED | VALIDATING | VALIDATED → CANCELLED
    import_apply      claims IMPORTING (apply_started_at), then → IMPORTED | IMPORT_ERROR,
                      in one transaction
    imports_reap_stuck, imports_resend_queued, imports_delete_abandoned_files: the
                      periodic clean-up (maintenance)

Files (the upload and the validated rows) are deleted once the import is final, after
the transaction that made it final commits.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
import uuid
from collections.abc import Callable
from datetime import date

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from organizations.models import Organization
from students.models import Import
from students.siecle import PAYLOAD_TOO_LARGE, ReaderLimits, read_siecle

from .apply import learners_write
from .errors import (
    FILE_MISSING,
    IMPORT_FAILED,
    IMPORT_INTERRUPTED,
    IMPORT_OUTDATED,
    ORGANIZATION_ARCHIVED,
    VALIDATION_FAILED,
    ImportNotAllowedError,
    ImportNotCancellableError,
    ImportNotConfirmableError,
    ImportOutdatedError,
)
from .preview import import_preview
from .rows import rows_length_errors, rows_save
from .states import enqueue_on_commit, error, finish, finish_locked

logger = logging.getLogger(__name__)

Status = Import.Status
UPLOAD_DIRECTORY = "siecle-imports"
# The validation's share of the progress bar; the rest is the preview and the rows file.
PARSE_SHARE = 90
# At most one progress UPDATE per this many seconds (each is its own small commit).
PROGRESS_INTERVAL = 0.5


def web_reader_limits() -> ReaderLimits:
    return ReaderLimits(
        max_upload_bytes=settings.SIECLE_MAX_UPLOAD_BYTES,
        max_inflated_bytes=settings.SIECLE_MAX_INFLATED_BYTES,
        max_ratio=settings.SIECLE_MAX_ZIP_RATIO,
    )


# --- Upload ----------------------------------------------------------------------------


def import_upload(
    *,
    organization: Organization,
    user: User | None,
    uploaded_file: File,
    max_upload_bytes: int | None = None,
    enqueue: bool = True,
) -> Import:
    """Store the file through the storage API and record an UPLOADED import.

    The validation task is enqueued once the row is committed (`enqueue=False` for the
    command line, which runs it itself). A file over the upload limit
    (`SIECLE_MAX_UPLOAD_BYTES` unless `max_upload_bytes` says otherwise, `0` for none)
    is not stored: the import is recorded as UPLOAD_ERROR.
    """
    if not organization.can_import_from_siecle:
        raise ImportNotAllowedError
    if max_upload_bytes is None:
        max_upload_bytes = settings.SIECLE_MAX_UPLOAD_BYTES
    file_name = os.path.basename((uploaded_file.name or "").replace("\\", "/"))[:255]
    size = uploaded_file.size or 0
    now = timezone.now()
    if max_upload_bytes and size > max_upload_bytes:
        return Import.objects.create(
            organization=organization,
            created_by=user,
            file_name=file_name,
            file_size=size,
            status=Status.UPLOAD_ERROR,
            errors=[{"code": PAYLOAD_TOO_LARGE, "meta": {"limit": max_upload_bytes, "size": size}}],
            error_count=1,
            created_at=now,
            updated_at=now,
            finished_at=now,
        )
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    # Never the person's file name in the path: a random name per import.
    prefix = f"{UPLOAD_DIRECTORY}/{organization.pk}/{uuid.uuid4().hex}"
    upload_path = default_storage.save(f"{prefix}.upload", uploaded_file)
    try:
        with transaction.atomic():
            import_ = Import.objects.create(
                organization=organization,
                created_by=user,
                file_name=file_name,
                file_size=size,
                file_sha256=digest.hexdigest(),
                upload_path=upload_path,
                status=Status.UPLOADED,
                created_at=now,
                updated_at=now,
            )
            if enqueue:
                enqueue_on_commit("validate", import_.pk)
    except BaseException:
        default_storage.delete(upload_path)
        raise
    return import_


# --- Validate --------------------------------------------------------------------------


class _Stopped(Exception):  # the import left VALIDATING meanwhile: stop reading
    pass


Progress = Callable[[int, int | None], object]


class _ProgressReporter:
    """The reader's progress callback: a cheap conditional UPDATE, at most every 0.5 s.

    Each UPDATE commits on its own (the validation runs outside any transaction), so
    the live panel sees it and the reaper knows the worker is alive. When the import is
    no longer VALIDATING (cancelled, reaped), it stops the reader. `hook`, when given,
    is called first with what the reader reports (bytes read, total).
    """

    def __init__(self, import_id: int, start: int, end: int, hook: Progress | None = None) -> None:
        self.import_id = import_id
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
        updated = Import.objects.filter(pk=self.import_id, status=Status.VALIDATING).update(
            progress=progress, updated_at=timezone.now()
        )
        if not updated:
            raise _Stopped


def import_validate(
    *,
    import_id: int,
    limits: ReaderLimits | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> Import | None:
    """Read the stored file and end VALIDATED (with a preview) or with every error.

    Claims the import (UPLOADED → VALIDATING) first: a second run, or a run for an
    import cancelled meanwhile, does nothing and returns None. Runs outside any
    transaction: progress is committed as it goes. The file's rules and errors are the
    reader's (students.siecle); the web's size limits apply unless `limits` says else.

    When the check itself fails (the task's time limit, an unexpected error) the import
    ends VALIDATION_ERROR too, with IMPORT_INTERRUPTED / VALIDATION_FAILED: nothing was
    written, the person imports the file again. `progress(bytes_read, total)` is called
    as the reader goes (about every megabyte, and at the end); what it raises stops the
    validation and is handled as above.
    """
    claimed = Import.objects.filter(pk=import_id, status=Status.UPLOADED).update(
        status=Status.VALIDATING, progress=0, updated_at=timezone.now()
    )
    if not claimed:
        return None
    import_ = Import.objects.select_related("organization").get(pk=import_id)
    try:
        _validate(import_, limits or web_reader_limits(), today or timezone.localdate(), progress)
    except _Stopped:
        pass
    except SoftTimeLimitExceeded:
        finish(import_id, [Status.VALIDATING], Status.VALIDATION_ERROR, [error(IMPORT_INTERRUPTED)])
    except Exception:
        logger.exception("Validation of import %s failed", import_id)
        finish(import_id, [Status.VALIDATING], Status.VALIDATION_ERROR, [error(VALIDATION_FAILED)])
    return Import.objects.get(pk=import_id)


def _validate(import_: Import, limits: ReaderLimits, today: date, hook: Progress | None) -> None:
    progress = _ProgressReporter(import_.pk, 0, PARSE_SHARE, hook)
    try:
        stored = default_storage.open(import_.upload_path, "rb")
    except (FileNotFoundError, ValueError):
        finish(import_.pk, [Status.VALIDATING], Status.UPLOAD_ERROR, [error(FILE_MISSING)])
        return
    organization = import_.organization
    with stored:
        result = read_siecle(
            stored, uai=organization.uai or "", today=today, limits=limits, progress=progress
        )
    summary = {"students": result.student_count, "skipped": dict(result.skipped)}
    errors = [error.to_dict() for error in result.errors] or rows_length_errors(result.learners)
    if errors:
        finish(
            import_.pk,
            [Status.VALIDATING],
            Status.VALIDATION_ERROR,
            errors,
            encoding=result.encoding or "",
            preview=summary,
        )
        return
    progress.set(PARSE_SHARE)
    preview = {**summary, **import_preview(organization=organization, result=result)}
    prefix = import_.upload_path.removesuffix(".upload")
    rows_path, rows_sha256 = rows_save(learners=result.learners, prefix=prefix)
    now = timezone.now()
    validated = Import.objects.filter(pk=import_.pk, status=Status.VALIDATING).update(
        status=Status.VALIDATED,
        progress=100,
        encoding=result.encoding or "",
        preview=preview,
        rows_path=rows_path,
        rows_sha256=rows_sha256,
        validated_at=now,
        updated_at=now,
    )
    if not validated:  # cancelled or reaped while we were reading
        default_storage.delete(rows_path)


# --- Confirm, cancel -------------------------------------------------------------------


def import_is_outdated(*, import_: Import) -> bool:
    """A newer import of the organisation was validated or applied, or an import was
    applied after this one was validated (its preview describes a list that is gone)."""
    newer = Q(pk__gt=import_.pk, status__in=[Status.VALIDATED, Status.IMPORTING, Status.IMPORTED])
    applied_since = Q(status=Status.IMPORTED, finished_at__gt=import_.validated_at)
    return (
        Import.objects.filter(organization_id=import_.organization_id)
        .filter(newer | applied_since)
        .exclude(pk=import_.pk)
        .exists()
    )


def import_confirm(*, import_: Import, user: User | None, enqueue: bool = True) -> Import:
    """The administrator confirms the preview: VALIDATED → IMPORTING, apply enqueued.

    Confirming twice (a double click) is harmless. Raises ImportOutdatedError (and ends
    the import with IMPORT_OUTDATED) when it is not the organisation's newest validated
    import, ImportNotConfirmableError when it is not waiting for a confirmation.
    """
    if import_.status == Status.IMPORTING:
        return import_
    if import_.status != Status.VALIDATED:
        raise ImportNotConfirmableError
    if import_is_outdated(import_=import_):
        finish(import_.pk, [Status.VALIDATED], Status.IMPORT_ERROR, [error(IMPORT_OUTDATED)])
        import_.refresh_from_db()
        raise ImportOutdatedError
    now = timezone.now()
    with transaction.atomic():
        claimed = Import.objects.filter(pk=import_.pk, status=Status.VALIDATED).update(
            status=Status.IMPORTING,
            progress=0,
            confirmed_by=user,
            confirmed_at=now,
            updated_at=now,
        )
        if claimed and enqueue:
            enqueue_on_commit("apply", import_.pk)
    import_.refresh_from_db()
    if not claimed and import_.status != Status.IMPORTING:
        raise ImportNotConfirmableError
    return import_


def import_cancel(*, import_: Import, user: User | None) -> Import:
    """Cancel an import that is not applying yet ("Annuler"); its files are deleted."""
    cancellable = [Status.UPLOADED, Status.VALIDATING, Status.VALIDATED]
    if not finish(import_.pk, cancellable, Status.CANCELLED, []):
        import_.refresh_from_db()
        raise ImportNotCancellableError
    import_.refresh_from_db()
    return import_


# --- Apply -----------------------------------------------------------------------------


def import_apply(
    *, import_id: int, progress: Callable[[str], object] | None = None
) -> Import | None:
    """Apply a confirmed import in one transaction; IMPORTED, or IMPORT_ERROR and the
    list exactly as it was.

    The run first claims its import (sets `apply_started_at`, only while IMPORTING and
    not yet claimed): a duplicate task (sent again by maintenance, redelivered) finds
    it claimed and returns at once, rather than waiting on the organisation's lock and
    holding a worker. A claimer that dies is reaped after ten minutes of silence
    (imports_reap_stuck); its task delivered again does not restart it.

    One import applies per organisation at a time: the transaction locks the
    organisation's row, then re-reads the import under that lock. An organisation
    archived meanwhile gets nothing written (ORGANIZATION_ARCHIVED). An import older
    than one already applied is refused (IMPORT_OUTDATED): two confirmed imports racing
    end with the newest file. `progress(step)` is called after each step of the writes,
    inside the transaction (see `learners_write`); what it raises rolls the apply back.
    """
    # The reaper's ten minutes count from the claim, not from the confirmation: a task
    # waiting in the queue is not stuck (maintenance sends it again after 5 minutes, see
    # imports_resend_queued, only while `apply_started_at` is empty).
    now = timezone.now()
    claimed = Import.objects.filter(
        pk=import_id, status=Status.IMPORTING, apply_started_at__isnull=True
    ).update(apply_started_at=now, updated_at=now)
    if not claimed:  # done, refused, or another run has it
        return Import.objects.filter(pk=import_id).first()
    try:
        with transaction.atomic():
            organization_id = Import.objects.values_list("organization_id", flat=True).get(
                pk=import_id
            )
            organization = (
                Organization.objects.select_for_update()
                .only("pk", "archived_at")
                .get(pk=organization_id)
            )
            import_ = Import.objects.select_for_update().get(pk=import_id)
            if import_.status != Status.IMPORTING:  # reaped meanwhile
                return import_
            if organization.is_archived:
                finish_locked(import_, Status.IMPORT_ERROR, [error(ORGANIZATION_ARCHIVED)])
                return import_
            if Import.objects.filter(
                organization_id=import_.organization_id, pk__gt=import_.pk, status=Status.IMPORTED
            ).exists():
                finish_locked(import_, Status.IMPORT_ERROR, [error(IMPORT_OUTDATED)])
                return import_
            counts = learners_write(
                organization_id=import_.organization_id,
                rows_path=import_.rows_path,
                rows_sha256=import_.rows_sha256,
                progress=progress,
            )
            counts["skipped"] = dict(import_.preview.get("skipped", {}))
            finish_locked(import_, Status.IMPORTED, [], counts=counts)
            return import_
    except FileNotFoundError:
        finish(import_id, [Status.IMPORTING], Status.IMPORT_ERROR, [error(FILE_MISSING)])
    except SoftTimeLimitExceeded:
        finish(import_id, [Status.IMPORTING], Status.IMPORT_ERROR, [error(IMPORT_INTERRUPTED)])
    except Exception:
        logger.exception("Apply of import %s failed; nothing was changed", import_id)
        finish(import_id, [Status.IMPORTING], Status.IMPORT_ERROR, [error(IMPORT_FAILED)])
    return Import.objects.get(pk=import_id)
