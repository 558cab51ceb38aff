"""The settings module read in fresh processes, with chosen environments."""

import json
import subprocess
import sys

import pytest

from tests.pixorga.fresh_process import CONFIG_VARIABLES, PRODUCTION, ROOT, clean_environment

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
    "conn_health_checks": settings.DATABASES["default"].get("CONN_HEALTH_CHECKS"),
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "hsts_preload": settings.SECURE_HSTS_PRELOAD,
    "silenced": getattr(settings, "SILENCED_SYSTEM_CHECKS", []),
}))
"""


PRINT_GAR_ENABLED = (
    "import django; from django.conf import settings; django.setup(); print(settings.GAR_ENABLED)"
)


def run_python(code: str, **variables: str) -> subprocess.CompletedProcess:
    env = clean_environment(DJANGO_SETTINGS_MODULE="pixorga.settings", **variables)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_the_environment_filter_knows_the_settings_variables():
    assert {
        "DATABASE_URL",
        "REDIS_URL",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "SITE_URL",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_PRELOAD",
    } <= CONFIG_VARIABLES


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


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_each_required_variable(missing):
    variables = {name: value for name, value in PRODUCTION.items() if name != missing}
    result = run_python(PRINT_SETTINGS, **variables)
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert f"{missing} must be set when DEBUG is false" in result.stderr
    # Only the missing one is named.
    others = set(PRODUCTION) - {missing, "DEBUG"}
    assert not [name for name in others if f"{name} must be set" in result.stderr]


def test_production_refuses_a_blank_variable_as_missing():
    result = run_python(PRINT_SETTINGS, **{**PRODUCTION, "DATABASE_URL": "  "})
    assert result.returncode != 0
    assert "DATABASE_URL must be set when DEBUG is false" in result.stderr


def test_production_names_every_missing_variable_at_once():
    result = run_python(PRINT_SETTINGS, DEBUG="false")
    assert result.returncode != 0
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
        assert f"{name} must be set when DEBUG is false" in result.stderr


def test_production_with_its_variables_runs_on_postgresql_and_redis():
    values = read_settings(**PRODUCTION)
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["eager"] is False
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["allowed_hosts"] == ["orga.pix.example"]
    # A connection closed by the server meanwhile is replaced, not handed to a request.
    assert values["conn_health_checks"] is True


def test_hsts_preload_is_opt_in():
    values = read_settings(**PRODUCTION)
    assert values["hsts_preload"] is False
    assert values["silenced"] == ["security.W021"]
    values = read_settings(**PRODUCTION, SECURE_HSTS_PRELOAD="true")
    assert values["hsts_preload"] is True
    assert values["silenced"] == []


def test_a_malformed_boolean_is_refused_with_its_name():
    result = run_python(PRINT_SETTINGS, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_the_gar_is_off_by_default_and_half_a_configuration_is_refused():
    assert run_python(PRINT_GAR_ENABLED).stdout.strip() == "False"
    full = {
        "GAR_IDP_METADATA": "/etc/pixorga/gar.xml",
        "GAR_SP_KEY_FILE": "/etc/pixorga/sp.key",
        "GAR_SP_CERT_FILE": "/etc/pixorga/sp.crt",
        "GAR_RESOURCE_URL": "https://gar.example/ressource",
    }
    assert run_python(PRINT_GAR_ENABLED, **full).stdout.strip() == "True"
    half = run_python(PRINT_GAR_ENABLED, GAR_IDP_METADATA="/etc/pixorga/gar.xml")
    assert half.returncode != 0
    assert "missing: GAR_SP_KEY_FILE, GAR_SP_CERT_FILE, GAR_RESOURCE_URL" in half.stderr


def manage_check_deploy(**variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_environment(**variables),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_deploy_check_is_clean_with_production_variables():
    result = manage_check_deploy(
        **PRODUCTION, SITE_URL="https://orga.pix.example", TRUSTED_PROXY_COUNT="1"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_is_clean_with_hsts_preload_chosen():
    result = manage_check_deploy(
        **PRODUCTION, SITE_URL="https://orga.pix.example", SECURE_HSTS_PRELOAD="true"
    )
    assert result.returncode == 0, result.stdout + result.stderr
