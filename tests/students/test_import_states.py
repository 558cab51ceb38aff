"""The import's state machine in one place, and the students app's layering.

`Import.TRANSITIONS` is enumerated whole: every move it lists is made by
`import_transition`, every other one is refused before the database is touched; the
code changes a status nowhere else; docs/architecture.md's diagram is the table's.
"""

import ast
import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from students import services
from students.models import Import
from students.services import ImportTransitionError, import_create, import_transition
from tests.students.brokers import CONFIG_VARIABLES
from tests.students.conftest import stored_files

ROOT = Path(__file__).resolve().parents[2]
Status = Import.Status
STATUSES = list(Status)
LISTED = sorted(
    (pair for pair in Import.TRANSITIONS if pair[0] is not None), key=lambda pair: str(pair)
)
UNLISTED = [
    pair for pair in itertools.product(STATUSES, STATUSES) if pair not in Import.TRANSITIONS
]


def an_import(organization, status: str) -> Import:
    return Import.objects.create(organization=organization, file_name="e.xml", status=status)


def test_the_table_names_only_statuses_and_leaves_final_ones_for_good():
    for source, to in Import.TRANSITIONS:
        assert source is None or source in STATUSES
        assert to in STATUSES
        assert source not in Import.FINAL_STATUSES
    # Every status can be reached, and every non-final one can be left.
    assert {to for _, to in Import.TRANSITIONS} == set(STATUSES)
    assert {source for source, _ in Import.TRANSITIONS} == {None} | (
        set(STATUSES) - Import.FINAL_STATUSES
    )
    # The moves the first diagram missed.
    assert (Status.VALIDATED, Status.IMPORT_ERROR) in Import.TRANSITIONS  # outdated confirm
    assert (None, Status.UPLOAD_ERROR) in Import.TRANSITIONS  # too large at upload
    assert (Status.UPLOADED, Status.CANCELLED) in Import.TRANSITIONS  # abandoned
    assert (Status.VALIDATED, Status.CANCELLED) in Import.TRANSITIONS  # abandoned


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "to"), LISTED, ids=lambda status: str(status))
def test_every_listed_transition_is_made(organization, source, to):
    import_ = an_import(organization, source)
    assert import_transition(import_id=import_.pk, to=to, expected_from=source) is True
    import_.refresh_from_db()
    assert import_.status == to
    assert (import_.finished_at is not None) == (to in Import.FINAL_STATUSES)


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "to"), UNLISTED, ids=lambda status: str(status))
def test_every_unlisted_transition_is_refused_and_changes_nothing(
    organization, source, to, django_assert_num_queries
):
    import_ = an_import(organization, source)
    with django_assert_num_queries(0), pytest.raises(ImportTransitionError):
        import_transition(import_id=import_.pk, to=to, expected_from=source)
    # One unlisted source among listed ones is enough to refuse the whole move.
    listed_source = next((s for s, t in Import.TRANSITIONS if t == to and s is not None), None)
    if listed_source is not None:
        with pytest.raises(ImportTransitionError):
            import_transition(import_id=import_.pk, to=to, expected_from=[listed_source, source])
    import_.refresh_from_db()
    assert (import_.status, import_.finished_at) == (source, None)


@pytest.mark.django_db
@pytest.mark.parametrize("status", STATUSES, ids=str)
def test_an_import_starts_only_in_a_status_the_table_starts_in(organization, status):
    if (None, status) in Import.TRANSITIONS:
        assert import_create(status=status, organization=organization, file_name="e.xml")
    else:
        with pytest.raises(ImportTransitionError):
            import_create(status=status, organization=organization, file_name="e.xml")
    assert Import.objects.count() == int((None, status) in Import.TRANSITIONS)


@pytest.mark.django_db
def test_a_move_another_process_made_first_is_not_made_again(organization):
    import_ = an_import(organization, Status.VALIDATED)
    assert import_transition(import_id=import_.pk, to=Status.CANCELLED, expected_from="VALIDATED")
    # A confirm arriving late: VALIDATED → IMPORTING is listed, but the import moved on.
    assert not import_transition(
        import_id=import_.pk, to=Status.IMPORTING, expected_from=Status.VALIDATED
    )
    assert not import_transition(
        import_id=import_.pk, to=Status.IMPORT_ERROR, expected_from=Status.VALIDATED
    )
    import_.refresh_from_db()
    assert import_.status == Status.CANCELLED


@pytest.mark.django_db
def test_a_final_move_deletes_the_files_once_committed(
    organization, media_root, django_capture_on_commit_callbacks
):
    import_ = an_import(organization, Status.VALIDATED)
    Import.objects.filter(pk=import_.pk).update(
        upload_path=default_storage.save("siecle-imports/x.upload", ContentFile(b"x")),
        rows_path=default_storage.save("siecle-imports/x.rows.csv", ContentFile(b"x")),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert import_transition(
            import_id=import_.pk,
            to=Status.IMPORT_ERROR,
            expected_from=Status.VALIDATED,
            errors=[{"code": "IMPORT_OUTDATED", "meta": {}}],
        )
    import_.refresh_from_db()
    assert (import_.error_count, import_.upload_path, import_.rows_path) == (1, "", "")
    assert stored_files(media_root) == []


def test_errors_are_only_stored_with_a_final_status():
    with pytest.raises(ImportTransitionError):
        import_transition(
            import_id=1, to=Status.VALIDATING, expected_from=Status.UPLOADED, errors=[{}]
        )


# --- No status written anywhere else ---------------------------------------------------


def _status_writes(path: Path) -> list[str]:
    """Places that write an import's status other than the state machine: `.update(
    status=…)`, `.create(status=…)`, `x.status = …`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"update", "create", "get_or_create", "update_or_create"}
            and any(keyword.arg == "status" for keyword in node.keywords)
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_only_the_state_machine_writes_an_import_status():
    states = ROOT / "students" / "services" / "states.py"
    modules = [
        path
        for path in (ROOT / "students").rglob("*.py")
        if "migrations" not in path.parts and path != states
    ]
    assert len(modules) > 20
    assert [write for path in modules for write in _status_writes(path)] == []
    assert _status_writes(states)  # the check does see writes where there are some


# --- The diagram in docs/architecture.md ------------------------------------------------


def _documented_diagram() -> str:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    start = doc.index("## Student imports")
    section = doc[start : doc.index("\n## ", start + 1)]
    match = re.search(r"```mermaid\n(.*?)```", section, re.DOTALL)
    assert match, "docs/architecture.md: no ```mermaid block in the imports section"
    return match.group(1)


def test_the_documented_diagram_is_drawn_from_the_table(capsys):
    diagram = _documented_diagram()
    arrows = set()
    for source, to in re.findall(r"^\s*(\S+) --> (\w+)", diagram, re.MULTILINE):
        arrows.add((None if source == "[*]" else source, to))
    assert arrows == {(source, str(to)) for source, to in Import.TRANSITIONS}
    call_command("import_state_diagram")
    assert capsys.readouterr().out == diagram == services.import_state_diagram(), (
        "paste the output of `manage.py import_state_diagram` into docs/architecture.md"
    )


# --- Layering ----------------------------------------------------------------------------


def _modules_loaded_by(statement: str) -> set[str]:
    env = {key: value for key, value in os.environ.items() if key not in CONFIG_VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = "pixorga.settings"
    code = (
        "import django, json, sys\n"
        "django.setup()\n"
        f"{statement}\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout))


def test_reads_do_not_load_the_writes():
    loaded = _modules_loaded_by("import students.selectors")
    assert "students.selectors" in loaded
    assert "students.ordering" in loaded
    assert not {name for name in loaded if name.startswith("students.services")}


def test_loading_the_tasks_loads_no_service():
    """The services send the tasks (importing them lazily); the tasks import the services
    inside their bodies: a worker loading its tasks builds no import cycle."""
    loaded = _modules_loaded_by("import students.tasks")
    assert "students.tasks" in loaded
    assert not {name for name in loaded if name.startswith("students.services")}


def test_class_order_lives_in_a_neutral_module():
    from students import ordering, selectors
    from students.services import preview

    assert selectors.classes_in_order is ordering.classes_in_order
    assert preview.classes_in_order is ordering.classes_in_order
    assert not hasattr(services, "natural_key")
    assert sorted(["10A", "6B", "6A", "2NDE 3", "2NDE 10"], key=ordering.natural_key) == [
        "2NDE 3",
        "2NDE 10",
        "6A",
        "6B",
        "10A",
    ]
