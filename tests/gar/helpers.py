"""Shared steps of the GAR's tests."""

from __future__ import annotations

import re

from django.test import Client

from accounts.models import SamlRequest

ACS = "/gar/acs/"


def start_login(client: Client, query: str = "") -> str:
    """GET /gar/login/ and return the redirect to the GAR (with the AuthnRequest)."""
    response = client.get(f"/gar/login/{query}")
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def post_acs(client: Client, saml_response: str, relay_state: str = ""):
    return client.post(ACS, {"SAMLResponse": saml_response, "RelayState": relay_state})


def assert_refused(response, code: str, status: int = 403) -> None:
    """A refusal page with its code, no redirect anywhere, no 500."""
    assert response.status_code == status, (response.status_code, response.content[:800])
    assert "Location" not in response
    found = re.search(r'data-testid="refusal-code">([^<]*)</p>', response.content.decode())
    assert found is not None, response.content[:800]
    assert found.group(1).split()[-1] == code, found.group(1)


def request_row(login_url: str) -> SamlRequest:
    from tests.gar.idp import request_id_of

    return SamlRequest.objects.get(id=request_id_of(login_url))


def browser_of(login_url: str) -> str:
    """The cookie /gar/login/ left in the browser for this request (service-level tests
    pass it as the view would)."""
    from accounts.gar.service import browser_binding
    from tests.gar.idp import request_id_of

    return browser_binding(request_id_of(login_url))
