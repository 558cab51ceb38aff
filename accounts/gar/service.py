"""The service provider's work: our metadata, the AuthnRequest, and checking an answer.

`gar_login_start` sends the person to the GAR and stores the request as outstanding
(SamlRequest); `gar_response_accept` takes the GAR's answer (the SAMLResponse of the POST
to /gar/acs/) and returns the identity it vouches for, or raises a `GarError`.

What is checked, in that order: the document is well-formed XML without a DTD, and holds
exactly one Assertion or EncryptedAssertion, a child of the Response (a second, unsigned
assertion beside the signed one, or one hidden elsewhere, is how signature wrapping
works: refused before pysaml2 could pick the wrong one); its InResponseTo names a request
of ours, unexpired and unconsumed (the database, not pysaml2's memory); then pysaml2 checks
the signature by the key of the GAR's metadata (the response's or the assertion's,
decrypting an encrypted assertion with our key), the destination, the recipient, the
audience and the validity window (GAR_ACCEPTED_TIME_DIFF seconds of skew); we check the
issuer and the attributes; and last, in one transaction, the request is consumed by a
conditional UPDATE and the assertion id recorded as used (a unique row), so that the same
answer, or another answer to the same request, is refused.

pysaml2 raises many kinds of exceptions (and plain `Exception`): every one is mapped to a
coded error here, so a forged answer is a refusal page, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, md, saml
from saml2.metadata import entity_descriptor, metadata_tostring_fix
from saml2.response import IncorrectlySigned, StatusError
from saml2.sigver import DecryptError, SigverError
from saml2.time_util import str_to_time
from saml2.validate import ResponseLifetimeExceed, ToEarly
from saml2.xmldsig import SIG_RSA_SHA256

from ..models import SamlAssertion, SamlRequest
from . import config
from .errors import (
    GarAttributeMissingError,
    GarAttributeMultivaluedError,
    GarAuthenticationFailedError,
    GarBrowserMismatchError,
    GarError,
    GarRequestExpiredError,
    GarRequestUnknownError,
    GarResponseExpiredError,
    GarResponseInvalidError,
    GarResponseMissingError,
    GarResponseReplayedError,
    GarSignatureInvalidError,
)
from .identity import GarIdentity

logger = logging.getLogger(__name__)

_SAMLP = "{urn:oasis:names:tc:SAML:2.0:protocol}"
_SAML = "{urn:oasis:names:tc:SAML:2.0:assertion}"
# Far more than any answer of the GAR (a few kilobytes); a bigger one is not read.
MAX_RESPONSE_BYTES = 256 * 1024


# --- Our metadata -----------------------------------------------------------------------------


def gar_metadata_xml() -> str:
    """Our SP metadata: entityID (its own URL), the one ACS (HTTP-POST), the certificate
    for signing and for encryption, and the attributes requested."""
    sp_config = config.sp_config(with_idp=False)
    try:
        descriptor = entity_descriptor(sp_config)
    except Exception as error:  # an unreadable certificate file
        config.unavailable(error)
    # pysaml2 lists every algorithm it knows (MD5 included) as an extension: say nothing.
    descriptor.extensions = None
    descriptor.spsso_descriptor.attribute_consuming_service = [
        md.AttributeConsumingService(
            index="1",
            service_name=[md.ServiceName(lang="fr", text="Pix Orga")],
            requested_attribute=[
                md.RequestedAttribute(
                    name=name,
                    name_format=config.ATTRIBUTE_NAME_FORMAT,
                    is_required="true" if name in config.REQUIRED_ATTRIBUTES else "false",
                )
                for name in (*config.REQUIRED_ATTRIBUTES, *config.OPTIONAL_ATTRIBUTES)
            ],
        )
    ]
    xml = metadata_tostring_fix(descriptor, {"md": md.NAMESPACE, "saml": saml.NAMESPACE})
    return xml.decode() if isinstance(xml, bytes) else xml


# --- The AuthnRequest -------------------------------------------------------------------------


@dataclass(frozen=True)
class GarLogin:
    request_id: str
    redirect_url: str


@transaction.atomic
def gar_login_start(*, campaign_code: str = "") -> GarLogin:
    """An AuthnRequest by HTTP-Redirect, signed, with the configured resource URL as the
    RelayState (never anything a visitor typed). The request is stored as outstanding
    with the campaign being joined (already checked by the caller, '' for none)."""
    client = config.client()
    idp = config.idp_entity_id(client)
    try:
        request_id, info = client.prepare_for_authenticate(
            entityid=idp,
            relay_state=settings.GAR_RESOURCE_URL,
            binding=BINDING_HTTP_REDIRECT,
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
    except Exception as error:  # pysaml2: metadata without a redirect SSO, unreadable key…
        config.unavailable(error)
    location = dict(info["headers"])["Location"]
    SamlRequest.objects.create(
        id=request_id,
        expires_at=timezone.now() + timedelta(seconds=settings.GAR_REQUEST_LIFETIME_SECONDS),
        campaign_code=campaign_code,
    )
    return GarLogin(request_id=request_id, redirect_url=location)


# --- The browser that started the sign-in ------------------------------------------------------

# /gar/login/ leaves this cookie in the browser it sends to the GAR; /gar/acs/ accepts an
# answer only from that browser (login CSRF: else someone could make another person's
# browser post *their own* answer, and that person would go on signed in as them, or
# attach their ENT account to their own account). See views.py for its attributes.
BROWSER_COOKIE = "pixorga_gar_request"
_BROWSER_SALT = "accounts.gar.browser"


def browser_binding(request_id: str) -> str:
    """The cookie's value for this request: an HMAC of its id (with SECRET_KEY)."""
    return salted_hmac(_BROWSER_SALT, request_id, algorithm="sha256").hexdigest()


# --- The answer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GarAcceptance:
    identity: GarIdentity
    # The campaign being joined when the sign-in started ('' for none).
    campaign_code: str


def gar_response_accept(*, saml_response: str, browser: str) -> GarAcceptance:
    """The identity the GAR vouches for in this SAMLResponse (base64, from the POST), or a
    `GarError`. `browser` is the value of BROWSER_COOKIE posted with it ('' for none).
    Consumes the request it answers and its assertion id: it succeeds once."""
    document = _decode(saml_response)
    request_id = _check_structure(document)
    outstanding = _outstanding(request_id)
    if not constant_time_compare(browser or "", browser_binding(request_id)):
        raise GarBrowserMismatchError()
    client = config.client()
    idp = config.idp_entity_id(client)
    answer = _parse(client, saml_response, request_id)
    try:
        _check_decrypted(answer)
        _check_destination(answer)
        _check_issuer(answer, idp)
        assertion = answer.assertion
        _check_subject_confirmations(assertion, request_id)
        identity = identity_from_assertion(assertion)
        expires_at = _assertion_expiry(assertion)
    except (AttributeError, TypeError, ValueError, IndexError) as error:
        # A document pysaml2 accepted but shaped unlike any answer of the GAR.
        logger.info("GAR response refused: unexpected shape (%s)", type(error).__name__)
        raise GarResponseInvalidError() from error
    _consume(outstanding.id, assertion.id, expires_at)
    return GarAcceptance(identity=identity, campaign_code=outstanding.campaign_code)


def _decode(saml_response: str) -> bytes:
    if not saml_response or len(saml_response) > MAX_RESPONSE_BYTES * 4 // 3 + 4:
        raise GarResponseMissingError()
    try:
        return base64.b64decode(saml_response, validate=False)
    except (binascii.Error, ValueError) as error:
        raise GarResponseMissingError() from error


def _check_structure(document: bytes) -> str:
    """A Response with exactly one (possibly encrypted) assertion, its direct child; its
    InResponseTo. Refused before any cryptography: no DTD, no entities."""
    try:
        root = safe_fromstring(document, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise GarResponseInvalidError() from error
    if root.tag != f"{_SAMLP}Response":
        raise GarResponseInvalidError()
    assertions = [
        element
        for element in root.iter()
        if element.tag in (f"{_SAML}Assertion", f"{_SAML}EncryptedAssertion")
    ]
    if len(assertions) != 1 or assertions[0] not in list(root):
        raise GarResponseInvalidError()
    request_id = root.get("InResponseTo", "")
    if not request_id:
        raise GarRequestUnknownError()
    return request_id


def _outstanding(request_id: str) -> SamlRequest:
    """A first look (the UPDATE of `_consume` decides): which refusal to give."""
    found = SamlRequest.objects.filter(id=request_id[:64]).first()
    if found is None or found.id != request_id:
        raise GarRequestUnknownError()
    if found.consumed_at is not None:
        raise GarResponseReplayedError()
    if found.expires_at <= timezone.now():
        raise GarRequestExpiredError()
    return found


def _parse(client, saml_response: str, request_id: str):
    try:
        answer = client.parse_authn_request_response(
            saml_response,
            BINDING_HTTP_POST,
            outstanding={request_id: "/"},
            # Without it pysaml2 does not check the SubjectConfirmation's Recipient.
            conv_info={"entity_id": settings.GAR_ENTITY_ID},
        )
    except GarError:
        raise
    except (ResponseLifetimeExceed, ToEarly) as error:
        raise GarResponseExpiredError() from error
    except StatusError as error:
        # The GAR said no (cancelled, unknown person): not a forgery.
        raise GarAuthenticationFailedError() from error
    except DecryptError as error:
        raise GarResponseInvalidError() from error
    except (SigverError, IncorrectlySigned) as error:
        # Unsigned, signed by a key not in the GAR's metadata, or altered after signing.
        raise GarSignatureInvalidError() from error
    except Exception as error:  # pysaml2 raises plain Exception too
        logger.info("GAR response refused by pysaml2 (%s)", type(error).__name__)
        raise GarResponseInvalidError() from error
    # pysaml2 answers None (instead of raising) for a wrong destination, among others.
    if answer is None or answer.assertion is None:
        raise GarResponseInvalidError()
    if answer.in_response_to != request_id:
        raise GarRequestUnknownError()
    return answer


def _check_decrypted(answer) -> None:
    """One assertion, after decryption too: `_check_structure` saw the encrypted document
    only, and an EncryptedAssertion may hold several assertions (signature wrapping
    inside the encryption). pysaml2 keeps the decrypted document in `xmlstr` (the
    document as posted when nothing was encrypted): one Assertion in it, a child of the
    Response or of its EncryptedAssertion."""
    if len(answer.assertions) != 1:
        raise GarResponseInvalidError()
    try:
        root = safe_fromstring(
            answer.xmlstr if isinstance(answer.xmlstr, bytes) else answer.xmlstr.encode(),
            forbid_dtd=True,
        )
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise GarResponseInvalidError() from error
    found = [element for element in root.iter() if element.tag == f"{_SAML}Assertion"]
    if len(found) != 1:
        raise GarResponseInvalidError()
    parents = {child: parent for parent in root.iter() for child in parent}
    parent = parents.get(found[0])
    if parent is not root and not (
        parent is not None
        and parent.tag == f"{_SAML}EncryptedAssertion"
        and parents.get(parent) is root
    ):
        raise GarResponseInvalidError()


def _check_destination(answer) -> None:
    """pysaml2 accepts a Response without Destination; the GAR always names our ACS."""
    if (answer.response.destination or "") != config.acs_url():
        raise GarResponseInvalidError()


def _check_subject_confirmations(assertion, request_id: str) -> None:
    """Every SubjectConfirmationData of the (decrypted) assertion: answering this request,
    for our ACS, not past its NotOnOrAfter (with the skew). pysaml2 compares the
    InResponseTo before decrypting only, so an encrypted assertion could otherwise be
    moved into a Response answering another request; it also accepts our entity id as the
    Recipient, where the GAR names our ACS."""
    expected = config.acs_url()
    confirmations = assertion.subject.subject_confirmation if assertion.subject else []
    if not confirmations:
        raise GarResponseInvalidError()
    now = timezone.now()
    skew = timedelta(seconds=settings.GAR_ACCEPTED_TIME_DIFF)
    for confirmation in confirmations:
        data = confirmation.subject_confirmation_data
        if data is None or data.recipient != expected:
            raise GarResponseInvalidError()
        if data.in_response_to != request_id:
            raise GarRequestUnknownError()
        if not data.not_on_or_after:
            raise GarResponseInvalidError()
        moment = datetime(*str_to_time(data.not_on_or_after)[:6], tzinfo=UTC)
        if moment + skew <= now:
            raise GarResponseExpiredError()


def _check_issuer(answer, idp: str) -> None:
    """The signing key is looked up by issuer in the metadata, which holds the GAR only;
    checked again here so that it does not depend on the metadata's content."""
    response_issuer = answer.response.issuer
    if response_issuer is not None and (response_issuer.text or "").strip() != idp:
        raise GarResponseInvalidError()
    assertion_issuer = answer.assertion.issuer
    if assertion_issuer is None or (assertion_issuer.text or "").strip() != idp:
        raise GarResponseInvalidError()


def identity_from_assertion(assertion: saml.Assertion) -> GarIdentity:
    """The GAR's attributes, by their names, read from the (validated) assertion.
    IDO, PRE and NOM must be present, non-empty and single-valued (a second value, even
    empty, is refused: which one would be meant?); PRO at most single-valued. UAI: every
    one the GAR sends (staff of several schools), the first as the school."""
    values: dict[str, list[str]] = {}
    for statement in assertion.attribute_statement or []:
        for attribute in statement.attribute or []:
            texts = [(value.text or "").strip() for value in attribute.attribute_value or []]
            values.setdefault(attribute.name, []).extend(texts)

    def single(name: str, *, required: bool = True) -> str:
        found = values.get(name, [])
        if len(found) > 1:
            raise GarAttributeMultivaluedError(meta={"attribute": name})
        if required and not (found and found[0]):
            raise GarAttributeMissingError(meta={"attribute": name})
        return found[0] if found else ""

    def several(name: str) -> list[str]:
        return [value for value in values.get(name, []) if value]

    uais = tuple(dict.fromkeys(value.upper() for value in several("UAI")))
    return GarIdentity(
        ido=single("IDO"),
        first_name=single("PRE"),
        last_name=single("NOM"),
        uai=uais[0] if uais else "",
        profile=single("PRO", required=False),
        divisions=tuple(several("DIV")),
        uais=uais,
    )


def _assertion_expiry(assertion: saml.Assertion) -> datetime:
    """Until when the assertion id must be remembered: as long as its validity window
    (NotOnOrAfter plus the skew) and at least the request's lifetime."""
    skew = timedelta(seconds=settings.GAR_ACCEPTED_TIME_DIFF)
    latest = timezone.now() + timedelta(seconds=settings.GAR_REQUEST_LIFETIME_SECONDS)
    conditions = assertion.conditions
    if conditions is not None and conditions.not_on_or_after:
        moment = datetime(*str_to_time(conditions.not_on_or_after)[:6], tzinfo=UTC)
        latest = max(latest, moment)
    return latest + skew


def _consume(request_id: str, assertion_id: str | None, expires_at: datetime) -> None:
    if not assertion_id:
        raise GarResponseInvalidError()
    now = timezone.now()
    try:
        with transaction.atomic():
            taken = SamlRequest.objects.filter(
                id=request_id, consumed_at__isnull=True, expires_at__gt=now
            ).update(consumed_at=now)
            if taken != 1:
                raise GarResponseReplayedError()
            SamlAssertion.objects.create(assertion_id=assertion_id, expires_at=expires_at)
    except IntegrityError as error:
        raise GarResponseReplayedError() from error


# --- Maintenance ------------------------------------------------------------------------------


def gar_expired_purge() -> tuple[int, int]:
    """Delete requests and assertion ids past their expiry (an expired request is refused
    whether its row exists or not; an expired assertion is refused by its validity
    window). Returns (requests, assertions) deleted."""
    now = timezone.now()
    requests, _ = SamlRequest.objects.filter(expires_at__lt=now).delete()
    assertions, _ = SamlAssertion.objects.filter(expires_at__lt=now).delete()
    return requests, assertions
