"""The list's French order on SQLite (the zero-configuration default), in a fresh
process: migrate, import the school of french_order.py through the command (the ORM
write path), then read the list through its selectors."""

import json

from tests.students.french_order import BY_CLASS, BY_NAME, CLASSES, school_xml
from tests.students.test_import_sqlite_smoke import manage, sqlite_env

UAI = "0750654D"  # seed_demo's school
READ = f"""
import json
from organizations.models import Organization
from students.selectors import learner_divisions, learner_list
school = Organization.objects.get(uai="{UAI}")
print(json.dumps({{
    "by_name": [l.display_last_name for l in learner_list(organization=school)],
    "by_class": [l.display_last_name for l in learner_list(organization=school, sort="class")],
    "classes": learner_divisions(organization=school),
}}))
"""


def test_sqlite_sorts_names_and_classes_in_french_order(tmp_path):
    env = sqlite_env(tmp_path)
    assert manage("migrate", "--noinput", "-v", "0", env=env).returncode == 0
    assert manage("seed_demo", env=env).returncode == 0
    export = tmp_path / "ElevesSansAdresses.xml"
    export.write_bytes(school_xml(UAI))
    done = manage("import_siecle", UAI, str(export), "--yes", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "IMPORTED"
    read = manage("shell", "--no-imports", "-c", READ, env=env)
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout.splitlines()[-1]) == {
        "by_name": BY_NAME,
        "by_class": BY_CLASS,
        "classes": CLASSES,
    }
