"""The broker down when a person uploads or confirms: no error page, nothing lost, the
panel says what happens next, and once the broker is back maintenance sends the task
again and a real worker finishes the import.

The broker is a Redis server of the test's own, really stopped (not a mock); the worker
runs in-thread on it once it is started again.
"""

import html
import logging
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from students import services, tasks
from students.models import Import, Learner
from tests.students.conftest import stored_files, worker_thread
from tests.students.xml_helpers import pupil, siecle_xml

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

Status = Import.Status
QUEUED_CHECK = (
    "Votre fichier est bien reçu. Sa vérification démarrera d'elle-même dès qu'un serveur "
    "de traitement sera disponible : inutile de l'envoyer à nouveau."
)
QUEUED_APPLY = "Import confirmé et en file d'attente"


def text(response) -> str:
    return html.unescape(response.content.decode())


def a_file(uai: str) -> bytes:
    return siecle_xml(uai, [pupil("1111111111A"), pupil("2222222222B", "BRAVO", "Ben")])


def wait_for(import_id: int, statuses: set[str], timeout: float = 30) -> Import:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        import_ = Import.objects.get(pk=import_id)
        if import_.status in statuses:
            return import_
        time.sleep(0.1)
    raise AssertionError(f"import still {import_.status} after {timeout} s")


def test_upload_with_the_broker_down_keeps_the_file_and_is_checked_once_it_is_back(
    own_broker, client, admin_user, organization, media_root, caplog
):
    own_broker.stop()
    client.force_login(admin_user)

    with caplog.at_level(logging.WARNING, logger="students.services.states"):
        response = client.post(
            "/eleves/import/",
            {"file": SimpleUploadedFile("ElevesSansAdresses.xml", a_file(organization.uai))},
        )

    # The upload went through: the row and the file are kept, the task is marked unsent.
    assert response.status_code == 302
    import_ = Import.objects.get()
    assert response["Location"] == f"/eleves/import/{import_.pk}/"
    assert (import_.status, import_.task_sent_at, import_.errors) == (Status.UPLOADED, None, [])
    assert stored_files(media_root) == [import_.upload_path]
    assert "not queued, the broker is unreachable" in caplog.text

    page = text(client.get(response["Location"]))
    assert QUEUED_CHECK in page
    assert "Vous pouvez quitter cette page" in page
    state = client.get(f"/eleves/import/{import_.pk}/etat.json").json()
    assert (state["status"], state["running"], state["waiting"]) == ("UPLOADED", True, True)
    assert QUEUED_CHECK in html.unescape(state["html"])
    pending = text(client.get("/eleves/import/"))
    assert "Un import est en cours" in pending
    assert QUEUED_CHECK in pending

    # Maintenance with the broker still down: the send fails again, nothing breaks.
    assert services.imports_resend_queued() == 1
    import_.refresh_from_db()
    assert (import_.status, import_.task_sent_at) == (Status.UPLOADED, None)

    own_broker.start()
    with worker_thread() as ran:
        tasks.imports_maintenance.delay()
        import_ = wait_for(import_.pk, {Status.VALIDATED, Status.VALIDATION_ERROR})
    assert import_.status == Status.VALIDATED, import_.errors
    assert import_.preview["created"] == 2
    assert [name for name, _ in ran] == ["students.imports_maintenance", "students.validate_import"]
    assert "Confirmer l'import" in text(client.get(f"/eleves/import/{import_.pk}/"))


def test_confirm_with_the_broker_down_says_confirmed_and_queued_and_applies_once_it_is_back(
    own_broker, client, admin_user, organization, media_root, caplog
):
    import_ = services.import_upload(
        organization=organization,
        user=admin_user,
        uploaded_file=ContentFile(a_file(organization.uai), name="ElevesSansAdresses.xml"),
        enqueue=False,
    )
    import_ = services.import_validate(import_id=import_.pk)
    assert import_.status == Status.VALIDATED
    own_broker.stop()
    client.force_login(admin_user)

    with caplog.at_level(logging.WARNING, logger="students.services.states"):
        response = client.post(f"/eleves/import/{import_.pk}/confirmer/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/eleves/import/{import_.pk}/#import-panel"
    page = text(response)
    assert QUEUED_APPLY in page
    assert "votre liste reste telle quelle d'ici là" in page
    assert "not queued, the broker is unreachable" in caplog.text
    import_.refresh_from_db()
    assert (import_.status, import_.apply_started_at, import_.task_sent_at) == (
        Status.IMPORTING,
        None,
        None,
    )
    assert import_.confirmed_by == admin_user
    # Nothing lost: both files still there for the apply.
    assert default_storage.exists(import_.upload_path)
    assert default_storage.exists(import_.rows_path)
    state = client.get(f"/eleves/import/{import_.pk}/etat.json").json()
    assert (state["status"], state["waiting"]) == ("IMPORTING", True)
    assert QUEUED_APPLY in html.unescape(state["html"])
    assert not Learner.objects.exists()

    own_broker.start()
    with worker_thread() as ran:
        tasks.imports_maintenance.delay()
        import_ = wait_for(import_.pk, {Status.IMPORTED, Status.IMPORT_ERROR})
    assert import_.status == Status.IMPORTED, import_.errors
    assert [name for name, _ in ran] == ["students.imports_maintenance", "students.apply_import"]
    assert Learner.objects.filter(organization=organization, disabled=False).count() == 2
    assert stored_files(media_root) == []
