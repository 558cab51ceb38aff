"""Campaigns whose owner's membership ends pass to an administrator, in the transaction
that ends the membership (under the organisation's row lock that the membership
services take).

`organizations` must not import `campaigns`, so `campaigns.apps` registers
`campaign_pass_on_ownership` with `organizations.services.memberships.on_membership_ended`;
the membership services (remove, leave, disable) call it after ending the membership.
The successor is the administrator who removed the person, else the longest-standing
active administrator. The last-administrator rule guarantees there is one whenever an
administrator leaves; an organisation with no administrator at all keeps the campaigns
with their owner, and a warning is logged.
"""

from __future__ import annotations

import logging

from accounts.models import User
from organizations.audit import Action, audit_record
from organizations.models import Membership

from ..models import Campaign

logger = logging.getLogger(__name__)


def campaign_pass_on_ownership(
    *, membership: Membership, actor: User | None, on_behalf_of: str | None
) -> int:
    """Give the ended membership's campaigns (deleted ones too: an owner is always an
    active member) to the successor; one audit row per campaign. Returns how many."""
    campaigns = list(
        Campaign.objects.select_for_update()
        .filter(organization_id=membership.organization_id, owner_id=membership.user_id)
        .order_by("pk")
    )
    if not campaigns:
        return 0
    successor = _successor(membership, actor)
    if successor is None:
        logger.warning(
            "organisation %s has no administrator to take over campaigns %s",
            membership.organization_id,
            [campaign.pk for campaign in campaigns],
        )
        return 0
    Campaign.objects.filter(pk__in=[campaign.pk for campaign in campaigns]).update(owner=successor)
    for campaign in campaigns:
        audit_record(
            actor=actor,
            on_behalf_of=on_behalf_of,
            action=Action.CAMPAIGN_OWNER_CHANGED,
            target=campaign,
            details={
                "from_owner_id": membership.user_id,
                "to_owner_id": successor.pk,
                "reason": "membership_ended",
            },
        )
    return len(campaigns)


def _successor(membership: Membership, actor: User | None) -> User | None:
    admins = list(
        Membership.objects.filter(
            organization_id=membership.organization_id,
            role=Membership.Role.ADMIN,
            disabled_at__isnull=True,
        )
        .exclude(user_id=membership.user_id)
        .select_related("user")
        .order_by("created_at", "id")
    )
    for admin in admins:
        if actor is not None and admin.user_id == actor.pk:
            return admin.user
    return admins[0].user if admins else None
