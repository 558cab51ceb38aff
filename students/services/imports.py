"""The life of a SIECLE import: upload, validate, confirm or cancel, apply, clean up.

An import is a row (`students.models.Import`); its status only moves through
`import_transition` (students.services.states), a conditional update
(`UPDATE … WHERE status = …`) limited to the moves `Import.TRANSITIONS` lists, so every
step is safe to run twice and two processes never both take the same step. The Celery tasks
(`students.tasks`) only call these functions with an id; the command line
(`import_siecle`) calls them one after the other.

    import_upload     → UPLOADED, file stored, validation enqueued on commit; the
                        organisation's earlier imports still waiting (UPLOADED,
                        VALIDATING, VALIDATED) → CANCELLED / IMPORT_REPLACED
                        (or UPLOAD_ERROR: over the size limit, not stored, replaces nothing)
    import_validate   UPLOADED → VALIDATING → VALIDATED (preview + validated rows stored)
                                           → VALIDATION_ERROR (every error, or the check
                                             itself failed) | UPLOAD_ERROR
                      (students.services.validation: a silent run is taken over)
    import_confirm    VALIDATED → IMPORTING, apply enqueued on commit (or IMPORT_OUTDATED;
                        refused without the acknowledgement of a mass deactivation)
    import_cancel     UPLOADED | VALIDATING | VALIDATED → CANCELLED
    import_apply      claims IMPORTING (apply_started_at), then → IMPORTED | IMPORT_ERROR,
                      in one transaction
    imports_reap_stuck, imports_resend_queued, imports_delete_abandoned_files: the
                      periodic clean-up (maintenance)

Upload, confirmation and cancellation each write their audit row (organizations.audit) in
the transaction of the change; a refusal writes none.

Files (the upload and the validated rows) are deleted once the import is final, after
the transaction that made it final commits. A broker that is down when a step's task is
sent loses nothing: the import waits, and maintenance sends the task again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from collections.abc import Callable

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from organizations.audit import Action, OnBehalfOf, audit_record
from organizations.models import Organization
from students.models import Import
from students.siecle import PAYLOAD_TOO_LARGE

from .apply import learners_write
from .errors import (
    FILE_MISSING,
    IMPORT_FAILED,
    IMPORT_INTERRUPTED,
    IMPORT_OUTDATED,
    IMPORT_REPLACED,
    MASS_DEACTIVATION_NOT_ACKNOWLEDGED,
    ORGANIZATION_ARCHIVED,
    ImportNotAllowedError,
    ImportNotCancellableError,
    ImportNotConfirmableError,
    ImportOutdatedError,
    ImportReplacedError,
    MassDeactivationNotAcknowledgedError,
)
from .preview import import_mass_deactivation
from .states import enqueue_on_commit, error, import_create, import_transition

logger = logging.getLogger(__name__)

Status = Import.Status
UPLOAD_DIRECTORY = "siecle-imports"
# Imports waiting for their check or for a confirmation: a newer upload replaces them.
WAITING = (Status.UPLOADED, Status.VALIDATING, Status.VALIDATED)


def _audit(*, user: User | None, action: str, import_: Import, **details) -> None:
    """The audit row of a change made on an import, in the caller's transaction: an
    administrator acting for the school, or the system (the command line)."""
    audit_record(
        actor=user,
        on_behalf_of=OnBehalfOf.ADMIN if user else None,
        action=action,
        target=import_,
        details=details,
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
    command line, which runs it itself); a broker that is down leaves the import
    UPLOADED with its file, for maintenance to send the task again. A file over the
    upload limit (`SIECLE_MAX_UPLOAD_BYTES` unless `max_upload_bytes` says otherwise,
    `0` for none) is not stored: the import is recorded as UPLOAD_ERROR, and replaces
    nothing (the person may still confirm the file they sent before).

    A stored file replaces the organisation's imports still waiting for their check or a
    confirmation: each ends CANCELLED with IMPORT_REPLACED (meta `replaced_by`), so that
    only the latest file can be confirmed. Uploads are serialised by the organisation's
    row lock (two uploads at once: the later one replaces the earlier); that lock is also
    the one a running apply holds, so an upload waits for the apply of the same school
    (a fraction of a second for a few thousand students). A check still running on a
    replaced import stops at its next progress report (its status is no longer
    VALIDATING) and writes nothing.
    """
    if not organization.can_import_from_siecle:
        raise ImportNotAllowedError
    if max_upload_bytes is None:
        max_upload_bytes = settings.SIECLE_MAX_UPLOAD_BYTES
    file_name = os.path.basename((uploaded_file.name or "").replace("\\", "/"))[:255]
    size = uploaded_file.size or 0
    if max_upload_bytes and size > max_upload_bytes:
        with transaction.atomic():
            import_ = import_create(
                status=Status.UPLOAD_ERROR,
                organization=organization,
                created_by=user,
                file_name=file_name,
                file_size=size,
                errors=[
                    {"code": PAYLOAD_TOO_LARGE, "meta": {"limit": max_upload_bytes, "size": size}}
                ],
                error_count=1,
            )
            _audit(
                user=user,
                action=Action.IMPORT_UPLOADED,
                import_=import_,
                status=Status.UPLOAD_ERROR,
                code=PAYLOAD_TOO_LARGE,
            )
        return import_
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    # Never the person's file name in the path: a random name per import.
    prefix = f"{UPLOAD_DIRECTORY}/{organization.pk}/{uuid.uuid4().hex}"
    upload_path = default_storage.save(f"{prefix}.upload", uploaded_file)
    now = timezone.now()
    try:
        with transaction.atomic():
            Organization.objects.select_for_update().only("pk").get(pk=organization.pk)
            import_ = import_create(
                status=Status.UPLOADED,
                organization=organization,
                created_by=user,
                file_name=file_name,
                file_size=size,
                file_sha256=digest.hexdigest(),
                upload_path=upload_path,
                task_sent_at=now,
            )
            replaced = _replace_waiting(import_=import_, user=user)
            _audit(
                user=user,
                action=Action.IMPORT_UPLOADED,
                import_=import_,
                status=Status.UPLOADED,
                replaced=replaced,
            )
    except BaseException:  # no row to point at the file: nothing would ever delete it
        default_storage.delete(upload_path)
        raise
    # Outside the `try`: the file belongs to the saved row from now on, whatever the
    # broker does.
    if enqueue:
        enqueue_on_commit("validate", import_.pk, sent_at=now)
    return import_


def _replace_waiting(*, import_: Import, user: User | None) -> list[int]:
    """Cancel the organisation's other waiting imports (IMPORT_REPLACED); their ids.

    Runs under the organisation's lock, in the upload's transaction: every other waiting
    import is older (any later upload waits for that lock)."""
    waiting = (
        Import.objects.filter(organization_id=import_.organization_id, status__in=WAITING)
        .exclude(pk=import_.pk)
        .only("pk", "organization_id")
        .order_by("pk")
    )
    replaced = []
    for earlier in waiting:
        if import_transition(
            import_id=earlier.pk,
            to=Status.CANCELLED,
            expected_from=WAITING,
            errors=[error(IMPORT_REPLACED, replaced_by=import_.pk)],
        ):
            _audit(
                user=user,
                action=Action.IMPORT_CANCELLED,
                import_=earlier,
                reason=IMPORT_REPLACED,
                replaced_by=import_.pk,
            )
            replaced.append(earlier.pk)
    return replaced


def import_replaced_by(*, import_: Import) -> int | None:
    """The id of the import that replaced this one, if a newer upload did."""
    if import_.status != Status.CANCELLED:
        return None
    for stored in import_.errors or []:
        if stored.get("code") == IMPORT_REPLACED:
            return (stored.get("meta") or {}).get("replaced_by")
    return None


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


def import_confirm(
    *,
    import_: Import,
    user: User | None,
    acknowledge_mass_deactivation: bool = False,
    enqueue: bool = True,
) -> Import:
    """The administrator confirms the preview: VALIDATED → IMPORTING, apply enqueued.

    Confirming twice (a double click) is harmless. Raises ImportOutdatedError (and ends
    the import with IMPORT_OUTDATED) when it is not the organisation's newest validated
    import, ImportReplacedError when a newer upload replaced it,
    ImportNotConfirmableError when it is not waiting for a confirmation.

    An import that would disable more than a fifth of the active students, counted
    against the list as it is now (not only the stored preview), is refused with
    MassDeactivationNotAcknowledgedError (meta: `disabled`, `active`, `classes`) unless
    `acknowledge_mass_deactivation` says the person ticked that they understood; it stays
    VALIDATED. Pages, the command line and the API pass the same flag.
    """
    if import_.status != Status.VALIDATED:
        return _not_validated(import_)
    if import_is_outdated(import_=import_):
        ended = import_transition(
            import_id=import_.pk,
            to=Status.IMPORT_ERROR,
            expected_from=Status.VALIDATED,
            errors=[error(IMPORT_OUTDATED)],
        )
        import_.refresh_from_db()
        if not ended:  # it had moved already: replaced, confirmed by a double click…
            return _not_validated(import_)
        raise ImportOutdatedError
    check = import_mass_deactivation(import_=import_)
    if check["needs_acknowledgement"] and not acknowledge_mass_deactivation:
        raise MassDeactivationNotAcknowledgedError(
            meta={key: check[key] for key in ("disabled", "active", "classes")}
        )
    now = timezone.now()
    with transaction.atomic():
        claimed = import_transition(
            import_id=import_.pk,
            to=Status.IMPORTING,
            expected_from=Status.VALIDATED,
            progress=0,
            confirmed_by=user,
            confirmed_at=now,
            mass_deactivation_acknowledged=acknowledge_mass_deactivation,
            updated_at=now,
            task_sent_at=now,
        )
        if claimed:
            _audit(
                user=user,
                action=Action.IMPORT_CONFIRMED,
                import_=import_,
                status=Status.IMPORTING,
                disabled=check["disabled"],
                mass_deactivation=check["needs_acknowledgement"],
            )
            if enqueue:
                enqueue_on_commit("apply", import_.pk, sent_at=now)
    import_.refresh_from_db()
    if not claimed:  # it moved since it was read (a newer upload, a double click)
        return _not_validated(import_)
    return import_


def _not_validated(import_: Import) -> Import:
    """Confirming an import that is not (or no longer) VALIDATED: already confirmed is
    harmless (a double click), replaced and anything else are refused."""
    if import_.status == Status.IMPORTING:
        return import_
    replaced_by = import_replaced_by(import_=import_)
    if replaced_by is not None:
        raise ImportReplacedError(meta={"replaced_by": replaced_by})
    raise ImportNotConfirmableError


def import_cancel(*, import_: Import, user: User | None) -> Import:
    """Cancel an import that is not applying yet ("Annuler"); its files are deleted."""
    with transaction.atomic():
        cancelled = import_transition(
            import_id=import_.pk, to=Status.CANCELLED, expected_from=WAITING
        )
        if cancelled:
            _audit(user=user, action=Action.IMPORT_CANCELLED, import_=import_, reason="ASKED")
    import_.refresh_from_db()
    if not cancelled:
        raise ImportNotCancellableError
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
            newer_applied = Import.objects.filter(
                organization_id=import_.organization_id, pk__gt=import_.pk, status=Status.IMPORTED
            )
            if organization.is_archived:
                _applied(import_id, Status.IMPORT_ERROR, [error(ORGANIZATION_ARCHIVED)])
            elif newer_applied.exists():
                _applied(import_id, Status.IMPORT_ERROR, [error(IMPORT_OUTDATED)])
            elif (
                not import_.mass_deactivation_acknowledged
                and (check := import_mass_deactivation(import_=import_))["needs_acknowledgement"]
            ):
                # The list changed since the confirmation (another import applied in
                # between): this one would now disable a fifth of the school unasked.
                meta = {key: check[key] for key in ("disabled", "active", "classes")}
                _applied(
                    import_id,
                    Status.IMPORT_ERROR,
                    [error(MASS_DEACTIVATION_NOT_ACKNOWLEDGED, **meta)],
                )
            else:
                counts = learners_write(
                    organization_id=import_.organization_id,
                    rows_path=import_.rows_path,
                    rows_sha256=import_.rows_sha256,
                    progress=progress,
                )
                counts["skipped"] = dict(import_.preview.get("skipped", {}))
                _applied(import_id, Status.IMPORTED, [], counts=counts)
    except FileNotFoundError:
        _applied(import_id, Status.IMPORT_ERROR, [error(FILE_MISSING)])
    except SoftTimeLimitExceeded:
        _applied(import_id, Status.IMPORT_ERROR, [error(IMPORT_INTERRUPTED)])
    except Exception:
        logger.exception("Apply of import %s failed; nothing was changed", import_id)
        _applied(import_id, Status.IMPORT_ERROR, [error(IMPORT_FAILED)])
    return Import.objects.get(pk=import_id)


def _applied(import_id: int, status: str, errors: list, **fields) -> None:
    """The apply's outcome. Inside the apply's transaction the row is already locked
    (taking it again is free); after a rollback, a transaction of its own."""
    import_transition(
        import_id=import_id,
        to=status,
        expected_from=Status.IMPORTING,
        errors=errors,
        **fields,
    )
