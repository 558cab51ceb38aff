"""Steps of the school guides through the pages, as people do them (clicks and typing),
shared by the browser journeys: each feature's own journey and the whole one
(test_whole_journey.py). A step checks only what tells that it went through; the journeys
check the rest."""

from __future__ import annotations

import datetime
import re
import time

from django.core import mail
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.invitations.helpers import accept_path, link_in


def wait_for_message_to(address: str, *, after: int = 0, timeout: float = 20.0):
    """The newest e-mail to `address` among those sent after the first `after` ones: sent
    on commit, by a worker when the test runs one, so maybe not yet."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in mail.outbox[after:] if m.to == [address]]
        if found:
            return found[-1]
        assert time.monotonic() < deadline, f"no e-mail to {address}"
        time.sleep(0.1)


def back_office_sign_in(page: Page, login: str) -> None:
    page.goto("/backoffice/")
    page.get_by_label("Adresse e-mail ou identifiant").fill(login)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()


def staff_creates_a_school(page: Page, *, name: str, uai: str, official_email: str) -> None:
    """In the back office (signed in as staff): a new SCO school."""
    page.goto("/backoffice/organizations/organization/add/")
    page.locator("#id_name").fill(name)
    page.locator("#id_type").select_option("SCO")
    page.locator("#id_uai").fill(uai)
    page.locator("#id_official_email").fill(official_email)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text(name)


def staff_sends_the_administrator_invitation(page: Page, school) -> None:
    """From the back office's list of organisations, its action on the school's row."""
    page.locator(f"input[name=_selected_action][value='{school.pk}']").check()
    page.locator("select[name=action]").select_option("send_administrator_invitation")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "1 invitation administrateur envoyée à l'adresse officielle."
    )


def fill_sign_up_form(page: Page, *, first_name: str, last_name: str, email: str) -> None:
    """The sign-up form with an e-mail address, sent."""
    page.get_by_label("Prénom").fill(first_name)
    page.get_by_label("Nom", exact=True).fill(last_name)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()


def join_from_invitation_with_a_new_account(
    page: Page, message, *, first_name: str, last_name: str, email: str
) -> None:
    """On another computer: the e-mail's link, a new account, "Accepter", the terms of use,
    and the space's home."""
    page.context.clear_cookies()
    page.goto(accept_path(link_in(message)))
    page.locator("main").get_by_role("link", name="Créer un compte").click()
    fill_sign_up_form(page, first_name=first_name, last_name=last_name, email=email)
    page.get_by_role("button", name="Accepter").click()
    page.get_by_role("button", name="Accepter et continuer").click()
    expect(page).to_have_url(re.compile(r"/campagnes/$"))


def import_and_confirm(page: Page, export_path: str) -> None:
    """Élèves, then Importer: the file sent, the check followed until its preview, confirmed,
    and applied (by whatever worker runs)."""
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Élèves").click()
    page.locator("main").get_by_role("link", name="Importer", exact=True).click()
    page.get_by_label("Fichier SIECLE").set_input_files(export_path)
    page.locator("#import-form").get_by_role("button", name="Importer").click()
    confirm = page.get_by_role("button", name="Confirmer l'import")
    expect(confirm).to_be_visible(timeout=30_000)
    confirm.click()
    expect(page.locator("#import-outcome")).to_contain_text(
        "Votre liste d'élèves est à jour.", timeout=30_000
    )


def invite_by_email(page: Page, *addresses: str) -> None:
    """Équipe, then Inviter un membre: the addresses, the confirmation, sent."""
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Équipe").click()
    page.get_by_role("link", name="Inviter un membre").click()
    page.get_by_label("Adresses e-mail des personnes à inviter").fill("\n".join(addresses))
    page.get_by_role("button", name="Continuer").click()
    count = len(addresses)
    page.get_by_role("button", name=f"Inviter ({count} e-mail{'s' if count > 1 else ''})").click()
    expect(page).to_have_url(re.compile(r"/equipe/$"))


def fill_identity(page: Page, *, first_name: str, last_name: str, birthdate: datetime.date):
    """The student's names and birth date (matching form or sign-up), sent."""
    page.get_by_label("Prénom").fill(first_name)
    page.get_by_label("Nom", exact=True).fill(last_name)
    page.get_by_label("Jour").fill(str(birthdate.day))
    page.get_by_label("Mois").fill(str(birthdate.month))
    page.get_by_label("Année").fill(str(birthdate.year))
    page.get_by_role("button", name="Continuer").click()


def choose_password_and_create_the_account(page: Page, password: str) -> None:
    """ "Est-ce bien vous ?": the password twice, then "Associer et créer mon compte"."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Est-ce bien vous ?")
    page.get_by_label("Choisissez un mot de passe").fill(password)
    page.get_by_label("Tapez à nouveau le même mot de passe").fill(password)
    page.get_by_role("button", name="Associer et créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre compte est prêt")


def create_one_campaign_per_class(page: Page, *, name: str, title: str) -> None:
    """Campagnes, then "Créer une campagne par classe": every class ticked, a name and a
    title, created."""
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Campagnes"
    ).click()
    page.locator("main").get_by_role("link", name="Créer une campagne par classe").first.click()
    page.get_by_label("Nom de la campagne").fill(name)
    page.get_by_label("Titre affiché aux élèves").fill(title)
    page.get_by_role("button", name="Créer les campagnes").click()
    expect(page.get_by_text(re.compile(r"\d+ campagnes créées, une par classe"))).to_be_visible()


def generate_a_one_time_password(page: Page) -> str:
    """On a student's page (administrator): "Mot de passe à usage unique", the
    confirmation, and the password shown once on the student's card."""
    page.get_by_role("link", name="Mot de passe à usage unique").click()
    page.get_by_role("button", name="Générer les mots de passe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mots de passe à usage unique")
    return page.locator("#passwords-cards [data-password]").inner_text().strip()


def choose_a_new_password(page: Page, password: str) -> None:
    """Signed in with a one-time password: the page that asks for one's own (every other
    page leads back to it), filled and saved."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisis ton nouveau mot de passe")
    page.get_by_label("Nouveau mot de passe", exact=True).fill(password)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(password)
    page.get_by_role("button", name="Enregistrer mon nouveau mot de passe").click()
