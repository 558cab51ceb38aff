"""Fixtures of the accounts tests: a Redis of our own that a test may stop, and a clock
for the sign-in limits."""

import shutil
import socket
import subprocess
import time

import pytest
import redis

from pixorga.celery import app as celery_app

# Ports reserved for tests that stop their Redis (never the shared one, on 6379).
OWN_REDIS_PORTS = range(6391, 6395)


def _free_port() -> int:
    for port in OWN_REDIS_PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"every port of {OWN_REDIS_PORTS} is in use")


class OwnRedis:
    """A redis-server process of the test's own, on a port of OWN_REDIS_PORTS."""

    def __init__(self, directory) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def stored_keys(self) -> list[bytes]:
        return redis.Redis(port=self.port).keys("*")


@pytest.fixture
def own_redis(settings, tmp_path):
    """The cache and the broker on a Redis of our own, running; `own_redis.stop()` takes
    both down as a real outage would (one Redis serves both in production)."""
    server = OwnRedis(tmp_path)
    server.start()
    shared_caches = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"{server.url}/0",
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
        broker_url=f"{server.url}/1",
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
