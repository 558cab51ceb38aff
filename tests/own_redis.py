"""A Redis server of a test's own, which the test may stop and start again to show what
the application does while its cache or broker is down — never the shared one (6379),
whose outage would reach every other test.

Its port is the first free one of TEST_OWN_REDIS_PORTS (default 6391-6402; set another
range when several people test on one machine). Without persistence: stopped, it forgets
its keys and queues, as a server that crashed would."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import redis

_first, _, _last = os.environ.get("TEST_OWN_REDIS_PORTS", "6391-6402").partition("-")
PORTS = range(int(_first), int(_last or _first) + 1)


def redis_server_available() -> bool:
    return shutil.which("redis-server") is not None


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            # As redis-server binds: a port a stopped server left in TIME_WAIT is free
            # (without this, each stop would hold its port for a minute), one a live
            # server listens on is not (Linux refuses that bind even so).
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1} for a test Redis")


class RedisServer:
    """`redis-server` on a free port of PORTS; `url` names its database 0."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = self.client(socket_connect_timeout=0.2, socket_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def url_for(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, **options) -> redis.Redis:
        return redis.Redis(port=self.port, **options)

    def stored_keys(self) -> list[bytes]:
        return self.client().keys("*")
