"""A new upload replaces the organisation's imports still waiting (issue 10, item 7): each
ends CANCELLED with IMPORT_REPLACED and the newer import's id; its page links to that one
and offers no button; confirming it is refused; a check still running on it stops and
writes nothing."""

import html

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from students import services
from students.models import Import, Learner
from tests.students.conftest import learners_snapshot, stored_files
from tests.students.xml_helpers import pupil, siecle_xml

pytestmark = pytest.mark.django_db

Status = Import.Status


def a_file(organization, *ines: str) -> bytes:
    return siecle_xml(organization.uai, [pupil(ine) for ine in ines or ("1111111111A",)])


def upload(organization, content: bytes, user=None, **kwargs) -> Import:
    return services.import_upload(
        organization=organization,
        user=user,
        uploaded_file=ContentFile(content, name="ElevesSansAdresses.xml"),
        enqueue=False,
        **kwargs,
    )


def replaced_errors(by: Import) -> list[dict]:
    return [{"code": "IMPORT_REPLACED", "meta": {"replaced_by": by.pk}}]


@pytest.mark.parametrize("status", [Status.UPLOADED, Status.VALIDATING, Status.VALIDATED])
def test_a_new_upload_replaces_an_import_still_waiting(
    organization, run_import, media_root, django_capture_on_commit_callbacks, status
):
    older = run_import(organization, a_file(organization), confirm=False)
    Import.objects.filter(pk=older.pk).update(status=status)
    assert default_storage.exists(older.rows_path)
    with django_capture_on_commit_callbacks(execute=True):
        newer = upload(organization, a_file(organization, "2222222222B"))
    older.refresh_from_db()
    assert (older.status, older.errors) == (Status.CANCELLED, replaced_errors(newer))
    assert older.finished_at is not None
    assert services.import_replaced_by(import_=older) == newer.pk
    # Its files are gone; the newer one's upload is the only file left.
    assert (older.upload_path, older.rows_path) == ("", "")
    assert stored_files(media_root) == [newer.upload_path]
    assert newer.status == Status.UPLOADED


def test_several_waiting_imports_are_all_replaced_by_the_newest(organization):
    first = upload(organization, a_file(organization))
    second = upload(organization, a_file(organization))
    third = upload(organization, a_file(organization))
    statuses = dict(Import.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: Status.CANCELLED,
        second.pk: Status.CANCELLED,
        third.pk: Status.UPLOADED,
    }
    # The first was replaced by the second, which the third replaced in turn.
    assert services.import_replaced_by(import_=Import.objects.get(pk=first.pk)) == second.pk
    assert services.import_replaced_by(import_=Import.objects.get(pk=second.pk)) == third.pk


@pytest.mark.parametrize(
    "status",
    [
        Status.IMPORTING,
        Status.IMPORTED,
        Status.IMPORT_ERROR,
        Status.VALIDATION_ERROR,
        Status.UPLOAD_ERROR,
        Status.CANCELLED,
    ],
)
def test_an_applying_or_finished_import_is_left_alone(organization, run_import, status):
    older = run_import(organization, a_file(organization), confirm=False)
    Import.objects.filter(pk=older.pk).update(status=status, errors=[])
    upload(organization, a_file(organization, "2222222222B"))
    older.refresh_from_db()
    assert (older.status, older.errors) == (status, [])


def test_imports_of_another_organisation_are_left_alone(
    organization, other_organization, run_import
):
    theirs = run_import(other_organization, a_file(other_organization), confirm=False)
    upload(organization, a_file(organization))
    theirs.refresh_from_db()
    assert theirs.status == Status.VALIDATED


def test_a_file_refused_at_upload_replaces_nothing(organization, run_import):
    """Over the size limit, the file is not even stored: the earlier file stays confirmable."""
    older = run_import(organization, a_file(organization), confirm=False)
    refused = upload(organization, a_file(organization, "2222222222B"), max_upload_bytes=10)
    assert refused.status == Status.UPLOAD_ERROR
    older.refresh_from_db()
    assert older.status == Status.VALIDATED
    services.import_confirm(import_=older, user=None, enqueue=False)
    assert services.import_apply(import_id=older.pk).status == Status.IMPORTED


def test_confirming_a_replaced_import_is_refused_and_changes_nothing(organization, run_import):
    older = run_import(organization, a_file(organization), confirm=False)
    newer = upload(organization, a_file(organization, "2222222222B"))
    older.refresh_from_db()
    before = learners_snapshot(organization)
    with pytest.raises(services.ImportReplacedError) as refused:
        services.import_confirm(import_=older, user=None, enqueue=False)
    assert refused.value.code == "IMPORT_REPLACED"
    assert refused.value.meta == {"replaced_by": newer.pk}
    assert "plus récent" in refused.value.message
    older.refresh_from_db()
    assert older.status == Status.CANCELLED
    assert learners_snapshot(organization) == before


def test_a_replaced_import_held_in_memory_is_refused_too(organization, run_import):
    """The page showed "Confirmer" before the newer upload: the object the view has is the
    one read before; the confirmation finds the row moved and says why."""
    older = run_import(organization, a_file(organization), confirm=False)
    newer = upload(organization, a_file(organization, "2222222222B"))
    assert older.status == Status.VALIDATED  # not refreshed
    with pytest.raises(services.ImportReplacedError) as refused:
        services.import_confirm(import_=older, user=None, enqueue=False)
    assert refused.value.meta == {"replaced_by": newer.pk}


def test_the_replaced_import_cannot_be_cancelled_again(organization, run_import):
    older = run_import(organization, a_file(organization), confirm=False)
    upload(organization, a_file(organization, "2222222222B"))
    older.refresh_from_db()
    with pytest.raises(services.ImportNotCancellableError):
        services.import_cancel(import_=older, user=None)


# --- A check still running on a replaced import -------------------------------------------


def test_a_check_running_on_a_replaced_import_stops_and_writes_nothing(
    organization, media_root, django_capture_on_commit_callbacks
):
    """The newer file arrives while the older one is being read: the older check's outcome
    (preview, rows file, VALIDATED) is never written, and the newer import is untouched."""
    older = upload(organization, a_file(organization, *[f"{n:010d}A" for n in range(300)]))
    newer = []

    def newer_file_arrives(done, total):
        if not newer:
            with django_capture_on_commit_callbacks(execute=True):  # the files' deletion
                newer.append(upload(organization, a_file(organization, "2222222222B")))

    result = services.import_validate(import_id=older.pk, progress=newer_file_arrives)
    assert newer, "the reader never reported progress"
    assert result.status == Status.CANCELLED
    assert result.errors == replaced_errors(newer[0])
    assert (result.preview, result.rows_sha256, result.validated_at) == ({}, "", None)
    # Only the newer upload is stored: the older check's rows file was not kept.
    assert stored_files(media_root) == [newer[0].upload_path]
    assert Import.objects.get(pk=newer[0].pk).status == Status.UPLOADED
    assert services.import_validate(import_id=older.pk) is None  # a late redelivery: nothing


# --- The pages ---------------------------------------------------------------------------


def test_the_replaced_imports_page_links_to_the_newer_one_and_offers_no_button(
    client, organization, admin_user, run_import
):
    older = run_import(organization, a_file(organization), confirm=False)
    newer = upload(organization, a_file(organization, "2222222222B"), user=admin_user)
    client.force_login(admin_user)
    body = html.unescape(client.get(f"/eleves/import/{older.pk}/").content.decode())
    assert "Un fichier plus récent a été envoyé après celui-ci" in body
    assert f'href="/eleves/import/{newer.pk}/" id="import-replaced-by"' in body
    assert "Voir l'import qui l'a remplacé" in body
    for button in ("import-confirm", "import-cancel", "/confirmer/", "/annuler/"):
        assert button not in body
    assert "Importer un fichier" not in body.split('id="import-panel"')[1]
    state = client.get(f"/eleves/import/{older.pk}/etat.json").json()
    assert (state["status"], state["running"]) == (Status.CANCELLED, False)
    assert f'href="/eleves/import/{newer.pk}/"' in state["html"]
    assert "/confirmer/" not in state["html"]


def test_the_confirm_button_of_a_stale_page_says_the_import_was_replaced(
    client, organization, admin_user, run_import, django_capture_on_commit_callbacks
):
    older = run_import(organization, a_file(organization), confirm=False)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/eleves/import/",
            {
                "file": SimpleUploadedFile(
                    "ElevesSansAdresses.xml", a_file(organization, "2222222222B")
                )
            },
        )
    newer = Import.objects.latest("pk")
    response = client.post(f"/eleves/import/{older.pk}/confirmer/", follow=True)
    body = html.unescape(response.content.decode())
    assert "Un fichier plus récent a été envoyé après celui-ci" in body
    assert f'href="/eleves/import/{newer.pk}/"' in body
    older.refresh_from_db()
    assert older.status == Status.CANCELLED
    assert not Learner.objects.exists()


def test_the_import_page_shows_the_newest_import_only(client, organization, admin_user, run_import):
    run_import(organization, a_file(organization), confirm=False)
    newer = upload(organization, a_file(organization, "2222222222B"), user=admin_user)
    client.force_login(admin_user)
    body = html.unescape(client.get("/eleves/import/").content.decode())
    pending = body.split('id="pending-import"')[1].split("</section>")[0]
    assert f"/eleves/import/{newer.pk}/etat.json" in pending
    assert "Confirmer l'import" not in body
