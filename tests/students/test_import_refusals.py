"""All-or-nothing: after any refused file or failed import, the list is exactly as it was.

Each test starts from a school with an applied import (students active, one disabled,
one linked to an account), tries something that must fail for real (no mock of the
parser or the database), and compares every column of every learner before and after.
"""

from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from students import services
from students.models import Import, Learner
from students.services.rows import MAX_LENGTHS, ROW_FIELDS
from tests.factories import UserFactory
from tests.students.conftest import learners_snapshot, stored_files
from tests.students.xml_helpers import pupil, siecle_xml, zipped

pytestmark = pytest.mark.django_db

Status = Import.Status


@pytest.fixture
def school(organization, run_import):
    run_import(
        organization,
        siecle_xml(
            organization.uai,
            [pupil("1111111111A", "ALPHA", "Ana"), pupil("9999999999Z", "ZULU", "Zoé")],
        ),
    )
    run_import(
        organization,
        siecle_xml(
            organization.uai,
            [
                pupil("1111111111A", "ALPHA", "Ana"),
                pupil("2222222222B", "BRAVO", "Ben", division="4B"),
            ],
        ),
    )
    organization.learners.filter(ine="1111111111A").update(user=UserFactory())
    return organization


def next_file(uai: str) -> bytes:
    """A valid file that would change everything: one update, one new, one re-enabled."""
    return siecle_xml(
        uai,
        [
            pupil("1111111111A", "ALPHA", "Anabelle", division="3A"),
            pupil("3333333333C", "CHARLIE", "Cid"),
            pupil("9999999999Z", "ZULU", "Zoé"),
        ],
    )


def codes(import_: Import) -> list[str]:
    return [error["code"] for error in import_.errors]


def test_file_of_another_school_changes_nothing(school, run_import, media_root):
    before = learners_snapshot()
    import_ = run_import(school, next_file("0751234J"))
    assert import_.status == Status.VALIDATION_ERROR
    assert codes(import_) == ["UAI_MISMATCHED"]
    assert import_.errors[0]["meta"]["file_uai"] == "0751234J"
    assert learners_snapshot() == before
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not xml at all",
        b"PK\x03\x04 a broken zip",
        b'<?xml version="1.0"?><BEE_ELEVES><PARAMETRES><UAJ>',  # truncated
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><BEE_ELEVES/>',
        b'<?xml version="1.0" encoding="EBCDIC-FR"?><BEE_ELEVES/>',
    ],
    ids=["empty", "text", "broken-zip", "truncated", "doctype", "encoding"],
)
def test_invalid_file_changes_nothing(school, run_import, content):
    before = learners_snapshot()
    import_ = run_import(school, content)
    assert import_.status == Status.VALIDATION_ERROR
    assert codes(import_) in (["INVALID_FILE"], ["ENCODING_NOT_SUPPORTED"])
    assert learners_snapshot() == before


def test_file_with_student_errors_changes_nothing_and_lists_every_error(school, run_import):
    before = learners_snapshot()
    xml = siecle_xml(
        school.uai,
        [
            pupil("1111111111A", "ALPHA", "Ana"),
            pupil("3333333333C", "CHARLIE", "Cid", birthdate=""),
            pupil("3333333333C", "CHARLIE", "Cid bis"),
            pupil("4444444444D", "DELTA", "", birthdate="31/02/2010"),
            pupil("5555555555E", "ECHO", "Eve", city_code=""),
        ],
    )
    import_ = run_import(school, xml)
    assert import_.status == Status.VALIDATION_ERROR
    assert sorted(codes(import_)) == sorted(
        [
            "BIRTHDATE_REQUIRED",
            "INE_UNIQUE",
            "FIRST_NAME_REQUIRED",
            "INVALID_BIRTHDATE_FORMAT",
            "BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT",
        ]
    )
    messages = [error["message"] for error in services.errors_for_display(import_.errors)]
    assert any("3333333333C" in message for message in messages)
    assert learners_snapshot() == before


def test_value_too_long_for_its_column_is_an_error(school, run_import):
    before = learners_snapshot()
    import_ = run_import(school, siecle_xml(school.uai, [pupil("1111111111A", division="X" * 65)]))
    assert import_.status == Status.VALIDATION_ERROR
    assert codes(import_) == ["FIELD_TOO_LONG"]
    assert import_.errors[0]["meta"]["field"] == "CODE_STRUCTURE"
    assert learners_snapshot() == before


def test_file_with_no_student_left_changes_nothing(school, run_import):
    before = learners_snapshot()
    import_ = run_import(
        school, siecle_xml(school.uai, [pupil(None), pupil("1111111111A", division=None)])
    )
    assert codes(import_) == ["EMPTY"]
    assert learners_snapshot() == before


def test_file_over_the_upload_limit_is_refused_before_being_stored(
    school, settings, run_import, media_root
):
    settings.SIECLE_MAX_UPLOAD_BYTES = 100
    before = learners_snapshot()
    import_ = run_import(school, next_file(school.uai))
    assert import_.status == Status.UPLOAD_ERROR
    assert codes(import_) == ["PAYLOAD_TOO_LARGE"]
    assert import_.errors[0]["meta"]["limit"] == 100
    assert "maximale" in services.error_message("PAYLOAD_TOO_LARGE", import_.errors[0]["meta"])
    assert learners_snapshot() == before
    assert stored_files(media_root) == []


def test_zip_bomb_is_refused(school, settings, run_import):
    settings.SIECLE_MAX_INFLATED_BYTES = 10_000
    before = learners_snapshot()
    padding = b"<!--" + b" " * 2_000_000 + b"-->"
    import_ = run_import(school, zipped(next_file(school.uai) + padding))
    assert codes(import_) == ["INVALID_FILE"]
    assert import_.errors[0]["meta"]["reason"] == "ZIP_TOO_LARGE"
    assert learners_snapshot() == before


def test_cancelled_import_changes_nothing(school, run_import, django_capture_on_commit_callbacks):
    before = learners_snapshot()
    import_ = run_import(school, next_file(school.uai), confirm=False)
    assert import_.status == Status.VALIDATED
    with django_capture_on_commit_callbacks(execute=True):
        services.import_cancel(import_=import_, user=None)
    assert services.import_apply(import_id=import_.pk).status == Status.CANCELLED
    assert learners_snapshot() == before


def test_crash_in_the_middle_of_the_apply_rolls_everything_back(
    school, run_import, django_capture_on_commit_callbacks, media_root, caplog
):
    """A real failure after the upsert has written: the disabling UPDATE raises."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION pg_temp.refuse_disable() RETURNS trigger AS $$
            BEGIN
                IF NEW.disabled AND NOT OLD.disabled THEN
                    RAISE EXCEPTION 'the worker crashed';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse_disable BEFORE UPDATE ON students_learner
                FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse_disable();
            """
        )
    before = learners_snapshot()
    import_ = run_import(school, next_file(school.uai))
    assert import_.status == Status.IMPORT_ERROR
    assert codes(import_) == ["IMPORT_FAILED"]
    assert learners_snapshot() == before
    assert stored_files(media_root) == []
    assert "nothing was changed" in caplog.text


def test_stored_file_gone_before_the_apply_fails_cleanly(
    school, run_import, django_capture_on_commit_callbacks
):
    before = learners_snapshot()
    import_ = run_import(school, next_file(school.uai), confirm=False)
    default_storage.delete(import_.rows_path)
    with django_capture_on_commit_callbacks(execute=True):
        import_ = services.import_confirm(
            import_=import_, user=None, acknowledge_mass_deactivation=True, enqueue=False
        )
        import_ = services.import_apply(import_id=import_.pk)
    assert import_.status == Status.IMPORT_ERROR
    assert codes(import_) == ["FILE_MISSING"]
    assert learners_snapshot() == before


def test_apply_refuses_an_organization_archived_after_the_confirmation(
    school, run_import, media_root, django_capture_on_commit_callbacks
):
    """The space was closed while the task waited: nothing is written into it."""
    before = learners_snapshot()
    import_ = run_import(school, next_file(school.uai), confirm=False)
    import_ = services.import_confirm(
        import_=import_, user=None, acknowledge_mass_deactivation=True, enqueue=False
    )
    school.archived_at = timezone.now()
    school.save(update_fields=["archived_at"])
    with django_capture_on_commit_callbacks(execute=True):
        import_ = services.import_apply(import_id=import_.pk)
    assert import_.status == Status.IMPORT_ERROR
    assert codes(import_) == ["ORGANIZATION_ARCHIVED"]
    assert services.error_message("ORGANIZATION_ARCHIVED") == (
        "L'espace de cet établissement est fermé : l'import n'a pas été appliqué."
    )
    assert learners_snapshot() == before
    assert stored_files(media_root) == []


def test_tampered_validated_rows_are_refused(
    school, run_import, django_capture_on_commit_callbacks
):
    before = learners_snapshot()
    import_ = run_import(school, next_file(school.uai), confirm=False)
    with default_storage.open(import_.rows_path, "rb") as stored:
        content = stored.read()
    default_storage.delete(import_.rows_path)
    default_storage.save(import_.rows_path, ContentFile(content.replace(b"Anabelle", b"Mallory")))
    with django_capture_on_commit_callbacks(execute=True):
        import_ = services.import_confirm(
            import_=import_, user=None, acknowledge_mass_deactivation=True, enqueue=False
        )
        import_ = services.import_apply(import_id=import_.pk)
    assert import_.status == Status.IMPORT_ERROR
    assert codes(import_) == ["IMPORT_FAILED"]
    assert learners_snapshot() == before


def test_outdated_confirmation_changes_nothing(school, run_import):
    """Checked while an earlier confirmed import waited for its apply, which then ran: the
    preview describes a list that is gone. (A newer upload replaces an older import that
    waits, see test_import_replaced.py.)"""
    earlier = run_import(school, next_file(school.uai), confirm=False)
    services.import_confirm(
        import_=earlier, user=None, acknowledge_mass_deactivation=True, enqueue=False
    )
    stale = run_import(school, siecle_xml(school.uai, [pupil("1111111111A")]), confirm=False)
    services.import_apply(import_id=earlier.pk)
    before = learners_snapshot()
    with pytest.raises(services.ImportOutdatedError):
        services.import_confirm(
            import_=stale, user=None, acknowledge_mass_deactivation=True, enqueue=False
        )
    stale.refresh_from_db()
    assert stale.status == Status.IMPORT_ERROR
    assert codes(stale) == ["IMPORT_OUTDATED"]
    assert learners_snapshot() == before


def test_every_limited_column_the_apply_writes_is_checked_at_validation():
    """What validates must apply: every column of the rows with a length limit is in the
    FIELD_TOO_LONG check, and the search name (derived, longer than any name) has none."""
    limited = {name for name in ROW_FIELDS if Learner._meta.get_field(name).max_length is not None}
    assert set(MAX_LENGTHS) == limited
    assert {"ine", "last_name", "first_name", "division", "sex"} <= limited
    assert Learner._meta.get_field("search_name").max_length is None


def time_limit_reached(*args):
    """What Celery raises in the task when its soft time limit is reached."""
    raise SoftTimeLimitExceeded


def test_validation_stopped_by_its_time_limit_changes_nothing(
    school, django_capture_on_commit_callbacks, media_root
):
    before = learners_snapshot()
    import_ = services.import_upload(
        organization=school,
        user=None,
        uploaded_file=ContentFile(next_file(school.uai), name="e.xml"),
        enqueue=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_ = services.import_validate(import_id=import_.pk, progress=time_limit_reached)
    assert import_.status == Status.VALIDATION_ERROR
    assert codes(import_) == ["IMPORT_INTERRUPTED"]
    assert learners_snapshot() == before
    assert stored_files(media_root) == []


def test_validation_crash_is_a_validation_error_that_changes_nothing(
    school, django_capture_on_commit_callbacks, media_root, caplog
):
    """A real failure while reading: the stored upload is a directory, not a file."""
    before = learners_snapshot()
    import_ = services.import_upload(
        organization=school,
        user=None,
        uploaded_file=ContentFile(next_file(school.uai), name="e.xml"),
        enqueue=False,
    )
    path = Path(default_storage.path(import_.upload_path))
    path.unlink()
    path.mkdir()
    with django_capture_on_commit_callbacks(execute=True):
        import_ = services.import_validate(import_id=import_.pk)
    assert import_.status == Status.VALIDATION_ERROR
    assert codes(import_) == ["VALIDATION_FAILED"]
    assert services.error_message("VALIDATION_FAILED") == (
        "La vérification du fichier a échoué, relancez l'import."
    )
    assert not services.errors_are_in_the_file(import_.errors)
    assert learners_snapshot() == before
    assert "Validation of import" in caplog.text
    assert stored_files(media_root) == []


def test_apply_stopped_by_its_time_limit_rolls_everything_back(
    school, run_import, write_path, django_capture_on_commit_callbacks, media_root
):
    """The time limit strikes once the learners are written, before the commit."""

    def late(step):
        if step == "upserted":
            time_limit_reached()

    before = learners_snapshot()
    import_ = run_import(school, next_file(school.uai), confirm=False)
    with django_capture_on_commit_callbacks(execute=True):
        import_ = services.import_confirm(
            import_=import_, user=None, acknowledge_mass_deactivation=True, enqueue=False
        )
        import_ = services.import_apply(import_id=import_.pk, progress=late)
    assert import_.status == Status.IMPORT_ERROR
    assert codes(import_) == ["IMPORT_INTERRUPTED"]
    assert learners_snapshot() == before
    assert stored_files(media_root) == []
