"""The campaign services: create, one per class, change, archive, unarchive, delete,
replace a code; their refusals and their audit rows."""

import pytest

from campaigns.errors import (
    CampaignAlreadyArchivedError,
    CampaignCodeUnavailableError,
    CampaignDeletedError,
    CampaignNameTooLongError,
    CampaignNoClassError,
    CampaignNotArchivedError,
    CampaignOwnerNotMemberError,
    CampaignUnknownClassError,
    MultipleSendingsFrozenError,
)
from campaigns.models import Campaign, CampaignCode
from campaigns.services import (
    CLASS_SEPARATOR,
    campaign_archive,
    campaign_create,
    campaign_create_per_class,
    campaign_delete,
    campaign_replace_code,
    campaign_unarchive,
    campaign_update,
)
from campaigns.services.codes import MAX_DRAWS
from organizations.models import Membership
from organizations.services import membership_remove
from tests.factories import (
    audit_rows,
    make_learner,
    make_member,
    make_participation,
    make_staff,
)

pytestmark = pytest.mark.django_db

ASSESSMENT = Campaign.Type.ASSESSMENT


def _settings(campaign, **changes):
    values = {
        "name": campaign.name,
        "title": campaign.title,
        "landing_text": campaign.landing_text,
        "external_id_label": campaign.external_id_label,
        "external_id_type": campaign.external_id_type,
        "multiple_sendings": campaign.multiple_sendings,
        "owner": campaign.owner,
    }
    return values | changes


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


# --- Change ---------------------------------------------------------------------------------


def test_a_change_records_the_names_of_the_fields(campaign, admin_user, member_user):
    other = make_member(campaign.organization)
    campaign_update(
        actor=admin_user,
        campaign=campaign,
        on_behalf_of="ADMIN",
        **_settings(campaign, name="Nouveau nom", title="Titre", owner=other),
    )
    campaign.refresh_from_db()
    assert (campaign.name, campaign.search_name, campaign.title, campaign.owner) == (
        "Nouveau nom",
        "nouveau nom",
        "Titre",
        other,
    )
    assert audit_rows(action="campaign.changed") == [
        (
            "campaign.changed",
            admin_user.pk,
            "ADMIN",
            campaign.organization_id,
            "campaigns.campaign",
            campaign.pk,
            {
                "fields": ["name", "owner", "title"],
                "from_owner_id": member_user.pk,
                "to_owner_id": other.pk,
            },
        )
    ]


def test_no_change_records_nothing(campaign, member_user):
    campaign_update(
        actor=member_user, campaign=campaign, on_behalf_of="MEMBER", **_settings(campaign)
    )
    assert audit_rows(action="campaign.changed") == []


def test_the_new_owner_must_be_an_active_member(campaign, member_user, outsider_user):
    with pytest.raises(CampaignOwnerNotMemberError):
        campaign_update(
            actor=member_user,
            campaign=campaign,
            on_behalf_of="MEMBER",
            **_settings(campaign, owner=outsider_user),
        )
    campaign.refresh_from_db()
    assert campaign.owner == member_user


def test_multiple_sendings_are_frozen_once_a_student_has_joined(campaign, member_user):
    # Before anyone joins, it may change both ways.
    for value in (True, False):
        campaign_update(
            actor=member_user,
            campaign=campaign,
            on_behalf_of="MEMBER",
            **_settings(campaign, multiple_sendings=value),
        )
    make_participation(campaign, campaign.organization.learners_by_name["Léa"])
    with pytest.raises(MultipleSendingsFrozenError) as refusal:
        campaign_update(
            actor=member_user,
            campaign=campaign,
            on_behalf_of="MEMBER",
            **_settings(campaign, multiple_sendings=True, name="Autre nom"),
        )
    assert (refusal.value.code, refusal.value.field) == (
        "CAMPAIGN_MULTIPLE_SENDINGS_FROZEN",
        "multiple_sendings",
    )
    assert refusal.value.message == (
        "Des élèves ont déjà rejoint cette campagne : la possibilité d'envoyer ses résultats "
        "plusieurs fois ne peut plus changer."
    )
    campaign.refresh_from_db()
    assert (campaign.multiple_sendings, campaign.name) == (False, "Évaluation de rentrée")
    # The other settings still change.
    campaign_update(
        actor=member_user,
        campaign=campaign,
        on_behalf_of="MEMBER",
        **_settings(campaign, name="Autre nom"),
    )
    campaign.refresh_from_db()
    assert campaign.name == "Autre nom"


def test_a_deleted_campaign_cannot_change(campaign, member_user):
    campaign_delete(actor=member_user, campaigns=[campaign], on_behalf_of="MEMBER")
    with pytest.raises(CampaignDeletedError):
        campaign_update(
            actor=member_user,
            campaign=campaign,
            on_behalf_of="MEMBER",
            **_settings(campaign, name="X"),
        )


# --- Archive, unarchive ---------------------------------------------------------------------


def test_archive_then_unarchive(campaign, member_user, admin_user):
    campaign_archive(actor=member_user, campaign=campaign, on_behalf_of="MEMBER")
    campaign.refresh_from_db()
    assert campaign.is_archived and campaign.archived_by == member_user
    campaign_unarchive(actor=admin_user, campaign=campaign, on_behalf_of="ADMIN")
    campaign.refresh_from_db()
    assert (campaign.archived_at, campaign.archived_by) == (None, None)
    assert [(row[0], row[1], row[2]) for row in audit_rows(target_id=campaign.pk)][1:] == [
        ("campaign.archived", member_user.pk, "MEMBER"),
        ("campaign.unarchived", admin_user.pk, "ADMIN"),
    ]


def test_archiving_twice_is_a_clear_error(campaign, member_user):
    campaign_archive(actor=member_user, campaign=campaign, on_behalf_of="MEMBER")
    with pytest.raises(CampaignAlreadyArchivedError) as refusal:
        campaign_archive(actor=member_user, campaign=campaign, on_behalf_of="MEMBER")
    assert refusal.value.code == "CAMPAIGN_ALREADY_ARCHIVED"
    assert refusal.value.message == "Cette campagne est déjà archivée."
    assert len(audit_rows(action="campaign.archived")) == 1


def test_unarchiving_an_open_campaign_is_a_clear_error(campaign, member_user):
    with pytest.raises(CampaignNotArchivedError) as refusal:
        campaign_unarchive(actor=member_user, campaign=campaign, on_behalf_of="MEMBER")
    assert refusal.value.code == "CAMPAIGN_NOT_ARCHIVED"
    assert refusal.value.message == "Cette campagne n'est pas archivée."
    assert audit_rows(action="campaign.unarchived") == []


# --- Delete, replace the code ---------------------------------------------------------------


def test_deleting_is_soft_and_recorded_once(campaign, admin_user):
    make_participation(campaign, campaign.organization.learners_by_name["Léa"])
    assert campaign_delete(actor=admin_user, campaigns=[campaign], on_behalf_of="ADMIN") == 1
    campaign.refresh_from_db()
    assert campaign.deleted_at is not None and campaign.deleted_by == admin_user
    assert campaign.participations.count() == 1  # kept, hidden with its campaign
    # Deleted meanwhile (another tab): nothing more happens.
    assert campaign_delete(actor=admin_user, campaigns=[campaign], on_behalf_of="ADMIN") == 0
    assert audit_rows(action="campaign.deleted") == [
        (
            "campaign.deleted",
            admin_user.pk,
            "ADMIN",
            campaign.organization_id,
            "campaigns.campaign",
            campaign.pk,
            {"code": campaign.code},
        )
    ]


def test_replacing_a_code_keeps_the_campaign_and_retires_the_old_code(campaign):
    staff = make_staff()
    participation = make_participation(campaign, campaign.organization.learners_by_name["Léa"])
    old = campaign.code
    campaign_replace_code(actor=staff, campaign=campaign, on_behalf_of="STAFF")
    campaign.refresh_from_db()
    assert campaign.code != old
    assert list(
        CampaignCode.objects.filter(campaign=campaign)
        .order_by("id")
        .values_list("code", "replaced_by")
    ) == [(old, staff.pk), (campaign.code, None)]
    assert participation in campaign.participations.all()
    assert audit_rows(action="campaign.code_replaced") == [
        (
            "campaign.code_replaced",
            staff.pk,
            "STAFF",
            campaign.organization_id,
            "campaigns.campaign",
            campaign.pk,
            {"from": old, "to": campaign.code},
        )
    ]
