"""Browser journeys of the accounts and the layout: sign up, sign in, switch language, see
the organisation's home; an accessibility pass with axe, and a 320 px wide screen."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page: Page, login: str, password: str = PASSWORD) -> None:
    page.goto("/compte/login/")
    page.get_by_label("Adresse e-mail ou identifiant").fill(login)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Se connecter").click()


def test_sign_up(page: Page):
    page.goto("/")
    page.locator("main").get_by_role("link", name="Créer un compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer votre compte Pix Orga")

    # Sent incomplete: the page says what is wrong, next to the field.
    page.get_by_label("Prénom").fill("Camille")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("alert")).to_be_visible()
    last_name = page.get_by_label("Nom", exact=True)
    expect(last_name).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_last_name_error")).to_contain_text("obligatoire")

    last_name.fill("Martin")
    page.get_by_label("Adresse e-mail").fill("camille.martin@ac-paris.fr")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Votre compte n'est rattaché à aucune organisation"
    )
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    user = User.objects.get(email="camille.martin@ac-paris.fr")
    assert (user.first_name, user.last_name, user.language) == ("Camille", "Martin", "fr")


def test_sign_in_shows_the_organisation_home(page: Page, organization, member_user):
    sign_in(page, member_user.email, "not the password")
    expect(page.get_by_role("alert")).to_contain_text("incorrects")

    sign_in(page, member_user.email)
    expect(page).to_have_url(re.compile(r"/campagnes/$"))
    expect(page.get_by_role("banner")).to_contain_text(organization.name)
    expect(page.get_by_role("heading", level=1)).to_have_text("Campagnes")
    navigation = page.get_by_role("navigation", name="Menu principal")
    for name in ("Campagnes", "Élèves", "Équipe", "Documentation"):
        expect(navigation.get_by_role("link", name=name)).to_be_visible()

    navigation.get_by_role("link", name="Équipe").click()
    expect(page.get_by_role("table")).to_contain_text(member_user.email)

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.locator("main").get_by_role("link", name="Se connecter")).to_be_visible()


def test_sign_in_by_identifier(page: Page):
    User.objects.create_user(username="lea.dupont1201", password=PASSWORD, first_name="Léa")
    sign_in(page, "lea.dupont1201")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def switch_language(page: Page, button_name: str) -> None:
    page.locator(".fr-header__tools .fr-translate__btn").click()
    page.get_by_role("button", name=button_name).click()


def test_switch_language_there_and_back(page: Page, member_user):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue sur Pix Orga")

    switch_language(page, "EN - English")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Pix Orga")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="I have a code")).to_be_visible()

    switch_language(page, "FR - Français")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue sur Pix Orga")
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def test_preferred_language_is_applied_at_sign_in(page: Page, member_user):
    member_user.language = "en"
    member_user.save(update_fields=["language"])
    sign_in(page, member_user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Campaigns")
    expect(page.locator("html")).to_have_attribute("lang", "en")


# --- Accessibility --------------------------------------------------------------------

ANONYMOUS_PAGES = ["/", "/compte/login/", "/compte/signup/", "/mentions-legales/"]
MEMBER_PAGES = [
    "/campagnes/",
    "/documentation/",
    "/equipe/",
    "/compte/profil/",
    "/compte/password/change/",
]


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def test_pages_have_no_serious_accessibility_violation(page: Page, member_user):
    violations = []
    for path in ANONYMOUS_PAGES:
        page.goto(path)
        violations += serious_violations(page)
    # A form sent back with errors, too.
    page.goto("/compte/signup/")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("alert")).to_be_visible()
    violations += serious_violations(page)

    sign_in(page, member_user.email)
    expect(page).to_have_url(re.compile(r"/campagnes/$"))
    for path in MEMBER_PAGES:
        page.goto(path)
        violations += serious_violations(page)
    assert violations == [], "\n".join(violations)


def test_pages_fit_a_320_pixel_wide_screen(page: Page, member_user):
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = []

    def check(path: str) -> None:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide.append(f"{path}: {width} px")

    for path in ANONYMOUS_PAGES:
        check(path)
    sign_in(page, member_user.email)
    expect(page).to_have_url(re.compile(r"/campagnes/$"))
    for path in MEMBER_PAGES:
        check(path)
    # The menu (navigation, account, language) opens from the "Menu" button.
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("navigation", name="Menu principal")).to_be_visible()
    assert too_wide == [], "horizontal scrolling at 320 px: " + ", ".join(too_wide)
