"""A validation whose worker died is taken over; a superseded run stops; a file that
kills its worker three times ends VALIDATION_FAILED; and a real worker's pool child
killed with SIGKILL mid-check ends VALIDATED about a minute later.

A run "dies" here by raising a BaseException from the reader's progress callback: it
escapes the validation's error handling, as a killed process would, and leaves the
import VALIDATING with its claim. The last test kills a real process.
"""

import os
import signal
import time
from datetime import timedelta

import pytest
from celery.signals import task_prerun
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from students import services, tasks
from students.models import Import
from students.services import validation
from students.siecle_generator import write_siecle_zip
from tests.students.brokers import database_url, pool_children, prefork_worker
from tests.students.conftest import stored_files
from tests.students.xml_helpers import pupil, siecle_xml

Status = Import.Status


class WorkerKilled(BaseException):
    """What a killed process does to the code it was running: nothing runs after."""


def die(done, total):
    raise WorkerKilled


def upload(organization, content: bytes | None = None) -> Import:
    content = content or siecle_xml(organization.uai, [pupil("1111111111A")])
    return services.import_upload(
        organization=organization,
        user=None,
        uploaded_file=ContentFile(content, name="ElevesSansAdresses.xml"),
        enqueue=False,
    )


def killed_run(import_id: int) -> None:
    with pytest.raises(WorkerKilled):
        services.import_validate(import_id=import_id, progress=die)


def silent(import_: Import, seconds: float) -> None:
    """Its last sign of life (claim or progress) was this long ago."""
    Import.objects.filter(pk=import_.pk).update(
        updated_at=timezone.now() - timedelta(seconds=seconds)
    )


def row(import_: Import) -> Import:
    return Import.objects.get(pk=import_.pk)


# --- The claim -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_killed_validation_is_taken_over_once_silent_for_a_minute(organization, caplog):
    import_ = upload(organization)
    killed_run(import_.pk)
    first = row(import_)
    assert (first.status, first.takeovers) == (Status.VALIDATING, 0)
    assert len(first.run_token) == 32

    # Redelivered at once: the dead run's claim still looks live.
    with pytest.raises(services.ValidationRunning) as running:
        services.import_validate(import_id=import_.pk)
    assert running.value.run_token == first.run_token
    assert 60 <= running.value.retry_in <= 66
    silent(import_, 59)
    with pytest.raises(services.ValidationRunning):
        services.import_validate(import_id=import_.pk)

    silent(import_, 61)
    validated = services.import_validate(import_id=import_.pk)
    assert validated.status == Status.VALIDATED
    assert validated.takeovers == 1
    assert validated.run_token not in ("", first.run_token)
    assert validated.preview["created"] == 1
    assert "taken over" in caplog.text


@pytest.mark.django_db
def test_a_live_claim_asks_to_look_again_when_it_would_be_stale(organization):
    import_ = upload(organization)
    killed_run(import_.pk)
    silent(import_, 45)
    with pytest.raises(services.ValidationRunning) as running:
        services.import_validate(import_id=import_.pk)
    assert 15 <= running.value.retry_in <= 21
    assert row(import_).takeovers == 0


@pytest.mark.django_db
def test_a_superseded_run_stops_at_its_next_write_and_leaves_nothing(organization, media_root):
    """Run A stalls for over a minute (not dead); run B takes over meanwhile. A's next
    progress report fails on the token: A stops; its outcome is never written."""
    import_ = upload(organization)
    taken_over = []

    def stall_then_find_itself_taken_over(done, total):
        if not taken_over:
            silent(import_, 61)
            taken_over.append(validation._claim(import_.pk))

    superseded = services.import_validate(
        import_id=import_.pk, progress=stall_then_find_itself_taken_over
    )
    assert taken_over[0]
    assert superseded.status == Status.VALIDATING  # B's, still running
    assert (superseded.run_token, superseded.takeovers) == (taken_over[0], 1)
    assert superseded.progress == 0
    assert (superseded.rows_path, superseded.validated_at) == ("", None)
    assert stored_files(media_root) == [import_.upload_path]  # no rows file left by A

    # A report or an outcome for A's token no longer lands.
    reporter = validation._ProgressReporter(import_.pk, "a" * 32, 0, 90)
    with pytest.raises(validation._Stopped):
        reporter.set(50)
    assert row(import_).progress == 0


@pytest.mark.django_db
def test_after_two_takeovers_the_next_silence_ends_validation_failed(
    organization, media_root, django_capture_on_commit_callbacks, caplog
):
    import_ = upload(organization)
    killed_run(import_.pk)
    for takeovers in (1, 2):
        silent(import_, 61)
        killed_run(import_.pk)  # taken over, and killed again
        assert row(import_).takeovers == takeovers

    silent(import_, 61)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.import_validate(import_id=import_.pk) is None
    failed = row(import_)
    assert failed.status == Status.VALIDATION_ERROR
    assert failed.errors == [{"code": "VALIDATION_FAILED", "meta": {"takeovers": 2}}]
    assert services.error_message("VALIDATION_FAILED") == (
        "La vérification du fichier a échoué, relancez l'import."
    )
    assert stored_files(media_root) == []
    assert "given up" in caplog.text
    # A task still on its way finds nothing to do.
    assert services.import_validate(import_id=import_.pk) is None


@pytest.mark.django_db
def test_a_cancelled_or_finished_validation_is_never_taken_over(organization):
    import_ = upload(organization)
    killed_run(import_.pk)
    services.import_cancel(import_=row(import_), user=None)
    silent(import_, 600)
    assert services.import_validate(import_id=import_.pk) is None
    assert (row(import_).status, row(import_).takeovers) == (Status.CANCELLED, 0)


# --- The task and maintenance ------------------------------------------------------------


@pytest.mark.django_db
def test_the_task_finding_a_live_claim_requeues_itself_once_for_that_claim(organization):
    """Eager Celery runs the re-queued task at once (no delay): it finds the same claim
    still live, so that run is alive, and it ends there instead of looping."""
    import_ = upload(organization)
    killed_run(import_.pk)
    token = row(import_).run_token
    runs = []

    def record(task=None, kwargs=None, **extra):
        if task.name == tasks.validate_import.name:
            runs.append(kwargs.get("waited_for", ""))

    task_prerun.connect(record, weak=False)
    try:
        tasks.validate_import.delay(import_.pk)
    finally:
        task_prerun.disconnect(record)
    assert runs == ["", token]
    assert (row(import_).status, row(import_).run_token) == (Status.VALIDATING, token)


@pytest.mark.django_db
def test_maintenance_sends_a_silent_validation_again_and_that_run_takes_it_over(
    organization, django_capture_on_commit_callbacks
):
    import_ = upload(organization)
    killed_run(import_.pk)
    silent(import_, 50)
    assert services.imports_resend_queued() == 0  # still live
    silent(import_, 61)
    Import.objects.filter(pk=import_.pk).update(task_sent_at=timezone.now() - timedelta(seconds=30))
    assert services.imports_resend_queued() == 0  # sent 30 s ago: on its way
    Import.objects.filter(pk=import_.pk).update(task_sent_at=timezone.now() - timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=True):  # eager: the task runs
        assert services.imports_resend_queued() == 1
    validated = row(import_)
    assert (validated.status, validated.takeovers) == (Status.VALIDATED, 1)


# --- A real worker killed -------------------------------------------------------------


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_validation_whose_pool_child_is_killed_ends_validated_within_two_minutes(
    own_broker, organization, media_root, tmp_path
):
    """A `celery worker` subprocess (prefork, one child) on a Redis of the test's own;
    its child is killed with SIGKILL while it reads a 20,000-student file. The broker
    hands the task out again at once; it finds the dead run's claim live, re-queues
    itself, and takes the validation over once the claim is a minute old."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker subprocess needs the test's PostgreSQL database")
    path = tmp_path / "ExportXML_ElevesSansAdresses.zip"
    with path.open("wb") as output:
        expected = write_siecle_zip(output, students=20000, uai=organization.uai, seed=5)
    log = tmp_path / "worker.log"
    with prefork_worker(
        broker_url=own_broker.url,
        db_url=database_url(connection.settings_dict),
        media_root=media_root,
        log=log,
    ) as worker:
        deadline = time.monotonic() + 60
        while not pool_children(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pool_children(worker), log.read_text()
        import_ = services.import_upload(
            organization=organization,
            user=None,
            uploaded_file=ContentFile(path.read_bytes(), name=path.name),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            reading = row(import_)
            if reading.status != Status.UPLOADED and reading.progress > 0:
                break
            time.sleep(0.02)
        assert (reading.status, reading.takeovers) == (Status.VALIDATING, 0), log.read_text()
        # The child running the check, read now: a loaded machine may have replaced the
        # one seen at start-up before the task arrived.
        (child,) = pool_children(worker)
        os.kill(child, signal.SIGKILL)
        killed_at = time.monotonic()
        assert row(import_).status == Status.VALIDATING  # killed mid-check

        while time.monotonic() - killed_at < 150:
            done = row(import_)
            if done.status != Status.VALIDATING:
                break
            time.sleep(0.5)
        elapsed = time.monotonic() - killed_at
        children = pool_children(worker)
    assert done.status == Status.VALIDATED, (done.errors, log.read_text()[-3000:])
    assert done.takeovers == 1
    assert done.preview["created"] == expected.learners
    assert default_storage.exists(done.rows_path)
    assert 60 <= elapsed <= 120, elapsed
    assert child not in children  # the pool replaced the killed child
    # The path taken: the broker handed the task out again, and that run took over.
    worker_log = log.read_text()
    assert "WorkerLostError" in worker_log
    assert f"Validation of import {import_.pk} silent for" in worker_log
    print(f"killed child {child}: validated {elapsed:.0f} s later")
