"""Every reader code has a sentence, in French (default) and English, naming the student."""

import pytest
from django.utils import translation

from students.siecle import ALL_CODES
from students.siecle_messages import render_error, render_skip_reason

STUDENT = {"ine": "1234567890A", "last_name": "DUPONT", "first_name": "Léa", "line": 123}


def french(code: str, meta: dict) -> str:
    with translation.override("fr"):
        return render_error(code, meta)


def english(code: str, meta: dict) -> str:
    with translation.override("en"):
        return render_error(code, meta)


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_code_has_its_own_sentence_in_both_languages(code):
    for render in (french, english):
        message = render(code, {**STUDENT, "value": "x", "file_uai": "0751234J", "uai": "0750654D"})
        assert message and code not in message
    assert french(code, STUDENT) != english(code, STUDENT)


def test_missing_birthdate_names_the_student_and_the_line_in_french():
    assert french("BIRTHDATE_REQUIRED", STUDENT) == (
        "L'élève ayant pour INE 1234567890A (DUPONT Léa, ligne 123) n'a pas de date de naissance."
    )


def test_missing_birthdate_in_english():
    assert english("BIRTHDATE_REQUIRED", STUDENT) == (
        "The student with INE 1234567890A (DUPONT Léa, line 123) has no birth date."
    )


def test_duplicate_ine_in_french():
    message = french("INE_UNIQUE", {**STUDENT, "first_line": 7})

    assert message.startswith("L'INE 1234567890A est présent plusieurs fois dans le fichier")
    assert "ligne 123" in message and "7" in message


def test_uai_mismatch_in_french():
    assert french("UAI_MISMATCHED", {"file_uai": "0751234J", "uai": "0750654D"}) == (
        "L'UAI du fichier SIECLE (0751234J) ne correspond pas à celle de votre "
        "établissement (0750654D)."
    )


def test_missing_uai_says_the_file_has_none():
    message = french("UAI_MISMATCHED", {"file_uai": "", "uai": "0750654D"})

    assert "0750654D" in message and "()" not in message


def test_empty_in_french():
    assert (
        french("EMPTY", {"students": 3})
        == "Les élèves doivent posséder un INE ainsi qu'une classe."
    )


def test_payload_too_large_gives_the_limit_in_megabytes():
    assert french("PAYLOAD_TOO_LARGE", {"limit": 20 * 1024 * 1024}) == (
        "Le fichier dépasse la taille maximale autorisée (20 Mo)."
    )
    assert english("PAYLOAD_TOO_LARGE", {"limit": 512 * 1024}) == (
        "The file exceeds the maximum allowed size (0.5 MB)."
    )


def test_invalid_file_says_what_is_wrong_when_known():
    generic = french("INVALID_FILE", {})
    zip_count = french("INVALID_FILE", {"reason": "ZIP_XML_COUNT", "count": 2})
    malformed = french("INVALID_FILE", {"reason": "MALFORMED", "line": 42})

    assert zip_count.startswith(generic) and zip_count != generic
    assert "42" in malformed


def test_invalid_sex_code_shows_the_value_read():
    assert "« 3 »" in french("SEX_CODE_REQUIRED", {**STUDENT, "value": "3"})


def test_student_without_names_is_named_by_line_only():
    message = french(
        "LAST_NAME_REQUIRED", {"ine": "1A", "last_name": "", "first_name": "", "line": 9}
    )

    assert "(ligne 9)" in message


def test_unknown_code_and_missing_meta_never_fail():
    assert "SOMETHING_NEW" in french("SOMETHING_NEW", {})
    assert french("BIRTHDATE_REQUIRED", {})  # "?" stands in for what is missing
    assert french("INE_UNIQUE", None)


def test_skip_reasons_have_labels():
    with translation.override("fr"):
        assert render_skip_reason("NO_DIVISION") == "sans classe"
        assert render_skip_reason("ELSE") == "ELSE"


def test_structural_refusals_say_what_is_wrong_in_french():
    generic = french("INVALID_FILE", {})
    too_complex = french("INVALID_FILE", {"reason": "TOO_COMPLEX", "element": "ELEVE", "line": 6})
    too_many = french("INVALID_FILE", {"reason": "TOO_MANY_STUDENTS", "limit": 100_000})
    duplicate = french("INVALID_FILE", {"reason": "DUPLICATE_PARAMETRES", "line": 4})

    assert too_complex == (
        f"{generic} L'un des éléments du fichier est bien plus volumineux que dans un "
        "export SIECLE."
    )
    assert too_many == (
        f"{generic} Le fichier contient plus de 100\xa0000 élèves : ce n'est pas l'export "
        "d'un seul établissement."
    )
    assert duplicate == (
        f"{generic} Le fichier contient plusieurs sections PARAMETRES (ligne 4), alors "
        "qu'un export SIECLE n'en a qu'une."
    )


def test_structural_refusals_in_english():
    assert english("INVALID_FILE", {"reason": "TOO_MANY_STUDENTS", "limit": 100_000}).endswith(
        "The file holds more than 100,000 students: it is not the export of a single school."
    )
    assert english("INVALID_FILE", {"reason": "TOO_COMPLEX"}).endswith(
        "One of the file's elements is far larger than in a SIECLE export."
    )
