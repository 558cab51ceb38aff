"""A Redis server of the test's own (`tests.own_redis`), as the cache,
that a test stops to show what the students' pages do while the cache is down."""

from __future__ import annotations

import pytest

from tests.own_redis import RedisServer, redis_server_available


@pytest.fixture
def cache_on_own_redis(settings):
    """The default cache on a Redis of our own, running; `.stop()` takes it down."""
    if not redis_server_available():
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    server.start()
    shared = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield server
    server.stop()
    # Back to the shared cache before the other fixtures' teardowns clear it.
    settings.CACHES = shared
