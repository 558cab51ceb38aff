"""The complete list of an import's errors: written during validation through the
storage API, every error one line, downloadable by the import's administrators only."""

import csv
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from students import services
from students.models import Import
from tests.factories import make_member
from tests.students.conftest import stored_files
from tests.students.siecle_factory import siecle_xml, student
from tests.students.test_import_error_cap import two_errors_then_one, wrongly_encoded

pytestmark = pytest.mark.django_db

Status = Import.Status


def rows_of(path: str) -> list[list[str]]:
    with default_storage.open(path, "rb") as stored:
        data = stored.read()
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for spreadsheet software"
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))


def url(import_) -> str:
    return f"/eleves/import/{import_.pk}/erreurs.csv"


def test_every_error_is_a_line_of_the_file_in_file_order(organization, run_import):
    import_ = run_import(organization, wrongly_encoded(2000, organization.uai))
    assert import_.errors_path.endswith(".errors.csv")
    rows = rows_of(import_.errors_path)
    header, lines = rows[0], rows[1:]
    assert header == ["Code", "INE", "Nom", "Prénom", "Ligne", "Champ", "Valeur", "Message"]
    assert len(lines) == import_.error_count == 10_000
    assert {line[0] for line in lines} == {"INVALID_CHAR_DETECTED"}
    numbers = [int(line[4]) for line in lines]
    assert numbers == sorted(numbers)
    first = lines[0]
    assert first[1] == "0000000000A"
    assert first[5] == "NOM_DE_FAMILLE"
    assert first[6] == "BÃ\x89NÃ\x89TEAU".replace("\x89", "[U+0089]")
    assert first[7].startswith("L'élève ayant pour INE 0000000000A (")
    # The same first errors as the row keeps.
    assert [line[1] for line in lines[:200]] == [e["meta"]["ine"] for e in import_.errors]


def test_the_file_counts_what_the_row_counts(organization, run_import):
    import_ = run_import(organization, two_errors_then_one(120, 10, organization.uai))
    codes = [line[0] for line in rows_of(import_.errors_path)[1:]]
    assert {code: codes.count(code) for code in set(codes)} == import_.error_counts


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(organization, run_import):
    xml = siecle_xml(
        [student(NOM_DE_FAMILLE='=HYPERLINK("http://x")', PRENOM="+Léa", DATE_NAISS="-1")],
        uai=organization.uai,
    )
    import_ = run_import(organization, xml)
    [line] = rows_of(import_.errors_path)[1:]
    assert line[0] == "INVALID_BIRTHDATE_FORMAT"
    assert line[2] == '\'=HYPERLINK("http://x")'
    assert line[3] == "'+Léa"
    assert line[6] == "'-1"


def test_the_sentences_are_in_french_whoever_uploads(
    client, organization, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    xml = two_errors_then_one(1, 0, organization.uai)
    with django_capture_on_commit_callbacks(execute=True):  # the validation, eager
        client.post("/eleves/import/", {"file": SimpleUploadedFile("e.xml", xml)})
    import_ = Import.objects.get()
    assert import_.status == Status.VALIDATION_ERROR
    rows = rows_of(import_.errors_path)
    assert rows[0][0:3] == ["Code", "INE", "Nom"]
    assert "n'a pas de date de naissance" in rows[1][7]


def test_a_file_level_refusal_has_no_file(organization, run_import):
    import_ = run_import(organization, b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    assert import_.status == Status.VALIDATION_ERROR
    assert import_.errors_path == ""
    another_school = run_import(organization, siecle_xml([student()], uai="0751234J"))
    assert (another_school.error_counts, another_school.errors_path) == ({"UAI_MISMATCHED": 1}, "")


def test_a_valid_file_has_no_file(organization, run_import, media_root):
    import_ = run_import(organization, siecle_xml([student()], uai=organization.uai))
    assert import_.status == Status.IMPORTED
    assert import_.errors_path == ""
    assert not [name for name in stored_files(media_root) if name.endswith(".errors.csv")]


def test_a_validation_stopped_while_reading_leaves_no_file(organization, media_root):
    import_ = services.import_upload(
        organization=organization,
        user=None,
        uploaded_file=ContentFile(wrongly_encoded(50, organization.uai), name="e.xml"),
        enqueue=False,
    )

    def cancel(done, total):
        services.import_cancel(import_=import_, user=None)

    services.import_validate(import_id=import_.pk, progress=cancel)
    import_.refresh_from_db()
    assert import_.status == Status.CANCELLED
    assert not [name for name in stored_files(media_root) if name.endswith(".errors.csv")]


# --- The download: the import's administrators only ------------------------------------


@pytest.fixture
def refused(organization, run_import):
    return run_import(organization, two_errors_then_one(3, 0, organization.uai))


def test_the_import_page_links_to_the_file(client, admin_user, refused):
    client.force_login(admin_user)
    body = client.get(f"/eleves/import/{refused.pk}/").content.decode()
    assert f'href="{url(refused)}"' in body


def test_an_administrator_downloads_the_file(client, admin_user, refused):
    client.force_login(admin_user)
    response = client.get(url(refused))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="erreurs-import-{refused.pk}.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbfCode;INE;Nom;")
    assert data.count(b"\r\n") == 1 + refused.error_count


def test_a_member_who_is_not_administrator_is_refused(client, organization, refused):
    client.force_login(make_member(organization))
    assert client.get(url(refused)).status_code == 403


def test_an_administrator_of_another_school_gets_not_found(client, outsider_user, refused):
    client.force_login(outsider_user)
    assert client.get(url(refused)).status_code == 404


def test_someone_signed_out_is_sent_to_sign_in(client, refused):
    response = client.get(url(refused))
    assert response.status_code == 302
    assert "/compte/" in response["Location"]


def test_an_import_without_file_gives_not_found(client, admin_user, organization, run_import):
    client.force_login(admin_user)
    valid = run_import(organization, siecle_xml([student()], uai=organization.uai))
    assert client.get(url(valid)).status_code == 404
    assert client.get("/eleves/import/999999/erreurs.csv").status_code == 404


def test_a_file_gone_from_the_storage_gives_not_found(client, admin_user, refused):
    client.force_login(admin_user)
    default_storage.delete(refused.errors_path)
    assert client.get(url(refused)).status_code == 404
    body = client.get(f"/eleves/import/{refused.pk}/").content.decode()
    assert "Le fichier contient 6 erreurs" in body  # the page still shows what it stored


def test_the_route_carries_the_import_guard():
    from django.urls import resolve

    match = resolve("/eleves/import/1/erreurs.csv")
    assert match.func.org_view_guard == "import_get_for_admin"
