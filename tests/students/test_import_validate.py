"""Upload and validation: what is stored, the claim, progress, and the preview per class."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from organizations.models import Organization
from students import services
from students.models import Import
from students.services import validation as validation_module
from students.siecle_generator import write_siecle_zip
from tests.factories import make_learner, make_organization
from tests.students.conftest import stored_files
from tests.students.xml_helpers import pupil, siecle_xml, zipped

pytestmark = pytest.mark.django_db

Status = Import.Status


def upload(organization, content: bytes, name="ElevesSansAdresses.xml", user=None) -> Import:
    return services.import_upload(
        organization=organization,
        user=user,
        uploaded_file=ContentFile(content, name=name),
        enqueue=False,
    )


def test_upload_stores_the_file_through_the_storage_and_records_it(
    organization, admin_user, media_root
):
    content = siecle_xml(organization.uai, [pupil("1111111111A")])
    import_ = upload(
        organization, content, name="../../etc/ElevesSansAdresses.xml", user=admin_user
    )
    assert import_.status == Status.UPLOADED
    assert import_.created_by == admin_user
    assert import_.file_name == "ElevesSansAdresses.xml"
    assert import_.file_size == len(content)
    assert import_.file_sha256 == hashlib.sha256(content).hexdigest()
    # A random name under the organisation: never the person's file name.
    assert import_.upload_path.startswith(f"siecle-imports/{organization.pk}/")
    assert "Eleves" not in import_.upload_path
    with default_storage.open(import_.upload_path, "rb") as stored:
        assert stored.read() == content
    assert stored_files(media_root) == [import_.upload_path]


def test_upload_enqueues_the_validation_once_committed(
    organization, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_ = services.import_upload(
            organization=organization,
            user=None,
            uploaded_file=ContentFile(
                siecle_xml(organization.uai, [pupil("1111111111A")]), "a.xml"
            ),
        )
    assert len(callbacks) == 1
    import_.refresh_from_db()
    assert import_.status == Status.VALIDATED  # eager Celery ran the task


@pytest.mark.parametrize(
    "kind", [Organization.Type.SUP, Organization.Type.PRO, Organization.Type.SCO_1D]
)
def test_only_schools_managing_their_students_may_import(kind):
    organization = make_organization(type=kind)
    with pytest.raises(services.ImportNotAllowedError):
        upload(organization, b"<x/>")
    assert not Import.objects.exists()


def test_school_not_managing_its_students_may_not_import():
    organization = make_organization(is_managing_students=False)
    with pytest.raises(services.ImportNotAllowedError):
        upload(organization, b"<x/>")


def test_validation_ends_with_a_preview_per_class(organization, run_import):
    make_learner(organization, ine="1111111111A", division="4A")
    make_learner(organization, ine="2222222222B", division="4A", disabled=True)
    make_learner(organization, ine="3333333333C", division="4B")
    make_learner(organization, ine="4444444444D", division="4B", disabled=True)  # stays out
    xml = siecle_xml(
        organization.uai,
        [
            pupil("1111111111A", division="4A"),
            pupil("2222222222B", division="4A"),
            pupil("5555555555E", division="10A"),
            pupil("6666666666F", division="4A"),
            pupil(None, division="4A"),
        ],
    )
    import_ = run_import(organization, xml, confirm=False)
    assert import_.status == Status.VALIDATED
    assert import_.progress == 100
    assert import_.encoding == "ISO-8859-15"
    preview = import_.preview
    assert (preview["created"], preview["updated"], preview["reenabled"], preview["disabled"]) == (
        2,
        1,
        1,
        1,
    )
    assert preview["students"] == 5
    assert preview["learners"] == 4
    assert preview["skipped"] == {"LEFT_SCHOOL": 0, "NO_INE": 1, "NO_DIVISION": 0}
    assert preview["divisions"] == [
        {"division": "4A", "total": 3, "created": 1, "updated": 1, "reenabled": 1, "disabled": 0},
        {"division": "4B", "total": 0, "created": 0, "updated": 0, "reenabled": 0, "disabled": 1},
        {"division": "10A", "total": 1, "created": 1, "updated": 0, "reenabled": 0, "disabled": 0},
    ]
    # Nothing written yet.
    assert organization.learners.count() == 4


def test_preview_lists_classes_in_a_schools_order(organization, run_import):
    """The example of the issue: by level (MEF code, else the name), then naturally."""
    classes = [
        ("ULIS", "16710001110"),  # no level of its own: last
        ("TG2", "20212010110"),
        ("2NDE10", "20010010110"),
        ("3A", "10310001110"),
        ("6C10", "10010012110"),
        ("1G1", "20111010110"),
        ("4A", "10210001110"),
        ("2NDE1", "20010010110"),
        ("5A", "10110001110"),
        ("6B", "10010012110"),
        ("6A", "10010012110"),
    ]
    xml = siecle_xml(
        organization.uai,
        [
            pupil(f"{number:010d}A", division=division, mef=mef)
            for number, (division, mef) in enumerate(classes, start=1)
        ],
    )
    import_ = run_import(organization, xml, confirm=False)
    assert [row["division"] for row in import_.preview["divisions"]] == [
        "6A", "6B", "6C10", "5A", "4A", "3A", "2NDE1", "2NDE10", "1G1", "TG2", "ULIS",
    ]  # fmt: skip


def test_validating_twice_does_nothing_the_second_time(organization):
    import_ = upload(organization, siecle_xml(organization.uai, [pupil("1111111111A")]))
    first = services.import_validate(import_id=import_.pk)
    assert first.status == Status.VALIDATED
    assert services.import_validate(import_id=import_.pk) is None
    again = Import.objects.get(pk=import_.pk)
    assert (again.status, again.validated_at, again.rows_path) == (
        Status.VALIDATED,
        first.validated_at,
        first.rows_path,
    )


def test_zip_from_siecle_is_accepted(organization, run_import):
    xml = siecle_xml(organization.uai, [pupil("1111111111A")], encoding="UTF-8")
    import_ = run_import(organization, zipped(xml), name="ExportXML_ElevesSansAdresses.zip")
    assert import_.status == Status.IMPORTED
    assert import_.encoding == "UTF-8"


def test_generated_export_imports_with_the_generators_counts(organization, run_import, tmp_path):
    path = tmp_path / "export.zip"
    with path.open("wb") as output:
        expected = write_siecle_zip(output, students=400, uai=organization.uai, seed=7)
    import_ = run_import(organization, path.read_bytes(), name=path.name)
    assert import_.status == Status.IMPORTED
    assert import_.counts["created"] == expected.learners
    assert import_.counts["skipped"] == expected.skipped
    assert organization.learners.filter(disabled=False).count() == expected.learners


def test_progress_is_committed_as_it_goes_and_stops_a_cancelled_validation(organization):
    import_ = upload(organization, b"<x/>")
    Import.objects.filter(pk=import_.pk).update(status=Status.VALIDATING, run_token="run-1")
    reporter = validation_module._ProgressReporter(import_.pk, "run-1", 0, 90)
    reporter.last = 0  # as if the last report were long ago
    reporter(50, 100)
    import_.refresh_from_db()
    assert import_.progress == 45

    services.import_cancel(import_=import_, user=None)
    reporter.last = 0
    with pytest.raises(validation_module._Stopped):
        reporter(80, 100)
    import_.refresh_from_db()
    assert (import_.status, import_.progress) == (Status.CANCELLED, 45)


def test_progress_reports_are_throttled(organization, django_assert_num_queries):
    import_ = upload(organization, b"<x/>")
    reporter = validation_module._ProgressReporter(import_.pk, "run-1", 0, 90)
    with django_assert_num_queries(0):
        for done in range(10):
            reporter(done, 10)


def test_validation_of_a_lost_upload_is_an_upload_error(organization):
    import_ = upload(organization, siecle_xml(organization.uai, [pupil("1111111111A")]))
    default_storage.delete(import_.upload_path)
    import_ = services.import_validate(import_id=import_.pk)
    assert import_.status == Status.UPLOAD_ERROR
    assert import_.errors == [{"code": "FILE_MISSING", "meta": {}}]
