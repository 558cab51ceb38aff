"""Celery tasks of the import: thin interfaces that receive an id and call a service.

Services are imported inside the task bodies: the services send these tasks (importing
this module lazily), and this module imports nothing of theirs at load time, so there is
no import cycle and loading the tasks loads no service.

Each service claims its import, so a task delivered twice (acks_late, a restarted
worker) does nothing the second time. Time limits stay below CELERY_LONGEST_TASK_SECONDS
(the Redis visibility timeout is computed from it), and the apply's below the reaper's
ten minutes: a running apply is never taken for a stuck one.
"""

from celery import shared_task

VALIDATE_SOFT_LIMIT = 15 * 60
APPLY_SOFT_LIMIT = 8 * 60


@shared_task(
    bind=True,
    name="students.validate_import",
    soft_time_limit=VALIDATE_SOFT_LIMIT,
    time_limit=VALIDATE_SOFT_LIMIT + 60,
)
def validate_import(self, import_id: int, waited_for: str = "") -> None:
    """Validate, or take over a validation whose run went silent.

    A run that finds another run's claim live (typically: this task redelivered at once
    after its worker was killed, the dead run's heartbeat still fresh) cannot tell a
    dead run from a live one yet: it re-queues itself for when that claim would be
    stale, once per claim (`waited_for`). Finding the same claim still live then, its
    run is alive and this task ends; should that run die later, maintenance sends the
    validation again after 60 s of silence.
    """
    from students.services import ValidationRunning, import_validate

    try:
        import_validate(import_id=import_id)
    except ValidationRunning as running:
        if running.run_token != waited_for:
            self.apply_async(
                args=(import_id,),
                kwargs={"waited_for": running.run_token},
                countdown=running.retry_in,
            )


@shared_task(
    name="students.apply_import",
    soft_time_limit=APPLY_SOFT_LIMIT,
    time_limit=APPLY_SOFT_LIMIT + 60,
)
def apply_import(import_id: int) -> None:
    from students.services import import_apply

    import_apply(import_id=import_id)


@shared_task(name="students.imports_maintenance", soft_time_limit=50, time_limit=60)
def imports_maintenance() -> None:
    """Every minute (CELERY_BEAT_SCHEDULE): end stuck imports, send lost or refused tasks
    again, take silent validations over, delete abandoned files
    (students.services.maintenance)."""
    from students.services import (
        imports_delete_abandoned_files,
        imports_reap_stuck,
        imports_resend_queued,
    )

    imports_reap_stuck()
    imports_resend_queued()
    imports_delete_abandoned_files()


@shared_task(name="students.imports_expire_details", soft_time_limit=50, time_limit=60)
def imports_expire_details() -> None:
    """Every hour (CELERY_BEAT_SCHEDULE): delete what imports older than 30 days keep
    about students — errors naming them, the errors file, skipped students' names
    (students.services.maintenance)."""
    from students.services import imports_expire_details as expire

    expire()
