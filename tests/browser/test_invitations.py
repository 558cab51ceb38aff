"""Browser journeys of invitations: staff creates a school in the back office and sends
its administrator invitation; the link of the e-mail is opened; a new person signs up,
comes back to the invitation, accepts it, accepts the terms of use and lands in the space
as administrator; a new version of the terms asks again. Then self-activation, and every
invitation page through axe and on a 320 px wide screen."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from invitations.models import Invitation
from invitations.services import invitation_cancel
from organizations.models import Membership, Organization
from organizations.services import cgu_version_publish, organization_archive
from tests.browser.steps import (
    back_office_sign_in,
    fill_sign_up_form,
    staff_creates_a_school,
    staff_sends_the_administrator_invitation,
)
from tests.browser.test_accounts_and_layout import serious_violations
from tests.factories import PASSWORD, current_cgu, make_organization, make_staff, make_uai
from tests.invitations.helpers import accept_path, link_in, send

pytestmark = pytest.mark.browser

UAI = make_uai(1234567)


def sign_in(page: Page, login: str) -> None:
    page.get_by_label("Adresse e-mail ou identifiant").fill(login)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()


def test_staff_invites_a_new_school_whose_head_signs_up_and_lands_in_its_space(page: Page):
    staff = make_staff()
    current_cgu()  # the terms of use in force
    violations = []

    # Staff creates the school in the back office…
    back_office_sign_in(page, staff.email)
    staff_creates_a_school(
        page, name="Collège Aimé Césaire", uai=UAI.lower(), official_email=f"ce.{UAI}@ac-test.fr"
    )
    school = Organization.objects.get(uai=UAI)

    # … and sends its administrator invitation in one action.
    staff_sends_the_administrator_invitation(page, school)
    (message,) = mail.outbox
    assert message.to == [f"ce.{UAI.lower()}@ac-test.fr"]
    link = link_in(message)

    # Someone else, on another computer, opens the link of the e-mail.
    page.context.clear_cookies()
    page.goto(accept_path(link))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Rejoindre Collège Aimé Césaire sur Pix Orga"
    )
    violations += serious_violations(page)
    page.locator("main").get_by_role("link", name="Créer un compte").click()

    fill_sign_up_form(
        page, first_name="Camille", last_name="Martin", email="camille.martin@ac-test.fr"
    )

    # Back on the invitation, signed in: it says which account will join.
    expect(page).to_have_url(re.compile(r"/rejoindre/\?invitationId="))
    expect(page.locator("main")).to_contain_text(
        "Vous allez rejoindre Collège Aimé Césaire avec le compte "
        "Camille Martin (camille.martin@ac-test.fr)."
    )
    expect(page.get_by_role("button", name="Changer de compte")).to_be_visible()
    violations += serious_violations(page)
    page.get_by_role("button", name="Accepter").click()

    # A new account has not accepted the terms of use: the space asks first, with the
    # outcome of the invitation.
    expect(page).to_have_url(re.compile(r"/cgu/\?next=%2Fcampagnes%2F$"))
    expect(page.get_by_role("status")).to_contain_text(
        "Vous avez rejoint Collège Aimé Césaire en tant qu'administrateur."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Conditions générales d'utilisation de Pix Orga"
    )
    violations += serious_violations(page)
    page.get_by_role("button", name="Accepter et continuer").click()
    expect(page).to_have_url(re.compile(r"/campagnes/$"))
    expect(page.get_by_role("banner")).to_contain_text("Collège Aimé Césaire")
    membership = Membership.objects.get(
        organization=school, user__email="camille.martin@ac-test.fr"
    )
    assert membership.role == "ADMIN"

    # New terms of use are published: the next page of the space asks again, saying so.
    cgu_version_publish(actor=None, text_fr="Nouvelles conditions (version 2).")
    page.goto("/eleves/")
    expect(page).to_have_url(re.compile(r"/cgu/\?next=%2Feleves%2F$"))
    expect(page.get_by_test_id("cgu-changed")).to_contain_text(
        "Les conditions d'utilisation ont changé"
    )
    expect(page.get_by_test_id("cgu-text")).to_contain_text("Nouvelles conditions (version 2).")
    page.get_by_role("button", name="Accepter et continuer").click()
    expect(page).to_have_url(re.compile(r"/eleves/$"))

    # The link works once.
    page.goto(accept_path(link))
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation déjà acceptée")
    assert violations == [], "\n".join(violations)


def test_switching_account_from_the_invitation(page: Page, organization, member_user):
    _, link = send(organization)
    page.goto("/compte/login/")
    sign_in(page, member_user.email)
    page.goto(accept_path(link))
    page.get_by_role("button", name="Changer de compte").click()
    # Signed out, back on the invitation, offered to sign in or up.
    expect(page).to_have_url(re.compile(r"/rejoindre/\?invitationId="))
    expect(page.locator("main").get_by_role("link", name="Se connecter")).to_be_visible()
    expect(page.locator("header").get_by_role("button", name="Se déconnecter")).to_have_count(0)


def test_a_school_asks_for_its_invitation_from_the_sign_in_page(page: Page, organization):
    page.goto("/compte/login/")
    page.get_by_role("link", name="Activez ou récupérez votre espace Pix Orga").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Activez ou récupérez votre espace Pix Orga"
    )
    page.get_by_label("UAI de l'établissement").fill(f" {organization.uai.lower()}")
    page.get_by_label("Votre prénom").fill("Anne")
    page.get_by_label("Votre nom").fill("Roux")
    page.get_by_role("button", name="Envoyer l'invitation à l'établissement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Invitation envoyée à l'établissement"
    )
    assert [message.to for message in mail.outbox] == [[organization.official_email]]


def invitation_pages(organization) -> dict[str, str]:
    """A path for each page of an invitation link, in its state."""
    pending, _ = send(organization, "pending@school.example")
    _, replaced_link = send(organization, "replaced@school.example")
    send(organization, "replaced@school.example")
    cancelled, cancelled_link = send(organization, "cancelled@school.example")
    invitation_cancel(invitation=cancelled, actor=None)
    accepted, accepted_link = send(organization, "accepted@school.example")
    Invitation.objects.filter(pk=accepted.pk).update(
        status="ACCEPTED", accepted_at=pending.created_at
    )
    closed = make_organization(name="Collège fermé")
    _, closed_link = send(closed)
    organization_archive(actor=None, organization=closed)
    _, pending_link = send(organization, "pending@school.example")
    return {
        "pending": accept_path(pending_link),
        "replaced": accept_path(replaced_link),
        "cancelled": accept_path(cancelled_link),
        "accepted": accept_path(accepted_link),
        "archived": accept_path(closed_link),
        "invalid": "/rejoindre/?invitationId=1&code=wrong",
        "self_activation": "/demande-administration-sco/",
    }


def test_invitation_pages_have_no_serious_accessibility_violation(page: Page, organization):
    pages = invitation_pages(organization)
    violations = []
    for path in pages.values():
        page.goto(path)
        violations += serious_violations(page)
    # The self-activation form sent back with errors, and its answer.
    page.goto(pages["self_activation"])
    page.get_by_role("button", name="Envoyer l'invitation à l'établissement").click()
    expect(page.get_by_role("alert")).to_be_visible()
    violations += serious_violations(page)
    page.get_by_label("UAI de l'établissement").fill(organization.uai)
    page.get_by_label("Votre prénom").fill("Anne")
    page.get_by_label("Votre nom").fill("Roux")
    page.get_by_role("button", name="Envoyer l'invitation à l'établissement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Invitation envoyée à l'établissement"
    )
    violations += serious_violations(page)
    assert violations == [], "\n".join(violations)


def test_invitation_pages_fit_a_320_pixel_wide_screen(page: Page, organization, member_user):
    pages = invitation_pages(organization)
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = []

    def check(path: str) -> None:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide.append(f"{path}: {width} px")

    for path in pages.values():
        check(path)
    # Signed in, the page with the account's name and the two buttons.
    page.goto("/compte/login/")
    sign_in(page, member_user.email)
    expect(page).to_have_url(re.compile(r"/campagnes/$"))
    check(pages["pending"])
    assert too_wide == [], "horizontal scrolling at 320 px: " + ", ".join(too_wide)
