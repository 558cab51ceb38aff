"""The head of school gives a class identifiers and one-time passwords: the list filtered
on the class, the confirmation, the cards (printed without the page around them), the
CSV downloaded; then a student signs in with theirs and must choose a new one."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.browser.test_student_import import serious_violations, sign_in
from tests.factories import make_learner, make_student

pytestmark = pytest.mark.browser


@pytest.fixture
def class_4a(organization):
    make_learner(organization, last_name="MARTIN", first_name="Léa", division="4A")
    make_learner(
        organization,
        last_name="IDENT",
        first_name="Ian",
        division="4A",
        user=make_student(username="ian.ident1705"),
    )
    make_learner(
        organization,
        last_name="COURRIEL",
        first_name="Cléo",
        division="4A",
        user=make_student(email="cleo@famille.example"),
    )
    make_learner(organization, last_name="AUTRE", division="4B")
    return organization


def test_a_class_gets_its_cards_and_csv_then_a_student_chooses_a_password(
    page: Page, browser, live_server, class_4a, admin_user
):
    sign_in(page, admin_user.email)
    page.goto("/eleves/?classe=4A")
    expect(page.locator("#students-table")).to_contain_text("Pas encore de compte")
    page.get_by_role(
        "link", name="Identifiants et mots de passe à usage unique de la classe 4A"
    ).click()
    expect(page.locator("#passwords-getting-title")).to_have_text(
        "2 élèves recevront un mot de passe à usage unique"
    )
    expect(page.locator("#passwords-refused")).to_contain_text("COURRIEL")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Générer les mots de passe").click()

    cards = page.locator(".pixorga-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("ian.ident1705")
    expect(cards.nth(1)).to_contain_text("lea.martin1705")
    password = cards.nth(1).locator("[data-password]").inner_text()
    assert len(password) == 8
    assert serious_violations(page) == []

    with page.expect_download() as download_info:
        page.locator("#passwords-csv").click()
    download = download_info.value
    assert download.suggested_filename == "mots-de-passe-4A.csv"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b'\xef\xbb\xbf"Classe";"Nom";"Pr\xc3\xa9nom";')
    assert f'"4A";"MARTIN";"Léa";"lea.martin1705";"{password}"'.encode() in data

    # Printed: only the cards, no header, buttons or warning.
    expect(page.get_by_role("button", name="Imprimer les cartes")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("header.fr-header")).to_be_hidden()
    expect(page.locator("#passwords-once")).to_be_hidden()
    expect(cards.first).to_be_visible()
    page.emulate_media(media="screen")

    # The student signs in with it and must choose a password first.
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    student = context.new_page()
    student.goto("/compte/login/")
    student.get_by_label("Adresse e-mail ou identifiant").fill("lea.martin1705")
    student.get_by_label("Mot de passe", exact=True).fill(password)
    student.locator("main").get_by_role("button", name="Se connecter").click()
    expect(student).to_have_url(f"{live_server.url}/compte/nouveau-mot-de-passe/")
    expect(student.get_by_role("heading", level=1)).to_have_text("Choisis ton nouveau mot de passe")
    student.goto("/mes-parcours/")
    # The page asked for comes back once the password is chosen.
    expect(student).to_have_url(
        f"{live_server.url}/compte/nouveau-mot-de-passe/?next=%2Fmes-parcours%2F"
    )
    student.get_by_label("Nouveau mot de passe", exact=True).fill("Un-vrai-mot-de-passe-42")
    student.get_by_label("Confirmation du nouveau mot de passe").fill("Un-vrai-mot-de-passe-42")
    student.get_by_role("button", name="Enregistrer mon nouveau mot de passe").click()
    expect(student.locator("main")).to_contain_text("Ton nouveau mot de passe est enregistré")
    expect(student).to_have_url(f"{live_server.url}/mes-parcours/")
    context.close()
    assert not User.objects.get(username="lea.martin1705").must_change_password
