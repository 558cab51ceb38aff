"""The team page's text area of addresses: separators, trimming, case, duplicates, the
invalid ones named, at most 50, and nothing sent when one is wrong — checked by the parser
and again by the service, whatever the page did."""

import pytest
from django.core import mail

from invitations.models import Invitation
from invitations.services import (
    MAX_ADDRESSES,
    InvalidAddressesError,
    TooManyAddressesError,
    addresses_check,
    addresses_parse,
    invitations_send_many,
)
from organizations.models import AuditLog


def test_every_separator_splits_and_each_address_is_trimmed_and_lower_cased():
    text = (
        " Anne.Roux@AC-Test.fr,paul@ac-test.fr;  lea@ac-test.fr\tjean@ac-test.fr"
        "\r\n\nmarc@ac-test.fr "
    )
    assert addresses_parse(text).emails == [
        "anne.roux@ac-test.fr",
        "paul@ac-test.fr",
        "lea@ac-test.fr",
        "jean@ac-test.fr",
        "marc@ac-test.fr",
    ]


def test_separators_in_a_row_and_at_the_ends_make_no_empty_address():
    parsed = addresses_parse(",; ,\n paul@ac-test.fr ;;,, \n\n lea@ac-test.fr ,;")
    assert parsed.emails == ["paul@ac-test.fr", "lea@ac-test.fr"]
    assert parsed.invalid == []


def test_duplicates_are_kept_once_whatever_their_case_in_the_order_first_typed():
    parsed = addresses_parse("lea@ac-test.fr, Paul@ac-test.fr LEA@AC-TEST.FR; paul@ac-test.fr")
    assert parsed.emails == ["lea@ac-test.fr", "paul@ac-test.fr"]
    assert parsed.count == 2


def test_every_invalid_address_is_named_as_typed_each_once():
    parsed = addresses_parse(
        "paul@ac-test.fr, Lea@ac-test, jean.ac-test.fr; @ac-test.fr lea@AC-TEST"
    )
    assert parsed.emails == ["paul@ac-test.fr"]
    assert parsed.invalid == ["Lea@ac-test", "jean.ac-test.fr", "@ac-test.fr"]
    with pytest.raises(InvalidAddressesError) as refused:
        addresses_check(parsed)
    assert refused.value.code == "INVALID_ADDRESSES"
    assert refused.value.meta == {"addresses": ["Lea@ac-test", "jean.ac-test.fr", "@ac-test.fr"]}


def test_a_pasted_paragraph_is_shown_back_shortened():
    parsed = addresses_parse("x" * 500)
    (shown,) = parsed.invalid
    assert len(shown) == 80
    assert shown.endswith("…")


def test_an_address_too_long_for_the_invitation_is_invalid():
    # Valid for Django's validator (320 characters at most), not for the e-mail column.
    long_one = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".fr"
    assert len(long_one) > 254
    assert addresses_parse(long_one).invalid == [long_one[:79] + "…"]


def test_fifty_addresses_pass_and_fifty_one_are_refused_counting_the_invalid_ones():
    fifty = " ".join(f"prof{n}@ac-test.fr" for n in range(MAX_ADDRESSES))
    addresses_check(addresses_parse(fifty))
    with pytest.raises(TooManyAddressesError) as refused:
        addresses_check(addresses_parse(fifty + " not-an-address"))
    assert refused.value.code == "TOO_MANY_ADDRESSES"
    assert refused.value.meta == {"count": 51, "limit": 50}
    assert "51 adresses" in refused.value.message
    # Duplicates do not count twice.
    addresses_check(addresses_parse(fifty + " PROF0@ac-test.fr"))


# --- The service checks again ------------------------------------------------------------


@pytest.mark.django_db
def test_the_service_sends_nothing_when_one_address_is_invalid(organization, admin_user):
    with pytest.raises(InvalidAddressesError) as refused:
        invitations_send_many(
            organization=organization,
            actor=admin_user,
            emails=["paul@ac-test.fr", "lea@ac-test", "jean@ac-test.fr"],
            language="fr",
        )
    assert refused.value.meta == {"addresses": ["lea@ac-test"]}
    assert Invitation.objects.count() == 0
    assert mail.outbox == []
    assert not AuditLog.objects.filter(action="invitation.sent").exists()


@pytest.mark.django_db
def test_the_service_refuses_more_than_fifty_addresses(organization, admin_user):
    emails = [f"prof{n}@ac-test.fr" for n in range(51)]
    with pytest.raises(TooManyAddressesError):
        invitations_send_many(
            organization=organization, actor=admin_user, emails=emails, language="fr"
        )
    assert Invitation.objects.count() == 0
    assert mail.outbox == []
