"""Birth dates: a value not written DD/MM/YYYY, and a written date that does not exist."""

import io
from datetime import date

import pytest
from django.utils import translation

from students.siecle import read_siecle
from students.siecle.rules import read_date
from students.siecle_messages import render_error
from tests.students.siecle_factory import UAI, siecle_xml, student

TODAY = date(2026, 9, 15)


def only_error(value: str):
    result = read_siecle(io.BytesIO(siecle_xml([student(DATE_NAISS=value)])), uai=UAI, today=TODAY)
    assert len(result.errors) == 1, result.errors
    assert result.learners == []
    return result.errors[0]


@pytest.mark.parametrize(
    "value", ["2010-02-03", "1/2/2010", "31/12/11", "\uff13\uff11/12/2011", "x", "31 /12/2011"]
)
def test_birthdate_not_written_dd_mm_yyyy_is_a_format_error(value):
    error = only_error(value)

    assert error.code == "INVALID_BIRTHDATE_FORMAT"
    assert error.meta["reason"] == "FORMAT"
    assert error.meta["value"] == value.strip()
    assert error.meta["field"] == "DATE_NAISS"


@pytest.mark.parametrize(
    "value", ["31/02/2015", "29/02/2015", "00/01/2010", "12/13/2010", "01/01/0000"]
)
def test_birthdate_written_right_but_not_in_the_calendar_keeps_its_code_with_its_reason(value):
    error = only_error(value)

    assert error.code == "INVALID_BIRTHDATE_FORMAT"
    assert error.meta["reason"] == "NONEXISTENT_DATE"
    assert error.meta["value"] == value
    assert error.meta["ine"] == "1234567890A"


def test_a_leap_day_is_a_real_date():
    result = read_siecle(
        io.BytesIO(siecle_xml([student(DATE_NAISS="29/02/2012")])), uai=UAI, today=TODAY
    )

    assert result.is_valid
    assert result.learners[0].birthdate == date(2012, 2, 29)


def test_read_date_tells_the_two_apart():
    assert read_date("31/12/2011") == (date(2011, 12, 31), None)
    assert read_date("31/02/2011") == (None, "NONEXISTENT_DATE")
    assert read_date("2011-12-31") == (None, "FORMAT")


def test_nonexistent_date_says_the_day_does_not_exist_in_french():
    meta = {
        "ine": "1234567890A",
        "last_name": "DUPONT",
        "first_name": "Léa",
        "line": 12,
        "field": "DATE_NAISS",
        "value": "31/02/2015",
        "reason": "NONEXISTENT_DATE",
    }
    with translation.override("fr"):
        message = render_error("INVALID_BIRTHDATE_FORMAT", meta)
        format_message = render_error("INVALID_BIRTHDATE_FORMAT", {**meta, "reason": "FORMAT"})

    assert message == (
        "L'élève ayant pour INE 1234567890A (DUPONT Léa, ligne 12) a une date de naissance "
        "impossible : le 31/02/2015 n'existe pas."
    )
    assert "JJ/MM/AAAA" in format_message and "n'existe pas" not in format_message


def test_nonexistent_date_in_english():
    meta = {"ine": "1A", "line": 3, "value": "31/02/2015", "reason": "NONEXISTENT_DATE"}
    with translation.override("en"):
        message = render_error("INVALID_BIRTHDATE_FORMAT", meta)

    assert message == (
        "The student with INE 1A (line 3) has an impossible birth date: 31/02/2015 does not exist."
    )


def test_error_stored_before_the_reason_existed_reads_as_a_format_error():
    with translation.override("en"):
        message = render_error("INVALID_BIRTHDATE_FORMAT", {"ine": "1A", "value": "2011-12-31"})

    assert "not a valid DD/MM/YYYY date" in message
