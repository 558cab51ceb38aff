"""The import's audit rows (issue 9): upload (UPLOAD_ERROR too), confirmation and
cancellation, each written with its change, by an administrator or the command line; a
replaced import's cancellation; none for a refusal."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from students import services
from students.models import Import
from tests.factories import audit_rows, make_ine, make_learner
from tests.students.xml_helpers import pupil, siecle_xml

pytestmark = pytest.mark.django_db

Status = Import.Status
TARGET = "students.import"


def a_file(organization, ine="1111111111A") -> bytes:
    return siecle_xml(organization.uai, [pupil(ine)])


def import_rows(**filters) -> list[tuple]:
    return audit_rows(action__startswith="import.", **filters)


def test_an_upload_through_the_page_is_recorded_for_the_administrator(
    client, organization, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/eleves/import/",
            {"file": SimpleUploadedFile("ElevesSansAdresses.xml", a_file(organization))},
        )
    import_ = Import.objects.get()
    assert import_rows() == [
        (
            "import.uploaded",
            admin_user.pk,
            "ADMIN",
            organization.pk,
            TARGET,
            import_.pk,
            {"status": "UPLOADED", "replaced": []},
        )
    ]


def test_a_file_refused_at_upload_is_recorded_with_its_code(organization, admin_user):
    import_ = services.import_upload(
        organization=organization,
        user=admin_user,
        uploaded_file=ContentFile(a_file(organization), name="big.xml"),
        max_upload_bytes=10,
        enqueue=False,
    )
    assert import_.status == Status.UPLOAD_ERROR
    assert import_rows() == [
        (
            "import.uploaded",
            admin_user.pk,
            "ADMIN",
            organization.pk,
            TARGET,
            import_.pk,
            {"status": "UPLOAD_ERROR", "code": "PAYLOAD_TOO_LARGE"},
        )
    ]


def test_the_command_line_is_recorded_as_the_system(organization, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "ElevesSansAdresses.xml"
    path.write_bytes(a_file(organization))
    call_command("import_siecle", organization.uai, str(path), "--yes", stdout=io.StringIO())
    import_ = Import.objects.get()
    assert [row[:3] for row in import_rows()] == [
        ("import.uploaded", None, "SYSTEM"),
        ("import.confirmed", None, "SYSTEM"),
    ]
    assert import_rows()[1][5] == import_.pk


def test_a_confirmation_is_recorded_once_even_when_clicked_twice(
    organization, admin_user, run_import
):
    import_ = run_import(organization, a_file(organization), user=admin_user, confirm=False)
    services.import_confirm(import_=import_, user=admin_user, enqueue=False)
    services.import_confirm(import_=import_, user=admin_user, enqueue=False)
    assert import_rows(action="import.confirmed") == [
        (
            "import.confirmed",
            admin_user.pk,
            "ADMIN",
            organization.pk,
            TARGET,
            import_.pk,
            {"status": "IMPORTING", "disabled": 0, "mass_deactivation": False},
        )
    ]


def test_an_acknowledged_mass_deactivation_is_recorded_as_such(
    organization, admin_user, run_import
):
    for _ in range(4):
        make_learner(organization, ine=make_ine())
    import_ = run_import(organization, a_file(organization), user=admin_user, confirm=False)
    services.import_confirm(
        import_=import_, user=admin_user, acknowledge_mass_deactivation=True, enqueue=False
    )
    (row,) = import_rows(action="import.confirmed")
    assert row[6] == {"status": "IMPORTING", "disabled": 4, "mass_deactivation": True}


def test_a_cancellation_is_recorded(organization, admin_user, run_import):
    import_ = run_import(organization, a_file(organization), user=admin_user, confirm=False)
    services.import_cancel(import_=import_, user=admin_user)
    assert import_rows(action="import.cancelled") == [
        (
            "import.cancelled",
            admin_user.pk,
            "ADMIN",
            organization.pk,
            TARGET,
            import_.pk,
            {"reason": "ASKED"},
        )
    ]


def test_a_replaced_import_is_recorded_as_cancelled_by_the_upload_that_replaced_it(
    organization, admin_user, run_import
):
    older = run_import(organization, a_file(organization), user=admin_user, confirm=False)
    newer = services.import_upload(
        organization=organization,
        user=admin_user,
        uploaded_file=ContentFile(a_file(organization, "2222222222B"), name="e.xml"),
        enqueue=False,
    )
    assert import_rows(target_id__in=[older.pk, newer.pk])[-2:] == [
        (
            "import.cancelled",
            admin_user.pk,
            "ADMIN",
            organization.pk,
            TARGET,
            older.pk,
            {"reason": "IMPORT_REPLACED", "replaced_by": newer.pk},
        ),
        (
            "import.uploaded",
            admin_user.pk,
            "ADMIN",
            organization.pk,
            TARGET,
            newer.pk,
            {"status": "UPLOADED", "replaced": [older.pk]},
        ),
    ]


# --- Refusals leave no row ---------------------------------------------------------------


def test_a_refused_confirmation_or_cancellation_records_nothing(
    organization, admin_user, run_import
):
    for _ in range(4):
        make_learner(organization, ine=make_ine())
    import_ = run_import(organization, a_file(organization), user=admin_user, confirm=False)
    before = import_rows()
    with pytest.raises(services.MassDeactivationNotAcknowledgedError):
        services.import_confirm(import_=import_, user=admin_user, enqueue=False)
    services.import_confirm(
        import_=import_, user=admin_user, acknowledge_mass_deactivation=True, enqueue=False
    )
    after_confirm = import_rows()
    assert len(after_confirm) == len(before) + 1
    with pytest.raises(services.ImportNotCancellableError):
        services.import_cancel(import_=import_, user=admin_user)
    services.import_apply(import_id=import_.pk)
    import_.refresh_from_db()
    with pytest.raises(services.ImportNotConfirmableError):
        services.import_confirm(import_=import_, user=admin_user, enqueue=False)
    assert import_rows() == after_confirm


def test_confirming_a_replaced_import_records_nothing(organization, admin_user, run_import):
    older = run_import(organization, a_file(organization), user=admin_user, confirm=False)
    run_import(organization, a_file(organization, "2222222222B"), user=admin_user, confirm=False)
    before = import_rows()
    with pytest.raises(services.ImportReplacedError):
        services.import_confirm(import_=older, user=admin_user, enqueue=False)
    assert import_rows() == before


def test_confirming_an_outdated_import_records_nothing(organization, admin_user, run_import):
    """Confirmed but not applied yet; a newer file checked meanwhile; the first applies: the
    newer preview describes a list that is gone."""
    first = run_import(organization, a_file(organization), user=admin_user, confirm=False)
    services.import_confirm(import_=first, user=admin_user, enqueue=False)
    second = run_import(
        organization, a_file(organization, "2222222222B"), user=admin_user, confirm=False
    )
    services.import_apply(import_id=first.pk)
    before = import_rows()
    with pytest.raises(services.ImportOutdatedError):
        services.import_confirm(import_=second, user=admin_user, enqueue=False)
    assert import_rows() == before
