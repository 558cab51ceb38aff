"""Environments for the fresh processes that test the settings and the deployment files."""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Every variable pixorga/settings.py reads, so that the host's environment never leaks in.
CONFIG_VARIABLES = frozenset(
    re.findall(
        r'env(?:_bool|_int|_list)?\(\s*"([A-Z0-9_]+)"',
        (ROOT / "pixorga" / "settings.py").read_text(encoding="utf-8"),
    )
)

# What production must set (the placeholders of the Dockerfile's build step would do too).
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 30 + "-a-long-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "orga.pix.example",
    "DATABASE_URL": "postgres://u:p@db.example:5432/pixorga",
    "REDIS_URL": "redis://cache.example:6379/0",
}


def clean_environment(**variables: str) -> dict[str, str]:
    """The test process's environment without any setting, plus `variables`.

    `python` on the PATH is this interpreter (the Dockerfile's commands call `python`).
    """
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(variables)
    return env
