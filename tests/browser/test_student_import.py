"""Browser journeys of the student import: an administrator sends a generated SIECLE export
through the page, follows the live panel (a real Celery worker validates and applies),
confirms the preview, then finds the students in the list and filters them by class; and
a file that would disable most of the school is confirmed only once the box is ticked."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from students.models import Import, Learner
from students.siecle_generator import write_siecle_zip
from tests.factories import PASSWORD, make_learner
from tests.students.conftest import celery_worker_thread  # noqa: F401 - a fixture
from tests.students.xml_helpers import pupil, siecle_xml

pytestmark = [pytest.mark.browser, pytest.mark.celery_worker]


def sign_in(page: Page, login: str) -> None:
    page.goto("/compte/login/")
    page.get_by_label("Adresse e-mail ou identifiant").fill(login)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url}: {violation['id']}: {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


@pytest.mark.usefixtures("celery_worker_thread")
def test_admin_imports_confirms_and_filters_by_class(
    page: Page,
    organization,
    admin_user,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    export = tmp_path / "ExportXML_ElevesSansAdresses.zip"
    with export.open("wb") as output:
        expected = write_siecle_zip(output, students=150, uai=organization.uai, seed=11)
    violations = []

    sign_in(page, admin_user.email)
    page.goto("/eleves/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Élèves")
    expect(page.get_by_text("Aucun élève pour l'instant")).to_be_visible()
    page.locator("main").get_by_role("link", name="Importer", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Importer la liste des élèves")
    expect(page.get_by_text("« Élèves sans adresses »")).to_be_visible()
    violations += serious_violations(page)
    page.get_by_label("Fichier SIECLE").set_input_files(str(export))
    page.locator("#import-form").get_by_role("button", name="Importer").click()

    # The live panel follows the worker until the preview is ready.
    expect(page).to_have_url(re.compile(r"/eleves/import/\d+/$"))
    confirm = page.get_by_role("button", name="Confirmer l'import")
    expect(confirm).to_be_visible(timeout=30_000)
    expect(page.locator("#import-preview-totals")).to_contain_text(
        f"{expected.learners} élèves à ajouter"
    )
    classes = page.locator("#import-preview-classes tbody tr")
    expect(classes.first).to_be_visible()
    assert classes.count() > 1
    violations += serious_violations(page)
    assert not Learner.objects.exists()

    confirm.click()
    outcome = page.locator("#import-outcome")
    expect(outcome).to_contain_text("Votre liste d'élèves est à jour.", timeout=30_000)
    expect(outcome).to_contain_text(f"{expected.learners} élèves ajoutés")
    expect(page.locator("#import-announcer")).to_have_text("Import terminé")
    violations += serious_violations(page)

    page.get_by_role("link", name="Voir les élèves").click()
    expect(page.locator("#students-count")).to_contain_text(f"{expected.learners} élèves")
    expect(page.locator("#students-table tbody tr")).to_have_count(50)

    division = (
        Learner.objects.filter(organization=organization).order_by("division").first().division
    )
    in_class = Learner.objects.filter(organization=organization, division=division).count()
    # DSFR draws the checkbox on its label: click that, as a person does.
    page.locator("#class-filter").get_by_text(division, exact=True).click()
    expect(page.locator("#class-filter").get_by_label(division, exact=True)).to_be_checked()
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(rf"classe={division}"))
    expect(page.locator("#students-count")).to_contain_text(f"{in_class} élèves")
    rows = page.locator("#students-table tbody tr")
    expect(rows).to_have_count(in_class)
    for cell in rows.locator("td:nth-child(4)").all_inner_texts():
        assert cell == division
    violations += serious_violations(page)
    assert violations == []


@pytest.mark.usefixtures("celery_worker_thread")
def test_admin_confirms_an_import_disabling_most_of_the_school_only_after_the_tick(
    page: Page,
    organization,
    admin_user,
    settings,
    tmp_path,
):
    """A file holding one class of a school of three: the preview warns and names the two
    classes that would disappear; "Confirmer" does nothing until the box is ticked."""
    settings.MEDIA_ROOT = tmp_path / "media"
    kept = [make_learner(organization, division="6A", mef_code="").ine for _ in range(3)]
    for division in ("6B", "5A"):
        for _ in range(6):
            make_learner(organization, division=division, mef_code="")
    export = tmp_path / "ElevesSansAdresses.xml"
    sixth = [pupil(ine, division="6A", mef="10010001110") for ine in kept]  # a 6e MEF code
    export.write_bytes(siecle_xml(organization.uai, sixth))
    violations = []

    sign_in(page, admin_user.email)
    page.goto("/eleves/import/")
    page.get_by_label("Fichier SIECLE").set_input_files(str(export))
    page.locator("#import-form").get_by_role("button", name="Importer").click()

    confirm = page.get_by_role("button", name="Confirmer l'import")
    expect(confirm).to_be_visible(timeout=30_000)
    warning = page.locator("#import-mass-deactivation")
    expect(warning).to_contain_text(
        "Cet import désactiverait 12 élèves sur les 15 élèves actifs de votre liste."
    )
    expect(warning).to_contain_text("Ces 2 classes disparaîtraient de votre liste : 6B, 5A")
    tick = page.get_by_label("Je comprends que 12 élèves seront désactivés")
    expect(tick).not_to_be_checked()
    violations += serious_violations(page)

    # Without the tick the browser keeps the form (the box is required): nothing is sent.
    url = page.url
    confirm.click()
    page.wait_for_timeout(500)
    assert page.url == url
    assert tick.evaluate("box => box.validity.valueMissing") is True
    import_ = Import.objects.get()
    assert import_.status == Import.Status.VALIDATED
    assert Learner.objects.filter(organization=organization, disabled=False).count() == 15

    # DSFR draws the checkbox on its label: click that, as a person does.
    page.locator("label[for=acknowledge-mass-deactivation]").click()
    expect(tick).to_be_checked()
    confirm.click()
    outcome = page.locator("#import-outcome")
    expect(outcome).to_contain_text("Votre liste d'élèves est à jour.", timeout=30_000)
    expect(outcome).to_contain_text("12 élèves désactivés")
    violations += serious_violations(page)
    assert set(
        Learner.objects.filter(organization=organization, disabled=False).values_list(
            "ine", flat=True
        )
    ) == set(kept)
    assert violations == []


def test_the_live_panel_says_so_when_the_session_ends(page: Page, organization, admin_user):
    """No worker here: the check waits, the panel polls; once the session is gone, the
    poll's 401 {"code", "message"} is shown instead of retrying in silence."""
    from students.services import import_create

    import_ = import_create(
        status=Import.Status.UPLOADED,
        organization=organization,
        created_by=admin_user,
        file_name="export.zip",
    )
    sign_in(page, admin_user.email)
    page.goto(f"/eleves/import/{import_.pk}/")
    expect(page.locator("#import-panel")).to_have_attribute("data-status", "UPLOADED")
    page.context.clear_cookies()
    alert = page.locator("#import-panel [data-code=NOT_AUTHENTICATED]")
    expect(alert).to_contain_text("Votre session a expiré : reconnectez-vous.")
