"""The import pages: upload, the live panel's state, confirm, cancel, history (eager Celery)."""

import html
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from students import services
from students.models import Import, Learner
from students.selectors import import_list
from tests.students.xml_helpers import pupil, siecle_xml

pytestmark = pytest.mark.django_db

Status = Import.Status


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def upload(client, content: bytes, capture, name="ElevesSansAdresses.xml"):
    with capture(execute=True):
        return client.post("/eleves/import/", {"file": SimpleUploadedFile(name, content)})


def test_import_page_explains_the_siecle_export_and_offers_the_picker(admin_client):
    body = admin_client.get("/eleves/import/").content.decode()
    assert "Exportations › En XML › « Élèves sans adresses »" in body  # noqa: RUF001
    assert 'accept=".xml,.zip"' in body
    assert 'enctype="multipart/form-data"' in body
    assert "Aucun import pour l'instant." in body


def test_upload_returns_at_once_and_the_panel_follows_the_import(
    admin_client, organization, django_capture_on_commit_callbacks
):
    xml = siecle_xml(
        organization.uai,
        [
            pupil("1111111111A", division="4E1"),
            pupil("2222222222B", "BRAVO", "Ben", division="4E2"),
        ],
    )
    response = upload(admin_client, xml, django_capture_on_commit_callbacks)
    import_ = Import.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/eleves/import/{import_.pk}/"

    state = admin_client.get(f"/eleves/import/{import_.pk}/etat.json").json()
    assert state["status"] == "VALIDATED"
    assert state["progress"] == 100
    assert state["running"] is False
    assert state["preview"]["created"] == 2
    assert [row["division"] for row in state["preview"]["divisions"]] == ["4E1", "4E2"]
    assert "Confirmer l'import" in state["html"]
    assert (state["error_count"], state["error_counts"]) == (0, {})
    assert "errors" not in state

    page = admin_client.get(f"/eleves/import/{import_.pk}/").content.decode()
    assert "2 élèves à ajouter" in page
    assert "Par classe" in page
    assert "import_panel.js" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/eleves/import/{import_.pk}/confirmer/")
    assert response.status_code == 302
    state = admin_client.get(f"/eleves/import/{import_.pk}/etat.json").json()
    assert state["status"] == "IMPORTED"
    assert state["counts"]["created"] == 2
    assert "2 élèves ajoutés" in state["html"]
    assert Learner.objects.filter(organization=organization).count() == 2

    history = admin_client.get("/eleves/import/").content.decode()
    assert "ElevesSansAdresses.xml" in history
    assert "Import terminé" in history
    assert "2 ajoutés, 0 mis à jour, 0 réactivé, 0 désactivé" in history


def test_applying_import_shows_application_en_cours(admin_client, organization, run_import):
    import_ = run_import(
        organization, siecle_xml(organization.uai, [pupil("1111111111A")]), confirm=False
    )
    services.import_confirm(import_=import_, user=None, enqueue=False)
    # Confirmed, its apply still in the queue: said so, no progress bar yet.
    page = text(admin_client.get(f"/eleves/import/{import_.pk}/"))
    assert "Import confirmé et en file d'attente" in page
    assert '<progress id="import-progress"' not in page
    state = admin_client.get(f"/eleves/import/{import_.pk}/etat.json").json()
    assert (state["status"], state["running"], state["waiting"]) == ("IMPORTING", True, True)
    # A worker's apply claimed it.
    Import.objects.filter(pk=import_.pk).update(apply_started_at=timezone.now())
    page = admin_client.get(f"/eleves/import/{import_.pk}/").content.decode()
    assert "Application en cours" in page
    assert "en file d'attente" not in text(admin_client.get(f"/eleves/import/{import_.pk}/"))
    assert '<progress id="import-progress"' in page
    state = admin_client.get(f"/eleves/import/{import_.pk}/etat.json").json()
    assert (state["status"], state["running"], state["waiting"]) == ("IMPORTING", True, False)
    # The import page shows the running import's live panel too.
    body = admin_client.get("/eleves/import/").content.decode()
    assert "Un import est en cours" in body
    assert f'data-state-url="/eleves/import/{import_.pk}/etat.json"' in body
    assert "import_panel.js" in body


def test_errors_are_listed_one_per_line_with_their_sentence(
    admin_client, organization, django_capture_on_commit_callbacks
):
    xml = siecle_xml(
        organization.uai,
        [
            pupil("1111111111A", "DUPONT", "Léa", birthdate=""),
            pupil("1111111111A", "DUPONT", "Léo"),
        ],
    )
    upload(admin_client, xml, django_capture_on_commit_callbacks)
    import_ = Import.objects.get()
    state = admin_client.get(f"/eleves/import/{import_.pk}/etat.json").json()
    assert state["status"] == "VALIDATION_ERROR"
    assert state["error_counts"] == {"BIRTHDATE_REQUIRED": 1, "INE_UNIQUE": 1}
    assert state["error_count"] == 2
    assert 'role="alert"' in state["html"]
    assert state["html"].count("<li data-code=") == 2
    assert "Le fichier contient 2 erreurs : rien n'a été importé." in state["html"]


def test_error_sentences_follow_the_persons_language(
    admin_client, organization, django_capture_on_commit_callbacks
):
    upload(
        admin_client,
        siecle_xml("0751234J", [pupil("1111111111A")]),
        django_capture_on_commit_callbacks,
    )
    import_ = Import.objects.get()
    french = admin_client.get(f"/eleves/import/{import_.pk}/etat.json").json()
    # The person switches language (saved on the account, which wins over the cookie).
    admin_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = admin_client.get(f"/eleves/import/{import_.pk}/etat.json").json()
    assert french["error_counts"] == english["error_counts"] == {"UAI_MISMATCHED": 1}
    assert "ne correspond pas" in html.unescape(french["html"])
    assert "does not match" in html.unescape(english["html"])
    assert "0751234J" in english["html"]


def test_cancel_from_the_page(admin_client, organization, run_import):
    import_ = run_import(
        organization, siecle_xml(organization.uai, [pupil("1111111111A")]), confirm=False
    )
    response = admin_client.post(f"/eleves/import/{import_.pk}/annuler/", follow=True)
    assert "L'import a été annulé : votre liste d'élèves n'a pas changé." in text(response)
    import_.refresh_from_db()
    assert import_.status == Status.CANCELLED
    # Too late to cancel now: said plainly, nothing changes.
    response = admin_client.post(f"/eleves/import/{import_.pk}/annuler/", follow=True)
    assert "Cet import ne peut plus être annulé." in text(response)


def test_outdated_confirmation_is_explained(admin_client, organization, run_import):
    """The first file was confirmed but not applied yet when the second was checked; the
    first applied since: the second's preview describes a list that is gone."""
    first = run_import(
        organization, siecle_xml(organization.uai, [pupil("1111111111A")]), confirm=False
    )
    services.import_confirm(import_=first, user=None, enqueue=False)
    second = run_import(
        organization, siecle_xml(organization.uai, [pupil("2222222222B")]), confirm=False
    )
    services.import_apply(import_id=first.pk)
    before = list(Learner.objects.values_list("ine", "disabled"))
    response = admin_client.post(f"/eleves/import/{second.pk}/confirmer/", follow=True)
    body = text(response)
    assert "Un import plus récent de vos élèves a été vérifié ou appliqué" in body
    second.refresh_from_db()
    assert second.status == Status.IMPORT_ERROR
    assert list(Learner.objects.values_list("ine", "disabled")) == before


def test_upload_without_a_file_shows_the_form_error(admin_client):
    response = admin_client.post("/eleves/import/", {})
    assert response.status_code == 200
    assert "fr-error-text" in response.content.decode()
    assert not Import.objects.exists()


def test_file_over_the_limit_is_refused_with_the_limit(
    admin_client, settings, organization, django_capture_on_commit_callbacks
):
    settings.SIECLE_MAX_UPLOAD_BYTES = 1024 * 1024
    content = b" " * (1024 * 1024 + 1)
    response = upload(admin_client, content, django_capture_on_commit_callbacks)
    import_ = Import.objects.get()
    assert response["Location"] == f"/eleves/import/{import_.pk}/"
    body = admin_client.get(response["Location"]).content.decode()
    assert import_.status == Status.UPLOAD_ERROR
    assert "taille maximale" in body


def test_history_counts_errors_without_loading_them(admin_client, organization, run_import):
    two_errors = siecle_xml(
        organization.uai,
        [pupil("1111111111A", birthdate=""), pupil("2222222222B", "BRAVO", "Ben", sex="")],
    )
    failed = run_import(organization, two_errors)
    assert (failed.status, failed.error_count) == (Status.VALIDATION_ERROR, 2)
    run_import(organization, siecle_xml(organization.uai, [pupil("1111111111A")]))
    history = list(import_list(organization=organization))
    assert [row.pk for row in history][-1] == failed.pk
    assert all({"errors", "preview"} <= row.get_deferred_fields() for row in history)
    body = text(admin_client.get("/eleves/import/"))
    assert "2 erreurs" in body
    assert "1 ajouté, 0 mis à jour, 0 réactivé, 0 désactivé" in body


def test_history_page_queries_do_not_grow_with_the_history(
    admin_client, organization, run_import, django_assert_max_num_queries
):
    """No query per row: the deferred errors and preview are never loaded by the page."""
    run_import(organization, b"garbage")
    with CaptureQueriesContext(connection) as one_import:
        admin_client.get("/eleves/import/")
    for _ in range(4):
        run_import(organization, b"garbage")
    with django_assert_max_num_queries(len(one_import)):
        body = text(admin_client.get("/eleves/import/"))
    assert body.count("1 erreur") == 5


def test_a_failed_check_asks_to_import_again_not_to_correct_siecle(
    admin_client, organization, django_capture_on_commit_callbacks
):
    import_ = services.import_upload(
        organization=organization,
        user=None,
        uploaded_file=ContentFile(siecle_xml(organization.uai, [pupil("1111111111A")]), "e.xml"),
        enqueue=False,
    )
    path = Path(default_storage.path(import_.upload_path))
    path.unlink()
    path.mkdir()  # a real failure while reading the file
    with django_capture_on_commit_callbacks(execute=True):
        services.import_validate(import_id=import_.pk)
    state = admin_client.get(f"/eleves/import/{import_.pk}/etat.json").json()
    assert state["status"] == "VALIDATION_ERROR"
    assert state["error_counts"] == {"VALIDATION_FAILED": 1}
    panel = html.unescape(state["html"])
    assert "La vérification du fichier a échoué, relancez l'import." in panel
    assert "L'import n'a pas abouti : votre liste d'élèves n'a pas changé." in panel
    assert "SIECLE" not in panel
    assert "Le fichier contient" not in panel
