"""The zero-configuration default (SQLite, no broker) imports too, through the ORM path."""

import json
import os
import subprocess
import sys
from pathlib import Path

from students.siecle_generator import write_siecle_zip

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def sqlite_env(tmp_path) -> dict:
    """This process's environment, but the zero-configuration default in `tmp_path`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
    }
    env.update(SQLITE_PATH=str(tmp_path / "db.sqlite3"), MEDIA_ROOT=str(tmp_path / "media"))
    return env


def test_sqlite_migrate_seed_and_import_twice(tmp_path):
    env = sqlite_env(tmp_path)
    assert manage("migrate", "--noinput", "-v", "0", env=env).returncode == 0
    assert manage("seed_demo", env=env).returncode == 0
    results = []
    for seed in (1, 2):
        path = tmp_path / f"export{seed}.zip"
        with path.open("wb") as output:
            write_siecle_zip(output, students=150, uai="0750654D", seed=seed)
        # The second file disables every student of the first: the flag says it is meant.
        flags = ["--acknowledge-mass-deactivation"] if seed == 2 else []
        done = manage("import_siecle", "0750654D", str(path), "--yes", "--json", *flags, env=env)
        assert done.returncode == 0, done.stderr
        results.append(json.loads(done.stdout))
    first, second = results
    assert first["status"] == second["status"] == "IMPORTED"
    assert first["counts"]["created"] > 100
    # The second school year's file: other INEs, so everyone before is disabled.
    assert second["counts"]["disabled"] == first["counts"]["created"]
    assert list((tmp_path / "media").rglob("*.csv")) == []
