"""How an import ends: the final status under its row lock, then its files deleted.

Shared by the import's steps (students.services.imports) and the periodic clean-up
(students.services.maintenance).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from students.models import Import

logger = logging.getLogger(__name__)

Status = Import.Status


def error(code: str, **meta: Any) -> dict[str, Any]:
    return {"code": code, "meta": meta}


def enqueue_on_commit(step: str, import_id: int) -> None:
    from students import tasks  # tasks import these services

    task = {"validate": tasks.validate_import, "apply": tasks.apply_import}[step]
    transaction.on_commit(lambda: task.delay(import_id))


def finish(
    import_id: int,
    from_statuses: Iterable[str],
    status: str,
    errors: list[dict[str, Any]],
    *,
    older_than: Any = None,
    where: Q | None = None,
    **fields: Any,
) -> int:
    """Move an import to a final status if it is still in one of `from_statuses` (and,
    when given, last updated before `older_than` and matching `where`), then delete its
    files once committed. Returns 1 if it moved, 0 if something else did.

    The conditions are checked again under the row lock: a step that changed the import
    meanwhile (a running apply, which holds the lock until it commits) wins."""
    with transaction.atomic():
        query = Import.objects.select_for_update().filter(
            pk=import_id, status__in=list(from_statuses)
        )
        if older_than is not None:
            query = query.filter(updated_at__lt=older_than)
        if where is not None:
            query = query.filter(where)
        import_ = query.first()
        if import_ is None:
            return 0
        finish_locked(import_, status, errors, **fields)
    return 1


def finish_locked(import_: Import, status: str, errors: list, **fields: Any) -> None:
    """Within a transaction holding the import's row: the final status, files after commit."""
    now = timezone.now()
    import_.status = status
    import_.errors = errors
    import_.error_count = len(errors)
    import_.finished_at = now
    import_.updated_at = now
    if status == Status.IMPORTED:
        import_.progress = 100
    for name, value in fields.items():
        setattr(import_, name, value)
    import_.save(
        update_fields=[
            "status",
            "errors",
            "error_count",
            "finished_at",
            "updated_at",
            "progress",
            *fields,
        ]
    )
    paths = [import_.upload_path, import_.rows_path]
    transaction.on_commit(lambda: delete_files(import_.pk, paths))


def delete_files(import_id: int, paths: list[str]) -> None:
    for path in paths:
        if path:
            try:
                default_storage.delete(path)
            except OSError:  # left for imports_delete_abandoned_files
                logger.warning("Could not delete %s of import %s", path, import_id)
                return
    Import.objects.filter(pk=import_id).update(upload_path="", rows_path="")
