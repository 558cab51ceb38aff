"""Campaign codes: the format, drawn by `secrets`, unique forever (a constraint, retired
codes included), and a collision retried."""

import re

import pytest
from django.db import IntegrityError, transaction

from campaigns import codes
from campaigns.errors import CampaignCodeUnavailableError
from campaigns.models import Campaign, CampaignCode
from campaigns.services import campaign_replace_code
from campaigns.services.codes import MAX_DRAWS
from organizations.audit import OnBehalfOf
from tests.factories import make_campaign, make_organization, make_staff

FORMAT = re.compile(r"^[ABCDEFGHJKMNPQRSTUVWXYZ]{6}[23456789]{3}$")


def test_a_code_is_six_letters_then_three_digits_without_look_alikes():
    drawn = {codes.generate_code() for _ in range(2000)}
    assert all(FORMAT.match(code) for code in drawn)
    # Random: 2,000 draws out of 14 billion codes do not repeat.
    assert len(drawn) == 2000
    letters = set("".join(code[:6] for code in drawn))
    assert letters == set(codes.LETTERS)
    assert not letters & set("ILO")
    assert set("".join(code[6:] for code in drawn)) == set("23456789")


def test_codes_come_from_the_cryptographic_generator(monkeypatch):
    picks = iter("ABCDEF234")
    monkeypatch.setattr(codes.secrets, "choice", lambda alphabet: next(picks))
    assert codes.generate_code() == "ABCDEF234"


@pytest.mark.parametrize(
    ("typed", "expected", "valid"),
    [
        ("abcdef234", "ABCDEF234", True),
        (" ABC DEF 234 ", "ABCDEF234", True),
        ("ABCDEF23", "ABCDEF23", False),
        ("ABCDEFG234", "ABCDEFG234", False),
        ("ABCDEI234", "ABCDEI234", False),  # I is not in the alphabet
        ("ABCDEF230", "ABCDEF230", False),  # neither is 0
        ("ABCDE1234", "ABCDE1234", False),
    ],
)
def test_typed_codes_are_normalised_then_checked(typed, expected, valid):
    assert codes.normalize_code(typed) == expected
    assert codes.is_valid_code(codes.normalize_code(typed)) is valid


@pytest.mark.django_db
def test_a_new_campaign_gets_a_code_of_the_format_recorded_forever(organization):
    campaign = make_campaign(organization)
    assert FORMAT.match(campaign.code)
    assert list(CampaignCode.objects.values_list("code", "campaign_id", "replaced_at")) == [
        (campaign.code, campaign.pk, None)
    ]


@pytest.mark.django_db
def test_the_database_refuses_a_code_of_another_format(organization):
    campaign = make_campaign(organization)
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(code="ABCDEF230")
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignCode.objects.create(code="abcdef234")


@pytest.mark.django_db
def test_the_database_refuses_a_code_twice(organization):
    first, second = make_campaign(organization), make_campaign(organization)
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=second.pk).update(code=first.code)
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignCode.objects.create(code=first.code)


def _draws(monkeypatch, *drawn):
    sequence = iter(drawn)
    monkeypatch.setattr(codes, "generate_code", lambda: next(sequence))


@pytest.mark.django_db
def test_a_collision_is_drawn_again(organization, monkeypatch):
    _draws(monkeypatch, "ABCDEF234")
    taken = make_campaign(organization)
    _draws(monkeypatch, "ABCDEF234", "ABCDEF234", "GHJKMN567")
    campaign = make_campaign(make_organization())
    assert taken.code == "ABCDEF234"
    assert campaign.code == "GHJKMN567"
    assert CampaignCode.objects.count() == 2


@pytest.mark.django_db
def test_a_replaced_code_is_never_handed_out_again(organization, monkeypatch):
    _draws(monkeypatch, "ABCDEF234", "PQRSTU789")
    campaign = make_campaign(organization)
    campaign_replace_code(actor=make_staff(), campaign=campaign, on_behalf_of=OnBehalfOf.STAFF)
    assert campaign.code == "PQRSTU789"
    # The old code is free in the campaign table, yet reserved: the next draw skips it.
    _draws(monkeypatch, "ABCDEF234", "VWXYZA222")
    assert make_campaign(organization).code == "VWXYZA222"


@pytest.mark.django_db
def test_a_deleted_campaign_keeps_its_code(organization, monkeypatch):
    from campaigns.services import campaign_delete

    _draws(monkeypatch, "ABCDEF234")
    campaign = make_campaign(organization)
    campaign_delete(actor=campaign.owner, campaigns=[campaign], on_behalf_of="MEMBER")
    _draws(monkeypatch, "ABCDEF234", "BCDEFG345")
    assert make_campaign(organization).code == "BCDEFG345"


@pytest.mark.django_db
def test_a_generator_that_always_collides_fails_clearly_and_writes_nothing(
    organization, monkeypatch
):
    _draws(monkeypatch, "ABCDEF234")
    make_campaign(organization)
    _draws(monkeypatch, *["ABCDEF234"] * MAX_DRAWS)
    with pytest.raises(CampaignCodeUnavailableError) as refusal:
        make_campaign(organization, name="Deuxième")
    assert refusal.value.code == "CAMPAIGN_CODE_UNAVAILABLE"
    assert Campaign.objects.count() == 1
    assert CampaignCode.objects.count() == 1
