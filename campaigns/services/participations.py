"""Writes on participations: a student joins a campaign, sends their results; a school
deletes a participation made with the wrong account.

The student's pages (code entry, reconciliation: `campaigns.services.joining`) call
`participation_start` once the account is linked to its learner, and
`participation_share`. The rules of joining live here so that those pages, the API and
the tests share them: an archived campaign (or a closed space) takes no one new; a
campaign for one class takes that class's students, checked at the first join only (a
student who changes class later keeps their participation); one current participation
per learner, a new one after the results were sent only with multiple sendings.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from organizations.audit import Action, audit_record
from students.models import Learner

from ..errors import (
    CampaignClosedError,
    CampaignDeletedError,
    CampaignOtherClassError,
    ExternalIdInvalidError,
    ExternalIdRequiredError,
    ExternalIdTooLongError,
    ParticipationAlreadySharedError,
)
from ..models import Campaign, Participation

Status = Participation.Status
EXTERNAL_ID_MAX_LENGTH = 255


@transaction.atomic
def participation_start(
    *, campaign: Campaign, user: User, learner: Learner, external_id: str = ""
) -> Participation:
    """Join the campaign as `learner` (the account's learner in the campaign's
    organisation, reconciled before), or come back to the participation in progress.

    Refusals: CampaignDeletedError, CampaignClosedError (archived, or the space closed),
    CampaignOtherClassError, ExternalIdRequiredError / ExternalIdInvalidError,
    ParticipationAlreadySharedError (results sent, no multiple sendings). A disabled
    learner is refused by the student's side (`joining.student_join`), not here: a
    student who joined and then left the school keeps their participation."""
    # The row lock orders joins with a change of the settings (multiple sendings frozen
    # once someone has joined; archiving).
    current = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=campaign.pk)
    )
    if current.deleted_at is not None:
        raise CampaignDeletedError(meta={"campaign_id": current.pk})
    if current.archived_at is not None or current.organization.is_archived:
        raise CampaignClosedError(meta={"campaign_id": current.pk})
    if learner.organization_id != current.organization_id or learner.user_id != user.pk:
        raise ValueError("join as the account's own learner of the campaign's organisation")
    previous = Participation.objects.filter(
        campaign=current, learner=learner, is_improved=False, deleted_at__isnull=True
    ).first()
    if previous is not None and previous.status == Status.STARTED:
        if previous.user_id == user.pk:
            return previous
        # Started by another account linked to this learner before (`learner_dissociate`
        # deletes such attempts; this covers a link undone any other way, e.g. the back
        # office): that attempt is the other person's. It is kept, deleted, and the
        # student starts afresh with their own account.
        previous.deleted_at = timezone.now()
        previous.save(update_fields=["deleted_at"])
        previous = None
    if previous is None and current.target_division and learner.division != current.target_division:
        raise CampaignOtherClassError(meta={"division": current.target_division})
    if previous is not None:
        if not current.multiple_sendings:
            raise ParticipationAlreadySharedError(meta={"participation_id": previous.pk})
        previous.is_improved = True
        previous.save(update_fields=["is_improved"])
        external_id = external_id or previous.external_id
    return Participation.objects.create(
        campaign=current,
        user=user,
        learner=learner,
        external_id=_checked_external_id(current, external_id),
    )


@transaction.atomic
def participation_share(*, participation: Participation, user: User) -> Participation:
    """The student sends their results to the organisation (STARTED → SHARED), also once
    the campaign is archived. ParticipationAlreadySharedError the second time."""
    current = (
        Participation.objects.select_for_update(of=("self",))
        .select_related("learner")
        .get(pk=participation.pk)
    )
    if current.user_id != user.pk or current.learner.user_id != user.pk:
        # Not this account's, or made for a student the school has unlinked it from since.
        raise PermissionDenied("one sends only one's own results")
    if current.deleted_at is not None:
        raise CampaignDeletedError(meta={"participation_id": current.pk})
    if current.status == Status.SHARED:
        raise ParticipationAlreadySharedError(meta={"participation_id": current.pk})
    current.status, current.shared_at = Status.SHARED, timezone.now()
    current.save(update_fields=["status", "shared_at"])
    participation.status, participation.shared_at = current.status, current.shared_at
    return current


@transaction.atomic
def participation_delete(*, actor: User, participation: Participation, on_behalf_of: str) -> int:
    """Delete a student's participation in a campaign (soft), earlier sendings included,
    so that they can join again with the right account. Returns how many rows."""
    campaign = Campaign.objects.select_related("organization").get(pk=participation.campaign_id)
    rows = list(
        Participation.objects.select_for_update()
        .filter(campaign=campaign, learner_id=participation.learner_id, deleted_at__isnull=True)
        .order_by("pk")
    )
    if not rows:
        return 0
    now = timezone.now()
    Participation.objects.filter(pk__in=[row.pk for row in rows]).update(
        deleted_at=now, deleted_by=actor
    )
    audit_record(
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=Action.PARTICIPATION_DELETED,
        organization=campaign.organization,
        target=participation,
        details={
            "campaign_id": campaign.pk,
            "learner_id": participation.learner_id,
            "participation_ids": [row.pk for row in rows],
            "statuses": sorted({row.status for row in rows}),
        },
    )
    participation.deleted_at, participation.deleted_by = now, actor
    return len(rows)


@transaction.atomic
def participations_delete_for_account(
    *, actor: User, learner: Learner, user_id: int, on_behalf_of: str
) -> list[int]:
    """Delete (soft) every participation of `learner` made with the account `user_id`,
    sent or not: undoing a wrong link (`joining.learner_dissociate`), so that the account
    no longer sends results as that student and the student can join again. One
    `participation.deleted` row per campaign, as `participation_delete`. Returns the ids."""
    rows = list(
        Participation.objects.select_for_update()
        .filter(learner=learner, user_id=user_id, deleted_at__isnull=True)
        .order_by("campaign_id", "pk")
    )
    if not rows:
        return []
    now = timezone.now()
    Participation.objects.filter(pk__in=[row.pk for row in rows]).update(
        deleted_at=now, deleted_by=actor
    )
    by_campaign: dict[int, list[Participation]] = {}
    for row in rows:
        by_campaign.setdefault(row.campaign_id, []).append(row)
    for campaign_id, campaign_rows in by_campaign.items():
        audit_record(
            actor=actor,
            on_behalf_of=on_behalf_of,
            action=Action.PARTICIPATION_DELETED,
            organization=learner.organization,
            target=campaign_rows[-1],
            details={
                "campaign_id": campaign_id,
                "learner_id": learner.pk,
                "participation_ids": [row.pk for row in campaign_rows],
                "statuses": sorted({row.status for row in campaign_rows}),
            },
        )
    return [row.pk for row in rows]


def _checked_external_id(campaign: Campaign, value: str) -> str:
    if not campaign.external_id_label:
        return ""
    value = (value or "").strip()
    if not value:
        raise ExternalIdRequiredError()
    if len(value) > EXTERNAL_ID_MAX_LENGTH:
        raise ExternalIdTooLongError(meta={"max": EXTERNAL_ID_MAX_LENGTH})
    if campaign.external_id_type == Campaign.ExternalIdType.EMAIL:
        try:
            validate_email(value)
        except ValidationError as error:
            raise ExternalIdInvalidError() from error
    return value
