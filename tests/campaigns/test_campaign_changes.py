"""The campaign services that change: settings, archive, unarchive, delete, replace a
code; their refusals and audit rows."""

import pytest

from campaigns.errors import (
    CampaignAlreadyArchivedError,
    CampaignDeletedError,
    CampaignNotArchivedError,
    CampaignOwnerNotMemberError,
    MultipleSendingsFrozenError,
)
from campaigns.models import Campaign, CampaignCode
from campaigns.services import (
    campaign_archive,
    campaign_delete,
    campaign_replace_code,
    campaign_unarchive,
    campaign_update,
)
from tests.factories import (
    audit_rows,
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
    assert [
        (row[0], row[1], row[2])
        for row in audit_rows(target_type="campaigns.campaign", target_id=campaign.pk)
    ][1:] == [
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
