"""Fixtures of the accounts tests: a Redis of our own that a test may stop, and a clock
for the sign-in limits."""

import time

import pytest

from pixorga.celery import app as celery_app
from tests.own_redis import RedisServer


@pytest.fixture
def own_redis(settings):
    """The cache and the broker on a Redis of our own, running; `own_redis.stop()` takes
    both down as a real outage would (one Redis serves both in production)."""
    server = RedisServer()
    server.start()
    shared_caches = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url_for(0),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    keys = ("task_always_eager", "broker_url", "task_publish_retry", "broker_connection_timeout")
    previous = {key: celery_app.conf[key] for key in keys}

    def forget_connections():
        # The app keeps its connection pools once created: drop them so the URL is read.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    celery_app.conf.update(
        task_always_eager=False,
        broker_url=server.url_for(1),
        task_publish_retry=False,
        broker_connection_timeout=1,
    )
    forget_connections()
    yield server
    server.stop()
    # Back to the shared cache before the other fixtures' teardowns (which clear it).
    settings.CACHES = shared_caches
    celery_app.conf.update(previous)
    forget_connections()


class Clock:
    """allauth's limiter reads time.time(): this one moves only when told to."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def advance(self, *, minutes: float = 0, seconds: float = 0) -> None:
        self.now += minutes * 60 + seconds


@pytest.fixture
def clock(monkeypatch):
    from allauth.core.internal import ratelimit

    fake = Clock()
    monkeypatch.setattr(ratelimit, "time", fake)
    return fake
