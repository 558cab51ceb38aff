"""The French catalogue is complete: every message of the code and templates is translated.

makemessages runs on a copy of the source tree, merging into a copy of the committed
catalogue, so a message added to the code but not to locale/fr shows up as untranslated,
and a changed one as fuzzy.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
IGNORED = shutil.ignore_patterns(
    ".venv", ".git", "__pycache__", "node_modules", "media", "staticfiles", "*.mo", "tests"
)


@pytest.fixture(scope="module")
def merged_french_catalogue(tmp_path_factory) -> polib.POFile:
    copy = tmp_path_factory.mktemp("source") / "project"
    shutil.copytree(ROOT, copy, ignore=IGNORED)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete", "-v", "0"],
        cwd=copy,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))


def test_every_french_message_is_translated(merged_french_catalogue):
    missing = [entry.msgid for entry in merged_french_catalogue.untranslated_entries()]
    assert missing == [], "Add these to locale/fr/LC_MESSAGES/django.po (make messages)"


def test_no_french_message_is_fuzzy(merged_french_catalogue):
    fuzzy = [entry.msgid for entry in merged_french_catalogue.fuzzy_entries()]
    assert fuzzy == [], "Check and un-fuzzy these in locale/fr/LC_MESSAGES/django.po"


def test_committed_catalogue_has_no_untranslated_entry():
    catalogue = polib.pofile(str(ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    assert catalogue.percent_translated() == 100
