"""Stored files are deleted at the end; stuck imports are reaped; lost tasks are sent
again; abandoned imports expire."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from students import services, tasks
from students.models import Import, Learner
from tests.students.conftest import stored_files
from tests.students.xml_helpers import pupil, siecle_xml

Status = Import.Status


def a_file(uai: str) -> bytes:
    return siecle_xml(uai, [pupil("1111111111A")])


def age(import_: Import, **delta) -> None:
    Import.objects.filter(pk=import_.pk).update(updated_at=timezone.now() - timedelta(**delta))


def sent(import_: Import, **delta) -> None:
    """Its task was last sent this long ago."""
    Import.objects.filter(pk=import_.pk).update(task_sent_at=timezone.now() - timedelta(**delta))


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def upload_lost(organization) -> Import:
    """An upload whose validation task never reached a worker (the broker lost it)."""
    return services.import_upload(
        organization=organization,
        user=None,
        uploaded_file=ContentFile(a_file(organization.uai), name="e.xml"),
        enqueue=False,
    )


def confirm_lost(organization, run_import) -> Import:
    """A confirmed import whose apply task never reached a worker."""
    import_ = run_import(organization, a_file(organization.uai), confirm=False)
    return services.import_confirm(import_=import_, user=None, enqueue=False)


# --- Files -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_files_wait_for_the_confirmation(organization, run_import, media_root):
    import_ = run_import(organization, a_file(organization.uai), confirm=False)
    assert stored_files(media_root) == sorted([import_.upload_path, import_.rows_path])


@pytest.mark.django_db
def test_imported_import_keeps_name_size_and_hash_but_no_file(organization, run_import, media_root):
    import_ = run_import(organization, a_file(organization.uai))
    assert import_.status == Status.IMPORTED
    assert stored_files(media_root) == []
    assert (import_.upload_path, import_.rows_path) == ("", "")
    assert import_.file_name and import_.file_size and len(import_.file_sha256) == 64


@pytest.mark.django_db
def test_refused_file_is_deleted_at_once(organization, run_import, media_root):
    import_ = run_import(organization, b"not a siecle file")
    assert import_.status == Status.VALIDATION_ERROR
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_cancelled_import_files_are_deleted(
    organization, run_import, media_root, django_capture_on_commit_callbacks
):
    import_ = run_import(organization, a_file(organization.uai), confirm=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_cancel(import_=import_, user=None)
    assert stored_files(media_root) == []


# --- The reaper --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "ends_as"),
    [
        (Status.VALIDATING, Status.VALIDATION_ERROR),
        (Status.IMPORTING, Status.IMPORT_ERROR),  # the apply started, then went silent
    ],
)
def test_import_without_progress_for_ten_minutes_is_interrupted(
    organization, run_import, status, ends_as, media_root, django_capture_on_commit_callbacks
):
    import_ = run_import(organization, a_file(organization.uai), confirm=False)
    Import.objects.filter(pk=import_.pk).update(
        status=status, apply_started_at=ago(minutes=11) if status == Status.IMPORTING else None
    )
    age(import_, minutes=11)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.imports_reap_stuck() == 1
    import_.refresh_from_db()
    assert import_.status == ends_as
    assert import_.errors == [{"code": "IMPORT_INTERRUPTED", "meta": {}}]
    assert import_.error_count == 1
    assert services.error_message("IMPORT_INTERRUPTED") == (
        "L'import a été interrompu, relancez l'import."
    )
    assert stored_files(media_root) == []
    # The tasks, if they ever run, find nothing to do.
    assert services.import_validate(import_id=import_.pk) is None
    assert services.import_apply(import_id=import_.pk).status == ends_as


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "minutes"),
    [
        (Status.VALIDATING, 9),
        (Status.IMPORTING, 9),  # the apply started (claimed), last sign of life 9 min ago
        (Status.VALIDATED, 60),
        (Status.UPLOADED, 60),
        (Status.IMPORTED, 60),
    ],
)
def test_reaper_leaves_live_and_other_imports_alone(organization, run_import, status, minutes):
    import_ = run_import(organization, a_file(organization.uai), confirm=False)
    started = ago(minutes=minutes) if status == Status.IMPORTING else None
    Import.objects.filter(pk=import_.pk).update(status=status, apply_started_at=started)
    age(import_, minutes=minutes)
    assert services.imports_reap_stuck() == 0
    import_.refresh_from_db()
    assert import_.status == status


@pytest.mark.django_db
def test_started_apply_is_reaped_after_ten_minutes_of_silence_not_before(
    organization, run_import, django_capture_on_commit_callbacks
):
    import_ = confirm_lost(organization, run_import)
    Import.objects.filter(pk=import_.pk).update(apply_started_at=ago(minutes=30))
    age(import_, minutes=9)
    assert services.imports_reap_stuck() == 0
    age(import_, minutes=10, seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.imports_reap_stuck() == 1
    import_.refresh_from_db()
    assert import_.status == Status.IMPORT_ERROR
    assert import_.errors == [{"code": "IMPORT_INTERRUPTED", "meta": {}}]


@pytest.mark.django_db
def test_apply_whose_worker_died_is_not_restarted_but_reaped(
    organization, run_import, django_capture_on_commit_callbacks
):
    """Claimed by a worker that died: the task delivered again, or a duplicate, returns
    at once without writing; it is never sent again; the reaper ends it."""
    import_ = confirm_lost(organization, run_import)
    Import.objects.filter(pk=import_.pk).update(apply_started_at=ago(minutes=6))
    age(import_, minutes=6)
    assert services.import_apply(import_id=import_.pk).status == Status.IMPORTING
    assert not Learner.objects.exists()
    assert services.imports_resend_queued() == 0
    age(import_, minutes=11)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.imports_reap_stuck() == 1
    import_.refresh_from_db()
    assert import_.status == Status.IMPORT_ERROR
    assert not Learner.objects.exists()


@pytest.mark.django_db
def test_confirmed_import_still_waiting_in_the_queue_is_not_reaped(organization, run_import):
    """Confirmed long ago, its apply task still queued behind others (apply_started_at is
    empty): not running, so not stuck."""
    import_ = confirm_lost(organization, run_import)
    assert import_.apply_started_at is None
    age(import_, minutes=30)
    assert services.imports_reap_stuck() == 0
    import_.refresh_from_db()
    assert import_.status == Status.IMPORTING
    # When its turn comes, it applies.
    assert services.import_apply(import_id=import_.pk).status == Status.IMPORTED


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["validate", "apply"])
def test_a_lost_task_is_sent_again_after_five_minutes(
    organization, run_import, step, django_capture_on_commit_callbacks
):
    import_ = (
        upload_lost(organization) if step == "validate" else confirm_lost(organization, run_import)
    )
    sent(import_, minutes=4)
    assert services.imports_resend_queued() == 0
    sent(import_, minutes=6)
    # Eager Celery: the task sent again runs as soon as it is sent.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.imports_resend_queued() == 1
    import_.refresh_from_db()
    assert import_.status == (Status.VALIDATED if step == "validate" else Status.IMPORTED)


@pytest.mark.django_db
def test_a_task_is_sent_again_at_most_every_five_minutes(
    organization, django_capture_on_commit_callbacks
):
    import_ = upload_lost(organization)
    sent(import_, minutes=6)
    with django_capture_on_commit_callbacks() as callbacks:  # sent, not run
        assert services.imports_resend_queued() == 1
        assert services.imports_resend_queued() == 0
    assert len(callbacks) == 1
    import_.refresh_from_db()
    assert import_.status == Status.UPLOADED
    # The first task arriving late, and the one sent again: validated once.
    first = services.import_validate(import_id=import_.pk)
    assert first.status == Status.VALIDATED
    assert services.import_validate(import_id=import_.pk) is None


@pytest.mark.django_db
def test_a_started_apply_and_a_live_validation_are_not_sent_again(organization, run_import):
    started = confirm_lost(organization, run_import)
    Import.objects.filter(pk=started.pk).update(apply_started_at=ago(minutes=6))
    age(started, minutes=6)
    validating = upload_lost(organization)
    Import.objects.filter(pk=validating.pk).update(status=Status.VALIDATING)
    age(validating, seconds=50)  # its last progress report
    for import_ in (started, validating):
        sent(import_, minutes=6)
    assert services.imports_resend_queued() == 0


@pytest.mark.django_db
def test_maintenance_validates_an_upload_whose_task_was_lost(
    organization, django_capture_on_commit_callbacks
):
    import_ = upload_lost(organization)
    sent(import_, minutes=6)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.imports_maintenance.delay()
    import_.refresh_from_db()
    assert import_.status == Status.VALIDATED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("step", "ends_as"),
    [("validate", Status.VALIDATION_ERROR), ("apply", Status.IMPORT_ERROR)],
)
def test_import_no_worker_took_within_an_hour_is_interrupted(
    organization, run_import, step, ends_as, media_root, django_capture_on_commit_callbacks
):
    """Sent again every five minutes and still not started: the person is told to import
    the file again rather than watch a panel."""
    import_ = (
        upload_lost(organization) if step == "validate" else confirm_lost(organization, run_import)
    )
    clock = "created_at" if step == "validate" else "confirmed_at"
    Import.objects.filter(pk=import_.pk).update(**{clock: ago(minutes=59)})
    assert services.imports_reap_stuck() == 0
    Import.objects.filter(pk=import_.pk).update(**{clock: ago(minutes=61)})
    with django_capture_on_commit_callbacks(execute=True):
        assert services.imports_reap_stuck() == 1
    import_.refresh_from_db()
    assert import_.status == ends_as
    assert import_.errors == [{"code": "IMPORT_INTERRUPTED", "meta": {}}]
    assert stored_files(media_root) == []
    assert services.import_validate(import_id=import_.pk) is None
    assert services.import_apply(import_id=import_.pk).status == ends_as
    assert not Learner.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.UPLOADED, Status.VALIDATED])
def test_upload_abandoned_for_a_day_is_cancelled_and_its_files_deleted(
    organization, run_import, status, media_root, django_capture_on_commit_callbacks
):
    import_ = run_import(organization, a_file(organization.uai), confirm=False)
    Import.objects.filter(pk=import_.pk).update(status=status)
    age(import_, hours=23)
    assert services.imports_delete_abandoned_files() == 0
    assert stored_files(media_root)
    age(import_, hours=25)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.imports_delete_abandoned_files() == 1
    import_.refresh_from_db()
    assert import_.status == Status.CANCELLED
    assert import_.errors == [{"code": "IMPORT_ABANDONED", "meta": {}}]
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_leftover_files_of_a_final_import_are_deleted(organization, run_import, media_root):
    import_ = run_import(organization, a_file(organization.uai), confirm=False)
    # As if the worker died right after committing the final status.
    Import.objects.filter(pk=import_.pk).update(status=Status.IMPORTED)
    services.imports_delete_abandoned_files()
    assert stored_files(media_root) == []
    import_.refresh_from_db()
    assert (import_.upload_path, import_.rows_path) == ("", "")


@pytest.mark.django_db
def test_maintenance_task_reaps_and_cleans(organization, run_import):
    stuck = run_import(organization, a_file(organization.uai), confirm=False)
    Import.objects.filter(pk=stuck.pk).update(status=Status.VALIDATING)
    age(stuck, minutes=30)
    tasks.imports_maintenance.delay()
    stuck.refresh_from_db()
    assert stuck.status == Status.VALIDATION_ERROR


def test_maintenance_runs_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["students-imports-maintenance"]
    assert entry["task"] == tasks.imports_maintenance.name
    assert entry["schedule"] <= 60


def test_apply_time_limit_is_below_the_reaper_delay_and_the_longest_task(settings):
    stuck_after = services.maintenance.STUCK_AFTER.total_seconds()
    assert tasks.apply_import.time_limit < stuck_after
    for task in (tasks.apply_import, tasks.validate_import, tasks.imports_maintenance):
        assert task.soft_time_limit < task.time_limit <= settings.CELERY_LONGEST_TASK_SECONDS


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # a fresh look each time
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_slow_apply_is_never_reaped_half_way(organization, run_import):
    """The real import_apply, paused inside its transaction once the learners are written
    (as a slow apply would be); the reaper, thirty minutes later by its clock, waits on
    the apply's row lock, then finds the import IMPORTED and leaves it."""
    import_ = confirm_lost(organization, run_import)
    paused, release = threading.Event(), threading.Event()
    applied, reaped = [], []

    def slow_down(step):
        if step == "upserted":
            paused.set()
            release.wait(10)

    def apply():
        try:
            applied.append(services.import_apply(import_id=import_.pk, progress=slow_down))
        finally:
            connection.close()

    def reaper():
        try:
            later = timezone.now() + timedelta(minutes=30)
            reaped.append(services.imports_reap_stuck(now=later))
        finally:
            connection.close()

    applying = threading.Thread(target=apply)
    applying.start()
    try:
        assert paused.wait(10)
        reaping = threading.Thread(target=reaper)
        reaping.start()
        deadline = time.monotonic() + 10
        while not waiting_on_a_lock() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert waiting_on_a_lock()
        assert reaping.is_alive()
    finally:
        release.set()
        applying.join(10)
    reaping.join(10)
    assert reaped == [0]
    assert applied[0].status == Status.IMPORTED
    import_.refresh_from_db()
    assert import_.status == Status.IMPORTED
    assert Learner.objects.filter(organization=organization, disabled=False).count() == 1
