"""Celery tasks of the import: thin interfaces that receive an id and call a service.

Each service claims its import with a conditional UPDATE, so a task delivered twice
(acks_late, a restarted worker) does nothing the second time. Time limits stay below
CELERY_LONGEST_TASK_SECONDS (the Redis visibility timeout is computed from it), and the
apply's below the reaper's ten minutes: a running apply is never taken for a stuck one.
"""

from celery import shared_task

from . import services

VALIDATE_SOFT_LIMIT = 15 * 60
APPLY_SOFT_LIMIT = 8 * 60


@shared_task(
    name="students.validate_import",
    soft_time_limit=VALIDATE_SOFT_LIMIT,
    time_limit=VALIDATE_SOFT_LIMIT + 60,
)
def validate_import(import_id: int) -> None:
    services.import_validate(import_id=import_id)


@shared_task(
    name="students.apply_import",
    soft_time_limit=APPLY_SOFT_LIMIT,
    time_limit=APPLY_SOFT_LIMIT + 60,
)
def apply_import(import_id: int) -> None:
    services.import_apply(import_id=import_id)


@shared_task(name="students.imports_maintenance", soft_time_limit=50, time_limit=60)
def imports_maintenance() -> None:
    """Every minute (CELERY_BEAT_SCHEDULE): end stuck imports, send lost tasks again,
    delete abandoned files (students.services.maintenance)."""
    services.imports_reap_stuck()
    services.imports_resend_queued()
    services.imports_delete_abandoned_files()
