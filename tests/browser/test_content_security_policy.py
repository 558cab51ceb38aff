"""The Content-Security-Policy in a real browser: enforced (inline code does not run), every
violation reaches the test (across navigations), and the pages that render third-party
templates (the back office, error pages) run without one."""

import pytest
from playwright.sync_api import Page, expect

from organizations.models import Organization
from pixorga.security import PERMISSIONS_POLICY
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

INJECT_INLINE_CODE = """() => {
  const script = document.createElement("script");
  script.textContent = "window.__inlineRan = true;";
  document.body.append(script);
  document.querySelector("main").setAttribute("style", "color: red");
  return window.__inlineRan === true;
}"""


def wait_for_violations(page: Page, count: int) -> None:
    # Reports reach Python while Playwright talks to the browser: keep it talking.
    for _ in range(200):
        if len(page.csp_violations) >= count:
            return
        page.wait_for_timeout(100)


def test_inline_code_is_blocked_and_each_violation_reaches_the_test(page: Page):
    page.goto("/")
    assert page.evaluate(INJECT_INLINE_CODE) is False
    # The events fire asynchronously: wait for both, however loaded the machine is.
    wait_for_violations(page, 2)
    # A violation in one document is still counted after the browser has left it.
    page.goto("/mentions-legales/")
    directives = sorted(violation["directive"] for violation in page.csp_violations)
    assert directives == ["script-src-elem", "style-src-attr"]
    assert all(violation["page"].endswith("/") for violation in page.csp_violations)
    # Provoked on purpose: the fixture would otherwise fail this test.
    page.csp_violations.clear()


def test_the_design_system_runs_under_the_policy(page: Page):
    # DSFR's script marks the page once it has started; a blocked script would not.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("data-fr-js", "true")
    page.get_by_role("button", name="Menu").click()
    expect(page.locator("#header-menu")).to_be_visible()


def test_back_office_pages_run_without_violation(page: Page, organization):
    staff = UserFactory(is_staff=True, is_superuser=True)
    page.goto("/backoffice/")
    page.get_by_label("Adresse e-mail ou identifiant").fill(staff.email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    expect(page.locator("#site-name")).to_be_visible()

    page.goto("/backoffice/organizations/organization/")
    expect(page.locator("#result_list")).to_contain_text(organization.name)
    page.goto("/backoffice/organizations/organization/add/")
    expect(page.locator("#organization_form")).to_be_visible()
    page.goto(f"/backoffice/organizations/organization/{organization.pk}/change/")
    expect(page.locator("#organization_form")).to_be_visible()
    page.goto("/backoffice/accounts/user/")
    expect(page.locator("#result_list")).to_contain_text(staff.email)
    assert Organization.objects.count() == 1


def test_error_pages_run_without_violation(page: Page):
    response = page.goto("/nulle-part/")
    assert response.status == 404
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("html")).to_have_attribute("data-fr-js", "true")


def test_the_browser_knows_and_applies_every_permissions_policy_feature(page: Page):
    page.goto("/")
    # Chromium's own view of the policy: an unknown name would be silently ignored.
    known = set(page.evaluate("document.featurePolicy.features()"))
    named = {item.split("=")[0] for item in PERMISSIONS_POLICY.split(", ")}
    assert named <= known, named - known
    allowed = set(page.evaluate("document.featurePolicy.allowedFeatures()"))
    assert not named & allowed
    assert "fullscreen" in allowed  # a feature we leave alone stays allowed
