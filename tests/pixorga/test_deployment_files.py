import json
import re
import runpy
import shutil
import subprocess
import sys

import pytest

from tests.pixorga.fresh_process import PRODUCTION, ROOT, clean_environment


def test_access_log_records_paths_without_query_strings():
    config = runpy.run_path(str(ROOT / "pixorga" / "gunicorn.conf.py"))
    log_format = config["access_log_format"]
    assert "%(U)s" in log_format
    # %(r)s is the whole request line and %(q)s the query string: both carry secrets.
    assert "%(r)s" not in log_format
    assert "%(q)s" not in log_format


# --- Dockerfile and docker-compose.yml -------------------------------------------------

PRODUCTION_VARIABLES = tuple(name for name in PRODUCTION if name != "DEBUG")


def dockerfile_run_commands() -> list[str]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    # One instruction per logical line: join the backslash continuations, drop comments.
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    logical = re.sub(r"\\\n", " ", "\n".join(lines)).splitlines()
    return [line.strip()[len("RUN ") :] for line in logical if line.strip().startswith("RUN ")]


def test_the_dockerfile_build_collects_static_files_exactly_as_written(tmp_path):
    [command] = [run for run in dockerfile_run_commands() if "collectstatic" in run]
    assert "DEBUG=false" in command  # built as it will run: manifest storage, compression
    static_root = tmp_path / "static"
    result = subprocess.run(
        ["sh", "-c", command],
        cwd=ROOT,
        env=clean_environment(STATIC_ROOT=str(static_root)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text(encoding="utf-8"))
    for path in (
        "dsfr/dist/dsfr/dsfr.min.css",
        "dsfr/dist/dsfr/dsfr.module.min.js",
        "css/pixorga.css",
        "js/import_panel.js",
        "admin/css/base.css",
    ):
        assert path in manifest["paths"]
        assert (static_root / manifest["paths"][path]).is_file()


def test_the_dockerfile_placeholders_are_not_kept_in_the_image():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    # ENV or ARG would bake them into the image's configuration; the compose file and the
    # platform provide the real values.
    assert not re.search(r"^\s*(ENV|ARG)\b", text, flags=re.MULTILINE)


def test_compose_passes_every_variable_production_requires():
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    environment = text.split("x-app: &app", 1)[1].split("\n  volumes:", 1)[0]
    assert 'DEBUG: "false"' in environment
    for name in PRODUCTION_VARIABLES:
        assert re.search(rf"^    {name}: \S", environment, flags=re.MULTILINE), name
    for service in ("web", "worker", "scheduler"):
        assert re.search(rf"^  {service}:\n    <<: \*app$", text, flags=re.MULTILINE), service


def docker_compose_config(**variables: str) -> subprocess.CompletedProcess:
    if shutil.which("docker-compose") is None:
        pytest.skip("docker-compose is not installed")
    return subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config"],
        cwd=ROOT,
        env=clean_environment(**variables),
        capture_output=True,
        text=True,
        timeout=60,
    )


def compose_environments(config: str) -> dict[str, dict[str, str]]:
    """Each service's environment in `docker-compose config`'s normalised output."""
    services: dict[str, dict[str, str]] = {}
    service = block = None
    for line in config.splitlines():
        if match := re.fullmatch(r"  (\w+):", line):
            service, block = match.group(1), None
        elif match := re.fullmatch(r"    (\w+):.*", line):
            block = match.group(1)
        elif block == "environment" and (match := re.fullmatch(r"      (\w+): (.*)", line)):
            value = match.group(2)
            if value[:1] in {"'", '"'}:
                value = value[1:-1]
            services.setdefault(service, {})[match.group(1)] = value
    return services


def test_the_compose_stack_starts_the_application_in_production_mode():
    result = docker_compose_config(SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    environments = compose_environments(result.stdout)
    for service in ("web", "worker", "scheduler"):
        environment = environments[service]
        assert environment["DEBUG"] == "false"
        # The settings, in a fresh process, with exactly what compose gives the container.
        started = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            cwd=ROOT,
            env=clean_environment(DJANGO_SETTINGS_MODULE="pixorga.settings", **environment),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert started.returncode == 0, f"{service}: {started.stderr}"


def test_compose_refuses_to_run_without_a_secret_key():
    result = docker_compose_config()
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
