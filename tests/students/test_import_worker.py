"""End to end through a real Celery worker (in-thread, on Redis): the page uploads, the
worker validates, the administrator confirms, the worker applies, the list shows them."""

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from students.models import Import, Learner
from students.siecle_generator import write_siecle_zip

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def wait_for(client, import_id: int, statuses: set[str], timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        state = client.get(f"/eleves/import/{import_id}/etat.json").json()
        seen.append((state["status"], state["progress"]))
        if state["status"] in statuses:
            return state
        time.sleep(0.1)
    raise AssertionError(f"still {seen[-1]} after {timeout} s")


def test_import_through_a_real_worker(
    celery_worker_thread, client, organization, admin_user, tmp_path
):
    path = tmp_path / "ExportXML_ElevesSansAdresses.zip"
    with path.open("wb") as output:
        expected = write_siecle_zip(output, students=600, uai=organization.uai, seed=3)
    client.force_login(admin_user)

    response = client.post(
        "/eleves/import/", {"file": SimpleUploadedFile(path.name, path.read_bytes())}
    )
    # The request only stores the file: the worker does the rest (see the thread check
    # at the end; speed is the benchmarks' business).
    assert response.status_code == 302
    import_ = Import.objects.get()

    state = wait_for(client, import_.pk, {"VALIDATED", "VALIDATION_ERROR", "IMPORT_ERROR"})
    assert state["status"] == "VALIDATED", state["html"]
    assert state["preview"]["created"] == expected.learners
    assert not Learner.objects.exists()

    client.post(f"/eleves/import/{import_.pk}/confirmer/")
    state = wait_for(client, import_.pk, {"IMPORTED", "IMPORT_ERROR"})
    assert state["status"] == "IMPORTED", state["html"]
    assert state["counts"]["created"] == expected.learners

    import_.refresh_from_db()
    assert (import_.upload_path, import_.rows_path) == ("", "")
    division = Learner.objects.values_list("division", flat=True).first()
    body = client.get("/eleves/", {"classe": division}).content.decode()
    count = Learner.objects.filter(division=division).count()
    assert f"{count} élèves" in body
    # Both steps ran in the worker's thread, not in the request.
    assert [name for name, _ in celery_worker_thread] == [
        "students.validate_import",
        "students.apply_import",
    ]
    assert all(thread != threading.get_ident() for _, thread in celery_worker_thread)
