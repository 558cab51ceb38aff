"""Guarded lookups of the campaign pages (see `organizations/guards.py` for the rules).

Each takes the person and the URL's ids and returns the object with the membership that
allowed it, or raises: Http404 (no such campaign, a deleted one, or not an active member
of its organisation: an outsider cannot tell them apart), the space's refusals
(closed space), PermissionDenied (a member who is neither an administrator nor the
campaign's owner, where that is required). Reads only: nothing from `campaigns.services`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from organizations.guards import membership_get_for_role
from organizations.models import Membership
from students.models import Learner

from .models import Campaign, Participation


def campaign_check_can_manage(campaign: Campaign, membership: Membership) -> None:
    """Changing, archiving and deleting a campaign, and deleting a participation: an
    administrator of its organisation, or its owner."""
    if not (membership.is_admin or campaign.owner_id == membership.user_id):
        raise PermissionDenied("neither an administrator nor the campaign's owner")


def campaign_get_for_member(*, user: User, campaign_id: int) -> tuple[Campaign, Membership]:
    """A campaign that is not deleted, for an active member of its organisation.

    Two queries: the campaign (with its owner and creator), then the membership."""
    campaign = (
        Campaign.objects.select_related("owner", "creator", "archived_by")
        .filter(pk=campaign_id, deleted_at__isnull=True)
        .first()
    )
    if campaign is None:
        raise Http404
    membership = membership_get_for_role(
        user=user, organization_id=campaign.organization_id, role=Membership.Role.MEMBER
    )
    campaign.organization = membership.organization
    return campaign, membership


def campaign_get_for_manager(*, user: User, campaign_id: int) -> tuple[Campaign, Membership]:
    """The same, for its owner or an administrator (PermissionDenied otherwise)."""
    campaign, membership = campaign_get_for_member(user=user, campaign_id=campaign_id)
    campaign_check_can_manage(campaign, membership)
    return campaign, membership


def campaign_class_get_for_member(
    *, user: User, campaign_id: int, division: str
) -> tuple[tuple[Campaign, str], Membership]:
    """A campaign and one of the classes it is for (its own class, or any class of the
    organisation's active students): the printable sheet. Http404 for another class."""
    campaign, membership = campaign_get_for_member(user=user, campaign_id=campaign_id)
    if campaign.target_division and division != campaign.target_division:
        raise Http404
    if not Learner.objects.filter(
        organization_id=campaign.organization_id, disabled=False, division=division
    ).exists():
        raise Http404
    return (campaign, division), membership


def participation_get_for_manager(
    *, user: User, campaign_id: int, participation_id: int
) -> tuple[Participation, Membership]:
    """A current participation of the campaign, with its learner, for the campaign's
    owner or an administrator (deleting it)."""
    campaign, membership = campaign_get_for_member(user=user, campaign_id=campaign_id)
    participation = (
        Participation.objects.select_related("learner", "user")
        .filter(pk=participation_id, campaign_id=campaign.pk, deleted_at__isnull=True)
        .first()
    )
    if participation is None:
        raise Http404
    campaign_check_can_manage(campaign, membership)
    participation.campaign = campaign
    return participation, membership


def campaigns_get_for_deletion(
    *, membership: Membership, campaign_ids: Iterable[int]
) -> list[Campaign]:
    """The campaigns picked for deletion in the current organisation: an administrator
    deletes any; a member only when they own every one (PermissionDenied otherwise).
    Http404 when an id is not a campaign of this organisation still shown."""
    ids = sorted(set(campaign_ids))
    if not ids:
        raise Http404
    campaigns = list(
        Campaign.objects.filter(
            pk__in=ids, organization_id=membership.organization_id, deleted_at__isnull=True
        )
        .select_related("owner")
        .order_by("name", "pk")
    )
    if len(campaigns) != len(ids):
        raise Http404
    for campaign in campaigns:
        campaign_check_can_manage(campaign, membership)
    return campaigns
