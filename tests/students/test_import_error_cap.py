"""Errors are bounded: the first 200 kept in file order, every one counted per code and
written to the error file, the page and its JSON light whatever the file."""

import html
import io
import re
import tracemalloc

import pytest

from students.models import Import
from students.siecle import ReaderLimits, read_siecle
from tests.students.siecle_factory import siecle_xml, student

Status = Import.Status
UAI = "0750654D"
ACCENTED = {
    "NOM_DE_FAMILLE": "BÉNÉTEAU",
    "NOM_USAGE": "LEFÈVRE",
    "PRENOM": "Léa",
    "PRENOM2": "Zoé",
    "PRENOM3": "Anaïs",
}


def wrongly_encoded(students: int, uai: str = UAI) -> bytes:
    """A UTF-8 export declared ISO-8859-15, as a file opened and saved again in another
    program: every accented name reads as mojibake, five errors per student."""
    pupils = [student(ID_NATIONAL=f"{index:010d}A", **ACCENTED) for index in range(students)]
    return siecle_xml(pupils, encoding="utf-8", declaration="ISO-8859-15", uai=uai)


def two_errors_then_one(first: int, then: int, uai: str = UAI) -> bytes:
    """`first` students without birth date nor sex (two errors each), then `then`
    students without first name."""
    pupils = [
        student(ID_NATIONAL=f"{index:010d}A", DATE_NAISS="", CODE_SEXE="") for index in range(first)
    ]
    pupils += [student(ID_NATIONAL=f"{index:010d}B", PRENOM="") for index in range(then)]
    return siecle_xml(pupils, uai=uai)


# --- The reader -------------------------------------------------------------------------


def test_the_reader_keeps_the_first_200_errors_in_file_order_and_counts_them_all():
    seen = []
    result = read_siecle(io.BytesIO(wrongly_encoded(2000)), uai=UAI, on_error=seen.append)
    assert result.error_count == 10_000
    assert result.error_counts == {"INVALID_CHAR_DETECTED": 10_000}
    assert len(result.errors) == 200
    assert result.errors == seen[:200]
    lines = [error.meta["line"] for error in seen]
    assert lines == sorted(lines)
    assert len(seen) == 10_000
    assert result.counts()["errors"] == 10_000
    assert not result.is_valid


def test_the_reader_counts_codes_beyond_the_kept_errors():
    result = read_siecle(io.BytesIO(two_errors_then_one(120, 10)), uai=UAI)
    assert result.error_counts == {
        "BIRTHDATE_REQUIRED": 120,
        "SEX_CODE_REQUIRED": 120,
        "FIRST_NAME_REQUIRED": 10,
    }
    assert [error.code for error in result.errors[:2]] == [
        "BIRTHDATE_REQUIRED",
        "SEX_CODE_REQUIRED",
    ]
    assert {error.code for error in result.errors} == {"BIRTHDATE_REQUIRED", "SEX_CODE_REQUIRED"}


def test_how_many_errors_are_kept_is_a_limit_of_the_reader():
    limits = ReaderLimits(max_kept_errors=3)
    result = read_siecle(io.BytesIO(wrongly_encoded(10)), uai=UAI, limits=limits)
    assert (len(result.errors), result.error_count) == (3, 50)


def test_memory_does_not_follow_the_number_of_errors():
    """Ten times the errors, about the same memory beyond the file's own rows."""

    def peak(students: int) -> int:
        data = wrongly_encoded(students)
        tracemalloc.start()
        try:
            read_siecle(io.BytesIO(data), uai=UAI, on_error=lambda error: None)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(400), peak(4000)
    # The rows of 4,000 students take ~1.5 MB; keeping their 20,000 errors would add
    # ~20 MB (about 1 KB each, meta included).
    assert large < small + 6 * 1024 * 1024, (small, large)


def test_a_huge_value_is_cut_in_what_the_error_keeps():
    result = read_siecle(
        io.BytesIO(siecle_xml([student(DATE_NAISS="9" * 100_000, NOM_DE_FAMILLE="D" * 5000)])),
        uai=UAI,
    )
    [error] = result.errors
    assert error.code == "INVALID_BIRTHDATE_FORMAT"
    assert len(error.meta["value"]) == 255
    assert error.meta["value"].endswith("…")
    assert len(error.meta["last_name"]) == 255


# --- The import, its page and its JSON --------------------------------------------------


def visible(body: str) -> str:
    """The page's text as read: tags dropped, entities decoded, spaces collapsed."""
    return re.sub(r"[ \n]+", " ", html.unescape(re.sub(r"<[^>]+>", "", body)))


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.django_db
def test_an_import_with_10000_errors_stores_200_and_its_page_stays_light(
    admin_client, organization, run_import
):
    import_ = run_import(organization, wrongly_encoded(2000, organization.uai))

    assert import_.status == Status.VALIDATION_ERROR
    assert len(import_.errors) == 200
    assert import_.error_count == 10_000
    assert import_.error_counts == {"INVALID_CHAR_DETECTED": 10_000}
    assert import_.errors[0]["meta"]["line"] < import_.errors[-1]["meta"]["line"]

    page = admin_client.get(f"/eleves/import/{import_.pk}/")
    assert len(page.content) < 200 * 1024, len(page.content)
    body = html.unescape(page.content.decode())
    assert "Le fichier contient 10\xa0000 erreurs : rien n'a été importé." in body
    assert body.count('<li data-code="INVALID_CHAR_DETECTED">') == 200
    assert "… et 9\xa0800 autres erreurs" in body
    assert "Caractères invalides ou invisibles dans un nom (10\xa0000)" in visible(body)
    assert "Télécharger la liste complète des 10\xa0000 erreurs" in body

    state = admin_client.get(f"/eleves/import/{import_.pk}/etat.json")
    assert len(state.content) < 200 * 1024, len(state.content)
    payload = state.json()
    assert (payload["error_count"], payload["error_counts"]) == (
        10_000,
        {"INVALID_CHAR_DETECTED": 10_000},
    )
    # Sent once: inside the panel's HTML, not again as data.
    assert "errors" not in payload
    assert payload["html"].count("<li data-code=") == 200


@pytest.mark.django_db
def test_each_code_says_how_many_of_its_errors_are_not_shown(
    admin_client, organization, run_import
):
    import_ = run_import(organization, two_errors_then_one(120, 10, organization.uai))
    assert import_.error_counts == {
        "BIRTHDATE_REQUIRED": 120,
        "SEX_CODE_REQUIRED": 120,
        "FIRST_NAME_REQUIRED": 10,
    }
    assert import_.error_count == 250

    body = html.unescape(admin_client.get(f"/eleves/import/{import_.pk}/").content.decode())
    assert "Le fichier contient 250 erreurs" in body
    assert body.count('<li data-code="BIRTHDATE_REQUIRED">') == 100
    assert body.count('<li data-code="SEX_CODE_REQUIRED">') == 100
    assert "Date de naissance manquante (120)" in visible(body)
    assert body.count("… et 20 autres erreurs") == 2
    # All ten errors of the last code come after the 200 stored: counted, not listed.
    assert "Prénom manquant (10)" in visible(body)
    assert "10 erreurs de ce type, non affichées ici." in body
    assert '<li data-code="FIRST_NAME_REQUIRED">' not in body


@pytest.mark.django_db
def test_one_more_error_than_kept_is_said_in_the_singular(admin_client, organization, run_import):
    pupils = [student(ID_NATIONAL=f"{index:010d}A", DATE_NAISS="") for index in range(201)]
    import_ = run_import(organization, siecle_xml(pupils, uai=organization.uai))
    body = html.unescape(admin_client.get(f"/eleves/import/{import_.pk}/").content.decode())
    assert "… et 1 autre erreur" in body
    assert "autres erreurs" not in body


@pytest.mark.django_db
def test_a_few_errors_are_all_shown_without_more(admin_client, organization, run_import):
    import_ = run_import(organization, two_errors_then_one(2, 0, organization.uai))
    body = html.unescape(admin_client.get(f"/eleves/import/{import_.pk}/").content.decode())
    assert body.count("<li data-code=") == 4
    assert "autre erreur" not in body
    assert "non affichée" not in body
