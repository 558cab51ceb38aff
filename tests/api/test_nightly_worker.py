"""The nightly script through a real Celery worker (in-thread, on Redis): upload the
SIECLE zip with a token, poll until checked, confirm, poll until imported, read the list.
The requests only store and queue: the worker's thread validates and applies."""

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from students.models import Import, Learner
from students.siecle_generator import write_siecle_zip

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def poll(client, url: str, statuses: set[str], timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    state = {}
    while time.monotonic() < deadline:
        state = client.get(url).json()
        if state["status"] in statuses:
            return state
        time.sleep(0.1)
    raise AssertionError(f"still {state.get('status')} after {timeout} s")


def test_upload_poll_confirm_through_a_real_worker(
    celery_worker_thread, organization, admin_client, tmp_path
):
    path = tmp_path / "ExportXML_ElevesSansAdresses.zip"
    with path.open("wb") as output:
        expected = write_siecle_zip(output, students=300, uai=organization.uai, seed=7)
    base = f"/api/v1/organizations/{organization.pk}/"

    created = admin_client.post(
        base + "imports/",
        {"file": SimpleUploadedFile(path.name, path.read_bytes())},
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    url = base + f"imports/{created.json()['id']}/"

    state = poll(admin_client, url, {"VALIDATED", "VALIDATION_ERROR", "UPLOAD_ERROR"})
    assert state["status"] == "VALIDATED", state["errors"]
    assert state["preview"]["created"] == expected.learners
    assert not Learner.objects.exists()

    confirmed = admin_client.post(url + "confirm/", {}, format="json")
    assert confirmed.status_code == 202
    state = poll(admin_client, url, {"IMPORTED", "IMPORT_ERROR"})
    assert state["status"] == "IMPORTED", state["errors"]
    assert state["counts"]["created"] == expected.learners

    page = admin_client.get(base + "learners/", {"limit": 500}).json()
    assert len(page["results"]) == expected.learners and page["next"] is None
    # Both steps ran in the worker's thread, not in the requests.
    ran = dict(celery_worker_thread)
    assert {"students.validate_import", "students.apply_import"} <= set(ran)
    assert threading.get_ident() not in {
        ran["students.validate_import"],
        ran["students.apply_import"],
    }
    assert Import.objects.get().status == Import.Status.IMPORTED
