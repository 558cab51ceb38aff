"""Campaigns owned by a member who is removed or leaves pass to an administrator, in the
transaction that ends the membership, and each transfer is in the audit log."""

import pytest
from django.db import transaction

from campaigns.models import Campaign
from campaigns.services.ownership import campaign_pass_on_ownership
from organizations.errors import LastAdministratorError
from organizations.models import Membership
from organizations.services import (
    membership_disable,
    membership_leave,
    membership_remove,
)
from organizations.services.memberships import _membership_ended_hooks
from tests.factories import audit_rows, make_campaign, make_member, make_staff

pytestmark = pytest.mark.django_db

ADMIN = Membership.Role.ADMIN


def _membership(user, organization):
    return Membership.objects.get(user=user, organization=organization, disabled_at__isnull=True)


def _owners(*campaigns):
    return [Campaign.objects.get(pk=campaign.pk).owner for campaign in campaigns]


@pytest.fixture
def admins(organization, admin_user):
    """The longest-standing administrator (admin_user), then a newer one."""
    return admin_user, make_member(organization, role=ADMIN)


def test_the_campaigns_app_registers_its_hook():
    assert campaign_pass_on_ownership in _membership_ended_hooks


def test_removed_by_an_administrator_the_campaigns_go_to_that_administrator(
    organization, admins, member_user
):
    _, newer_admin = admins
    first, second = (
        make_campaign(organization, owner=member_user),
        make_campaign(organization, owner=member_user),
    )
    kept = make_campaign(organization, owner=newer_admin)
    membership_remove(actor=newer_admin, membership=_membership(member_user, organization))
    assert _owners(first, second, kept) == [newer_admin, newer_admin, newer_admin]
    rows = audit_rows(action="campaign.owner_changed")
    assert rows == [
        (
            "campaign.owner_changed",
            newer_admin.pk,
            "ADMIN",
            organization.pk,
            "campaigns.campaign",
            campaign.pk,
            {
                "from_owner_id": member_user.pk,
                "to_owner_id": newer_admin.pk,
                "reason": "membership_ended",
            },
        )
        for campaign in (first, second)
    ]


def test_removed_by_staff_the_campaigns_go_to_the_longest_standing_administrator(
    organization, admins, member_user
):
    oldest, _ = admins
    campaign = make_campaign(organization, owner=member_user)
    staff = make_staff()
    membership_remove(
        actor=staff, membership=_membership(member_user, organization), on_behalf_of="STAFF"
    )
    assert _owners(campaign) == [oldest]
    assert [row[1:3] for row in audit_rows(action="campaign.owner_changed")] == [
        (staff.pk, "STAFF")
    ]


def test_a_member_who_leaves_hands_over_to_the_longest_standing_administrator(
    organization, admins, member_user
):
    oldest, _ = admins
    campaign = make_campaign(organization, owner=member_user)
    membership_leave(user=member_user, membership=_membership(member_user, organization))
    assert _owners(campaign) == [oldest]
    assert [row[1:3] for row in audit_rows(action="campaign.owner_changed")] == [
        (member_user.pk, "MEMBER")
    ]


def test_an_administrator_who_leaves_hands_over_to_another_one(organization, admins):
    oldest, newer = admins
    campaign = make_campaign(organization, owner=oldest)
    membership_leave(user=oldest, membership=_membership(oldest, organization))
    assert _owners(campaign) == [newer]


def test_a_disabled_membership_hands_over_on_behalf_of_the_system(
    organization, admins, member_user
):
    oldest, _ = admins
    campaign = make_campaign(organization, owner=member_user)
    membership_disable(membership=_membership(member_user, organization))
    assert _owners(campaign) == [oldest]
    assert [row[1:3] for row in audit_rows(action="campaign.owner_changed")] == [(None, "SYSTEM")]


def test_archived_and_deleted_campaigns_pass_on_too(organization, admins, member_user):
    from campaigns.services import campaign_archive, campaign_delete

    oldest, _ = admins
    archived = make_campaign(organization, owner=member_user)
    deleted = make_campaign(organization, owner=member_user)
    campaign_archive(actor=member_user, campaign=archived, on_behalf_of="MEMBER")
    campaign_delete(actor=member_user, campaigns=[deleted], on_behalf_of="MEMBER")
    membership_leave(user=member_user, membership=_membership(member_user, organization))
    assert _owners(archived, deleted) == [oldest, oldest]


def test_only_the_campaigns_of_that_organisation_move(
    organization, other_organization, admins, member_user
):
    from organizations.services import membership_create

    membership_create(user=member_user, organization=other_organization)
    here = make_campaign(organization, owner=member_user)
    there = make_campaign(other_organization, owner=member_user)
    membership_leave(user=member_user, membership=_membership(member_user, organization))
    assert _owners(here, there) == [admins[0], member_user]


def test_a_refused_removal_moves_nothing(organization, admin_user, member_user):
    campaign = make_campaign(organization, owner=admin_user)
    with pytest.raises(LastAdministratorError):
        membership_leave(user=admin_user, membership=_membership(admin_user, organization))
    assert _owners(campaign) == [admin_user]
    assert audit_rows(action="campaign.owner_changed") == []


def test_the_transfer_is_undone_with_the_membership_change(organization, admins, member_user):
    """Same transaction: if what follows the removal fails, neither happened."""
    campaign = make_campaign(organization, owner=member_user)
    with pytest.raises(RuntimeError), transaction.atomic():
        membership_remove(actor=admins[1], membership=_membership(member_user, organization))
        raise RuntimeError("the request fails after the removal")
    assert _owners(campaign) == [member_user]
    assert _membership(member_user, organization)
    assert audit_rows(action="campaign.owner_changed") == []


def test_without_any_administrator_the_campaigns_stay_and_a_warning_is_logged(
    organization, member_user, caplog
):
    campaign = make_campaign(organization, owner=member_user)
    membership_leave(user=member_user, membership=_membership(member_user, organization))
    assert _owners(campaign) == [member_user]
    assert "no administrator to take over campaigns" in caplog.text


def test_deleting_an_account_in_the_back_office_passes_its_campaigns_on(
    organization, admins, member_user
):
    from organizations.services.users import user_delete

    longest_standing, _ = admins
    campaign = make_campaign(organization, owner=member_user)
    staff = make_staff()
    user_delete(actor=staff, user=member_user)
    assert _owners(campaign) == [longest_standing]
    assert not type(member_user).objects.filter(pk=member_user.pk).exists()
