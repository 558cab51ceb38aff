"""Encodings: from the BOM or the declaration; four accepted, every other one refused."""

import codecs
import io
from datetime import date

import pytest

from students.siecle import ENCODING_NOT_SUPPORTED, read_siecle
from tests.students.siecle_factory import UAI, siecle_text, siecle_xml, student

NAMES = {"NOM_DE_FAMILLE": "CŒUR-DE-LŒWENBRUCK", "PRENOM": "Chloé", "PRENOM2": "Maëlys"}


def read(data: bytes):
    return read_siecle(io.BytesIO(data), uai=UAI, today=date(2026, 9, 15))


def names(result) -> tuple[str, str, str]:
    learner = result.learners[0]
    return learner.last_name, learner.first_name, learner.middle_name


def test_iso_8859_15_with_oe_ligature():
    data = siecle_xml([student(**NAMES)], encoding="iso-8859-15")
    assert b"C\xbcUR" in data  # Œ is 0xBC in Latin-9 (and does not exist in Latin-1)

    result = read(data)

    assert result.is_valid, result.errors
    assert result.encoding == "ISO-8859-15"
    assert names(result) == ("CŒUR-DE-LŒWENBRUCK", "Chloé", "Maëlys")


@pytest.mark.parametrize("label", ["iso-8859-15", "ISO8859-15", "latin9", "ISO_8859-15"])
def test_iso_8859_15_aliases(label):
    result = read(siecle_xml([student(**NAMES)], encoding="iso-8859-15", declaration=label))

    assert names(result) == ("CŒUR-DE-LŒWENBRUCK", "Chloé", "Maëlys")


def test_utf_8_without_bom():
    result = read(siecle_xml([student(**NAMES)], encoding="utf-8"))

    assert result.encoding == "UTF-8"
    assert names(result) == ("CŒUR-DE-LŒWENBRUCK", "Chloé", "Maëlys")


def test_utf_8_with_bom():
    data = codecs.BOM_UTF8 + siecle_xml([student(**NAMES)], encoding="utf-8")

    result = read(data)

    assert result.is_valid, result.errors
    assert names(result) == ("CŒUR-DE-LŒWENBRUCK", "Chloé", "Maëlys")


def test_byte_order_mark_wins_over_the_declaration():
    data = codecs.BOM_UTF8 + siecle_xml([student(**NAMES)], declaration="ISO-8859-15")

    result = read(data)

    assert result.encoding == "UTF-8"
    assert names(result) == ("CŒUR-DE-LŒWENBRUCK", "Chloé", "Maëlys")


def test_no_declaration_means_utf_8():
    data = siecle_text([student(**NAMES)], declaration=None).encode("utf-8")

    assert names(read(data)) == ("CŒUR-DE-LŒWENBRUCK", "Chloé", "Maëlys")


def test_windows_1252():
    data = siecle_xml([student(**NAMES)], encoding="cp1252")
    assert b"C\x8cUR" in data  # Œ is 0x8C in windows-1252

    result = read(data)

    assert result.encoding == "windows-1252"
    assert names(result) == ("CŒUR-DE-LŒWENBRUCK", "Chloé", "Maëlys")


def test_iso_8859_1():
    data = siecle_xml(
        [student(NOM_DE_FAMILLE="CREPIN", PRENOM="Chloé")],
        encoding="latin-1",
        declaration="ISO-8859-1",
    )

    result = read(data)

    assert result.encoding == "ISO-8859-1"
    assert result.learners[0].first_name == "Chloé"


@pytest.mark.parametrize("label", ["ISO-8859-5", "EBCDIC", "Shift_JIS", "UTF-16", "x-unknown"])
def test_other_declared_encodings_are_not_supported(label):
    data = siecle_text([student()], declaration=label).encode("utf-8")

    result = read(data)

    assert [error.to_dict() for error in result.errors] == [
        {"code": ENCODING_NOT_SUPPORTED, "meta": {"encoding": label}}
    ]
    assert result.learners == []


@pytest.mark.parametrize(
    ("codec", "declaration", "label"),
    [
        ("utf-16", None, "UTF-16"),  # with a byte order mark
        ("utf-16-be", "UTF-16", "UTF-16"),  # without: recognised by its first bytes
        ("utf-16-le", "UTF-16", "UTF-16"),
        ("utf-32", None, "UTF-32"),
        ("cp500", "EBCDIC", "EBCDIC"),
    ],
)
def test_files_in_encodings_that_are_not_ascii_compatible_are_not_supported(
    codec, declaration, label
):
    text = siecle_text([student()], declaration=declaration)
    if declaration is None:
        text = text.lstrip()

    result = read(text.encode(codec))

    assert [error.code for error in result.errors] == [ENCODING_NOT_SUPPORTED]
    assert result.errors[0].meta["encoding"] == label


def test_bytes_invalid_in_the_declared_encoding_are_reported_per_student():
    # A Latin-9 "é" (0xE9) in a file declared UTF-8: the student is named, not the file.
    data = siecle_xml([student(ID_NATIONAL="1A", PRENOM="Chlo#"), student(ID_NATIONAL="2B")])
    data = data.replace(b"Chlo#", b"Chlo\xe9")

    result = read(data)

    assert [(e.code, e.meta["ine"], e.meta["field"]) for e in result.errors] == [
        ("INVALID_CHAR_DETECTED", "1A", "PRENOM")
    ]
    assert result.errors[0].meta["value"] == "Chlo\ufffd"


def test_utf_8_file_declared_as_latin_9_gives_mojibake_detected_per_student():
    data = siecle_text([student(PRENOM="Hélène", PRENOM2="Anne")], declaration="ISO-8859-15")

    result = read(data.encode("utf-8"))

    assert [error.code for error in result.errors] == ["INVALID_CHAR_DETECTED"]
    # "è" is C3 A8 in UTF-8; 0xA8 is "š" in Latin-9 (it is "¨" in Latin-1).
    assert result.errors[0].meta["value"] == "HÃ©lÃ\u0161ne"
