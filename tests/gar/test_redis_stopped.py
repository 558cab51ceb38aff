"""Redis down: the GAR's sign-in still starts (its per-IP limit fails open, as sign-in's
does) and the answer is still checked (the database holds requests and assertions).
A Redis of the test's own (TEST_OWN_REDIS_PORTS, else 6441-6444), never the shared one."""

from __future__ import annotations

import os
import shutil
import socket

import pytest

from tests.campaigns.own_redis import OwnRedis
from tests.gar.helpers import start_login
from tests.gar.idp import student_attributes

pytestmark = pytest.mark.django_db

_first, _, _last = os.environ.get("TEST_OWN_REDIS_PORTS", "6441-6444").partition("-")
PORTS = range(int(_first), int(_last or _first) + 1)


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"every port of {PORTS.start}-{PORTS.stop - 1} is in use")


@pytest.fixture
def stopped_cache(settings, tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis(tmp_path)
    server.port = _free_port()
    server.url = f"redis://127.0.0.1:{server.port}/0"
    server.start()
    shared = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    server.stop()
    yield server
    settings.CACHES = shared


def test_the_gar_sign_in_starts_and_is_checked_while_redis_is_stopped(
    client, gar_idp, stopped_cache
):
    from accounts.gar.service import gar_response_accept

    login = start_login(client)
    answer = gar_idp.response_for(login, student_attributes())
    assert gar_response_accept(saml_response=answer).identity.ido
