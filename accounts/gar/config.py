"""pysaml2's configuration of our service provider, built from the settings.

Built afresh for each request (parsing the GAR's metadata takes milliseconds): a metadata
file refreshed by `gar_refresh_metadata` is read on the next sign-in, without a restart.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import NoReturn

from django.conf import settings
from django.urls import reverse
from saml2 import BINDING_HTTP_POST
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from .errors import GarUnavailableError

logger = logging.getLogger(__name__)

# What we ask the GAR for (the names of its attributes): the opaque id, first and last
# names, the school's UAI, the profile (student, teacher…) and the classes.
REQUIRED_ATTRIBUTES = ("IDO", "PRE", "NOM")
OPTIONAL_ATTRIBUTES = ("UAI", "PRO", "DIV")
ATTRIBUTE_NAME_FORMAT = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"


def is_enabled() -> bool:
    return bool(settings.GAR_ENABLED)


def acs_url() -> str:
    return f"{settings.GAR_BASE_URL}{reverse('gar:acs')}"


def metadata_url() -> str:
    return f"{settings.GAR_BASE_URL}{reverse('gar:metadata')}"


def idp_metadata_path() -> Path:
    """The file the application reads: GAR_IDP_METADATA itself when it is a file, else the
    local copy that `gar_refresh_metadata` keeps of the URL."""
    source = settings.GAR_IDP_METADATA
    if source.startswith(("http://", "https://")):
        return Path(settings.GAR_IDP_METADATA_CACHE)
    return Path(source)


def sp_config(*, with_idp: bool = True) -> SPConfig:
    """The service provider's pysaml2 configuration; `with_idp=False` for our own metadata
    page, which must answer even before the GAR's metadata has been downloaded."""
    if not is_enabled():
        raise GarUnavailableError()
    metadata = {}
    if with_idp:
        path = idp_metadata_path()
        if not path.is_file():
            logger.error(
                "GAR sign-in unavailable: no metadata file at %s (gar_refresh_metadata)", path
            )
            raise GarUnavailableError()
        metadata = {"local": [str(path)]}
    config = SPConfig()
    try:
        config.load(_settings(metadata))
    except Exception as error:  # pysaml2: unreadable key or certificate, bad metadata…
        unavailable(error)
    return config


def unavailable(error: Exception) -> NoReturn:
    """A configuration that cannot be used is the operator's problem, not the visitor's:
    logged (the cause's type and text: file names, no personal data), a 404 page."""
    logger.error("GAR sign-in unavailable: %s: %s", type(error).__name__, error)
    raise GarUnavailableError() from error


def _settings(metadata: dict) -> dict:
    return {
        "entityid": settings.GAR_ENTITY_ID,
        "xmlsec_binary": settings.GAR_XMLSEC_BINARY,
        "key_file": settings.GAR_SP_KEY_FILE,
        "cert_file": settings.GAR_SP_CERT_FILE,
        "encryption_keypairs": [
            {"key_file": settings.GAR_SP_KEY_FILE, "cert_file": settings.GAR_SP_CERT_FILE}
        ],
        "metadata": metadata,
        "accepted_time_diff": settings.GAR_ACCEPTED_TIME_DIFF,
        # The GAR's attribute names (IDO, PRE…) are in no pysaml2 attribute map; we
        # read them from the assertion ourselves (accounts.gar.service).
        "allow_unknown_attributes": True,
        # Signatures are checked with the GAR's key from its metadata, never with a
        # certificate the document carries (pysaml2's default, stated).
        "only_use_keys_in_metadata": True,
        "signing_algorithm": SIG_RSA_SHA256,
        "digest_algorithm": DIGEST_SHA256,
        "service": {
            "sp": {
                "name": "Pix Orga",
                "endpoints": {
                    "assertion_consumer_service": [(acs_url(), BINDING_HTTP_POST)],
                },
                # The database says which requests are outstanding (SamlRequest),
                # never pysaml2's in-memory cache: every answer must follow one.
                "allow_unsolicited": False,
                "authn_requests_signed": True,
                # The GAR signs the response or the assertion: either will do, one is
                # required.
                "want_response_signed": False,
                "want_assertions_signed": False,
                "want_assertions_or_response_signed": True,
            },
        },
    }


def client() -> Saml2Client:
    config = sp_config()
    try:
        return Saml2Client(config=config)
    except Exception as error:
        unavailable(error)


def idp_entity_id(saml_client: Saml2Client) -> str:
    """The GAR's entity id: the one identity provider of the metadata, which must be
    GAR_IDP_ENTITY_ID when that is set."""
    providers = list(saml_client.metadata.identity_providers())
    if len(providers) != 1:
        logger.error(
            "GAR sign-in unavailable: %d identity providers in the metadata", len(providers)
        )
        raise GarUnavailableError()
    pinned = settings.GAR_IDP_ENTITY_ID
    if pinned and providers[0] != pinned:
        logger.error(
            "GAR sign-in unavailable: the metadata describes %s, not GAR_IDP_ENTITY_ID %s",
            providers[0],
            pinned,
        )
        raise GarUnavailableError()
    return providers[0]
