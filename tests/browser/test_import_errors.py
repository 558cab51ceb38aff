"""Browser journey of a refused import: the live panel (real worker) turns into the errors,
grouped and counted, with the complete list to download; a file-level refusal gives its
own advice; the preview names the students set aside."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_student_import import serious_violations, sign_in
from tests.students.conftest import celery_worker_thread  # noqa: F401 - a fixture
from tests.students.siecle_factory import siecle_xml, student
from tests.students.test_import_error_cap import two_errors_then_one

pytestmark = [pytest.mark.browser, pytest.mark.celery_worker]


def send(page: Page, path) -> None:
    page.goto("/eleves/import/")
    page.get_by_label("Fichier SIECLE").set_input_files(str(path))
    page.locator("#import-form").get_by_role("button", name="Importer").click()
    expect(page).to_have_url(re.compile(r"/eleves/import/\d+/$"))


@pytest.mark.usefixtures("celery_worker_thread")
def test_errors_are_grouped_counted_and_downloadable(
    page: Page, organization, admin_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    export = tmp_path / "ElevesSansAdresses.xml"
    export.write_bytes(two_errors_then_one(150, 5, organization.uai))
    sign_in(page, admin_user.email)
    send(page, export)

    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("Le fichier contient 305 erreurs", timeout=30_000)
    expect(errors.locator("li")).to_have_count(200)
    expect(errors.locator('[data-more="BIRTHDATE_REQUIRED"]')).to_have_text(
        "… et 50 autres erreurs"
    )
    expect(errors.locator('[data-more="FIRST_NAME_REQUIRED"]')).to_contain_text(
        "5 erreurs de ce type"
    )
    expect(page.locator('[data-advice="STUDENTS"]')).to_be_visible()
    violations = serious_violations(page)

    with page.expect_download() as download_info:
        page.locator("#import-errors-file").click()
    download = download_info.value
    assert re.fullmatch(r"erreurs-import-\d+\.csv", download.suggested_filename)
    data = Path(download.path()).read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 305

    page.set_viewport_size({"width": 320, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert violations == []


@pytest.mark.usefixtures("celery_worker_thread")
def test_another_schools_file_names_both_uais(
    page: Page, organization, admin_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    export = tmp_path / "ElevesSansAdresses.xml"
    export.write_bytes(siecle_xml([student()], uai="0751234J"))
    sign_in(page, admin_user.email)
    send(page, export)

    expect(page.locator("#import-errors")).to_contain_text(
        "Le fichier a été refusé", timeout=30_000
    )
    advice = page.locator('[data-advice="OTHER_SCHOOL"]')
    expect(advice).to_contain_text("UAI 0751234J")
    expect(advice).to_contain_text(f"UAI {organization.uai}")
    expect(page.get_by_text("Corrigez ces élèves dans SIECLE")).to_have_count(0)
    assert serious_violations(page) == []


@pytest.mark.usefixtures("celery_worker_thread")
def test_the_preview_names_the_students_set_aside(
    page: Page, organization, admin_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    export = tmp_path / "ElevesSansAdresses.xml"
    pupils = [
        student(ID_NATIONAL="1111111111A"),
        student(ID_NATIONAL="", NOM_DE_FAMILLE="SANSINE", PRENOM="Zoé", division="5B"),
        student(ID_NATIONAL="2222222222B", NOM_DE_FAMILLE="SANSCLASSE", division=None),
    ]
    export.write_bytes(siecle_xml(pupils, uai=organization.uai))
    sign_in(page, admin_user.email)
    send(page, export)

    expect(page.get_by_role("button", name="Confirmer l'import")).to_be_visible(timeout=30_000)
    rows = page.locator("#import-skipped-students tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("SANSINE Zoé")
    expect(rows.first).to_contain_text("5B")
    expect(rows.first).to_contain_text("sans INE")
    expect(rows.nth(1)).to_contain_text("sans classe")
    assert serious_violations(page) == []
