"""Browser journey of the documentation: a teacher opens it from the menu, follows the side
menu to the troubleshooting kit and finds the code a student gave them; axe at 1280 px and
at 320 px (where the side menu folds under its button), nothing wider than the screen."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_campaigns import fits_320, wide_elements
from tests.browser.test_student_import import serious_violations, sign_in

pytestmark = pytest.mark.browser


def test_a_teacher_finds_what_to_do_for_a_students_code(page: Page, member_user):
    violations = []
    sign_in(page, member_user.email)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Documentation"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documentation")
    page.wait_for_load_state("load")
    violations += serious_violations(page)

    menu = page.get_by_role("navigation", name="Sommaire")
    menu.get_by_role("link", name="Dépannage : les codes des élèves").click()
    expect(page).to_have_url(re.compile(r"/documentation/#troubleshooting$"))
    expect(page.get_by_role("heading", name="Dépannage : les codes des élèves")).to_be_in_viewport()
    entry = page.locator("#code-R32")
    expect(entry.get_by_role("heading", level=3)).to_have_text(
        "R32 — Un autre compte vous est déjà associé"
    )
    expect(entry).to_contain_text("avec l'identifiant j***.d***0512")
    expect(entry).to_contain_text("clique sur « Mot de passe à usage unique »")

    # On a phone: the side menu folds under its button, and opens on a tap.
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto("/documentation/")
    page.wait_for_load_state("load")
    assert fits_320(page), wide_elements(page)
    button = page.get_by_role("button", name="Dans cette rubrique")
    expect(button).to_be_visible()
    expect(menu.get_by_role("link", name="Inviter l'équipe")).to_be_hidden()
    button.click()
    menu.get_by_role("link", name="Inviter l'équipe").click()
    expect(page).to_have_url(re.compile(r"#team$"))
    violations += serious_violations(page)
    assert violations == [], "\n".join(violations)
