"""The API in a browser: the documentation page (Swagger UI from our static files) runs
under the CSP, lists every operation and calls the API with the signed-in session; the
account page makes a token, shows it once, and that token opens the API."""

import re

import pytest
from playwright.sync_api import Page, expect

from organizations.models import ApiToken
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page: Page, user) -> None:
    page.goto("/compte/login/")
    page.get_by_label("Adresse e-mail ou identifiant").fill(user.email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def test_the_documentation_runs_under_the_policy_and_tries_the_api(
    page: Page, organization, admin_user
):
    sign_in(page, admin_user)
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Pix Orga API")
    expect(page.locator(".opblock")).to_have_count(25)
    # "Try it out" on /me/ with the session (a GET: no CSRF token needed).
    me = page.locator("#operations-me-me")
    me.locator(".opblock-summary").click()
    me.get_by_role("button", name="Try it out").click()
    me.get_by_role("button", name="Execute").click()
    expect(me.locator(".live-responses-table tbody .response-col_status")).to_have_text("200")
    expect(me.locator(".live-responses-table")).to_contain_text(admin_user.email)


def test_a_token_made_on_the_account_page_opens_the_api(page: Page, organization, admin_user):
    sign_in(page, admin_user)
    page.goto("/compte/profil/jetons/")
    page.get_by_label("Nom du jeton").fill("Import SIECLE de nuit")
    page.get_by_label("Rôle du jeton").select_option("ADMIN")
    page.get_by_role("button", name="Créer le jeton").click()
    secret = page.locator("#api-token-secret").inner_text()
    assert re.fullmatch(r"pxo_[\w-]{43}", secret)
    expect(page.get_by_role("button", name="Copier le jeton")).to_be_visible()
    token = ApiToken.objects.get()
    status = page.evaluate(
        """async ([url, secret]) => {
            const response = await fetch(url, {headers: {Authorization: "Bearer " + secret}});
            return response.status;
        }""",
        [f"/api/v1/organizations/{organization.pk}/imports/", secret],
    )
    assert status == 200
    page.goto("/compte/profil/jetons/")  # coming back: the secret is not shown again
    expect(page.locator("#api-token-secret")).to_have_count(0)
    expect(page.locator(f"#api-token-{token.pk}")).to_contain_text(token.prefix)
    page.locator(f"#api-token-{token.pk}").get_by_role("button", name="Révoquer").click()
    expect(page.locator(f"#api-token-{token.pk}")).to_contain_text("Révoqué")
