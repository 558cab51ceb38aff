"""The periodic clean-up (students.tasks.imports_maintenance, every minute)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from students.models import Import

from .errors import IMPORT_ABANDONED, IMPORT_INTERRUPTED
from .states import delete_files, error, finish

Status = Import.Status
# VALIDATING or IMPORTING with no sign of life for this long: the worker is gone.
STUCK_AFTER = timedelta(minutes=10)
# Uploaded or validated but neither confirmed nor cancelled for this long.
ABANDONED_AFTER = timedelta(hours=24)


def imports_reap_stuck(*, now: Any = None) -> int:
    """VALIDATING / IMPORTING imports with no sign of life for 10 minutes → IMPORT_ERROR
    (IMPORT_INTERRUPTED). Returns how many.

    A running apply holds its import's row lock: the conditional UPDATE waits for it
    and then finds the import IMPORTED, so a slow apply is never reaped half-way.
    """
    cutoff = (now or timezone.now()) - STUCK_AFTER
    stuck = Import.objects.filter(
        status__in=[Status.VALIDATING, Status.IMPORTING], updated_at__lt=cutoff
    ).values_list("pk", flat=True)
    reaped = 0
    for import_id in list(stuck):
        reaped += finish(
            import_id,
            [Status.VALIDATING, Status.IMPORTING],
            Status.IMPORT_ERROR,
            [error(IMPORT_INTERRUPTED)],
            older_than=cutoff,
        )
    return reaped


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
        if finish(
            import_id,
            [Status.UPLOADED, Status.VALIDATED],
            Status.CANCELLED,
            [error(IMPORT_ABANDONED)],
            older_than=cutoff,
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
