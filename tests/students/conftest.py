"""Fixtures of the import's tests: isolated media, running an import, table snapshots."""

import contextlib
import threading

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.core.files.base import ContentFile

from pixorga.celery import app as celery_app
from students import services
from students.models import Import, Learner
from students.services import apply as apply_module
from tests.own_redis import RedisServer, redis_server_available
from tests.students.brokers import use_broker


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores its uploads in its own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media_root) -> list[str]:
    return sorted(
        str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()
    )


@pytest.fixture
def run_import(db, django_capture_on_commit_callbacks):
    """Run an import synchronously, as the worker would: upload, validate, confirm, apply.

    On-commit callbacks (file deletions) run as they would after a real commit. The
    confirmation ticks the mass deactivation box, as an administrator who read the warning
    does (the small files of these tests often disable more than a fifth of a tiny list);
    the tests of that refusal confirm by themselves (`confirm=False`), or pass
    `acknowledge_mass_deactivation=False`.
    """

    def run(
        organization,
        content: bytes,
        *,
        name="ElevesSansAdresses.xml",
        user=None,
        confirm=True,
        acknowledge_mass_deactivation=True,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            import_ = services.import_upload(
                organization=organization,
                user=user,
                uploaded_file=ContentFile(content, name=name),
                enqueue=False,
            )
        with django_capture_on_commit_callbacks(execute=True):
            import_ = services.import_validate(import_id=import_.pk) or import_
        if confirm and import_.status == Import.Status.VALIDATED:
            with django_capture_on_commit_callbacks(execute=True):
                import_ = services.import_confirm(
                    import_=import_,
                    user=user,
                    acknowledge_mass_deactivation=acknowledge_mass_deactivation,
                    enqueue=False,
                )
            with django_capture_on_commit_callbacks(execute=True):
                services.import_apply(import_id=import_.pk)
        import_.refresh_from_db()
        return import_

    return run


def learners_snapshot(organization=None) -> list[tuple]:
    """Every column of every learner (of one organisation, or all), in a stable order."""
    learners = Learner.objects.all()
    if organization is not None:
        learners = learners.filter(organization=organization)
    return list(learners.order_by("organization_id", "ine").values_list())


@pytest.fixture(params=["postgresql", "portable"])
def write_path(request, monkeypatch):
    """Run a test through both ways of writing learners: COPY + SQL, and the ORM batches
    SQLite uses (here on the same PostgreSQL database)."""
    if request.param == "portable":
        monkeypatch.setattr(apply_module, "_use_copy", lambda: False)
    return request.param


@contextlib.contextmanager
def worker_thread():
    """A real Celery worker in a thread of this process, consuming from the app's broker
    as it is configured now; yields the (task name, thread id) of every task it ran."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    ran = []

    def record(task=None, **kwargs):
        ran.append((task.name, threading.get_ident()))

    task_postrun.connect(record, weak=False)
    try:
        with start_worker(
            celery_app,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=10,
            loglevel="WARNING",
            # Both queues, interactive first, as `make worker` runs them.
            queues=[settings.INTERACTIVE_QUEUE, settings.BULK_QUEUE],
        ):
            yield ran
    finally:
        task_postrun.disconnect(record)
        celery_app.conf.task_always_eager = previous


@pytest.fixture
def celery_worker_thread():
    """A real Celery worker in a thread of this process, consuming from Redis; yields the
    (task name, thread id) of every task it ran. For tests marked `celery_worker`, with
    `transactional_db` (the worker's connection must see committed rows)."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs REDIS_URL: the worker consumes from Redis")
    celery_app.control.purge()  # tasks left over by an interrupted run
    with worker_thread() as ran:
        yield ran


@pytest.fixture
def own_broker():
    """A Redis server of this test's own (`tests.own_redis`), started, with the Celery app
    sending to it; the test may stop and start it again. For tests marked
    `celery_worker` (no eager tasks)."""
    if not redis_server_available():
        pytest.skip("needs redis-server to start a broker of the test's own")
    server = RedisServer()
    server.start()
    previous = celery_app.conf.broker_url
    use_broker(celery_app, server.url)
    try:
        yield server
    finally:
        use_broker(celery_app, previous)
        server.stop()
