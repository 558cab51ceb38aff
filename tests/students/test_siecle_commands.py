"""generate_siecle writes exports; check_siecle reads them and exits 1 when invalid."""

import json

import pytest
from django.core.management import call_command

from students.siecle_generator import ZIP_NAME


def test_generated_export_checks_valid(tmp_path, capsys):
    path = tmp_path / "export.xml"
    call_command("generate_siecle", "--students", "120", "--output", str(path), "--seed", "2")

    call_command("check_siecle", str(path), "--uai", "0750654D", "--json")

    summary = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert summary["status"] == "VALID"
    assert summary["counts"]["students"] == 120
    assert summary["errors"] == []


def test_generated_zip_has_the_export_name_and_checks_valid(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    call_command("generate_siecle", "--students", "30", "--zip", "--encoding", "utf-8")

    call_command("check_siecle", ZIP_NAME, "--uai", "0750654d")

    assert "VALID" in capsys.readouterr().out


def test_check_of_an_invalid_file_exits_1_with_the_errors(tmp_path, capsys):
    path = tmp_path / "export.xml"
    call_command("generate_siecle", "--students", "10", "--output", str(path))
    capsys.readouterr()

    with pytest.raises(SystemExit) as exited:
        call_command("check_siecle", str(path), "--uai", "0751234J", "--json")

    assert exited.value.code == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["status"] == "INVALID"
    assert [error["code"] for error in summary["errors"]] == ["UAI_MISMATCHED"]
    assert "0751234J" in summary["errors"][0]["message"]


def test_check_of_a_broken_file_exits_1_in_text_mode(tmp_path, capsys):
    path = tmp_path / "broken.xml"
    path.write_bytes(b"<BEE_ELEVES><PARAMETRES>")

    with pytest.raises(SystemExit) as exited:
        call_command("check_siecle", str(path), "--uai", "0750654D")

    assert exited.value.code == 1
    assert "INVALID_FILE" in capsys.readouterr().out
