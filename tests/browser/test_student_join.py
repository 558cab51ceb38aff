"""Browser journey of a student without an e-mail address: from the home page's "J'ai un
code", they type the code, sign up without an e-mail with a typo in their first name,
confirm the student line found, receive a generated identifier, send their results, and
sign in again later with that identifier. Axe, 320 px and the CSP on every page."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from campaigns.models import Participation
from students.models import Learner
from tests.browser.steps import fill_identity
from tests.browser.test_campaigns import fits_320, wide_elements
from tests.browser.test_student_list_layout import screenshot
from tests.factories import make_campaign, make_learner

pytestmark = pytest.mark.browser
PASSWORD = "Une-phrase-de-passe-2026"


def check_page(page: Page, name: str) -> list[str]:
    """Axe at the desktop width, then the page at 320 px: nothing sticks out."""
    # The design system's script sets its ARIA attributes once the page has loaded.
    page.wait_for_load_state("load")
    results = Axe().run(page).response["violations"]
    found = [
        f"{page.url}: {violation['id']}: {[node['html'][:200] for node in violation['nodes']]}"
        for violation in results
        if violation["impact"] in {"serious", "critical"}
    ]
    page.set_viewport_size({"width": 320, "height": 800})
    screenshot(page, f"student-join-{name}-320")
    if not fits_320(page):
        found.append(f"{page.url}: wider than 320 px: {wide_elements(page)}")
    page.set_viewport_size({"width": 1280, "height": 900})
    return found


def test_a_student_without_e_mail_joins_by_code_and_signs_in_again_later(page: Page, organization):
    eloise = make_learner(
        organization,
        first_name="Éloïse",
        last_name="DUPONT",
        birthdate=datetime.date(2012, 5, 17),
        division="5B",
    )
    make_learner(organization, first_name="Hugo", last_name="DUPONT", birthdate=eloise.birthdate)
    campaign = make_campaign(
        organization,
        title="Parcours de rentrée",
        landing_text="Bienvenue ! Prévoyez **20 minutes**.",
    )
    violations = []

    page.goto("/")
    page.get_by_role("link", name="J'ai un code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tapez votre code de campagne")
    violations += check_page(page, "code")
    # Sent empty first: its own sentence under the field.
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Tapez le code que votre professeur vous a donné.")).to_be_visible()
    # Lower case and spaces, as read from the board.
    page.get_by_label("Code de la campagne").fill(" ".join(campaign.code.lower()))
    page.get_by_role("button", name="Valider").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Parcours de rentrée")
    expect(page.get_by_text(organization.name)).to_be_visible()
    expect(page.locator("#landing-text strong")).to_have_text("20 minutes")
    violations += check_page(page, "landing")
    page.get_by_role("link", name="Créer mon compte sans adresse e-mail").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Créer mon compte")
    violations += check_page(page, "identity")
    # A typo, and no accents.
    fill_identity(page, first_name="Eloize", last_name="Dupont", birthdate=eloise.birthdate)

    # The line found, named by its first and last name only, and the identifier to come.
    expect(page.get_by_role("heading", level=1)).to_have_text("Est-ce bien vous ?")
    expect(page.locator("#matched-learner")).to_have_text("Éloïse DUPONT")
    expect(page.locator("#future-identifier")).to_have_text("eloise.dupont1705")
    expect(page.locator("main")).not_to_contain_text("5B")
    violations += check_page(page, "confirm")
    page.get_by_label("Choisissez un mot de passe").fill(PASSWORD)
    page.get_by_label("Tapez à nouveau le même mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Associer et créer mon compte").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Votre compte est prêt")
    expect(page.locator("#identifier")).to_have_text("eloise.dupont1705")
    violations += check_page(page, "account-created")
    page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Parcours de rentrée")
    expect(page.locator("#participation-status")).to_contain_text(
        "Vous avez commencé cette campagne"
    )
    violations += check_page(page, "campaign")
    page.get_by_role("button", name="Envoyer mes résultats").click()
    expect(
        page.get_by_text(f"Vos résultats ont été envoyés à {organization.name}.")
    ).to_be_visible()
    participation = Participation.objects.get()
    assert participation.status == "SHARED"
    assert participation.learner == eloise
    assert Learner.objects.get(pk=eloise.pk).user.username == "eloise.dupont1705"

    # Later, on a computer of the school: signed out, then in with the identifier.
    page.locator("header").get_by_role("button", name="Se déconnecter").click()
    page.goto("/compte/login/")
    page.get_by_label("Adresse e-mail ou identifiant").fill("eloise.dupont1705")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes campagnes")
    expect(page.locator("#my-campaigns")).to_contain_text("Parcours de rentrée")
    expect(page.locator("#my-campaigns")).to_contain_text("Résultats envoyés")
    violations += check_page(page, "my-campaigns")

    # Back on the landing page: who is signed in, and how to sign out (shared computers).
    page.goto(f"/parcours/{campaign.code}/")
    expect(page.locator("#not-you")).to_contain_text(
        "Vous n'êtes pas Éloïse DUPONT (eloise.dupont1705) ?"
    )
    violations += check_page(page, "landing-signed-in")
    assert violations == []


def test_a_refusal_page_shows_its_code_and_the_masked_sign_in(page: Page, organization):
    from tests.factories import link_learner, make_student

    lea = make_learner(organization, first_name="Léa", last_name="MARTIN")
    link_learner(lea, make_student(username="lea.martin1705"))
    campaign = make_campaign(organization)
    page.goto(f"/parcours/{campaign.code}/inscription/")
    fill_identity(page, first_name="Léa", last_name="Martin", birthdate=lea.birthdate)
    expect(page.locator("#refusal")).to_contain_text("l***.m***1705")
    expect(page.get_by_test_id("refusal-code")).to_contain_text("R32")
    violations = check_page(page, "refusal")
    page.get_by_role("link", name="Me connecter avec ce compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter à Pix Orga")
    assert violations == []
