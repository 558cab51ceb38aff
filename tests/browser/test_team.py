"""Browser journey of the team page: an administrator invites two teachers in one go, one
accepts by creating an account, the administrator sees one more member and one pending
invitation, resends it (once the minute is over), cancels it, and the cancelled link shows
the "no longer valid" page. Then every team page through axe and on a 320 px screen."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from invitations.models import Invitation
from organizations.models import Membership
from tests.browser.steps import fill_sign_up_form
from tests.browser.test_accounts_and_layout import serious_violations
from tests.factories import PASSWORD, make_member
from tests.invitations.helpers import accept_path, link_in, send
from tests.invitations.team_helpers import install_clock

pytestmark = pytest.mark.browser


def sign_in(page: Page, login: str) -> None:
    page.goto("/compte/login/")
    page.get_by_label("Adresse e-mail ou identifiant").fill(login)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/campagnes/$"))


def message_to(address: str):
    return next(m for m in reversed(mail.outbox) if m.to == [address])


def test_an_administrator_invites_two_teachers_and_follows_their_invitations(
    page: Page, organization, admin_user, monkeypatch
):
    clock = install_clock(monkeypatch)  # the live server runs in this process
    sign_in(page, admin_user.email)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Équipe").click()
    expect(page.locator("#members-count")).to_have_text(f"{organization.name} compte 1 membre.")
    page.get_by_role("link", name="Inviter un membre").click()

    # Two addresses in one go, as typed: any case, a comma and a line break.
    page.get_by_label("Adresses e-mail des personnes à inviter").fill(
        "Anne.Roux@AC-Test.fr,\nmarc.petit@ac-test.fr"
    )
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmer les invitations")
    expect(page.locator("#results-reminder")).to_contain_text(
        "Les membres voient les résultats de vos élèves"
    )
    expect(page.get_by_test_id("plan-new")).to_have_text(
        re.compile(r"anne\.roux@ac-test\.fr\s*marc\.petit@ac-test\.fr")
    )
    page.get_by_role("button", name="Inviter (2 e-mails)").click()
    expect(page).to_have_url(re.compile(r"/equipe/$"))
    expect(page.get_by_role("status").first).to_contain_text("2 invitations envoyées.")
    expect(page.locator("#invitations-count")).to_have_text(
        "2 invitations attendent d'être acceptées."
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["anne.roux@ac-test.fr", "marc.petit@ac-test.fr"]

    # Anne, on another computer, creates her account from the link of her e-mail.
    page.context.clear_cookies()
    page.goto(accept_path(link_in(message_to("anne.roux@ac-test.fr"))))
    page.locator("main").get_by_role("link", name="Créer un compte").click()
    fill_sign_up_form(page, first_name="Anne", last_name="Roux", email="anne.roux@ac-test.fr")
    page.get_by_role("button", name="Accepter").click()
    expect(page.get_by_role("status")).to_contain_text(f"Vous avez rejoint {organization.name}.")
    page.get_by_role("button", name="Accepter et continuer").click()
    expect(page).to_have_url(re.compile(r"/campagnes/$"))
    assert Membership.objects.get(user__email="anne.roux@ac-test.fr").role == "MEMBER"

    # The administrator sees one more member and one pending invitation.
    page.context.clear_cookies()
    sign_in(page, admin_user.email)
    page.goto("/equipe/")
    expect(page.locator("#members-count")).to_have_text(f"{organization.name} compte 2 membres.")
    expect(page.locator("#members-table")).to_contain_text("Roux")
    expect(page.locator("#invitations-count")).to_have_text("1 invitation attend d'être acceptée.")
    marc = Invitation.objects.get(email="marc.petit@ac-test.fr")
    row = page.get_by_test_id(f"invitation-{marc.pk}")
    expect(row).to_contain_text("marc.petit@ac-test.fr")
    expect(row).to_contain_text("Envoyée")

    # Resent at once: the server asks to wait for the minute to pass.
    row.get_by_role("button", name=re.compile("^Renvoyer")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Cette invitation est partie il y a moins d'une minute"
    )
    clock.advance(minutes=1, seconds=1)
    page.get_by_test_id(f"invitation-{marc.pk}").get_by_role(
        "button", name=re.compile("^Renvoyer")
    ).click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Invitation renvoyée à marc.petit@ac-test.fr, avec un nouveau lien."
    )
    newest_link = link_in(message_to("marc.petit@ac-test.fr"))
    assert Invitation.objects.get(pk=marc.pk).send_count == 2

    # Cancelled: gone from the list, and its link no longer works.
    page.get_by_test_id(f"invitation-{marc.pk}").get_by_role(
        "button", name=re.compile("^Annuler")
    ).click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Invitation de marc.petit@ac-test.fr annulée : son lien ne fonctionne plus."
    )
    expect(page.locator("#invitations-count")).to_have_text(
        "Aucune invitation n'attend d'être acceptée."
    )
    page.context.clear_cookies()
    page.goto(accept_path(newest_link))
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation annulée")
    expect(page.locator("main")).to_contain_text("son lien ne fonctionne plus")


def test_an_administrator_removes_a_member_after_a_confirmation_naming_them(
    page: Page, organization, admin_user
):
    teacher = make_member(organization, first_name="Camille", last_name="Martin")
    sign_in(page, admin_user.email)
    page.goto("/equipe/")
    row = page.get_by_test_id(f"member-{teacher.memberships.get().pk}")
    row.get_by_role("link", name=re.compile("^Retirer")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Retirer Camille Martin de l'équipe ?"
    )
    page.get_by_role("button", name="Retirer de l'équipe").click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Camille Martin n'a plus accès à l'espace de {organization.name}."
    )
    expect(page.locator("#members-count")).to_have_text(f"{organization.name} compte 1 membre.")


def team_pages(organization, admin_user) -> list[str]:
    """The team's pages, as an administrator sees them (members and a pending invitation)."""
    teacher = make_member(organization, first_name="Camille", last_name="Martin")
    make_member(organization, first_name="Très-long-prénom-composé", email="x" * 60 + "@ac-test.fr")
    send(organization, "an.address.long.enough.to.wrap@academie-de-test.example.fr")
    membership = teacher.memberships.get()
    return [
        "/equipe/",
        "/equipe/?q=martin",
        "/equipe/inviter/",
        f"/equipe/membres/{membership.pk}/role/",
        f"/equipe/membres/{membership.pk}/retirer/",
        "/equipe/quitter/",
    ]


def visit_forms(page: Page, check) -> None:
    """The pages that only a form leads to: errors, the confirmation, a refusal."""
    page.goto("/equipe/inviter/")
    page.get_by_label("Adresses e-mail des personnes à inviter").fill("anne@ac-test.fr, marc@")
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check()
    page.get_by_label("Adresses e-mail des personnes à inviter").fill(
        "anne@ac-test.fr, marc.petit.enseignant@academie-de-test.example.fr"
    )
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmer les invitations")
    check()
    # The last administrator trying to leave: refused, with the reason.
    page.goto("/equipe/quitter/")
    page.get_by_role("button", name="Quitter l'espace").click()
    expect(page.get_by_role("alert")).to_contain_text("au moins un administrateur")
    check()


def test_team_pages_have_no_serious_accessibility_violation(
    page: Page, organization, admin_user, member_user
):
    paths = team_pages(organization, admin_user)
    violations = []
    sign_in(page, admin_user.email)
    for path in paths:
        page.goto(path)
        violations += serious_violations(page)
    visit_forms(page, lambda: violations.extend(serious_violations(page)))
    # A member's view of the team.
    page.context.clear_cookies()
    sign_in(page, member_user.email)
    page.goto("/equipe/")
    violations += serious_violations(page)
    assert violations == [], "\n".join(violations)


def test_team_pages_fit_a_320_pixel_wide_screen(page: Page, organization, admin_user):
    paths = team_pages(organization, admin_user)
    sign_in(page, admin_user.email)
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = []

    def check() -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide.append(f"{page.url}: {width} px")

    for path in paths:
        page.goto(path)
        check()
    visit_forms(page, check)
    assert too_wide == [], "horizontal scrolling at 320 px: " + ", ".join(too_wide)
