"""The periodic clean-up (students.tasks.imports_maintenance, every minute).

An import waits for a worker in two states: UPLOADED (its validation task is queued) and
IMPORTING before `apply_started_at` is set (its apply task is queued). It runs in two:
VALIDATING, and IMPORTING once an apply claimed it (set `apply_started_at`: from then
on, no other apply run touches it). The rules, each with its clock:

- waiting since its task was sent 5 minutes ago (`task_sent_at`), or at once when the
  broker refused the task (`task_sent_at` empty: the broker was down when the person
  uploaded or confirmed) → the task is sent again, and `task_sent_at` notes it. A task
  lost with the broker, or never sent, is thus replaced; a duplicate is harmless, since
  the validation claims its import with a run token and the apply by setting
  `apply_started_at`: a duplicate returns at once. Once claimed, an apply is never sent
  again: an apply whose worker died is only reaped (the next rule);
- validating with no sign of life for 60 s (`updated_at`, its heartbeat) → the
  validation task is sent again (at most once a minute), and that run takes the
  validation over (students.services.validation: twice at most, then
  VALIDATION_FAILED). The validation writes nothing but its own row, so a takeover is
  safe; the apply writes the list, so it is never taken over;
- running with no sign of life for 10 minutes (the validation commits its progress as
  it reads; the apply's time limit is below 10 minutes) → interrupted;
- still waiting 1 hour after the upload (`created_at`) or the confirmation
  (`confirmed_at`) although sent again every 5 minutes → interrupted: no worker is
  taking it, the person is told to import the file again rather than watch a panel;
- uploaded or validated but neither confirmed nor cancelled for 24 hours → cancelled,
  files deleted.

Interrupted means IMPORT_INTERRUPTED, in the phase's error status: VALIDATION_ERROR
before the apply (nothing was written), IMPORT_ERROR for the apply (rolled back).

Separately, every hour (students.tasks.imports_expire_details): 30 days after an import,
what it keeps about students — the errors that name them, the file of all its errors,
the names of the students it set aside — is deleted; codes and counts remain.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone

from students.models import Import

from .errors import IMPORT_ABANDONED, IMPORT_INTERRUPTED, PER_STUDENT_CODES
from .states import delete_files, enqueue_on_commit, error, import_transition
from .validation import CLAIM_STALE_AFTER

logger = logging.getLogger(__name__)

Status = Import.Status
# VALIDATING, or IMPORTING with the apply started, with no sign of life for this long:
# the worker is gone.
STUCK_AFTER = timedelta(minutes=10)
# UPLOADED, or IMPORTING with the apply not started, this long after its task was sent:
# the task is sent again.
RESEND_AFTER = timedelta(minutes=5)
# ... and still not started this long after the upload / the confirmation: ended.
NEVER_STARTED_AFTER = timedelta(hours=1)
# Uploaded or validated but neither confirmed nor cancelled for this long.
ABANDONED_AFTER = timedelta(hours=24)
# What an import keeps about students (INEs, names, values from the file) is deleted
# this long after it was sent: long enough to correct the file and import it again.
DETAIL_KEPT_FOR = timedelta(days=30)

_APPLY_STARTED = Q(apply_started_at__isnull=False)
_APPLY_QUEUED = Q(apply_started_at__isnull=True)


def imports_reap_stuck(*, now: Any = None) -> int:
    """End, with IMPORT_INTERRUPTED, the imports whose worker is gone (running, silent for
    10 minutes) or never came (waiting for 1 hour). Returns how many.

    A running apply holds its import's row lock: `import_transition` waits for it, checks the
    conditions again and finds the import IMPORTED, so a slow apply is never reaped
    half-way. A claimed apply still waiting for the organisation's lock does not hold
    its row yet, but its time limit ends it before the 10 minutes (and were it reaped
    anyway, it re-reads the import under the lock and stops). A confirmed import still
    in the queue is not running: it is never reaped for its `updated_at` (see
    imports_resend_queued).
    """
    now = now or timezone.now()
    silent = Q(updated_at__lt=now - STUCK_AFTER)
    never_started = now - NEVER_STARTED_AFTER
    rules = [
        (Status.VALIDATING, silent, Status.VALIDATION_ERROR),
        (Status.IMPORTING, _APPLY_STARTED & silent, Status.IMPORT_ERROR),
        (Status.UPLOADED, Q(created_at__lt=never_started), Status.VALIDATION_ERROR),
        (Status.IMPORTING, _APPLY_QUEUED & Q(confirmed_at__lt=never_started), Status.IMPORT_ERROR),
    ]
    reaped = 0
    for from_status, condition, status in rules:
        found = Import.objects.filter(condition, status=from_status).values_list("pk", flat=True)
        for import_id in list(found):
            reaped += import_transition(
                import_id=import_id,
                to=status,
                expected_from=from_status,
                where=condition,
                errors=[error(IMPORT_INTERRUPTED)],
            )
    return reaped


def imports_resend_queued(*, now: Any = None) -> int:
    """Send again the task of an import that waits for it (UPLOADED: the validation;
    IMPORTING, apply not started: the apply) since 5 minutes, or since the broker refused
    it; and the validation of an import whose validation went silent for 60 s (its run
    is taken over). Returns how many were sent.

    Safe to run twice: the validation and the apply each claim their import, so a
    duplicate returns at once and does nothing. `task_sent_at` records the sending: at
    most one more task per import every 5 minutes (every minute for a silent
    validation). A broker still down empties `task_sent_at` again (see
    `enqueue_on_commit`): the next run tries again.
    """
    now = now or timezone.now()
    never_sent = Q(task_sent_at__isnull=True)
    waiting = never_sent | Q(task_sent_at__lt=now - RESEND_AFTER)
    silent = Q(updated_at__lt=now - CLAIM_STALE_AFTER) & (
        never_sent | Q(task_sent_at__lt=now - CLAIM_STALE_AFTER)
    )
    rules = [
        ("validate", Q(status=Status.UPLOADED) & waiting),
        ("apply", Q(status=Status.IMPORTING) & _APPLY_QUEUED & waiting),
        ("validate", Q(status=Status.VALIDATING) & silent),
    ]
    sent = 0
    for step, condition in rules:
        for import_id in list(Import.objects.filter(condition).values_list("pk", flat=True)):
            # Conditional: a task that started meanwhile, or another maintenance run that
            # sent it already, leaves nothing to update.
            if Import.objects.filter(condition, pk=import_id).update(task_sent_at=now):
                enqueue_on_commit(step, import_id, sent_at=now)
                sent += 1
    return sent


def imports_delete_abandoned_files(*, now: Any = None) -> int:
    """Delete what is left in the storage: uploads neither confirmed nor cancelled within
    24 hours (the import becomes CANCELLED, IMPORT_ABANDONED), and files of final
    imports whose deletion did not happen (a crash right after the commit). Returns how
    many imports had files deleted."""
    cutoff = (now or timezone.now()) - ABANDONED_AFTER
    abandoned = Import.objects.filter(
        status__in=[Status.UPLOADED, Status.VALIDATED], updated_at__lt=cutoff
    ).values_list("pk", flat=True)
    expired = [
        import_id
        for import_id in list(abandoned)
        if import_transition(
            import_id=import_id,
            to=Status.CANCELLED,
            expected_from=[Status.UPLOADED, Status.VALIDATED],
            where=Q(updated_at__lt=cutoff),
            errors=[error(IMPORT_ABANDONED)],
        )
    ]
    cleaned = len(expired)
    leftovers = (
        Import.objects.filter(status__in=Import.FINAL_STATUSES)
        .filter(~Q(upload_path="") | ~Q(rows_path=""))
        .exclude(pk__in=expired)
    )
    for import_ in leftovers.only("pk", "upload_path", "rows_path"):
        delete_files(import_.pk, [import_.upload_path, import_.rows_path])
        cleaned += 1
    return cleaned


def imports_expire_details(*, now: Any = None) -> int:
    """Delete what imports older than 30 days keep about students; returns how many.

    That is the errors about a student (their INE, names and the values read; the
    file-level and processing errors hold none and stay), the file of every error and
    the names of the students set aside (`preview["skipped_students"]`). The error count,
    the count per code and the preview's counts remain, and `detail_expired_at` says
    when the rest went, for the pages to say so. The file is deleted first: should the
    update not happen, the next run finds the import again and the file already gone.
    """
    now = now or timezone.now()
    expiring = Import.objects.filter(
        created_at__lt=now - DETAIL_KEPT_FOR,
        detail_expired_at__isnull=True,
        status__in=Import.FINAL_STATUSES,
    ).filter(
        ~Q(errors_path="")
        | Q(preview__has_key="skipped_students")
        | Q(error_counts__has_any_keys=sorted(PER_STUDENT_CODES))
    )
    expired = 0
    last_pk = 0
    # By ranges of ids: the first run after a deployment may find many.
    while batch := list(
        expiring.filter(pk__gt=last_pk)
        .order_by("pk")
        .only("pk", "errors", "preview", "errors_path")[:200]
    ):
        last_pk = batch[-1].pk
        for import_ in batch:
            if import_.errors_path:
                try:
                    default_storage.delete(import_.errors_path)
                except OSError:  # the detail stays until a run can delete the file
                    logger.warning("Could not delete the errors file of import %s", import_.pk)
                    continue
            kept = [e for e in import_.errors or [] if e.get("code") not in PER_STUDENT_CODES]
            preview = dict(import_.preview or {})
            preview.pop("skipped_students", None)
            expired += Import.objects.filter(pk=import_.pk, detail_expired_at__isnull=True).update(
                errors=kept, preview=preview, errors_path="", detail_expired_at=now
            )
    return expired
