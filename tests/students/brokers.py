"""Real brokers and workers for the resilience tests: a Redis server of the test's own
(`tests.own_redis`, so that it can be stopped without touching the shared one), the
Celery app pointed at it, and a worker in a subprocess whose pool child a test can kill."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Every variable the settings read: none of the host's may reach a subprocess.
CONFIG_VARIABLES = frozenset(
    re.findall(
        r'env(?:_bool|_int|_list)?\(\s*"([A-Z0-9_]+)"',
        (ROOT / "pixorga" / "settings.py").read_text(encoding="utf-8"),
    )
)


def use_broker(app, url: str) -> None:
    """Point the Celery app at another broker. The app caches its connection and
    producer pools (Celery resets them the same way after a fork)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def database_url(settings_dict: dict) -> str:
    """The URL of the database this test runs on (the test database), for a subprocess."""
    return "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(
        **{key: settings_dict[key] or "" for key in ("USER", "PASSWORD", "HOST", "PORT", "NAME")}
    )


def pool_children(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(child) for child in children.split()]


@contextlib.contextmanager
def prefork_worker(*, broker_url: str, db_url: str, media_root: Path, log: Path) -> Iterator[int]:
    """A real `celery worker` (prefork pool, one child) in its own process group, on
    the test's broker and database; yields its main process id. Stopped at the end."""
    env = {key: value for key, value in os.environ.items() if key not in CONFIG_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="pixorga.settings",
        DATABASE_URL=db_url,
        REDIS_URL=broker_url,
        MEDIA_ROOT=str(media_root),
    )
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "pixorga",
        "worker",
        "--pool=prefork",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
        "--hostname=takeover@%h",
    ]
    with log.open("wb") as output:
        worker = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield worker.pid
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait(10)
