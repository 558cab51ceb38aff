"""The GAR's sign-in in Chromium, the GAR on another origin (the app on localhost, the
GAR on 127.0.0.1): the GAR's page POSTs itself across sites to /gar/acs/, as in a real
sign-in — without our cookies (SameSite=Lax) and without a CSRF token."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.gar.fixtures import configure_sp, gar_keys  # noqa: F401 (fixtures)
from tests.gar.http_idp import serving
from tests.gar.idp import TestIdP, student_attributes

pytestmark = pytest.mark.browser


@pytest.fixture
def cross_site_gar(settings, gar_keys, live_server, tmp_path):  # noqa: F811
    from accounts.gar.service import gar_metadata_xml

    assert "localhost" in live_server.url

    def factory(sso_url: str) -> TestIdP:
        idp = TestIdP(keys=gar_keys["idp"], sso_url=sso_url)
        configure_sp(
            settings, gar_keys, idp.write_metadata(tmp_path / "gar.xml"), base_url=live_server.url
        )
        idp.trust_sp(gar_metadata_xml())
        return idp

    with serving(factory, host="127.0.0.1") as gar:
        yield gar


def test_a_forged_answer_posted_across_sites_is_refused_on_its_page(page, cross_site_gar):
    cross_site_gar.attributes = student_attributes(IDO=None)
    cross_site_gar.relay_state = "https://evil.example/steal"
    page.goto("/gar/login/")
    expect(page.get_by_test_id("refusal-code")).to_contain_text("GAR_ATTRIBUTE_MISSING")
    assert re.fullmatch(r"http://localhost:\d+/gar/acs/", page.url)
    assert len(cross_site_gar.requests) == 1
    assert "127.0.0.1" in cross_site_gar.requests[0]


def test_a_student_arrives_from_the_ent_then_comes_back_signed_in_directly(
    page, cross_site_gar, browser
):
    from tests.gar.arrival_helpers import BIRTHDATE, make_school

    school = make_school()
    cross_site_gar.attributes = student_attributes(
        IDO="ido-lea-browser", PRE="Léa", NOM="MARTIN", UAI=school.uai
    )
    # Whatever the GAR's page posts as RelayState, nobody is sent there.
    cross_site_gar.relay_state = "https://evil.example/steal"
    page.goto("/gar/login/")
    expect(page.locator("#gar-greeting")).to_contain_text("Léa")
    assert re.fullmatch(r"http://localhost:\d+/gar/premiere-connexion/", page.url)
    page.get_by_label("Jour").fill(str(BIRTHDATE.day))
    page.get_by_label("Mois").fill(str(BIRTHDATE.month))
    page.get_by_label("Année").fill(str(BIRTHDATE.year))
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url(re.compile(r"http://localhost:\d+/mes-parcours/"))
    school.lea.refresh_from_db()
    assert school.lea.user is not None

    # The next time (a new browser context: no cookies), signed in straight away.
    context = browser.new_context(base_url=page.url.split("/mes-parcours/")[0], locale="fr-FR")
    again = context.new_page()
    again.goto("/gar/login/")
    again.wait_for_url(re.compile(r"http://localhost:\d+/mes-parcours/"))
    assert "evil.example" not in again.url
    assert len(cross_site_gar.requests) == 2
    context.close()
