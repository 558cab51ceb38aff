"""The export generator writes files the reader finds valid, with the counts it announces."""

import io
import re
import zipfile

import pytest

from students.siecle import LEFT_SCHOOL, NO_DIVISION, NO_INE, ReaderLimits, read_siecle
from students.siecle_generator import XML_NAME, write_siecle, write_siecle_zip


def generate(**kwargs) -> tuple[bytes, object]:
    buffer = io.BytesIO()
    expected = write_siecle(buffer, **kwargs)
    return buffer.getvalue(), expected


def test_generated_file_of_200_students_is_valid_with_the_expected_counts():
    data, expected = generate(students=200, uai="0750654D", seed=7)

    result = read_siecle(io.BytesIO(data), uai="0750654D")

    assert result.is_valid, result.errors[:3]
    assert result.student_count == expected.students == 200
    assert len(result.learners) == expected.learners
    assert result.skipped == expected.skipped
    assert result.encoding == "ISO-8859-15"
    assert result.export_date == expected.export_date


def test_generated_file_has_every_case_the_reader_must_handle():
    data, expected = generate(students=600, seed=1)
    text = data.decode("iso-8859-15")

    assert all(expected.skipped[reason] for reason in (LEFT_SCHOOL, NO_INE, NO_DIVISION))
    assert "œ" in text and "Œ" in text
    assert "<CODE_COMMUNE_INSEE_NAISS>2A004</CODE_COMMUNE_INSEE_NAISS>" in text
    assert "<CODE_PAYS>132</CODE_PAYS>" in text
    assert "<NOM_USAGE/>" in text and "<PRENOM2></PRENOM2>" in text
    assert "<SCOLARITE_AN_DERNIER>" in text
    assert "<CODE_STRUCTURE>Inactifs</CODE_STRUCTURE>" in text
    group_before_class = (
        r"<TYPE_STRUCTURE>G</TYPE_STRUCTURE>\s*</STRUCTURE>\s*<STRUCTURE>\s*"
        r"<CODE_STRUCTURE>[^<]+</CODE_STRUCTURE>\s*<TYPE_STRUCTURE>D</TYPE_STRUCTURE>"
    )
    assert re.search(group_before_class, text)
    assert 2000 < len(data) / 600 < 3500  # about 2.5 KB per student


def test_generated_file_is_the_same_for_the_same_seed():
    assert generate(students=50, seed=3)[0] == generate(students=50, seed=3)[0]
    assert generate(students=50, seed=3)[0] != generate(students=50, seed=4)[0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "windows-1252", "iso-8859-1"])
def test_generated_file_in_other_encodings_is_valid(encoding):
    data, expected = generate(students=100, encoding=encoding)

    result = read_siecle(io.BytesIO(data), uai="0750654D")

    assert result.is_valid, result.errors[:3]
    assert len(result.learners) == expected.learners


def test_generated_zip_holds_one_xml_with_a_reasonable_ratio():
    buffer = io.BytesIO()
    expected = write_siecle_zip(buffer, students=300)

    with zipfile.ZipFile(buffer) as archive:
        (info,) = archive.infolist()
    result = read_siecle(io.BytesIO(buffer.getvalue()), uai="0750654D", limits=ReaderLimits())

    assert info.filename == XML_NAME
    assert info.file_size / info.compress_size < 50
    assert result.is_valid
    assert len(result.learners) == expected.learners
