"""/gar/metadata.xml and /gar/login/, and the three routes when the GAR is not set up."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from saml2 import BINDING_HTTP_POST
from saml2.attribute_converter import ac_factory
from saml2.config import SPConfig
from saml2.mdstore import MetadataStore
from saml2.samlp import authn_request_from_string

from accounts.models import SamlRequest
from tests.factories import make_campaign, make_organization
from tests.gar.fixtures import RESOURCE_URL
from tests.gar.helpers import assert_refused, start_login
from tests.gar.idp import authn_request_xml, request_id_of

pytestmark = pytest.mark.django_db

ENTITY_ID = "http://testserver/gar/metadata.xml"


def _certificate_body(path: str) -> str:
    lines = Path(path).read_text().strip().splitlines()
    return "".join(line for line in lines if "CERTIFICATE" not in line)


# --- Metadata ---------------------------------------------------------------------------------


def test_metadata_describes_the_service_provider(client, gar_idp, gar_keys):
    response = client.get("/gar/metadata.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/samlmetadata+xml"
    store = MetadataStore(ac_factory(), SPConfig())
    store.load("inline", response.content.decode())
    assert list(store.service_providers()) == [ENTITY_ID]
    acs = store.assertion_consumer_service(ENTITY_ID, BINDING_HTTP_POST)
    assert [service["location"] for service in acs] == ["http://testserver/gar/acs/"]
    assert len(store[ENTITY_ID]["spsso_descriptor"][0]["assertion_consumer_service"]) == 1
    ours = _certificate_body(gar_keys["sp"].cert_file)
    for use in ("signing", "encryption"):
        found = [cert for _name, cert in store.certs(ENTITY_ID, "spsso", use)]
        assert ["".join(cert.split()) for cert in found] == [ours]
    services = store[ENTITY_ID]["spsso_descriptor"][0]["attribute_consuming_service"]
    requested = {
        attribute["name"]: attribute["is_required"]
        for attribute in services[0]["requested_attribute"]
    }
    assert requested == {
        "IDO": "true",
        "PRE": "true",
        "NOM": "true",
        "UAI": "false",
        "PRO": "false",
        "DIV": "false",
    }


def test_metadata_answers_before_the_gars_metadata_is_downloaded(client, gar_idp, settings):
    settings.GAR_IDP_METADATA = "https://gar.test/metadata.xml"
    settings.GAR_IDP_METADATA_CACHE = "/nonexistent/gar.xml"
    assert client.get("/gar/metadata.xml").status_code == 200
    assert_refused(client.get("/gar/login/"), "GAR_UNAVAILABLE", 404)


# --- Login ------------------------------------------------------------------------------------


def test_login_redirects_to_the_gar_with_a_signed_request_and_the_resource_url(client, gar_idp):
    location = start_login(client)
    url = urlsplit(location)
    assert f"{url.scheme}://{url.netloc}{url.path}" == gar_idp.sso_url
    query = parse_qs(url.query)
    assert query["RelayState"] == [RESOURCE_URL]
    assert query["SigAlg"] == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"]
    assert query["Signature"]
    request = authn_request_from_string(authn_request_xml(location))
    assert request.issuer.text == ENTITY_ID
    assert request.destination == gar_idp.sso_url
    assert request.assertion_consumer_service_url == "http://testserver/gar/acs/"
    # The IdP reads it (and checks the redirect binding's signature).
    parsed = gar_idp.server.parse_authn_request(
        query["SAMLRequest"][0],
        "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
        relay_state=query["RelayState"][0],
        sigalg=query["SigAlg"][0],
        signature=query["Signature"][0],
    )
    assert parsed.message.id == request.id


def test_login_stores_the_request_as_outstanding_with_an_expiry(client, gar_idp):
    before = timezone.now()
    location = start_login(client)
    row = SamlRequest.objects.get()
    assert row.id == request_id_of(location)
    assert row.consumed_at is None
    assert row.campaign_code == ""
    lifetime = row.expires_at - before
    assert timedelta(minutes=9) < lifetime <= timedelta(minutes=10, seconds=5)


def test_login_remembers_an_open_campaign_server_side(client, gar_idp):
    campaign = make_campaign(make_organization())
    location = start_login(client, f"?campagne={campaign.code.lower()}")
    assert SamlRequest.objects.get().campaign_code == campaign.code
    assert campaign.code not in location


@pytest.mark.parametrize("state", ["unknown", "malformed", "archived", "deleted"])
def test_login_forgets_a_campaign_that_cannot_be_joined(client, gar_idp, state):
    campaign = make_campaign(make_organization())
    code = {"unknown": "ZZZZZZ999", "malformed": "<script>"}.get(state, campaign.code)
    if state == "archived":
        campaign.archived_at = timezone.now()
        campaign.save(update_fields=["archived_at"])
    if state == "deleted":
        campaign.deleted_at = timezone.now()
        campaign.save(update_fields=["deleted_at"])
    start_login(client, f"?campagne={code}")
    assert SamlRequest.objects.get().campaign_code == ""


def test_login_never_takes_its_relay_state_from_the_visitor(client, gar_idp):
    location = start_login(client, "?RelayState=https://evil.example/&next=https://evil.example/")
    assert parse_qs(urlsplit(location).query)["RelayState"] == [RESOURCE_URL]
    assert "evil" not in location


def test_login_is_limited_per_ip(client, gar_idp, settings):
    settings.GAR_LOGIN_RATE_LIMIT = "3/m/ip"
    for _ in range(3):
        start_login(client)
    assert client.get("/gar/login/").status_code == 429
    assert SamlRequest.objects.count() == 3


def test_login_answers_only_get(client, gar_idp):
    assert client.post("/gar/login/").status_code == 405


# --- Not configured ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/gar/metadata.xml"), ("get", "/gar/login/"), ("post", "/gar/acs/")],
)
def test_every_route_says_not_available_when_the_gar_is_not_configured(
    client, settings, method, path
):
    settings.GAR_ENABLED = False
    response = getattr(client, method)(path)
    assert_refused(response, "GAR_UNAVAILABLE", 404)
    assert SamlRequest.objects.count() == 0


@pytest.mark.parametrize("broken", ["key", "certificate", "idp_metadata"])
def test_a_broken_configuration_says_not_available_and_never_500(
    client, gar_idp, settings, tmp_path, broken, caplog
):
    if broken == "key":
        settings.GAR_SP_KEY_FILE = str(tmp_path / "missing.key")
    if broken == "certificate":
        settings.GAR_SP_CERT_FILE = str(tmp_path / "missing.crt")
    if broken == "idp_metadata":
        (tmp_path / "broken.xml").write_text("<md:EntityDescriptor")
        settings.GAR_IDP_METADATA = str(tmp_path / "broken.xml")
    login = client.get("/gar/login/")
    assert_refused(login, "GAR_UNAVAILABLE", 404)
    assert SamlRequest.objects.count() == 0
    assert "GAR sign-in unavailable" in caplog.text
    metadata = client.get("/gar/metadata.xml")
    assert metadata.status_code == (200 if broken == "idp_metadata" else 404)
    assert client.post("/gar/acs/", {"SAMLResponse": "eA=="}).status_code in (400, 403, 404)


def test_sign_in_is_unavailable_when_the_metadata_is_not_the_pinned_gars(client, gar_idp, settings):
    settings.GAR_IDP_ENTITY_ID = "https://idp-auth.gar.education.fr"
    response = client.get("/gar/login/")
    assert response.status_code == 404
    assert "GAR_UNAVAILABLE" in response.content.decode()
    settings.GAR_IDP_ENTITY_ID = gar_idp.entity_id
    assert client.get("/gar/login/").status_code == 302
