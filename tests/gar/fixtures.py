"""Fixtures of the GAR's tests: keys for the session, a configured service provider, a
local IdP. tests/gar/conftest.py imports them; another test package imports them too:

    from tests.gar.fixtures import gar_idp, gar_keys  # noqa: F401 (fixtures)
"""

from __future__ import annotations

import pytest

from tests.gar.idp import TestIdP, make_keypair

RESOURCE_URL = "https://gar.test/ressources/pix-orga"


@pytest.fixture(scope="session")
def gar_keys(tmp_path_factory):
    """Keys made for this test session: ours (SP), the GAR's, and an impostor's."""
    directory = tmp_path_factory.mktemp("gar-keys")
    return {
        "sp": make_keypair(directory, "sp"),
        "idp": make_keypair(directory, "idp"),
        "impostor": make_keypair(directory, "impostor"),
    }


def configure_sp(settings, gar_keys, metadata_path, *, base_url="http://testserver"):
    settings.GAR_IDP_METADATA = str(metadata_path)
    settings.GAR_SP_KEY_FILE = gar_keys["sp"].key_file
    settings.GAR_SP_CERT_FILE = gar_keys["sp"].cert_file
    settings.GAR_RESOURCE_URL = RESOURCE_URL
    settings.GAR_BASE_URL = base_url
    settings.GAR_ENTITY_ID = f"{base_url}/gar/metadata.xml"
    settings.GAR_ENABLED = True


@pytest.fixture
def gar_idp(settings, gar_keys, tmp_path) -> TestIdP:
    """The service provider configured against a local GAR that trusts it."""
    from accounts.gar.service import gar_metadata_xml

    idp = TestIdP(keys=gar_keys["idp"])
    configure_sp(settings, gar_keys, idp.write_metadata(tmp_path / "gar-idp.xml"))
    # Pinned, as in production (GAR_IDP_ENTITY_ID).
    settings.GAR_IDP_ENTITY_ID = idp.entity_id
    idp.trust_sp(gar_metadata_xml())
    return idp


@pytest.fixture
def impostor_idp(gar_idp, gar_keys) -> TestIdP:
    """Same entity id and SSO URL as the GAR, another key (not in the metadata)."""
    from accounts.gar.service import gar_metadata_xml

    impostor = TestIdP(keys=gar_keys["impostor"], entity_id=gar_idp.entity_id)
    impostor.trust_sp(gar_metadata_xml())
    return impostor
