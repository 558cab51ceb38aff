"""The campaign services that create: one campaign, one per class; their refusals and
audit rows."""

import pytest

from campaigns.errors import (
    CampaignCodeUnavailableError,
    CampaignNameTooLongError,
    CampaignNoClassError,
    CampaignOwnerNotMemberError,
    CampaignUnknownClassError,
)
from campaigns.models import Campaign, CampaignCode
from campaigns.services import (
    CLASS_SEPARATOR,
    campaign_create,
    campaign_create_per_class,
)
from campaigns.services.codes import MAX_DRAWS
from organizations.models import Membership
from organizations.services import membership_remove
from tests.factories import (
    audit_rows,
    make_learner,
    make_member,
)

pytestmark = pytest.mark.django_db

ASSESSMENT = Campaign.Type.ASSESSMENT


# --- Create ---------------------------------------------------------------------------------


def test_a_member_creates_a_campaign_that_they_own(school, member_user):
    campaign = campaign_create(
        actor=member_user,
        organization=school,
        on_behalf_of="MEMBER",
        name="Évaluation de Rentrée",
        type=Campaign.Type.PROFILES_COLLECTION,
        title="Ton profil",
        external_id_label="Numéro d'élève",
        external_id_type=Campaign.ExternalIdType.TEXT,
    )
    assert (campaign.owner, campaign.creator, campaign.organization) == (
        member_user,
        member_user,
        school,
    )
    assert campaign.search_name == "evaluation de rentree"
    assert campaign.target_division == ""
    assert audit_rows(action="campaign.created") == [
        (
            "campaign.created",
            member_user.pk,
            "MEMBER",
            school.pk,
            "campaigns.campaign",
            campaign.pk,
            {
                "code": campaign.code,
                "type": "PROFILES_COLLECTION",
                "owner_id": member_user.pk,
                "division": None,
                "per_class": False,
            },
        )
    ]


def test_an_external_id_type_without_a_label_is_not_kept(school, member_user):
    campaign = campaign_create(
        actor=member_user,
        organization=school,
        on_behalf_of="MEMBER",
        name="Sans identifiant",
        type=ASSESSMENT,
        external_id_type=Campaign.ExternalIdType.EMAIL,
    )
    assert campaign.external_id_type == ""


def test_the_owner_must_be_an_active_member(school, member_user, outsider_user):
    removed = make_member(school)
    admin = make_member(school, role=Membership.Role.ADMIN)
    membership_remove(actor=admin, membership=removed.memberships.get())
    for owner in (outsider_user, removed):
        with pytest.raises(CampaignOwnerNotMemberError) as refusal:
            campaign_create(
                actor=member_user,
                organization=school,
                on_behalf_of="MEMBER",
                name="X",
                type=ASSESSMENT,
                owner=owner,
            )
        assert refusal.value.code == "CAMPAIGN_OWNER_NOT_MEMBER"
        assert refusal.value.field == "owner"
    assert not Campaign.objects.exists()


def test_a_campaign_for_one_class_needs_a_class_of_the_school(school, member_user):
    campaign = campaign_create(
        actor=member_user,
        organization=school,
        on_behalf_of="MEMBER",
        name="6A seulement",
        type=ASSESSMENT,
        target_division="6A",
    )
    assert campaign.target_division == "6A"
    with pytest.raises(CampaignUnknownClassError) as refusal:
        campaign_create(
            actor=member_user,
            organization=school,
            on_behalf_of="MEMBER",
            name="3Z",
            type=ASSESSMENT,
            target_division="3Z",
        )
    assert refusal.value.meta == {"division": "3Z"}
    assert refusal.value.message == "La classe 3Z n'est pas dans votre liste d'élèves."


# --- One campaign per class -----------------------------------------------------------------


def test_one_campaign_per_class_in_the_school_order_each_with_its_code(school, admin_user):
    campaigns = campaign_create_per_class(
        actor=admin_user,
        organization=school,
        on_behalf_of="ADMIN",
        divisions=["5A", "6B", "6A", "6A"],
        name="Rentrée",
        type=ASSESSMENT,
        title="Bienvenue",
        multiple_sendings=True,
    )
    assert [(c.name, c.target_division) for c in campaigns] == [
        ("Rentrée – 6A", "6A"),  # noqa: RUF001 - the en dash is the point
        ("Rentrée – 6B", "6B"),  # noqa: RUF001
        ("Rentrée – 5A", "5A"),  # noqa: RUF001
    ]
    assert CLASS_SEPARATOR == " – "  # noqa: RUF001
    assert len({c.code for c in campaigns}) == 3
    assert all(c.title == "Bienvenue" and c.multiple_sendings for c in campaigns)
    assert all(c.owner == admin_user for c in campaigns)
    rows = audit_rows(action="campaign.created")
    assert [(row[5], row[6]["division"], row[6]["per_class"]) for row in rows] == [
        (campaigns[0].pk, "6A", True),
        (campaigns[1].pk, "6B", True),
        (campaigns[2].pk, "5A", True),
    ]


def test_one_campaign_per_class_needs_a_class(school, admin_user):
    with pytest.raises(CampaignNoClassError) as refusal:
        campaign_create_per_class(
            actor=admin_user,
            organization=school,
            on_behalf_of="ADMIN",
            divisions=["", ""],
            name="Rentrée",
            type=ASSESSMENT,
        )
    assert (refusal.value.code, refusal.value.field) == ("CAMPAIGN_NO_CLASS", "divisions")
    assert refusal.value.message == "Choisissez au moins une classe."


def test_one_campaign_per_class_is_all_or_nothing(school, admin_user):
    # A class that only a student who left is in: not a class of the list any more.
    make_learner(school, division="3C", disabled=True)
    with pytest.raises(CampaignUnknownClassError):
        campaign_create_per_class(
            actor=admin_user,
            organization=school,
            on_behalf_of="ADMIN",
            divisions=["6A", "3C"],
            name="Rentrée",
            type=ASSESSMENT,
        )
    make_learner(school, division="6-LONG-CLASS-NAME")
    with pytest.raises(CampaignNameTooLongError) as refusal:
        campaign_create_per_class(
            actor=admin_user,
            organization=school,
            on_behalf_of="ADMIN",
            divisions=["6A", "6-LONG-CLASS-NAME"],
            name="N" * 240,
            type=ASSESSMENT,
        )
    assert refusal.value.meta == {"division": "6-LONG-CLASS-NAME", "max": 255}
    assert refusal.value.message == (
        "Avec le nom de la classe ajouté (6-LONG-CLASS-NAME), le nom dépasserait 255 "
        "caractères : raccourcissez-le."
    )
    assert not Campaign.objects.exists()
    assert not CampaignCode.objects.exists()
    assert audit_rows(action="campaign.created") == []


def test_a_failure_in_the_middle_undoes_every_campaign_of_the_batch(
    school, admin_user, monkeypatch
):
    """All-or-nothing even when the second class fails after the first was written: here
    no code can be drawn for it."""
    from campaigns import codes

    draws = iter(["ABCDEF234"] + ["ABCDEF234"] * MAX_DRAWS)
    monkeypatch.setattr(codes, "generate_code", lambda: next(draws))
    with pytest.raises(CampaignCodeUnavailableError):
        campaign_create_per_class(
            actor=admin_user,
            organization=school,
            on_behalf_of="ADMIN",
            divisions=["6A", "6B"],
            name="Rentrée",
            type=ASSESSMENT,
        )
    assert not Campaign.objects.exists()
    assert not CampaignCode.objects.exists()
    assert audit_rows(action="campaign.created") == []
