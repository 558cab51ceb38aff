"""Confirming and cancelling: only the newest validated import, never a stale preview."""

import pytest

from students import services
from students.models import Import, Learner
from tests.students.xml_helpers import pupil, siecle_xml

pytestmark = pytest.mark.django_db

Status = Import.Status


def file_with(uai: str, *ines: str) -> bytes:
    return siecle_xml(uai, [pupil(ine) for ine in ines])


def test_confirm_moves_to_importing_and_enqueues_the_apply(
    organization, admin_user, run_import, django_capture_on_commit_callbacks
):
    import_ = run_import(organization, file_with(organization.uai, "1111111111A"), confirm=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_ = services.import_confirm(import_=import_, user=admin_user)
    # Celery is eager in these tests: the enqueued apply ran once the row was committed.
    assert len(callbacks) >= 1
    import_.refresh_from_db()
    assert import_.status == Status.IMPORTED
    assert import_.confirmed_by == admin_user
    assert Learner.objects.filter(organization=organization).count() == 1


def test_confirming_twice_is_harmless(organization, run_import):
    import_ = run_import(organization, file_with(organization.uai, "1111111111A"), confirm=False)
    first = services.import_confirm(import_=import_, user=None, enqueue=False)
    second = services.import_confirm(import_=first, user=None, enqueue=False)
    assert second.status == Status.IMPORTING


def test_only_a_validated_import_can_be_confirmed(organization, run_import):
    import_ = run_import(organization, b"garbage", confirm=False)
    with pytest.raises(services.ImportNotConfirmableError):
        services.import_confirm(import_=import_, user=None, enqueue=False)


def test_older_validated_import_is_replaced_when_a_newer_one_is_uploaded(organization, run_import):
    older = run_import(organization, file_with(organization.uai, "1111111111A"), confirm=False)
    newer = run_import(organization, file_with(organization.uai, "2222222222B"), confirm=False)
    with pytest.raises(services.ImportReplacedError) as refused:
        services.import_confirm(import_=older, user=None, enqueue=False)
    assert refused.value.code == "IMPORT_REPLACED"
    assert "plus récent" in refused.value.message
    older.refresh_from_db()
    assert (older.status, older.errors) == (
        Status.CANCELLED,
        [{"code": "IMPORT_REPLACED", "meta": {"replaced_by": newer.pk}}],
    )
    # The newest one still goes through.
    services.import_confirm(import_=newer, user=None, enqueue=False)
    assert services.import_apply(import_id=newer.pk).status == Status.IMPORTED


def test_preview_made_stale_by_an_applied_import_is_refused(organization, run_import):
    """A is confirmed but not applied yet; B is validated; A applies: B's preview
    describes a list that no longer exists."""
    first = run_import(organization, file_with(organization.uai, "1111111111A"), confirm=False)
    first = services.import_confirm(import_=first, user=None, enqueue=False)
    second = run_import(organization, file_with(organization.uai, "2222222222B"), confirm=False)
    assert services.import_apply(import_id=first.pk).status == Status.IMPORTED
    with pytest.raises(services.ImportOutdatedError):
        services.import_confirm(import_=second, user=None, enqueue=False)


def test_a_replaced_import_stays_replaced_when_the_newer_one_is_cancelled(organization, run_import):
    """Sending a newer file set the older one aside for good: cancelling the newer one
    does not bring it back (its file is deleted); the person sends the file they want."""
    older = run_import(organization, file_with(organization.uai, "1111111111A"), confirm=False)
    newer = run_import(organization, file_with(organization.uai, "2222222222B"), confirm=False)
    services.import_cancel(import_=newer, user=None)
    older.refresh_from_db()
    with pytest.raises(services.ImportReplacedError):
        services.import_confirm(import_=older, user=None, enqueue=False)
    assert (older.status, older.upload_path, older.rows_path) == (Status.CANCELLED, "", "")


def test_older_import_applying_after_a_newer_one_is_refused(organization, run_import):
    """Both confirmed (the older one before the newer was validated); the newer applies
    first: the older one must not overwrite it."""
    older = run_import(organization, file_with(organization.uai, "1111111111A"), confirm=False)
    older = services.import_confirm(import_=older, user=None, enqueue=False)
    newer = run_import(organization, file_with(organization.uai, "2222222222B"), confirm=False)
    newer = services.import_confirm(import_=newer, user=None, enqueue=False)
    assert services.import_apply(import_id=newer.pk).status == Status.IMPORTED
    refused = services.import_apply(import_id=older.pk)
    assert refused.status == Status.IMPORT_ERROR
    assert refused.errors == [{"code": "IMPORT_OUTDATED", "meta": {}}]
    assert list(
        Learner.objects.filter(organization=organization, disabled=False).values_list(
            "ine", flat=True
        )
    ) == ["2222222222B"]


def test_apply_runs_once_even_when_the_task_is_delivered_twice(organization, run_import):
    import_ = run_import(organization, file_with(organization.uai, "1111111111A"), confirm=False)
    services.import_confirm(import_=import_, user=None, enqueue=False)
    first = services.import_apply(import_id=import_.pk)
    finished_at = first.finished_at
    second = services.import_apply(import_id=import_.pk)
    assert (second.status, second.finished_at) == (Status.IMPORTED, finished_at)
    assert services.import_apply(import_id=987654) is None


@pytest.mark.parametrize("status", [Status.UPLOADED, Status.VALIDATING, Status.VALIDATED])
def test_import_can_be_cancelled_until_it_applies(organization, run_import, status):
    import_ = run_import(organization, file_with(organization.uai, "1111111111A"), confirm=False)
    Import.objects.filter(pk=import_.pk).update(status=status)
    import_.refresh_from_db()
    assert services.import_cancel(import_=import_, user=None).status == Status.CANCELLED


@pytest.mark.parametrize("status", [Status.IMPORTING, Status.IMPORTED, Status.VALIDATION_ERROR])
def test_import_cannot_be_cancelled_once_applying_or_final(organization, run_import, status):
    import_ = run_import(organization, file_with(organization.uai, "1111111111A"), confirm=False)
    Import.objects.filter(pk=import_.pk).update(status=status)
    import_.refresh_from_db()
    with pytest.raises(services.ImportNotCancellableError):
        services.import_cancel(import_=import_, user=None)
    import_.refresh_from_db()
    assert import_.status == status
