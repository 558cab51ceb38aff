"""Stored files are deleted at the end; stuck imports are reaped; abandoned ones expire."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from students import services, tasks
from students.models import Import
from tests.students.conftest import stored_files
from tests.students.xml_helpers import pupil, siecle_xml

Status = Import.Status


def a_file(uai: str) -> bytes:
    return siecle_xml(uai, [pupil("1111111111A")])


def age(import_: Import, **delta) -> None:
    Import.objects.filter(pk=import_.pk).update(updated_at=timezone.now() - timedelta(**delta))


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
@pytest.mark.parametrize("status", [Status.VALIDATING, Status.IMPORTING])
def test_import_without_progress_for_ten_minutes_is_interrupted(
    organization, run_import, status, media_root, django_capture_on_commit_callbacks
):
    import_ = run_import(organization, a_file(organization.uai), confirm=False)
    Import.objects.filter(pk=import_.pk).update(status=status)
    age(import_, minutes=11)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.imports_reap_stuck() == 1
    import_.refresh_from_db()
    assert import_.status == Status.IMPORT_ERROR
    assert import_.errors == [{"code": "IMPORT_INTERRUPTED", "meta": {}}]
    assert services.error_message("IMPORT_INTERRUPTED") == (
        "L'import a été interrompu, relancez l'import."
    )
    assert stored_files(media_root) == []
    # The task, if it ever runs, finds nothing to do.
    assert services.import_apply(import_id=import_.pk).status == Status.IMPORT_ERROR


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "minutes"),
    [
        (Status.VALIDATING, 9),
        (Status.IMPORTING, 9),
        (Status.VALIDATED, 60),
        (Status.UPLOADED, 60),
        (Status.IMPORTED, 60),
    ],
)
def test_reaper_leaves_live_and_other_imports_alone(organization, run_import, status, minutes):
    import_ = run_import(organization, a_file(organization.uai), confirm=False)
    Import.objects.filter(pk=import_.pk).update(status=status)
    age(import_, minutes=minutes)
    assert services.imports_reap_stuck() == 0
    import_.refresh_from_db()
    assert import_.status == status


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
    assert stuck.status == Status.IMPORT_ERROR


def test_maintenance_runs_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["students-imports-maintenance"]
    assert entry["task"] == tasks.imports_maintenance.name
    assert entry["schedule"] <= 60


def test_apply_time_limit_is_below_the_reaper_delay_and_the_longest_task(settings):
    stuck_after = services.maintenance.STUCK_AFTER.total_seconds()
    assert tasks.apply_import.time_limit < stuck_after
    for task in (tasks.apply_import, tasks.validate_import, tasks.imports_maintenance):
        assert task.soft_time_limit < task.time_limit <= settings.CELERY_LONGEST_TASK_SECONDS


@pytest.mark.django_db(transaction=True)
def test_a_slow_apply_is_never_reaped_half_way(organization, run_import):
    """The apply holds its import's row lock; the reaper's UPDATE waits, then finds the
    import IMPORTED and leaves it."""
    import_ = run_import(organization, a_file(organization.uai), confirm=False)
    Import.objects.filter(pk=import_.pk).update(status=Status.IMPORTING)
    age(import_, minutes=30)
    locked, release = threading.Event(), threading.Event()
    reaped = []

    def slow_apply():
        try:
            with transaction.atomic():
                row = Import.objects.select_for_update().get(pk=import_.pk)
                locked.set()
                release.wait(10)
                row.status = Status.IMPORTED
                row.updated_at = timezone.now()
                row.save(update_fields=["status", "updated_at"])
        finally:
            connection.close()

    def reaper():
        try:
            reaped.append(services.imports_reap_stuck())
        finally:
            connection.close()

    applying = threading.Thread(target=slow_apply)
    applying.start()
    assert locked.wait(10)
    reaping = threading.Thread(target=reaper)
    reaping.start()
    reaping.join(0.5)
    assert reaping.is_alive()  # waiting on the row lock
    release.set()
    applying.join(10)
    reaping.join(10)
    assert reaped == [0]
    import_.refresh_from_db()
    assert import_.status == Status.IMPORTED
