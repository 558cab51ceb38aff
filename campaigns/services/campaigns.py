"""Writes on campaigns: create (one, or one per class), change, archive, unarchive,
delete, replace a leaked code. Each records what it did in the audit log, in its own
transaction.

Who may act is decided before, by the guarded lookups (`campaigns.guards`): any member
creates; the owner or an administrator changes, archives and deletes; platform staff
replace a code from the back office. These services hold the rules about the data: the
owner is an active member, a class is one of the school's, multiple sendings cannot
change once someone has joined, archiving twice is refused. A rule that reads then
writes takes the campaign's row lock first (the join takes it too, so "nobody has
joined" holds until the change commits).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from organizations.audit import Action, audit_record
from organizations.models import Membership, Organization
from students.normalize import normalize_search
from students.selectors import learner_divisions

from ..errors import (
    CampaignAlreadyArchivedError,
    CampaignDeletedError,
    CampaignNameTooLongError,
    CampaignNoClassError,
    CampaignNotArchivedError,
    CampaignOwnerNotMemberError,
    CampaignUnknownClassError,
    MultipleSendingsFrozenError,
)
from ..models import NAME_MAX_LENGTH, Campaign, Participation
from .codes import code_attach, code_reserve, code_retire

# "<name>", an en dash between spaces, "<division>": as French typography writes it.
CLASS_SEPARATOR = " \u2013 "
# What a change may touch; type and class are fixed at creation (the codes handed out
# and the sheets printed say which class a campaign is for).
EDITABLE_FIELDS = (
    "name",
    "title",
    "landing_text",
    "external_id_label",
    "external_id_type",
    "multiple_sendings",
    "owner",
)


@transaction.atomic
def campaign_create(
    *,
    actor: User,
    organization: Organization,
    on_behalf_of: str,
    name: str,
    type: str,
    owner: User | None = None,
    title: str = "",
    landing_text: str = "",
    external_id_label: str = "",
    external_id_type: str = "",
    multiple_sendings: bool = False,
    target_division: str = "",
) -> Campaign:
    """A campaign of the organisation with a new code; the owner defaults to the actor.

    Refusals: CampaignOwnerNotMemberError, CampaignUnknownClassError (a target class
    that no active student of the organisation is in)."""
    owner = owner or actor
    _check_owner(organization, owner)
    if target_division and target_division not in _divisions(organization):
        raise CampaignUnknownClassError(meta={"division": target_division})
    return _create(
        actor=actor,
        organization=organization,
        on_behalf_of=on_behalf_of,
        owner=owner,
        target_division=target_division,
        per_class=False,
        name=name,
        type=type,
        title=title,
        landing_text=landing_text,
        external_id_label=external_id_label,
        external_id_type=external_id_type,
        multiple_sendings=multiple_sendings,
    )


@transaction.atomic
def campaign_create_per_class(
    *,
    actor: User,
    organization: Organization,
    on_behalf_of: str,
    divisions: Iterable[str],
    name: str,
    type: str,
    owner: User | None = None,
    title: str = "",
    landing_text: str = "",
    external_id_label: str = "",
    external_id_type: str = "",
    multiple_sendings: bool = False,
) -> list[Campaign]:
    """One campaign per class, named "<name>" CLASS_SEPARATOR "<class>", each with its own
    code and open to that class only, all or none (one transaction), in the school's order
    of classes.

    Refusals: CampaignNoClassError, CampaignUnknownClassError, CampaignNameTooLongError,
    CampaignOwnerNotMemberError."""
    owner = owner or actor
    _check_owner(organization, owner)
    chosen = list(dict.fromkeys(division for division in divisions if division))
    if not chosen:
        raise CampaignNoClassError()
    known = _divisions(organization)
    for division in chosen:
        if division not in known:
            raise CampaignUnknownClassError(meta={"division": division})
    for division in chosen:
        if len(name) + len(CLASS_SEPARATOR) + len(division) > NAME_MAX_LENGTH:
            raise CampaignNameTooLongError(meta={"division": division, "max": NAME_MAX_LENGTH})
    # One creation date for the batch: the list (newest first, then by id) shows the
    # batch's campaigns in the school's order of classes.
    now = timezone.now()
    return [
        _create(
            actor=actor,
            organization=organization,
            on_behalf_of=on_behalf_of,
            owner=owner,
            target_division=division,
            per_class=True,
            created_at=now,
            name=f"{name}{CLASS_SEPARATOR}{division}",
            type=type,
            title=title,
            landing_text=landing_text,
            external_id_label=external_id_label,
            external_id_type=external_id_type,
            multiple_sendings=multiple_sendings,
        )
        for division in sorted(chosen, key=lambda division: known[division])
    ]


@transaction.atomic
def campaign_update(
    *,
    actor: User,
    campaign: Campaign,
    on_behalf_of: str,
    name: str,
    title: str,
    landing_text: str,
    external_id_label: str,
    external_id_type: str,
    multiple_sendings: bool,
    owner: User,
) -> Campaign:
    """Save the editable settings; records the names of the fields that changed (and the
    owner's ids). Nothing changed, nothing recorded.

    Refusals: MultipleSendingsFrozenError (someone has joined), CampaignOwnerNotMemberError,
    CampaignDeletedError."""
    current = _lock(campaign)
    wanted = {
        "name": name,
        "title": title,
        "landing_text": landing_text,
        "external_id_label": external_id_label,
        "external_id_type": external_id_type if external_id_label else "",
        "multiple_sendings": multiple_sendings,
        "owner": owner,
    }
    changed = sorted(field for field in EDITABLE_FIELDS if getattr(current, field) != wanted[field])
    if not changed:
        return current
    if "multiple_sendings" in changed and _has_participants(current):
        raise MultipleSendingsFrozenError(meta={"campaign_id": current.pk})
    details: dict = {"fields": changed}
    if "owner" in changed:
        _check_owner(current.organization, owner)
        details |= {"from_owner_id": current.owner_id, "to_owner_id": owner.pk}
    for field in changed:
        setattr(current, field, wanted[field])
    current.search_name = normalize_search(current.name)
    current.save(update_fields=[*changed, "search_name"])
    audit_record(
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=Action.CAMPAIGN_CHANGED,
        target=current,
        details=details,
    )
    _refresh(campaign, current)
    return current


@transaction.atomic
def campaign_archive(*, actor: User, campaign: Campaign, on_behalf_of: str) -> Campaign:
    """Close the campaign to new participants (those who joined may still send their
    results). CampaignAlreadyArchivedError when it is already archived."""
    current = _lock(campaign)
    if current.archived_at is not None:
        raise CampaignAlreadyArchivedError(meta={"campaign_id": current.pk})
    current.archived_at, current.archived_by = timezone.now(), actor
    current.save(update_fields=["archived_at", "archived_by"])
    audit_record(
        actor=actor, on_behalf_of=on_behalf_of, action=Action.CAMPAIGN_ARCHIVED, target=current
    )
    _refresh(campaign, current)
    return current


@transaction.atomic
def campaign_unarchive(*, actor: User, campaign: Campaign, on_behalf_of: str) -> Campaign:
    """Open an archived campaign again. CampaignNotArchivedError when it is not archived."""
    current = _lock(campaign)
    if current.archived_at is None:
        raise CampaignNotArchivedError(meta={"campaign_id": current.pk})
    current.archived_at, current.archived_by = None, None
    current.save(update_fields=["archived_at", "archived_by"])
    audit_record(
        actor=actor, on_behalf_of=on_behalf_of, action=Action.CAMPAIGN_UNARCHIVED, target=current
    )
    _refresh(campaign, current)
    return current


@transaction.atomic
def campaign_delete(*, actor: User, campaigns: Sequence[Campaign], on_behalf_of: str) -> int:
    """Delete campaigns (soft: the row, its code and its participations stay, hidden
    everywhere). Returns how many were deleted; one deleted meanwhile is left alone."""
    ids = sorted({campaign.pk for campaign in campaigns})
    locked = list(Campaign.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    now, deleted = timezone.now(), 0
    for current in locked:
        if current.deleted_at is not None:
            continue
        current.deleted_at, current.deleted_by = now, actor
        current.save(update_fields=["deleted_at", "deleted_by"])
        audit_record(
            actor=actor,
            on_behalf_of=on_behalf_of,
            action=Action.CAMPAIGN_DELETED,
            target=current,
            details={"code": current.code},
        )
        deleted += 1
    return deleted


@transaction.atomic
def campaign_replace_code(*, actor: User, campaign: Campaign, on_behalf_of: str) -> Campaign:
    """Give the campaign a new code (the old one leaked). The old code stays reserved
    forever and no longer opens the campaign; participations are kept."""
    current = _lock(campaign)
    previous = current.code
    code = code_reserve()
    code_retire(campaign=current, actor=actor)
    current.code = code
    current.save(update_fields=["code"])
    code_attach(code=code, campaign=current)
    audit_record(
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=Action.CAMPAIGN_CODE_REPLACED,
        target=current,
        details={"from": previous, "to": code},
    )
    _refresh(campaign, current)
    return current


# --- Helpers ------------------------------------------------------------------------------


def _create(
    *,
    actor: User,
    organization: Organization,
    on_behalf_of: str,
    owner: User,
    target_division: str,
    per_class: bool,
    name: str,
    type: str,
    title: str,
    landing_text: str,
    external_id_label: str,
    external_id_type: str,
    multiple_sendings: bool,
    created_at: datetime.datetime | None = None,
) -> Campaign:
    code = code_reserve()
    campaign = Campaign.objects.create(
        organization=organization,
        created_at=created_at or timezone.now(),
        name=name,
        search_name=normalize_search(name),
        type=type,
        code=code,
        owner=owner,
        creator=actor,
        title=title,
        landing_text=landing_text,
        external_id_label=external_id_label,
        external_id_type=external_id_type if external_id_label else "",
        multiple_sendings=multiple_sendings,
        target_division=target_division,
    )
    code_attach(code=code, campaign=campaign)
    audit_record(
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=Action.CAMPAIGN_CREATED,
        target=campaign,
        details={
            "code": code,
            "type": type,
            "owner_id": owner.pk,
            "division": target_division or None,
            "per_class": per_class,
        },
    )
    return campaign


def _check_owner(organization: Organization, owner: User) -> None:
    if not Membership.objects.filter(
        user=owner, organization=organization, disabled_at__isnull=True
    ).exists():
        raise CampaignOwnerNotMemberError(meta={"user_id": owner.pk})


def _divisions(organization: Organization) -> dict[str, int]:
    """The classes of the organisation's active students, with their rank in the
    school's order (`students.selectors.learner_divisions`)."""
    return {
        division: rank for rank, division in enumerate(learner_divisions(organization=organization))
    }


def _lock(campaign: Campaign) -> Campaign:
    """The campaign's row, locked and read afresh (the caller's object may be stale)."""
    current = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("organization", "owner")
        .get(pk=campaign.pk)
    )
    if current.deleted_at is not None:
        raise CampaignDeletedError(meta={"campaign_id": current.pk})
    return current


def _has_participants(campaign: Campaign) -> bool:
    return Participation.objects.filter(campaign=campaign, deleted_at__isnull=True).exists()


def _refresh(given: Campaign, current: Campaign) -> None:
    """The caller's object shows what was saved."""
    for field in (*EDITABLE_FIELDS, "search_name", "code", "archived_at", "archived_by"):
        setattr(given, field, getattr(current, field))
