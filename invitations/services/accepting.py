"""Accepting an invitation: the link's checks, then the membership, under the
organisation's row lock.

Any signed-in account holding a valid link may accept it (a school's official mailbox is
shared: the acceptor's e-mail differs from the invited one). The outcomes:

    JOINED          no membership yet: one is created with the invitation's role
    REJOINED        a removed (ended) membership: a new active one is created
    PROMOTED        an active member, and the invitation makes them an administrator
    ALREADY_MEMBER  an active member whom the invitation would not raise (an invitation
                    never demotes): told so; the invitation is accepted all the same

An automatic role (AUTO) is resolved under the lock: ADMIN when the organisation has no
active administrator, MEMBER otherwise (so a member accepting an automatic invitation of
an organisation left without administrator is promoted; with one, they are told they
already are a member). The lock makes it certain: two people accepting
automatic invitations of an organisation without administrator at once get one
administrator and one member, never two administrators.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from organizations.audit import Action, OnBehalfOf, audit_record
from organizations.models import Membership
from organizations.services import membership_create
from organizations.services.memberships import (
    active_admin_ids,
    lock_organizations,
    membership_promote_on_invitation,
)

from ..models import Invitation
from ..selectors import invitation_check_link, invitation_get_by_link


class Outcome(enum.StrEnum):
    JOINED = "JOINED"
    REJOINED = "REJOINED"
    PROMOTED = "PROMOTED"
    ALREADY_MEMBER = "ALREADY_MEMBER"


@dataclass(frozen=True)
class Acceptance:
    invitation: Invitation
    membership: Membership
    outcome: Outcome


@transaction.atomic
def invitation_accept(*, invitation_id, code, user: User) -> Acceptance:
    """Accept the invitation a link names, as `user`.

    Raises the link's refusals (`invitations.errors`): invalid (unknown id or wrong code,
    one refusal that names nothing), already accepted, cancelled, replaced by a newer
    e-mail, organisation archived. Checked once before the lock (a wrong code waits for
    nothing) and again under it: two acceptances of one link at once, one wins.
    """
    found = invitation_get_by_link(invitation_id=invitation_id, code=code)
    lock_organizations([found.organization_id])
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=found.pk)
    )
    invitation_check_link(invitation, code)
    organization = invitation.organization

    role = invitation.role
    if role == Invitation.Role.AUTO:
        role = (
            Membership.Role.MEMBER if active_admin_ids(organization.pk) else Membership.Role.ADMIN
        )
    details = {"invitation_id": invitation.pk}
    membership = (
        Membership.objects.filter(user=user, organization=organization, disabled_at__isnull=True)
        .select_related("organization")
        .first()
    )
    if membership is None:
        rejoined = Membership.objects.filter(user=user, organization=organization).exists()
        membership = membership_create(
            user=user, organization=organization, role=role, actor=user, on_behalf_of=role
        )
        outcome = Outcome.REJOINED if rejoined else Outcome.JOINED
    elif role == Membership.Role.ADMIN and not membership.is_admin:
        membership = membership_promote_on_invitation(
            membership=membership, actor=user, details=details
        )
        outcome = Outcome.PROMOTED
    else:
        outcome = Outcome.ALREADY_MEMBER

    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.requester_first_name = invitation.requester_last_name = ""
    invitation.save(
        update_fields=[
            "status",
            "accepted_by",
            "accepted_at",
            "requester_first_name",
            "requester_last_name",
        ]
    )
    audit_record(
        actor=user,
        on_behalf_of=OnBehalfOf.ADMIN if membership.is_admin else OnBehalfOf.MEMBER,
        action=Action.INVITATION_ACCEPTED,
        target=invitation,
        details={
            **details,
            "user_id": user.pk,
            "membership_id": membership.pk,
            "role": membership.role,
            "outcome": str(outcome),
        },
    )
    return Acceptance(invitation=invitation, membership=membership, outcome=outcome)
