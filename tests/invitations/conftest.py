import pytest
from django.test import TestCase

from tests.students.conftest import celery_worker_thread  # noqa: F401 - a real worker


@pytest.fixture
def on_commit():
    """Run on-commit callbacks (the e-mail's publish) as a real commit would."""
    return lambda: TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def broker_down():
    """A real broker address where nothing listens (port 6414, kept for this app's
    tests), without eager mode: publishing fails as with a stopped Redis."""
    from pixorga.celery import app as celery_app

    keys = ("task_always_eager", "broker_url", "task_publish_retry_policy")
    previous = {key: celery_app.conf[key] for key in keys}

    def forget_connections():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    celery_app.conf.update(
        task_always_eager=False,
        broker_url="redis://127.0.0.1:6414/0",
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.1},
    )
    forget_connections()
    yield
    celery_app.conf.update(previous)
    forget_connections()
