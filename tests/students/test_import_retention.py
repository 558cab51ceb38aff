"""What an import keeps about students goes after 30 days; codes and counts remain. Uploads
neither confirmed nor cancelled are still cancelled after 24 hours, their files deleted."""

import html
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.utils import timezone

from students import services, tasks
from students.models import Import
from tests.students.conftest import stored_files
from tests.students.siecle_factory import siecle_xml, student
from tests.students.test_import_error_cap import two_errors_then_one

pytestmark = pytest.mark.django_db

Status = Import.Status


def sent_days_ago(import_: Import, days: float) -> None:
    Import.objects.filter(pk=import_.pk).update(created_at=timezone.now() - timedelta(days=days))


def with_skipped(uai: str) -> bytes:
    return siecle_xml(
        [student(ID_NATIONAL="1111111111A"), student(ID_NATIONAL="", NOM_DE_FAMILLE="SANSINE")],
        uai=uai,
    )


@pytest.fixture
def refused(organization, run_import):
    return run_import(organization, two_errors_then_one(120, 10, organization.uai))


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_after_30_days_errors_naming_students_and_their_file_are_deleted(refused, media_root):
    path = refused.errors_path
    assert default_storage.exists(path)
    counts = dict(refused.error_counts)
    sent_days_ago(refused, 31)

    assert services.imports_expire_details() == 1
    refused.refresh_from_db()
    assert refused.errors == []
    assert refused.errors_path == ""
    assert not default_storage.exists(path)
    assert stored_files(media_root) == []
    assert refused.detail_expired_at is not None
    # What remains: codes and counts.
    assert (refused.error_count, refused.error_counts) == (250, counts)
    assert refused.status == Status.VALIDATION_ERROR


def test_before_30_days_nothing_is_deleted(refused):
    sent_days_ago(refused, 29)
    assert services.imports_expire_details() == 0
    refused.refresh_from_db()
    assert (len(refused.errors), refused.detail_expired_at) == (200, None)
    assert default_storage.exists(refused.errors_path)


def test_names_of_skipped_students_are_deleted_counts_stay(organization, run_import):
    imported = run_import(organization, with_skipped(organization.uai))
    assert imported.status == Status.IMPORTED
    assert imported.preview["skipped_students"][0]["last_name"] == "SANSINE"
    sent_days_ago(imported, 31)
    assert services.imports_expire_details() == 1
    imported.refresh_from_db()
    assert "skipped_students" not in imported.preview
    assert imported.preview["skipped"]["NO_INE"] == 1
    assert imported.counts["created"] == 1
    assert "SANSINE" not in str(imported.preview)


def test_file_level_and_processing_errors_hold_no_student_and_stay(organization, run_import):
    other_school = run_import(organization, siecle_xml([student()], uai="0751234J"))
    interrupted = run_import(organization, with_skipped(organization.uai), confirm=False)
    services.import_confirm(import_=interrupted, user=None, enqueue=False)
    services.imports_reap_stuck(now=timezone.now() + timedelta(hours=2))
    interrupted.refresh_from_db()
    assert interrupted.errors == [{"code": "IMPORT_INTERRUPTED", "meta": {}}]
    for import_ in (other_school, interrupted):
        sent_days_ago(import_, 40)

    # The interrupted import named a skipped student: that goes, its error stays.
    assert services.imports_expire_details() == 1
    other_school.refresh_from_db()
    interrupted.refresh_from_db()
    assert other_school.errors[0]["meta"]["file_uai"] == "0751234J"
    assert other_school.detail_expired_at is None
    assert interrupted.errors == [{"code": "IMPORT_INTERRUPTED", "meta": {}}]
    assert "skipped_students" not in interrupted.preview


def test_an_import_still_under_way_is_left_alone(organization, run_import):
    validated = run_import(organization, with_skipped(organization.uai), confirm=False)
    sent_days_ago(validated, 31)  # cannot happen (cancelled after 24 h), but if it did
    assert services.imports_expire_details() == 0
    validated.refresh_from_db()
    assert validated.preview["skipped_students"]


def test_a_second_run_finds_nothing_more(refused):
    sent_days_ago(refused, 31)
    assert services.imports_expire_details() == 1
    assert services.imports_expire_details() == 0


def test_an_errors_file_already_gone_does_not_stop_the_expiry(refused):
    default_storage.delete(refused.errors_path)
    sent_days_ago(refused, 31)
    assert services.imports_expire_details() == 1
    refused.refresh_from_db()
    assert (refused.errors, refused.errors_path) == ([], "")


def test_the_page_says_the_detail_has_expired(admin_client, refused):
    sent_days_ago(refused, 31)
    services.imports_expire_details()
    body = html.unescape(admin_client.get(f"/eleves/import/{refused.pk}/").content.decode())
    assert "Le fichier contient 250 erreurs : rien n'a été importé." in body
    assert "Le détail de ces erreurs a été supprimé 30 jours après l'import" in body
    assert "Date de naissance manquante</strong> (120)" in body
    assert "<li data-code=" not in body
    assert "erreurs.csv" not in body
    assert "autres erreurs" not in body
    assert "non affichée" not in body
    assert admin_client.get(f"/eleves/import/{refused.pk}/erreurs.csv").status_code == 404


def test_the_history_says_the_detail_has_expired(admin_client, refused, organization, run_import):
    recent = run_import(organization, two_errors_then_one(1, 0, organization.uai))
    sent_days_ago(refused, 31)
    services.imports_expire_details()
    body = html.unescape(admin_client.get("/eleves/import/").content.decode())
    assert body.count("détail supprimé après 30 jours") == 1
    assert "250 erreurs" in body
    assert f"{recent.error_count} erreurs" in body


def test_the_preview_says_the_names_have_expired(admin_client, organization, run_import):
    imported = run_import(organization, with_skipped(organization.uai))
    sent_days_ago(imported, 31)
    services.imports_expire_details()
    body = html.unescape(admin_client.get(f"/eleves/import/{imported.pk}/").content.decode())
    assert "SANSINE" not in body
    assert "Les noms de ces élèves ont été supprimés 30 jours après l'import." in body
    assert "1 sans INE" in body


def test_the_periodic_task_expires_the_detail(refused, settings):
    sent_days_ago(refused, 31)
    tasks.imports_expire_details.delay()
    refused.refresh_from_db()
    assert refused.detail_expired_at is not None
    entry = settings.CELERY_BEAT_SCHEDULE["students-imports-expire-details"]
    assert entry["task"] == tasks.imports_expire_details.name
    assert entry["schedule"] <= 24 * 3600
    assert tasks.imports_expire_details.soft_time_limit < tasks.imports_expire_details.time_limit
    assert tasks.imports_expire_details.time_limit <= settings.CELERY_LONGEST_TASK_SECONDS


def test_imports_stored_before_the_counts_per_code_get_them(organization):
    """The migration counts the errors of imports stored before the field existed."""
    from importlib import import_module

    migration = import_module(
        "students.migrations.0005_import_error_counts_errors_path_detail_expired_at"
    )
    errors = [{"code": "BIRTHDATE_REQUIRED", "meta": {}}] * 3 + [{"code": "INE_UNIQUE", "meta": {}}]
    old = services.import_create(
        status=Status.UPLOAD_ERROR, organization=organization, file_name="old.xml"
    )
    Import.objects.filter(pk=old.pk).update(errors=errors, error_count=4)
    migration.count_errors_per_code(apps, None)
    old.refresh_from_db()
    assert old.error_counts == {"BIRTHDATE_REQUIRED": 3, "INE_UNIQUE": 1}


# --- Uploads neither confirmed nor cancelled -------------------------------------------


@pytest.mark.parametrize("status", [Status.UPLOADED, Status.VALIDATED])
def test_the_maintenance_task_cancels_an_upload_abandoned_for_a_day_and_deletes_its_files(
    organization, run_import, media_root, status, django_capture_on_commit_callbacks
):
    import_ = run_import(organization, with_skipped(organization.uai), confirm=False)
    Import.objects.filter(pk=import_.pk).update(
        status=status, updated_at=timezone.now() - timedelta(hours=25)
    )
    assert stored_files(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.imports_maintenance.delay()
    import_.refresh_from_db()
    assert import_.status == Status.CANCELLED
    assert import_.errors == [{"code": "IMPORT_ABANDONED", "meta": {}}]
    assert (import_.upload_path, import_.rows_path) == ("", "")
    assert stored_files(media_root) == []
