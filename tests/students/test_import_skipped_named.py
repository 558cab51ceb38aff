"""Students set aside for having no INE or no class are named (the first 200) so that
the school can correct them in SIECLE; leavers are only counted."""

import html
import io
import re

import pytest

from students.siecle import read_siecle
from tests.students.siecle_factory import siecle_xml, student

UAI = "0750654D"


def read(pupils, **kwargs):
    return read_siecle(io.BytesIO(siecle_xml(pupils, **kwargs)), uai=UAI)


def mixed(uai: str = UAI) -> bytes:
    return siecle_xml(
        [
            student(ID_NATIONAL="1111111111A", NOM_DE_FAMILLE="MARTIN", PRENOM="Léa"),
            student(ID_NATIONAL="", NOM_DE_FAMILLE="SANS", PRENOM="Ine", division="5B"),
            student(
                ID_NATIONAL="2222222222B", NOM_DE_FAMILLE="SANS", PRENOM="Classe", division=None
            ),
            student(ID_NATIONAL="", NOM_DE_FAMILLE="NI", PRENOM="L'un", division=None),
            student(ID_NATIONAL="3333333333C", NOM_DE_FAMILLE="PARTI", DATE_SORTIE="01/07/2026"),
        ],
        uai=uai,
    )


def test_skipped_students_are_named_with_their_class_and_reason():
    result = read_siecle(io.BytesIO(mixed()), uai=UAI)
    assert result.is_valid
    assert result.skipped == {"LEFT_SCHOOL": 1, "NO_INE": 2, "NO_DIVISION": 1}
    assert [student.to_dict() for student in result.skipped_students] == [
        {"reason": "NO_INE", "line": 7, "last_name": "SANS", "first_name": "Ine", "division": "5B"},
        {
            "reason": "NO_DIVISION",
            "line": 8,
            "last_name": "SANS",
            "first_name": "Classe",
            "division": "",
        },
        {"reason": "NO_INE", "line": 9, "last_name": "NI", "first_name": "L'un", "division": ""},
    ]
    # The leaver is counted, not named.
    assert "PARTI" not in {student.last_name for student in result.skipped_students}


def test_only_the_first_200_are_named_all_are_counted():
    pupils = [student(ID_NATIONAL="", NOM_DE_FAMILLE=f"N{index}") for index in range(250)]
    pupils.append(student(ID_NATIONAL="1111111111A"))
    result = read(pupils)
    assert result.skipped["NO_INE"] == 250
    assert len(result.skipped_students) == 200
    assert result.skipped_students[-1].last_name == "N199"


def test_invisible_characters_of_a_skipped_name_are_spelled_out():
    pupils = [student(ID_NATIONAL=""), student(ID_NATIONAL="", NOM_DE_FAMILLE="DUP\u202eONT")]
    pupils.append(student(ID_NATIONAL="1111111111A"))
    result = read(pupils)
    assert result.skipped_students[1].last_name == "DUP[U+202E]ONT"


# --- The preview ------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def skipped_rows(page: str) -> list[tuple[str, str, str]]:
    table = page[page.index('id="import-skipped-students"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<tr data-reason="\w+">(.*?)</tr>', table, re.S)
    return [
        tuple(
            html.unescape(re.sub(r"\s+", " ", cell).strip())
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        )
        for row in rows
    ]


@pytest.mark.django_db
def test_the_preview_names_the_students_set_aside(admin_client, organization, run_import):
    import_ = run_import(organization, mixed(organization.uai), confirm=False)
    assert import_.preview["skipped"] == {"LEFT_SCHOOL": 1, "NO_INE": 2, "NO_DIVISION": 1}
    page = admin_client.get(f"/eleves/import/{import_.pk}/").content.decode()
    assert skipped_rows(page) == [
        ("<bdi>SANS Ine</bdi>", "5B", "sans INE"),
        ("<bdi>SANS Classe</bdi>", "—", "sans classe"),
        ("<bdi>NI L'un</bdi>", "—", "sans INE"),
    ]
    assert "PARTI" not in page
    assert "exportez de nouveau le fichier pour les importer aussi" in html.unescape(page)
    assert "premiers élèves non importés" not in html.unescape(page)


@pytest.mark.django_db
def test_the_names_are_sent_once_in_the_live_panel(admin_client, organization, run_import):
    import_ = run_import(organization, mixed(organization.uai), confirm=False)
    state = admin_client.get(f"/eleves/import/{import_.pk}/etat.json").json()
    assert "skipped_students" not in state["preview"]
    assert state["preview"]["skipped"]["NO_INE"] == 2
    assert state["html"].count("<bdi>SANS Ine</bdi>") == 1


@pytest.mark.django_db
def test_the_imported_import_still_names_them(admin_client, organization, run_import):
    import_ = run_import(organization, mixed(organization.uai))
    assert import_.status == "IMPORTED"
    page = admin_client.get(f"/eleves/import/{import_.pk}/").content.decode()
    assert len(skipped_rows(page)) == 3


@pytest.mark.django_db
def test_beyond_200_the_preview_says_only_the_first_are_named(
    admin_client, organization, run_import
):
    pupils = [student(ID_NATIONAL="", NOM_DE_FAMILLE=f"N{index}") for index in range(230)]
    pupils.append(student(ID_NATIONAL="1111111111A"))
    import_ = run_import(organization, siecle_xml(pupils, uai=organization.uai), confirm=False)
    page = admin_client.get(f"/eleves/import/{import_.pk}/").content.decode()
    assert len(skipped_rows(page)) == 200
    assert "Seuls les 200 premiers élèves non importés sont nommés ici." in html.unescape(page)


@pytest.mark.django_db
def test_a_file_of_only_skipped_students_names_them_with_its_error(
    admin_client, organization, run_import
):
    xml = siecle_xml([student(ID_NATIONAL="", NOM_DE_FAMILLE="SEUL")], uai=organization.uai)
    import_ = run_import(organization, xml)
    assert import_.error_counts == {"EMPTY": 1}
    page = admin_client.get(f"/eleves/import/{import_.pk}/").content.decode()
    assert skipped_rows(page) == [("<bdi>SEUL Léa</bdi>", "4A", "sans INE")]


@pytest.mark.django_db
def test_a_file_with_nobody_skipped_stores_no_names(organization, run_import):
    import_ = run_import(organization, siecle_xml([student()], uai=organization.uai), confirm=False)
    assert "skipped_students" not in import_.preview
