"""Browser journey of a student's first arrival from the ENT, once the GAR's answer has
been accepted (the SAML part has its own browser test): "Bonjour Léa MARTIN", the birth
date only, signed in on /mes-parcours/; the password proof of an account found through
the list; the staff page. Axe, 320 px and the CSP on every page."""

import datetime
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from playwright.sync_api import Page, expect

from accounts.models import AuthenticationMethod
from campaigns.gar.pending import pending_store
from tests.browser.test_student_join import check_page
from tests.factories import PASSWORD, link_learner, make_learner, make_student
from tests.gar.arrival_helpers import gar_identity

pytestmark = pytest.mark.browser
BIRTHDATE = datetime.date(2012, 5, 17)


def waiting_arrival(page: Page, live_server, identity) -> None:
    """What /gar/acs/ leaves for an unknown IDO: the arrival waiting in a new session,
    whose cookie the browser has."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    pending_store(SimpleNamespace(session=session, user=AnonymousUser()), identity)
    session.save()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )


def fill_birth_date(page: Page, date: datetime.date) -> None:
    page.get_by_label("Jour").fill(str(date.day))
    page.get_by_label("Mois").fill(str(date.month))
    page.get_by_label("Année").fill(str(date.year))
    page.get_by_role("button", name="Continuer").click()


def test_a_student_arrives_from_the_ent_for_the_first_time(page: Page, live_server, organization):
    lea = make_learner(organization, first_name="Léa", last_name="MARTIN", birthdate=BIRTHDATE)
    violations = []
    waiting_arrival(page, live_server, gar_identity(uai=organization.uai))

    page.goto("/gar/premiere-connexion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Léa MARTIN")
    violations += check_page(page, "gar-birthdate")
    # A wrong date first: the no-match sentence and its code; the arrival is over (a
    # terminal refusal forgets it), the student starts again from the ENT.
    fill_birth_date(page, BIRTHDATE.replace(day=18))
    expect(page.get_by_test_id("refusal-code")).to_contain_text("STUDENT_NOT_FOUND")
    violations += check_page(page, "gar-no-match")
    waiting_arrival(page, live_server, gar_identity(uai=organization.uai))
    page.goto("/gar/premiere-connexion/")
    fill_birth_date(page, BIRTHDATE)

    expect(page).to_have_url(f"{live_server.url}/mes-parcours/")
    expect(page.get_by_text("la prochaine fois, l'ENT vous connecte")).to_be_visible()
    lea.refresh_from_db()
    assert AuthenticationMethod.objects.get(user=lea.user).external_id == "ido-lea-1"
    assert violations == []


def test_a_student_proves_the_account_found_through_the_list(page: Page, live_server, organization):
    owner = make_student(username="lea.martin1705")
    link_learner(
        make_learner(organization, first_name="Léa", last_name="MARTIN", birthdate=BIRTHDATE),
        owner,
    )
    violations = []
    waiting_arrival(page, live_server, gar_identity(uai=organization.uai))
    page.goto("/gar/premiere-connexion/")
    fill_birth_date(page, BIRTHDATE)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Un autre compte vous est déjà associé"
    )
    expect(page.locator("#refusal")).to_contain_text("l***.m***1705")
    violations += check_page(page, "gar-prove")
    page.get_by_label("Mot de passe de ce compte").fill("not-it")
    page.get_by_role("button", name="Utiliser ce compte").click()
    expect(page.get_by_text("Ce n'est pas le mot de passe de ce compte.")).to_be_visible()
    page.get_by_label("Mot de passe de ce compte").fill(PASSWORD)
    page.get_by_role("button", name="Utiliser ce compte").click()

    expect(page).to_have_url(f"{live_server.url}/mes-parcours/")
    assert AuthenticationMethod.objects.get(user=owner).external_id == "ido-lea-1"
    assert violations == []


def test_staff_read_how_to_join_and_an_expired_arrival_says_to_start_again(
    page: Page, live_server, organization
):
    violations = []
    waiting_arrival(
        page,
        live_server,
        gar_identity(ido="ido-prof", uai=organization.uai, profile="National_ens"),
    )
    page.goto("/gar/personnel/")
    expect(page.get_by_role("link", name="J'ai déjà un compte Pix Orga")).to_be_visible()
    violations += check_page(page, "gar-staff")
    page.context.clear_cookies()
    page.goto("/gar/premiere-connexion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommencez depuis votre ENT")
    expect(page.get_by_role("link", name="Recommencer depuis l'ENT")).to_have_attribute(
        "href", "/gar/login/"
    )
    violations += check_page(page, "gar-expired")
    assert violations == []
