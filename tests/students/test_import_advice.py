"""Each file-level refusal says what to send instead; only errors about students ask to
correct students in SIECLE."""

import html
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from students.models import Import
from tests.students.siecle_factory import siecle_xml, student
from tests.students.test_import_error_cap import wrongly_encoded

pytestmark = pytest.mark.django_db

Status = Import.Status
STUDENTS_ADVICE = "Corrigez ces élèves dans SIECLE"
EXPORT_PATH = "Base élèves établissement › Exportations › En XML › « Élèves sans adresses »"  # noqa: RUF001


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def panel(client, import_) -> str:
    body = client.get(f"/eleves/import/{import_.pk}/").content.decode()
    start = body.index('id="import-panel"')
    return html.unescape(body[start : body.index("</main>", start)])


def advice(client, import_) -> dict[str, str]:
    """{key: paragraph} of the advice the panel gives."""
    found = re.findall(r'<p data-advice="(\w+)">\s*(.*?)\s*</p>', panel(client, import_), re.S)
    return dict(found)


def zip_of(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ElevesSansAdresses.xml", data)
    return buffer.getvalue()


def test_a_png_is_told_which_export_to_make_and_which_file_to_send(
    admin_client, organization, run_import
):
    import_ = run_import(organization, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, name="a.png")
    assert import_.errors[0]["code"] == "INVALID_FILE"
    text = panel(admin_client, import_)
    assert "Le fichier a été refusé : votre liste d'élèves n'a pas changé." in text
    assert STUDENTS_ADVICE not in text
    assert list(advice(admin_client, import_)) == ["WHICH_EXPORT"]
    paragraph = advice(admin_client, import_)["WHICH_EXPORT"]
    assert EXPORT_PATH in paragraph
    assert "ExportXML_ElevesSansAdresses.zip" in paragraph
    assert "ElevesSansAdresses.xml" in paragraph


def test_a_csv_is_told_which_export_to_make(admin_client, organization, run_import):
    import_ = run_import(organization, "INE;Nom;Prénom\n1234567890A;DUPONT;Léa\n".encode())
    assert (import_.errors[0]["code"], import_.errors[0]["meta"]["reason"]) == (
        "INVALID_FILE",
        "NOT_XML",
    )
    assert list(advice(admin_client, import_)) == ["WHICH_EXPORT"]
    assert STUDENTS_ADVICE not in panel(admin_client, import_)


def test_another_xml_is_told_which_export_to_make(admin_client, organization, run_import):
    import_ = run_import(organization, b'<?xml version="1.0"?><ELEVES><ELEVE/></ELEVES>')
    assert import_.errors[0]["meta"]["reason"] == "NOT_SIECLE"
    assert list(advice(admin_client, import_)) == ["WHICH_EXPORT"]


def test_another_schools_file_names_both_uais(admin_client, organization, run_import):
    import_ = run_import(organization, siecle_xml([student()], uai="0751234J"))
    assert import_.error_counts == {"UAI_MISMATCHED": 1}
    given = advice(admin_client, import_)
    assert list(given) == ["OTHER_SCHOOL"]
    assert "(UAI 0751234J)" in given["OTHER_SCHOOL"]
    assert f"pas du vôtre (UAI {organization.uai})" in given["OTHER_SCHOOL"]
    assert f"pour votre établissement, UAI {organization.uai}" in given["OTHER_SCHOOL"]
    assert STUDENTS_ADVICE not in panel(admin_client, import_)


def test_a_file_without_uai_is_not_a_complete_export(admin_client, organization, run_import):
    import_ = run_import(organization, siecle_xml([student()], uai=None))
    assert import_.errors[0] == {
        "code": "UAI_MISMATCHED",
        "meta": {"file_uai": "", "uai": organization.uai},
    }
    assert list(advice(admin_client, import_)) == ["WHICH_EXPORT"]


def test_a_damaged_zip_is_to_export_again(admin_client, organization, run_import):
    data = zip_of(siecle_xml([student(ID_NATIONAL=str(i)) for i in range(30)]))
    import_ = run_import(organization, data[: len(data) // 2], name="e.zip")
    assert import_.errors[0]["meta"]["reason"] == "ZIP_CORRUPT"
    given = advice(admin_client, import_)
    assert list(given) == ["EXPORT_AGAIN"]
    assert "sans l'ouvrir" in given["EXPORT_AGAIN"]


def test_a_truncated_xml_is_to_export_again(admin_client, organization, run_import):
    data = siecle_xml([student(ID_NATIONAL=str(i)) for i in range(30)], uai=organization.uai)
    import_ = run_import(organization, data[: len(data) // 2])
    assert import_.errors[0]["meta"]["reason"] == "MALFORMED"
    assert list(advice(admin_client, import_)) == ["EXPORT_AGAIN"]


def test_a_password_protected_zip_is_to_send_without_password(
    admin_client, organization, run_import
):
    data = bytearray(zip_of(siecle_xml([student()], uai=organization.uai)))
    central = data.rindex(b"PK\x01\x02")
    data[central + 8] |= 0x1  # the "encrypted" flag
    import_ = run_import(organization, bytes(data), name="e.zip")
    assert import_.errors[0]["meta"]["reason"] == "ZIP_ENCRYPTED"
    assert list(advice(admin_client, import_)) == ["NO_PASSWORD"]


def test_a_file_over_the_limit_is_told_to_send_the_zip(
    admin_client, settings, django_capture_on_commit_callbacks
):
    settings.SIECLE_MAX_UPLOAD_BYTES = 1024
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/eleves/import/", {"file": SimpleUploadedFile("e.xml", b" " * 2048)})
    import_ = Import.objects.get()
    assert (import_.status, import_.errors[0]["code"]) == (Status.UPLOAD_ERROR, "PAYLOAD_TOO_LARGE")
    given = advice(admin_client, import_)
    assert list(given) == ["TOO_LARGE"]
    assert "ExportXML_ElevesSansAdresses.zip" in given["TOO_LARGE"]
    assert "Le fichier a été refusé" in panel(admin_client, import_)


def test_an_unsupported_encoding_is_told_to_send_the_file_as_exported(
    admin_client, organization, run_import
):
    import_ = run_import(
        organization,
        siecle_xml([student()], uai=organization.uai).replace(
            b'encoding="UTF-8"', b'encoding="UTF-16"'
        ),
    )
    assert import_.errors[0]["code"] == "ENCODING_NOT_SUPPORTED"
    given = advice(admin_client, import_)
    assert list(given) == ["ENCODING"]
    assert "UTF-8" in given["ENCODING"]


def test_a_file_with_no_student_to_import_is_told_about_ines_and_classes(
    admin_client, organization, run_import
):
    xml = siecle_xml([student(ID_NATIONAL=""), student(division=None)], uai=organization.uai)
    import_ = run_import(organization, xml)
    assert import_.error_counts == {"EMPTY": 1}
    given = advice(admin_client, import_)
    assert list(given) == ["EMPTY"]
    assert "INE" in given["EMPTY"]
    assert STUDENTS_ADVICE not in panel(admin_client, import_)


def test_errors_about_students_ask_to_correct_them_in_siecle(
    admin_client, organization, run_import
):
    import_ = run_import(organization, siecle_xml([student(DATE_NAISS="")], uai=organization.uai))
    given = advice(admin_client, import_)
    assert list(given) == ["STUDENTS"]
    assert given["STUDENTS"].startswith(STUDENTS_ADVICE)
    assert "Le fichier contient 1 erreur : rien n'a été importé." in panel(admin_client, import_)


def test_accents_read_wrongly_are_not_for_siecle_to_correct(admin_client, organization, run_import):
    import_ = run_import(organization, wrongly_encoded(3, organization.uai))
    assert list(advice(admin_client, import_)) == ["REENCODED"]
    assert STUDENTS_ADVICE not in panel(admin_client, import_)


def test_accents_read_wrongly_among_other_errors_get_both_advices(
    admin_client, organization, run_import
):
    pupils = [
        student(ID_NATIONAL="1A", NOM_DE_FAMILLE="BÃ©NARD"),
        student(ID_NATIONAL="2B", CODE_SEXE=""),
    ]
    import_ = run_import(organization, siecle_xml(pupils, uai=organization.uai))
    assert list(advice(admin_client, import_)) == ["REENCODED", "STUDENTS"]


def test_advice_follows_the_persons_language(admin_client, organization, run_import):
    import_ = run_import(organization, siecle_xml([student()], uai="0751234J"))
    admin_client.post("/i18n/setlang/", {"language": "en", "next": "/"})  # saves the preference
    given = advice(admin_client, import_)
    assert "This file is the export of another school (UAI 0751234J)" in given["OTHER_SCHOOL"]
    assert "“Élèves sans adresses”" in given["OTHER_SCHOOL"]


def test_a_processing_failure_gives_no_advice_about_the_file(
    admin_client, organization, run_import
):
    import_ = run_import(organization, siecle_xml([student()], uai=organization.uai), confirm=False)
    Import.objects.filter(pk=import_.pk).update(
        status=Status.IMPORT_ERROR, errors=[{"code": "IMPORT_FAILED", "meta": {}}], error_count=1
    )
    text = panel(admin_client, import_)
    assert "L'import n'a pas abouti" in text
    assert advice(admin_client, import_) == {}
