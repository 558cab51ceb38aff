"""Pinned behaviour: redirections never leave the site; settings wiring read in a fresh
process (as tests/pixorga/test_settings.py does)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]
EVIL = "https://evil.example/"


@pytest.mark.django_db
def test_sign_in_with_a_next_to_another_site_lands_on_a_local_page(client):
    user = UserFactory()
    response = client.post(
        f"/compte/login/?next={EVIL}", {"login": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert "evil.example" not in response["Location"]


@pytest.mark.django_db
def test_language_switch_with_a_next_to_another_site_lands_on_a_local_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": EVIL})
    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert "evil.example" not in response["Location"]


def read_settings(names: list[str], **variables: str) -> dict:
    code = (
        "import json, django\nfrom django.conf import settings\ndjango.setup()\n"
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TRUSTED_PROXY_COUNT", "EMAIL_HOST", "EMAIL_BACKEND")
    }
    env.update(DJANGO_SETTINGS_MODULE="pixorga.settings", **variables)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_trusted_proxy_count_is_what_allauth_reads():
    names = ["TRUSTED_PROXY_COUNT", "ALLAUTH_TRUSTED_PROXY_COUNT"]
    assert read_settings(names, TRUSTED_PROXY_COUNT="1") == dict.fromkeys(names, 1)
    assert read_settings(names) == dict.fromkeys(names, 0)


def test_the_smtp_timeout_strikes_well_before_the_email_task_time_limits():
    values = read_settings(["EMAIL_BACKEND", "EMAIL_TIMEOUT"], EMAIL_HOST="smtp.example")
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    from accounts.tasks import send_email

    # A message takes a few socket operations, each cut at EMAIL_TIMEOUT: the timeout (an
    # OSError, retried) comes first, not the soft time limit.
    assert values["EMAIL_TIMEOUT"] * 5 <= send_email.soft_time_limit < send_email.time_limit
