"""The README's nightly script, run as written (bash, curl, jq) against the live test
server: a school's file is uploaded, checked, confirmed and imported; a file that would
disable most of the list stops the script for a person to decide. Tasks run eagerly
here (test_nightly_worker.py has the real worker)."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from students.models import Import, Learner
from tests.api.conftest import make_token
from tests.factories import make_ine, make_learner
from tests.students.xml_helpers import pupil, siecle_xml

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (shutil.which("curl") and shutil.which("jq")), reason="needs curl and jq"
    ),
]

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_script() -> str:
    text = README.read_text()
    section = text.split("**The nightly import**", 1)[1]
    return re.search(r"```bash\n(.*?)```", section, re.S).group(1)


def run(live_server, organization, admin_user, tmp_path, content: bytes):
    _, secret = make_token(admin_user, organization)
    (tmp_path / "token").write_text(secret + "\n")
    (tmp_path / "export.xml").write_bytes(content)
    script = tmp_path / "nightly.sh"
    script.write_text(readme_script())
    environment = {
        "PATH": os.environ["PATH"],
        "PIX_ORGA_API": f"{live_server.url}/api/v1",
        "PIX_ORGA_ORGANIZATION": str(organization.pk),
        "PIX_ORGA_TOKEN_FILE": str(tmp_path / "token"),
        "SIECLE_FILE": str(tmp_path / "export.xml"),
    }
    return subprocess.run(
        ["bash", str(script)], env=environment, capture_output=True, text=True, timeout=120
    )


def test_the_readme_s_nightly_script_imports_the_file(
    live_server, organization, admin_user, tmp_path
):
    content = siecle_xml(organization.uai, [pupil(make_ine(), f"NOM{n}") for n in range(4)])
    done = run(live_server, organization, admin_user, tmp_path, content)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["counts"]["created"] == 4
    assert Import.objects.get(pk=result["imported"]).status == Import.Status.IMPORTED
    assert Learner.objects.filter(organization=organization).count() == 4


def test_the_script_leaves_a_mass_deactivation_to_a_person(
    live_server, organization, admin_user, tmp_path
):
    for _ in range(10):
        make_learner(organization, ine=make_ine(), division="6A")
    content = siecle_xml(organization.uai, [pupil(make_ine(), division="3B")])
    done = run(live_server, organization, admin_user, tmp_path, content)
    assert done.returncode == 2
    assert "would disable 10 students" in done.stderr
    assert Import.objects.get().status == Import.Status.VALIDATED


def test_the_script_stops_on_a_refused_file(live_server, organization, admin_user, tmp_path):
    done = run(live_server, organization, admin_user, tmp_path, b"<not-siecle/>")
    assert done.returncode == 1
    assert "VALIDATION_ERROR" in done.stderr
    assert not Learner.objects.exists()
