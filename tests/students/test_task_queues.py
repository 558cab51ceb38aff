"""Two queues (issue 10, item 13): applies and e-mails on "interactive", checks on "bulk";
workers take interactive first, so an administrator's confirmation never waits behind
the checks queued in a rentrée burst."""

import re
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

from pixorga.celery import app as celery_app
from tests.students.conftest import worker_thread

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("students.apply_import", "interactive"),
        ("accounts.send_email", "interactive"),
        ("students.imports_maintenance", "interactive"),
        ("students.validate_import", "bulk"),
        ("students.imports_expire_details", "bulk"),
        ("invitations.record_delivery", "interactive"),
        ("invitations.record_delivery_failure", "interactive"),
        ("invitations.maintenance", "interactive"),
        ("any.task.not.routed", "bulk"),
    ],
)
def test_each_task_goes_to_its_queue(task, queue):
    assert celery_app.amqp.router.route({}, task)["queue"].name == queue


def test_every_task_of_the_project_has_its_queue_chosen_on_purpose():
    """A new task must say which queue it belongs to (a person waiting, or bulk work):
    falling to the default queue by omission would put an e-mail behind the checks."""
    import fnmatch

    celery_app.loader.import_default_modules()
    ours = sorted(
        name
        for name in celery_app.tasks
        if name.split(".")[0]
        in {"accounts", "organizations", "invitations", "students", "campaigns"}
    )
    assert "students.validate_import" in ours and "invitations.maintenance" in ours
    routes = settings.CELERY_TASK_ROUTES
    unrouted = [name for name in ours if not any(fnmatch.fnmatch(name, key) for key in routes)]
    assert unrouted == []


def test_a_worker_started_without_q_consumes_interactive_first():
    assert list(celery_app.amqp.queues) == ["interactive", "bulk"]
    # kombu's default ("round_robin") would alternate between the queues.
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["queue_order_strategy"] == "priority"


def test_make_worker_and_compose_run_both_queues_interactive_first():
    makefile = (ROOT / "Makefile").read_text()
    assert "QUEUES ?= interactive,bulk" in makefile
    assert re.search(
        r"^worker: .*\n\t\$\(BIN\)/celery -A pixorga worker .*-Q \$\(QUEUES\)", makefile, re.M
    )
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "celery -A pixorga worker --loglevel=info --concurrency=2 -Q interactive,bulk" in compose


# --- Through Redis and a real worker ------------------------------------------------------


@pytest.fixture
def broker():
    """The test Redis, emptied of tasks before and after; skipped without Redis."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs REDIS_URL: the queues are Redis lists")
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    celery_app.control.purge()
    yield client
    celery_app.control.purge()


@pytest.mark.celery_worker
def test_a_task_reaches_its_own_queue_only(broker):
    from accounts.tasks import send_email
    from students import tasks

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        tasks.apply_import.delay(0)
        send_email.delay(["a@example.org"], "subject", "body")
        tasks.validate_import.delay(0)
    finally:
        celery_app.conf.task_always_eager = previous
    assert (broker.llen("interactive"), broker.llen("bulk")) == (2, 1)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_an_apply_is_taken_before_the_checks_queued_ahead_of_it(broker):
    """Three checks wait, then two applies are sent: the worker runs both applies first
    (with kombu's round robin it would run apply, check, apply). Import ids that do not
    exist: each task returns at once, what is measured is the order."""
    from students import tasks

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        for import_id in (901, 902, 903):
            tasks.validate_import.delay(import_id)
        for import_id in (904, 905):
            tasks.apply_import.delay(import_id)
    finally:
        celery_app.conf.task_always_eager = previous
    assert (broker.llen("bulk"), broker.llen("interactive")) == (3, 2)
    with worker_thread() as ran:
        deadline = time.monotonic() + 30
        while len(ran) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert [name for name, _ in ran] == [
        "students.apply_import",
        "students.apply_import",
        "students.validate_import",
        "students.validate_import",
        "students.validate_import",
    ]
