"""The GAR's metadata: fetched, checked and stored for `manage.py gar_refresh_metadata`.

The GAR rotates its signing certificate yearly and publishes the new one in its metadata
beforehand: refreshing the local copy (a cron job, or by hand when the GAR announces a
rotation) keeps sign-ins working across the change. A document that does not parse, has
no identity provider, another one than GAR_IDP_ENTITY_ID, or no signing certificate still
valid is refused and the old copy kept. Downloads are https only (http with DEBUG or
GAR_IDP_METADATA_ALLOW_HTTP, for a local test server).
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.conf import settings
from saml2 import BINDING_HTTP_REDIRECT
from saml2.attribute_converter import ac_factory
from saml2.config import SPConfig
from saml2.mdstore import MetadataStore

MAX_METADATA_BYTES = 5 * 1024 * 1024
DOWNLOAD_TIMEOUT_SECONDS = 30
_MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
_DS = "{http://www.w3.org/2000/09/xmldsig#}"


class MetadataError(Exception):
    """The document cannot be used (the message says why)."""


@dataclass(frozen=True)
class IdpMetadata:
    entity_id: str
    sso_url: str
    # The latest expiry among the signing certificates (during a rotation there are two).
    certificate_expires_at: datetime
    # SHA-256 of each signing certificate (DER, hex), sorted.
    fingerprints: tuple[str, ...] = ()


def http_allowed() -> bool:
    return bool(settings.DEBUG or settings.GAR_IDP_METADATA_ALLOW_HTTP)


def download(url: str) -> bytes:
    if not url.startswith("https://") and not (url.startswith("http://") and http_allowed()):
        raise MetadataError(
            f"not an https URL: {url} (plain http only with DEBUG or GAR_IDP_METADATA_ALLOW_HTTP)"
        )
    request = urllib.request.Request(url, headers={"User-Agent": "pix-orga-gar-metadata"})  # noqa: S310 - scheme checked above
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as answer:  # noqa: S310
            data = answer.read(MAX_METADATA_BYTES + 1)
    except OSError as error:
        raise MetadataError(f"cannot download {url}: {error}") from error
    if len(data) > MAX_METADATA_BYTES:
        raise MetadataError(f"{url} is larger than {MAX_METADATA_BYTES} bytes")
    return data


def check(document: bytes, *, entity_id: str | None = None) -> IdpMetadata:
    """What the application needs from the GAR's metadata, or MetadataError. `entity_id`
    (GAR_IDP_ENTITY_ID when None; '' for any): the identity provider it must describe."""
    expected = settings.GAR_IDP_ENTITY_ID if entity_id is None else entity_id
    try:
        root = safe_fromstring(document, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise MetadataError(f"not well-formed XML: {error}") from error
    try:
        store = MetadataStore(ac_factory(), SPConfig())
        store.load("inline", document.decode("utf-8"))
        providers = list(store.identity_providers())
    except Exception as error:  # pysaml2 raises many kinds of exceptions on bad metadata
        raise MetadataError(f"not SAML metadata: {type(error).__name__}: {error}") from error
    if len(providers) != 1:
        raise MetadataError(f"{len(providers)} identity providers, one expected")
    entity_id = providers[0]
    if expected and entity_id != expected:
        raise MetadataError(f"identity provider {entity_id}, not GAR_IDP_ENTITY_ID {expected}")
    try:
        sso = store.single_sign_on_service(entity_id, BINDING_HTTP_REDIRECT)
    except Exception:
        sso = []
    if not sso:
        raise MetadataError("no single sign-on service by HTTP-Redirect")
    certificates = _signing_certificates(root)
    if not certificates:
        raise MetadataError("no signing certificate in the identity provider's descriptor")
    expires_at = max(certificate.not_valid_after_utc for certificate in certificates)
    if expires_at <= datetime.now(UTC):
        raise MetadataError(
            f"every signing certificate has expired (the last on {expires_at:%Y-%m-%d})"
        )
    return IdpMetadata(
        entity_id=entity_id,
        sso_url=sso[0]["location"],
        certificate_expires_at=expires_at,
        fingerprints=tuple(sorted({fingerprint(certificate) for certificate in certificates})),
    )


def fingerprint(certificate: x509.Certificate) -> str:
    der = certificate.public_bytes(serialization.Encoding.DER)
    return hashlib.sha256(der).hexdigest()


def signing_fingerprints(document: bytes) -> tuple[str, ...]:
    """The signing certificates' fingerprints of a document already in use ('()' when it
    cannot be read: it is being replaced)."""
    try:
        root = safe_fromstring(document, forbid_dtd=True)
        return tuple(sorted({fingerprint(c) for c in _signing_certificates(root)}))
    except (ParseError, DefusedXmlException, ValueError, MetadataError):
        return ()


def _signing_certificates(root) -> list[x509.Certificate]:
    certificates = []
    for descriptor in root.iter(f"{_MD}IDPSSODescriptor"):
        for key in descriptor.iter(f"{_MD}KeyDescriptor"):
            if key.get("use", "signing") != "signing":
                continue
            for element in key.iter(f"{_DS}X509Certificate"):
                text = "".join((element.text or "").split())
                try:
                    certificates.append(x509.load_der_x509_certificate(base64.b64decode(text)))
                except ValueError as error:
                    raise MetadataError(f"unreadable signing certificate: {error}") from error
    return certificates


def save(document: bytes, path: Path) -> None:
    """Replace `path` atomically: a reader sees the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(document)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
