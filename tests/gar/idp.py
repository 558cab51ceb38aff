"""A real SAML identity provider for the tests, standing in for the GAR.

pysaml2's own IdP classes (`saml2.server.Server`) with keys made for the test session:
it reads the service provider's real AuthnRequest and builds real signed (and, when
asked, encrypted) responses, through xmlsec1 like the GAR. The knobs forge the answers
that must be refused (wrong audience, recipient, destination, issuer, validity window,
another key, a second assertion…). Reusable by every GAR test:

    idp = TestIdP(keys=make_keypair(tmp, "idp"), sso_url="https://gar.test/sso")
    idp.write_metadata(path)             # what GAR_IDP_METADATA points to
    idp.trust_sp(sp_metadata_xml)        # our /gar/metadata.xml
    saml_response = idp.response_for(login_redirect_url, {"IDO": "a1b2", ...})
    client.post("/gar/acs/", {"SAMLResponse": saml_response, "RelayState": ...})

`html_form_for(...)` is the page the GAR answers with: a form that POSTs itself to the
ACS (what a browser receives).
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import html
import re
import secrets
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, saml, samlp
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor, metadata_tostring_fix
from saml2.s_utils import factory
from saml2.saml import NAMEID_FORMAT_TRANSIENT, NameID
from saml2.samlp import authn_request_from_string, response_from_string
from saml2.server import Server
from saml2.sigver import (
    get_pem_wrapped_unwrapped,
    make_temp,
    pre_encrypt_assertion,
    pre_encryption_part,
    pre_signature_part,
    signed_instance_factory,
)
from saml2.time_util import instant
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

XMLSEC = "/usr/bin/xmlsec1"
URI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
AUTHN = {"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"}


@dataclass(frozen=True)
class KeyPair:
    key_file: str
    cert_file: str

    @property
    def cert_pem(self) -> str:
        return Path(self.cert_file).read_text()


def make_keypair(directory: Path, name: str, *, valid_days: int = 365, bits: int = 2048) -> KeyPair:
    """An RSA key and its self-signed certificate (PEM files), made with `cryptography`."""
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name}.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=valid_days))
        .sign(key, hashes.SHA256())
    )
    key_file = directory / f"{name}.key"
    cert_file = directory / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return KeyPair(str(key_file), str(cert_file))


def shift(seconds: float) -> str:
    """A SAML instant `seconds` from now (negative: in the past)."""
    return instant(time_stamp=int(dt.datetime.now(dt.UTC).timestamp() + seconds))


def authn_request_xml(login_redirect_url: str) -> str:
    """The AuthnRequest carried by /gar/login/'s redirect (HTTP-Redirect: deflated, base64)."""
    query = parse_qs(urlsplit(login_redirect_url).query)
    return zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15).decode()


def request_id_of(login_redirect_url: str) -> str:
    return authn_request_from_string(authn_request_xml(login_redirect_url)).id


def _idp_settings(entity_id: str, sso_url: str, keys: KeyPair | None) -> dict:
    conf = {
        "entityid": entity_id,
        "xmlsec_binary": XMLSEC,
        "service": {
            "idp": {
                "endpoints": {"single_sign_on_service": [(sso_url, BINDING_HTTP_REDIRECT)]},
                "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": URI}},
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
            }
        },
        "metadata": {},
        "signing_algorithm": SIG_RSA_SHA256,
        "digest_algorithm": DIGEST_SHA256,
    }
    if keys is not None:
        conf["key_file"] = keys.key_file
        conf["cert_file"] = keys.cert_file
    return conf


class TestIdP:
    """The GAR, locally. `entity_id` is its issuer; `keys` sign its answers."""

    __test__ = False  # not a pytest class

    def __init__(
        self,
        *,
        keys: KeyPair,
        sso_url: str = "https://gar.test/sso",
        entity_id: str = "https://gar.test/idp",
    ) -> None:
        self.keys = keys
        self.sso_url = sso_url
        self.entity_id = entity_id
        self.server = Server(config=IdPConfig().load(_idp_settings(entity_id, sso_url, keys)))
        self.sp_entity_id: str | None = None
        self.acs_url: str | None = None

    # --- Metadata ---------------------------------------------------------------------

    def metadata_xml(self) -> str:
        descriptor = entity_descriptor(self.server.config)
        xml = metadata_tostring_fix(descriptor, {"md": "urn:oasis:names:tc:SAML:2.0:metadata"})
        return xml.decode() if isinstance(xml, bytes) else xml

    def write_metadata(self, path: Path) -> Path:
        path.write_text(self.metadata_xml())
        return path

    def trust_sp(self, sp_metadata_xml: str) -> None:
        """Load the service provider's metadata (its entity id, ACS, encryption key)."""
        self.server.metadata.load("inline", sp_metadata_xml)
        sp = next(iter(self.server.metadata.service_providers()))
        self.sp_entity_id = sp
        self.acs_url = self.server.metadata.assertion_consumer_service(sp, BINDING_HTTP_POST)[0][
            "location"
        ]

    # --- Answers ----------------------------------------------------------------------

    def response_xml(
        self,
        request: str,
        attributes: dict[str, str | list[str]],
        *,
        sign_response: bool = False,
        sign_assertion: bool = True,
        encrypt: bool = False,
        in_response_to: str | None = None,
        audience: str | None = None,
        recipient: str | None = None,
        destination: str | None = None,
        issuer: str | None = None,
        not_before: str | None = None,
        not_on_or_after: str | None = None,
        confirmation_not_on_or_after: str | None = None,
        response_in_response_to: str | None = None,
        extra_encrypted_assertion: dict | None = None,
        status_failure: bool = False,
    ) -> str:
        """The Response's XML, answering `request` (the login redirect URL, or the request
        id). Every keyword argument not given is what the GAR would send.

        `in_response_to` changes the Response's and the SubjectConfirmationData's,
        `response_in_response_to` the Response's only; `destination=""` leaves the
        Destination out; `not_on_or_after` moves the Conditions' and the confirmations',
        `confirmation_not_on_or_after` the confirmations' only ("" leaves it out);
        `extra_encrypted_assertion` (attributes) puts a second, unsigned assertion with
        them inside the same EncryptedAssertion (with `encrypt=True`)."""
        request_id = request_id_of(request) if request.startswith("http") else request
        assert self.sp_entity_id and self.acs_url, "call trust_sp() first"
        unsigned = self.server.create_authn_response(
            identity={},
            in_response_to=request_id,
            destination=self.acs_url,
            sp_entity_id=self.sp_entity_id,
            name_id=NameID(format=NAMEID_FORMAT_TRANSIENT, text=secrets.token_hex(8)),
            authn=AUTHN,
            sign_response=False,
            sign_assertion=False,
            encrypt_assertion=False,
        )
        response = response_from_string(unsigned if isinstance(unsigned, str) else str(unsigned))
        assertion = _the_assertion(response)
        assertion.attribute_statement = [
            saml.AttributeStatement(
                attribute=[
                    saml.Attribute(
                        name=name,
                        name_format=URI,
                        attribute_value=[
                            factory(saml.AttributeValue, text=value)
                            for value in ([values] if isinstance(values, str) else values)
                        ],
                    )
                    for name, values in attributes.items()
                ]
            )
        ]
        if in_response_to is not None:
            response.in_response_to = in_response_to or None
            for confirmation in assertion.subject.subject_confirmation:
                confirmation.subject_confirmation_data.in_response_to = in_response_to or None
        if audience is not None:
            assertion.conditions.audience_restriction[0].audience[0].text = audience
        if recipient is not None:
            for confirmation in assertion.subject.subject_confirmation:
                confirmation.subject_confirmation_data.recipient = recipient
        if response_in_response_to is not None:
            response.in_response_to = response_in_response_to
        if destination is not None:
            response.destination = destination or None
        if issuer is not None:
            response.issuer.text = issuer
            assertion.issuer.text = issuer
        if not_before is not None:
            assertion.conditions.not_before = not_before
            for confirmation in assertion.subject.subject_confirmation:
                confirmation.subject_confirmation_data.not_before = not_before
        if not_on_or_after is not None:
            # NotBefore stays earlier than NotOnOrAfter (else it is another refusal).
            if not_before is None:
                assertion.conditions.not_before = shift(-600)
            assertion.conditions.not_on_or_after = not_on_or_after
            for confirmation in assertion.subject.subject_confirmation:
                confirmation.subject_confirmation_data.not_on_or_after = not_on_or_after
            for statement in assertion.authn_statement:
                statement.session_not_on_or_after = None
        if confirmation_not_on_or_after is not None:
            for confirmation in assertion.subject.subject_confirmation:
                data = confirmation.subject_confirmation_data
                data.not_on_or_after = confirmation_not_on_or_after or None
        if status_failure:
            response.status.status_code.value = "urn:oasis:names:tc:SAML:2.0:status:Responder"
            response.status.status_code.status_code = factory(
                samlp.StatusCode, value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"
            )
        extra = None
        if extra_encrypted_assertion is not None:
            assert encrypt, "extra_encrypted_assertion needs encrypt=True"
            extra = copy.deepcopy(assertion)
            extra.id = f"_extra{secrets.token_hex(8)}"
            extra.signature = None
            extra.attribute_statement[0].attribute = [
                saml.Attribute(
                    name=name,
                    name_format=URI,
                    attribute_value=[factory(saml.AttributeValue, text=value)],
                )
                for name, value in extra_encrypted_assertion.items()
            ]
        return self._sign_and_encrypt(response, sign_response, sign_assertion, encrypt, extra)

    def _signature(self, ident: str, number: int):
        # Each Signature element has an Id of its own (Signature1, Signature2).
        return pre_signature_part(
            ident,
            self.server.sec.my_cert,
            number,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )

    def _sign_and_encrypt(self, response, sign_response, sign_assertion, encrypt, extra=None):
        sec = self.server.sec
        assertion = _the_assertion(response)
        if sign_assertion:
            assertion.signature = self._signature(assertion.id, 2)
        if not encrypt:
            to_sign = []
            if sign_assertion:
                to_sign.append(("urn:oasis:names:tc:SAML:2.0:assertion:Assertion", assertion.id))
            if sign_response:
                response.signature = self._signature(response.id, 1)
                to_sign.append(("urn:oasis:names:tc:SAML:2.0:protocol:Response", response.id))
            return signed_instance_factory(response, sec, to_sign) if to_sign else str(response)
        # As pysaml2's IdP does: the (signed) assertion inside an EncryptedAssertion,
        # encrypted with the SP's encryption certificate from its metadata, then the
        # response signed around it.
        tag = assertion._to_element_tree().tag
        xml = pre_encrypt_assertion(
            response
        ).get_xml_string_with_self_contained_assertion_within_encrypted_assertion(tag)
        if sign_assertion:
            xml = signed_instance_factory(
                xml, sec, [("urn:oasis:names:tc:SAML:2.0:assertion:Assertion", assertion.id)]
            )
        if extra is None:
            xml = self.server._encrypt_assertion(None, self.sp_entity_id, xml)
        else:
            xml = self._encrypt_with_extra(xml, extra)
        if sign_response:
            encrypted = response_from_string(xml)
            encrypted.signature = self._signature(encrypted.id, 1)
            xml = signed_instance_factory(
                encrypted, sec, [("urn:oasis:names:tc:SAML:2.0:protocol:Response", encrypted.id)]
            )
        return xml

    def _encrypt_with_extra(self, xml: str, extra) -> str:
        """The extra (unsigned) assertion beside the signed one, then the whole content of
        the EncryptedAssertion encrypted as one EncryptedData (Type Content): after
        decryption, one EncryptedAssertion holds two assertions."""
        text = str(extra)
        text = text.split("?>", 1)[1] if text.startswith("<?xml") else text
        found = re.search(r"</([\w.-]+:)?EncryptedAssertion>", xml)
        xml = xml[: found.start()] + text + xml[found.start() :]
        [(_name, cert)] = self.server.metadata.certs(self.sp_entity_id, "any", "encryption")[:1]
        wrapped, unwrapped = get_pem_wrapped_unwrapped(cert)
        template = pre_encryption_part(encrypt_cert=unwrapped)
        template.type = "http://www.w3.org/2001/04/xmlenc#Content"
        cert_file = make_temp(wrapped.encode("ascii"), decode=False)
        return self.server.sec.encrypt_assertion(
            xml,
            cert_file.name,
            template,
            node_xpath="/*[local-name()='Response']/*[local-name()='EncryptedAssertion']",
        )

    def response_for(self, request: str, attributes: dict, **knobs) -> str:
        """The SAMLResponse to POST (base64), see `response_xml` for the knobs."""
        return encode(self.response_xml(request, attributes, **knobs))

    def html_form_for(self, saml_response: str, relay_state: str) -> str:
        """The GAR's answer page: a form that POSTs itself to the ACS."""
        return (
            "<!doctype html><html><head><title>GAR</title></head>"
            '<body onload="document.forms[0].submit()">'
            f'<form method="post" action="{html.escape(self.acs_url or "")}">'
            f'<input type="hidden" name="SAMLResponse" value="{html.escape(saml_response)}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">'
            '<noscript><button type="submit">Continuer</button></noscript>'
            "</form></body></html>"
        )


def _the_assertion(response):
    found = response.assertion
    return found[0] if isinstance(found, list) else found


def encode(xml: str | bytes) -> str:
    data = xml.encode() if isinstance(xml, str) else xml
    return base64.b64encode(data).decode()


def student_attributes(**overrides) -> dict[str, str | list[str]]:
    """What the GAR sends for a pupil (fictitious values)."""
    attributes: dict[str, str | list[str]] = {
        "IDO": "a5f3c2e1-gar-test-0001",
        "PRE": "Léa",
        "NOM": "Martin",
        "UAI": "0750654d",
        "PRO": "National_elv",
        "DIV": ["4A"],
    }
    attributes.update(overrides)
    return {name: value for name, value in attributes.items() if value is not None}
