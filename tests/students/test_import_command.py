"""`manage.py import_siecle <UAI> <file> [--yes] [--json]`: the same pipeline, synchronously."""

import json

import pytest
from django.core.management import CommandError, call_command

from students.models import Import, Learner
from tests.students.xml_helpers import pupil, siecle_xml, zipped

pytestmark = pytest.mark.django_db

Status = Import.Status


def run(*args) -> tuple[int, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_siecle", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def export(tmp_path, organization):
    path = tmp_path / "ExportXML_ElevesSansAdresses.zip"
    path.write_bytes(
        zipped(siecle_xml(organization.uai, [pupil("1111111111A"), pupil("2222222222B")]))
    )
    return path


def test_without_yes_it_validates_and_stops_at_the_preview(organization, export):
    code, out, _ = run(organization.uai.lower(), str(export), "--json")
    assert code == 0
    result = json.loads(out)
    assert result["status"] == "VALIDATED"
    assert result["counts"]["created"] == 2
    assert result["errors"] == []
    assert not Learner.objects.exists()
    import_ = Import.objects.get()
    assert (import_.status, import_.created_by, import_.file_name) == (
        Status.VALIDATED,
        None,
        export.name,
    )


def test_with_yes_it_imports(organization, export):
    code, out, _ = run(organization.uai, str(export), "--yes", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["status"] == "IMPORTED"
    assert result["counts"] == {
        "created": 2,
        "updated": 0,
        "reenabled": 0,
        "disabled": 0,
        "skipped": {"LEFT_SCHOOL": 0, "NO_INE": 0, "NO_DIVISION": 0},
    }
    assert Learner.objects.filter(organization=organization).count() == 2


def test_refused_file_exits_1_with_coded_errors_and_sentences(organization, tmp_path):
    path = tmp_path / "other.xml"
    path.write_bytes(siecle_xml("0751234J", [pupil("1111111111A")]))
    code, out, _ = run(organization.uai, str(path), "--yes", "--json")
    assert code == 1
    result = json.loads(out)
    assert result["status"] == "VALIDATION_ERROR"
    [error] = result["errors"]
    assert error["code"] == "UAI_MISMATCHED"
    assert error["meta"] == {"file_uai": "0751234J", "uai": organization.uai}
    assert "ne correspond pas" in error["message"]


def test_human_output_lists_errors_on_stderr(organization, tmp_path):
    path = tmp_path / "bad.xml"
    path.write_bytes(b"nothing")
    code, out, err = run(organization.uai, str(path))
    assert code == 1
    assert "VALIDATION_ERROR" in out
    assert "INVALID_FILE" in err


def test_no_upload_size_limit_on_the_command_line(organization, export, settings):
    settings.SIECLE_MAX_UPLOAD_BYTES = 10
    code, out, _ = run(organization.uai, str(export), "--yes", "--json")
    assert (code, json.loads(out)["status"]) == (0, "IMPORTED")


def test_unknown_school_or_file(organization, export):
    with pytest.raises(CommandError, match="No organisation"):
        call_command("import_siecle", "0751234J", str(export))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_siecle", organization.uai, "/nonexistent.zip")
