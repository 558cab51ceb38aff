"""Forged, stale and replayed answers to /gar/acs/: each refused with its code, never a
500, nothing consumed that should not be. Through a real local IdP (tests/gar/idp.py)."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import SamlAssertion, SamlRequest
from tests.gar.helpers import ACS, assert_refused, browser_of, post_acs, request_row, start_login
from tests.gar.idp import encode, shift, student_attributes

pytestmark = pytest.mark.django_db


def _assertion_xml(xml: str) -> str:
    return re.search(r"<(?:ns\d+|saml):Assertion .*</(?:ns\d+|saml):Assertion>", xml, re.S).group(0)


# --- Signature -------------------------------------------------------------------------------


def test_acs_refuses_an_unsigned_response(client, gar_idp):
    login = start_login(client)
    answer = gar_idp.response_for(
        login, student_attributes(), sign_assertion=False, sign_response=False
    )
    assert_refused(post_acs(client, answer), "GAR_SIGNATURE_INVALID")
    assert request_row(login).consumed_at is None


def test_acs_refuses_an_unsigned_encrypted_assertion(client, gar_idp):
    login = start_login(client)
    answer = gar_idp.response_for(login, student_attributes(), sign_assertion=False, encrypt=True)
    assert_refused(post_acs(client, answer), "GAR_SIGNATURE_INVALID")


def test_acs_refuses_a_response_signed_by_another_key(client, gar_idp, impostor_idp):
    login = start_login(client)
    answer = impostor_idp.response_for(login, student_attributes())
    assert_refused(post_acs(client, answer), "GAR_SIGNATURE_INVALID")


def test_acs_refuses_a_whole_response_signed_by_another_key(client, gar_idp, impostor_idp):
    login = start_login(client)
    answer = impostor_idp.response_for(
        login, student_attributes(), sign_response=True, sign_assertion=False
    )
    assert_refused(post_acs(client, answer), "GAR_SIGNATURE_INVALID")


def test_acs_refuses_a_signed_assertion_modified_after_signing(client, gar_idp):
    login = start_login(client)
    xml = gar_idp.response_xml(login, student_attributes(IDO="victim-ido"))
    forged = xml.replace("victim-ido", "attacker-ido")
    assert forged != xml
    assert_refused(post_acs(client, encode(forged)), "GAR_SIGNATURE_INVALID")
    assert request_row(login).consumed_at is None


def test_acs_refuses_a_second_unsigned_assertion_beside_the_signed_one(client, gar_idp):
    """Signature wrapping: the signed assertion stays intact (its signature checks), an
    unsigned one with other attributes is added beside it, before or after."""
    login = start_login(client)
    xml = gar_idp.response_xml(login, student_attributes(IDO="real-ido"))
    signed = _assertion_xml(xml)
    unsigned = re.sub(r"<ns\d+:Signature.*?</ns\d+:Signature>", "", signed, flags=re.S)
    unsigned = re.sub(r' ID="[^"]+"', ' ID="id-evil"', unsigned, count=1)
    unsigned = unsigned.replace("real-ido", "evil-ido")
    for forged in (xml.replace(signed, unsigned + signed), xml.replace(signed, signed + unsigned)):
        assert_refused(post_acs(client, encode(forged)), "GAR_RESPONSE_INVALID")
    assert request_row(login).consumed_at is None


def test_acs_refuses_a_signed_assertion_hidden_under_an_unsigned_one(client, gar_idp):
    """The other wrapping: the signed assertion moved into the unsigned one's Advice, so
    that a signature check by ID finds it while the reader takes the outer one."""
    login = start_login(client)
    xml = gar_idp.response_xml(login, student_attributes(IDO="real-ido"))
    signed = _assertion_xml(xml)
    prefix = re.match(r"<(ns\d+|saml):", signed).group(1)
    outer = re.sub(rf"<{prefix}:Signature.*?</{prefix}:Signature>", "", signed, flags=re.S)
    outer = re.sub(r' ID="[^"]+"', ' ID="id-evil"', outer, count=1).replace("real-ido", "evil")
    closing = f"</{prefix}:Assertion>"
    wrapped = outer[: -len(closing)] + f"<{prefix}:Advice>{signed}</{prefix}:Advice>" + closing
    assert_refused(post_acs(client, encode(xml.replace(signed, wrapped))), "GAR_RESPONSE_INVALID")


# --- Which request it answers, once ----------------------------------------------------------


def test_acs_refuses_the_same_response_twice(client, gar_idp):
    login = start_login(client)
    answer = gar_idp.response_for(login, student_attributes())
    from accounts.gar.service import gar_response_accept

    gar_response_accept(
        saml_response=answer, browser=browser_of(login)
    )  # the first time (the view would sign in)
    assert request_row(login).consumed_at is not None
    assert SamlAssertion.objects.count() == 1
    assert_refused(post_acs(client, answer), "GAR_RESPONSE_REPLAYED")


def test_acs_refuses_an_assertion_id_already_used(client, gar_idp):
    """Another request, the same assertion: refused, and that request stays usable."""
    login = start_login(client)
    xml = gar_idp.response_xml(login, student_attributes())
    assertion_id = re.search(r'<(?:ns\d+|saml):Assertion [^>]*ID="([^"]+)"', xml).group(1)
    SamlAssertion.objects.create(
        assertion_id=assertion_id, expires_at=timezone.now() + timedelta(hours=1)
    )
    assert_refused(post_acs(client, encode(xml)), "GAR_RESPONSE_REPLAYED")
    assert request_row(login).consumed_at is None


def test_acs_refuses_an_unsolicited_response(client, gar_idp):
    start_login(client)
    answer = gar_idp.response_for("id-never-asked", student_attributes(), in_response_to="")
    assert_refused(post_acs(client, answer), "GAR_REQUEST_UNKNOWN")


def test_acs_refuses_a_response_to_a_request_it_never_made(client, gar_idp):
    start_login(client)
    answer = gar_idp.response_for("id-never-asked", student_attributes())
    assert_refused(post_acs(client, answer), "GAR_REQUEST_UNKNOWN")


def test_acs_refuses_a_response_whose_request_expired(client, gar_idp):
    login = start_login(client)
    SamlRequest.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    answer = gar_idp.response_for(login, student_attributes())
    assert_refused(post_acs(client, answer), "GAR_REQUEST_EXPIRED")


def test_acs_refuses_a_response_to_another_request_than_its_assertion(client, gar_idp):
    """The Response's InResponseTo (unsigned when only the assertion is signed) changed
    to another outstanding request: the signed SubjectConfirmationData still names the
    first one."""
    first = start_login(client)
    second = start_login(client)
    xml = gar_idp.response_xml(first, student_attributes())
    first_id, second_id = request_row(first).id, request_row(second).id
    response_tag = re.match(r"(<\?xml[^>]*>\s*)?<[^>]+>", xml).group(0)
    forged = xml.replace(response_tag, response_tag.replace(first_id, second_id), 1)
    assert forged != xml
    assert_refused(post_acs(client, encode(forged)), "GAR_RESPONSE_INVALID")
    assert SamlRequest.objects.filter(consumed_at__isnull=False).count() == 0


# --- Audience, recipient, destination, issuer, validity ------------------------------------


@pytest.mark.parametrize(
    ("knob", "value", "code"),
    [
        ("audience", "https://another-resource.example/metadata.xml", "GAR_RESPONSE_INVALID"),
        ("recipient", "https://another-resource.example/acs/", "GAR_RESPONSE_INVALID"),
        ("destination", "https://another-resource.example/acs/", "GAR_RESPONSE_INVALID"),
        # Signed with the GAR's key but naming another issuer: the metadata has no key
        # for that issuer, so it is not "signed by the GAR".
        ("issuer", "https://not-the-gar.example/idp", "GAR_SIGNATURE_INVALID"),
    ],
)
def test_acs_refuses_a_response_meant_for_someone_else(client, gar_idp, knob, value, code):
    login = start_login(client)
    answer = gar_idp.response_for(login, student_attributes(), **{knob: value})
    assert_refused(post_acs(client, answer), code)
    assert request_row(login).consumed_at is None


def test_acs_refuses_an_expired_assertion(client, gar_idp):
    login = start_login(client)
    answer = gar_idp.response_for(login, student_attributes(), not_on_or_after=shift(-90))
    assert_refused(post_acs(client, answer), "GAR_RESPONSE_EXPIRED")


def test_acs_refuses_an_assertion_not_yet_valid(client, gar_idp):
    login = start_login(client)
    answer = gar_idp.response_for(login, student_attributes(), not_before=shift(90))
    assert_refused(post_acs(client, answer), "GAR_RESPONSE_EXPIRED")


def test_a_clock_skew_within_sixty_seconds_is_accepted(client, gar_idp):
    from accounts.gar.service import gar_response_accept

    for knobs in ({"not_on_or_after": shift(-30)}, {"not_before": shift(30)}):
        login = start_login(client)
        answer = gar_idp.response_for(login, student_attributes(), **knobs)
        assert gar_response_accept(saml_response=answer, browser=browser_of(login)).identity.ido


def test_acs_refuses_an_answer_where_the_gar_says_authentication_failed(client, gar_idp):
    login = start_login(client)
    answer = gar_idp.response_for(login, student_attributes(), status_failure=True)
    assert_refused(post_acs(client, answer), "GAR_AUTHENTICATION_FAILED")


# --- Attributes -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["IDO", "PRE", "NOM"])
def test_acs_refuses_a_response_without_a_required_attribute(client, gar_idp, name):
    login = start_login(client)
    answer = gar_idp.response_for(login, student_attributes(**{name: None}))
    response = post_acs(client, answer)
    assert_refused(response, "GAR_ATTRIBUTE_MISSING")
    assert name in response.content.decode()
    assert request_row(login).consumed_at is None


def test_acs_refuses_an_empty_ido(client, gar_idp):
    login = start_login(client)
    answer = gar_idp.response_for(login, student_attributes(IDO=" "))
    assert_refused(post_acs(client, answer), "GAR_ATTRIBUTE_MISSING")


def test_acs_refuses_a_multivalued_ido(client, gar_idp):
    login = start_login(client)
    answer = gar_idp.response_for(login, student_attributes(IDO=["ido-1", "ido-2"]))
    assert_refused(post_acs(client, answer), "GAR_ATTRIBUTE_MULTIVALUED")


# --- Malformed posts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code", "status"),
    [
        ({}, "GAR_RESPONSE_MISSING", 400),
        ({"SAMLResponse": "%%% not base64 %%%"}, "GAR_RESPONSE_MISSING", 400),
        ({"SAMLResponse": encode("not xml at all")}, "GAR_RESPONSE_INVALID", 403),
        (
            {"SAMLResponse": encode("<a>an XML that is no response</a>")},
            "GAR_RESPONSE_INVALID",
            403,
        ),
    ],
)
def test_acs_refuses_what_is_no_saml_response(client, gar_idp, data, code, status):
    assert_refused(client.post(ACS, data), code, status)


def test_acs_refuses_a_document_with_entities(client, gar_idp):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&b;</samlp:Response>'
    )
    assert_refused(post_acs(client, encode(bomb)), "GAR_RESPONSE_INVALID")


def test_acs_answers_only_post(client, gar_idp):
    assert client.get(ACS).status_code == 405


def test_acs_needs_no_csrf_token(gar_idp):
    """The GAR's POST comes from another site, without our CSRF cookie or token."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert_refused(strict.post(ACS, {}), "GAR_RESPONSE_MISSING", 400)


# --- The RelayState, and the logs ------------------------------------------------------------


def test_acs_never_follows_the_relay_state(client, gar_idp):
    login = start_login(client)
    answer = gar_idp.response_for(login, student_attributes(IDO=["a", "b"]))
    response = post_acs(client, answer, relay_state="https://evil.example/steal")
    assert_refused(response, "GAR_ATTRIBUTE_MULTIVALUED")
    assert "evil.example" not in response.content.decode()


def test_refusals_are_logged_with_their_code_and_no_personal_data(client, gar_idp, caplog):
    """pysaml2's own errors can carry the whole document (names of pupils): none reaches
    the logs, at any level."""
    first = start_login(client)
    multivalued = gar_idp.response_for(
        first, student_attributes(IDO=["ido-secret-1", "ido-secret-2"], NOM="Dupontel")
    )
    with caplog.at_level(logging.DEBUG):
        post_acs(client, multivalued)
        # The browser's cookie follows its latest sign-in: each answer right after its own.
        second = start_login(client)
        tampered = gar_idp.response_xml(
            second, student_attributes(IDO="ido-secret-3", NOM="Dupontel")
        )
        post_acs(client, encode(tampered.replace("Dupontel", "Durandal")))
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "GAR_ATTRIBUTE_MULTIVALUED" in text
    assert "GAR_SIGNATURE_INVALID" in text
    for personal in ("ido-secret", "Dupontel", "Durandal", "Léa", "L&#xE9;a", multivalued[:40]):
        assert personal not in text
