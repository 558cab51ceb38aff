"""Browser journey of the campaigns: an administrator of a school whose SIECLE export was
imported creates one campaign per class, copies a code to the clipboard, and opens the
printable sheet of a class (checked as printed). Axe, 320 px and the CSP on each page."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from campaigns.models import Campaign
from students.models import Learner
from students.selectors import learner_divisions
from students.siecle_generator import write_siecle_zip
from tests.browser.test_student_import import serious_violations, sign_in
from tests.browser.test_student_list_layout import screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def imported_school(organization, admin_user, settings, tmp_path):
    """The school's student list, imported from a generated SIECLE export through the
    import command (the web's pipeline, run synchronously)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    export = tmp_path / "ExportXML_ElevesSansAdresses.zip"
    with export.open("wb") as output:
        write_siecle_zip(output, students=80, uai=organization.uai, seed=13)
    call_command("import_siecle", organization.uai, str(export), "--yes", verbosity=0)
    assert Learner.objects.filter(organization=organization).exists()
    return organization


def wide_elements(page: Page) -> list[str]:
    """What sticks out at 320 px (outside the tables, which scroll inside themselves)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 321)
            .filter(e => !e.closest('.fr-table__container'))
            .slice(0, 10)
            .map(e => `${e.tagName}.${e.className}#${e.id} ${e.scrollWidth}px`)"""
    )


def fits_320(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 320


def test_one_campaign_per_class_copy_a_code_and_print_a_class_sheet(
    page: Page, imported_school, admin_user
):
    divisions = learner_divisions(organization=imported_school)
    assert len(divisions) >= 3
    violations = []
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    sign_in(page, admin_user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Campagnes")
    expect(page.locator("#campaigns-empty")).to_be_visible()
    violations += serious_violations(page)
    page.locator("#campaigns-empty").get_by_role(
        "link", name="Créer une campagne par classe"
    ).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Créer une campagne par classe")
    classes = page.locator("#campaign-classes input[type=checkbox]")
    expect(classes).to_have_count(len(divisions))
    screenshot(page, "campaign-per-class-form")
    for index in range(len(divisions)):
        expect(classes.nth(index)).to_be_checked()
    violations += serious_violations(page)
    # Sent empty first: the error sits under the field and the summary says so.
    page.get_by_role("button", name="Créer les campagnes").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_text("Donnez un nom à la campagne.")).to_be_visible()
    violations += serious_violations(page)
    page.get_by_label("Nom de la campagne").fill("Rentrée numérique")
    page.get_by_label("Titre affiché aux élèves").fill("Bienvenue !")
    page.get_by_role("button", name="Créer les campagnes").click()

    expect(page).to_have_url(re.compile(r"/campagnes/$"))
    expect(page.get_by_text(f"{len(divisions)} campagnes créées, une par classe")).to_be_visible()
    names = page.locator("#campaigns-table tbody td:nth-child(2)")
    expect(names).to_have_count(len(divisions))
    screenshot(page, "campaign-list-1280")
    assert sorted(names.all_inner_texts()) == sorted(
        f"Rentrée numérique – {division}"  # noqa: RUF001 - the en dash of the names
        for division in divisions
    )
    violations += serious_violations(page)

    first = divisions[0]
    campaign = Campaign.objects.get(target_division=first)
    page.get_by_role("link", name=f"Rentrée numérique – {first}").click()  # noqa: RUF001
    expect(page.locator("#campaign-code-value")).to_have_text(campaign.code)
    page.get_by_role("button", name="Copier le code").click()
    expect(page.locator("#campaign-code-status")).to_have_text("Code copié.")
    assert page.evaluate("navigator.clipboard.readText()") == campaign.code
    expect(page.locator("#class-summary")).to_contain_text(first)
    screenshot(page, "campaign-detail-1280")
    violations += serious_violations(page)

    page.locator("#class-summary").get_by_role("link", name=f"Fiche de la {first}").click()
    expect(page).to_have_url(re.compile(rf"/campagnes/{campaign.pk}/fiche/{first}/$"))
    expect(page.locator("#code-sheet-code")).to_have_text(campaign.code)
    in_class = Learner.objects.filter(
        organization=imported_school, division=first, disabled=False
    ).count()
    expect(page.locator("#code-sheet-students tbody tr")).to_have_count(in_class)
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    screenshot(page, "campaign-sheet-1280")
    violations += serious_violations(page)

    # As printed: the sheet alone, without the header, the footer or the buttons.
    page.emulate_media(media="print")
    expect(page.locator("header.fr-header")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    expect(page.get_by_role("button", name="Imprimer")).to_be_hidden()
    expect(page.locator("#code-sheet")).to_be_visible()
    screenshot(page, "campaign-sheet-print")
    # The class (25 students in this export) prints on one A4 page.
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1, "the sheet takes several pages"
    page.emulate_media(media="screen")
    assert violations == []


def test_campaign_pages_fit_a_phone(page: Page, imported_school, admin_user):
    from tests.factories import make_participation

    division = learner_divisions(organization=imported_school)[0]
    campaign = Campaign.objects.none()
    from campaigns.services import campaign_create

    campaign = campaign_create(
        actor=admin_user,
        organization=imported_school,
        on_behalf_of="ADMIN",
        name="Une campagne au nom assez long pour passer à la ligne sur un téléphone",
        type="ASSESSMENT",
        external_id_label="Numéro d'élève",
        external_id_type="TEXT",
        landing_text="**Bienvenue** : lis bien les consignes.",
    )
    for learner in Learner.objects.filter(organization=imported_school, division=division)[:3]:
        make_participation(campaign, learner, external_id="ID-0001")
    page.set_viewport_size({"width": 320, "height": 900})
    sign_in(page, admin_user.email)
    violations = []
    for path in (
        "/campagnes/?vue=toutes",
        "/campagnes/nouvelle/",
        f"/campagnes/{campaign.pk}/",
        f"/campagnes/{campaign.pk}/fiche/{division}/",
        f"/campagnes/{campaign.pk}/modifier/",
        f"/campagnes/supprimer/?campagne={campaign.pk}",
        f"/eleves/{campaign.participations.first().learner_id}/",
    ):
        page.goto(path)
        expect(page.locator("main h1")).to_be_visible()
        screenshot(page, "campaign-320-" + re.sub(r"\W+", "-", path).strip("-"))
        assert fits_320(page), (path, wide_elements(page))
        violations += serious_violations(page)
    assert violations == []


def test_a_class_of_35_prints_its_sheet_on_one_page(page: Page, organization, admin_user):
    from campaigns.services import campaign_create
    from tests.factories import UserFactory, make_learner

    for number in range(35):
        make_learner(
            organization,
            division="3E1",
            last_name=f"DE LA VILLEMARQUÉ-{number:02d}",
            first_name="Marie-Christine",
            user=UserFactory(email=None, username=f"marie-christine.delavillemarque{number:02d}")
            if number % 2
            else None,
        )
    campaign = campaign_create(
        actor=admin_user,
        organization=organization,
        on_behalf_of="ADMIN",
        name="Rentrée",
        type="ASSESSMENT",
        title="Évaluation de rentrée des troisièmes",
    )
    sign_in(page, admin_user.email)
    page.goto(f"/campagnes/{campaign.pk}/fiche/3E1/")
    expect(page.locator("#code-sheet-students tbody tr")).to_have_count(35)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1, "the sheet takes several pages"
