"""The import's state machine: the one way an import's status changes, and its tasks sent.

`Import.TRANSITIONS` lists every move; `import_transition` makes one, as a conditional
UPDATE (`… WHERE status IN expected_from`), and refuses a move the table does not list.
A final status is written under the row's lock and the import's files are deleted once
that commits. Shared by the import's steps (students.services.imports) and the periodic
clean-up (students.services.maintenance).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.tasks import BROKER_ERRORS
from students.models import Import

logger = logging.getLogger(__name__)

Status = Import.Status


class ImportTransitionError(ValueError):
    """A status change that `Import.TRANSITIONS` does not list: a bug, never a refusal
    to show a person (those are ImportActionError)."""


def error(code: str, **meta: Any) -> dict[str, Any]:
    return {"code": code, "meta": meta}


def _check(source: str | None, to: str) -> None:
    if (source, to) not in Import.TRANSITIONS:
        raise ImportTransitionError(f"An import cannot go from {source} to {to}")


def import_create(*, status: str, **fields: Any) -> Import:
    """A new import row, in a status the table lets an import start in."""
    _check(None, status)
    now = timezone.now()
    fields.setdefault("created_at", now)
    fields.setdefault("updated_at", now)
    if status in Import.FINAL_STATUSES:
        fields.setdefault("finished_at", now)
    return Import.objects.create(status=status, **fields)


def import_transition(
    *,
    import_id: int,
    to: str,
    expected_from: str | Iterable[str],
    where: Q | None = None,
    errors: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> bool:
    """Move the import to `to` if it is still in `expected_from` (and matches `where`),
    setting `fields` with it; True if it moved, False if something else moved it first.

    Raises ImportTransitionError, before touching the database, when the table does not
    list a move from one of `expected_from` to `to`. A move to a final status takes the
    row's lock and checks the conditions again under it (a running apply holds that lock
    until it commits, so it wins), stores `errors`, and deletes the files after commit.
    """
    sources = [expected_from] if isinstance(expected_from, str) else list(expected_from)
    if not sources:
        raise ImportTransitionError("expected_from names no status")
    for source in sources:
        _check(source, to)
    if to in Import.FINAL_STATUSES:
        return _finish(import_id, sources, to, errors or [], where, fields)
    if errors is not None:
        raise ImportTransitionError(f"{to} is not final: errors are stored at the end only")
    query = Import.objects.filter(pk=import_id, status__in=sources)
    if where is not None:
        query = query.filter(where)
    fields.setdefault("updated_at", timezone.now())
    return bool(query.update(status=to, **fields))


def _finish(
    import_id: int,
    sources: list[str],
    to: str,
    errors: list[dict[str, Any]],
    where: Q | None,
    fields: dict[str, Any],
) -> bool:
    with transaction.atomic():
        query = Import.objects.select_for_update().filter(pk=import_id, status__in=sources)
        if where is not None:
            query = query.filter(where)
        import_ = query.first()
        if import_ is None:
            return False
        now = timezone.now()
        import_.status = to
        import_.errors = errors
        import_.error_count = len(errors)
        import_.finished_at = now
        import_.updated_at = now
        if to == Status.IMPORTED:
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
        transaction.on_commit(lambda: delete_files(import_id, paths))
    return True


def enqueue_on_commit(step: str, import_id: int, *, sent_at: datetime) -> None:
    """Send the step's task once the transaction commits.

    `sent_at` is the import's `task_sent_at`, written by the caller with the step. When
    the broker cannot be reached, the import keeps its status and its files (it is
    waiting, not failed), `task_sent_at` is emptied and maintenance sends the task at
    its next run: the request that asked for it still succeeds.
    """
    from students import tasks  # tasks import these services inside their bodies

    task = {"validate": tasks.validate_import, "apply": tasks.apply_import}[step]

    def send() -> None:
        try:
            task.delay(import_id)
        except BROKER_ERRORS as unreachable:
            logger.warning(
                "Task %s of import %s not queued, the broker is unreachable (%s); "
                "maintenance will send it again",
                task.name,
                import_id,
                unreachable,
            )
            Import.objects.filter(pk=import_id, task_sent_at=sent_at).update(task_sent_at=None)

    transaction.on_commit(send)


def delete_files(import_id: int, paths: list[str]) -> None:
    for path in paths:
        if path:
            try:
                default_storage.delete(path)
            except OSError:  # left for imports_delete_abandoned_files
                logger.warning("Could not delete %s of import %s", path, import_id)
                return
    Import.objects.filter(pk=import_id).update(upload_path="", rows_path="")


def import_state_diagram() -> str:
    """`Import.TRANSITIONS` as a Mermaid state diagram (docs/architecture.md shows it)."""
    lines = ["stateDiagram-v2"]
    for (source, to), why in Import.TRANSITIONS.items():
        lines.append(f"    {source or '[*]'} --> {to} : {why}")
    return "\n".join(lines) + "\n"
