"""The settings module read in fresh processes, with chosen environments."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "email": settings.EMAIL_BACKEND,
    "debug": settings.DEBUG,
    "language": settings.LANGUAGE_CODE,
    "visibility_timeout": settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"],
    "longest_task": settings.CELERY_LONGEST_TASK_SECONDS,
    "serializer": settings.CELERY_TASK_SERIALIZER,
    "accept": settings.CELERY_ACCEPT_CONTENT,
}))
"""

# Every variable pixorga/settings.py reads, so that the host's environment never leaks in.
CONFIG_VARIABLES = frozenset(
    re.findall(
        r'env(?:_bool|_int|_list)?\(\s*"([A-Z0-9_]+)"',
        (ROOT / "pixorga" / "settings.py").read_text(encoding="utf-8"),
    )
)


def run_python(code: str, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="pixorga.settings", **variables)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_the_environment_filter_knows_the_settings_variables():
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "SITE_URL", "SECURE_SSL_REDIRECT"} <= (
        CONFIG_VARIABLES
    )


def read_settings(**variables: str) -> dict:
    result = run_python(PRINT_SETTINGS, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_zero_configuration_default_is_sqlite_in_process_tasks_memory_cache_console_mail():
    values = read_settings()
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["eager"] is True
    assert values["broker"] == "memory://"
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["language"] == "fr"


def test_configured_services_are_postgresql_redis_and_a_real_worker():
    values = read_settings(
        DATABASE_URL="postgres://u:p@db.example:5432/pixorga", REDIS_URL="redis://cache:6379/0"
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["eager"] is False
    assert values["broker"] == "redis://cache:6379/0"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_celery_speaks_json_and_redis_waits_longer_than_the_longest_task():
    values = read_settings(REDIS_URL="redis://cache:6379/0")
    assert values["serializer"] == "json"
    assert values["accept"] == ["json"]
    assert values["visibility_timeout"] > values["longest_task"]


def test_production_refuses_to_start_without_secret_key():
    result = run_python(PRINT_SETTINGS, DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_malformed_boolean_is_refused_with_its_name():
    result = run_python(PRINT_SETTINGS, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_deploy_check_is_clean_with_production_variables():
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    env.update(
        DEBUG="false",
        SECRET_KEY="x" * 30 + "-a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="orga.pix.example",
        SITE_URL="https://orga.pix.example",
        TRUSTED_PROXY_COUNT="1",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
