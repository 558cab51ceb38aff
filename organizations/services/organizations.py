"""Writes on organisations: create, change (the back office), archive, unarchive."""

from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..audit import Action, OnBehalfOf, audit_record
from ..models import Organization


@transaction.atomic
def organization_create(
    *,
    name: str,
    type: str,
    uai: str | None = None,
    official_email: str = "",
    is_managing_students: bool | None = None,
    province_code: str = "",
    documentation_url: str = "",
    actor: User | None = None,
    on_behalf_of: str | None = None,
) -> Organization:
    """Create an organisation after full validation (UAI format and check letter).

    `is_managing_students` defaults to true for secondary schools (SCO) only. Without an
    actor (commands, the demo seed) the audit row is on behalf of SYSTEM.
    """
    if is_managing_students is None:
        is_managing_students = type == Organization.Type.SCO
    organization = Organization(
        name=name.strip(),
        type=type,
        uai=uai,
        official_email=(official_email or "").strip().lower(),
        is_managing_students=is_managing_students,
        province_code=province_code,
        documentation_url=documentation_url,
    )
    return _insert(organization, actor=actor, on_behalf_of=on_behalf_of)


@transaction.atomic
def organization_save(
    *,
    actor: User,
    organization: Organization,
    changed_fields: Iterable[str],
    on_behalf_of: str = OnBehalfOf.STAFF,
) -> Organization:
    """Save an organisation whose fields a form has set (the back office) and record it.

    A new one (no id yet) is created; an existing one is saved only if `changed_fields`
    names something, and the audit row lists the field names (not their values). The
    archived date is refused here: `organization_archive` / `organization_unarchive`
    are the only ways to close or reopen a space.
    """
    if organization.pk is None:
        return _insert(organization, actor=actor, on_behalf_of=on_behalf_of)
    fields = sorted(set(changed_fields))
    if {"archived_at", "archived_by"} & set(fields):
        raise ValueError("Archive or unarchive through organization_archive / _unarchive")
    if not fields:
        return organization
    organization.full_clean()
    old_official_email = None
    if "official_email" in fields:
        # Under the row lock an invitation's acceptance also takes: none is accepted from
        # the old mailbox once this commits.
        old_official_email = (
            Organization.objects.select_for_update()
            .values_list("official_email", flat=True)
            .get(pk=organization.pk)
        )
    organization.save(update_fields=fields)
    if old_official_email and old_official_email != organization.official_email:
        for step in OFFICIAL_EMAIL_CHANGED_STEPS:
            step(
                organization=organization,
                old_email=old_official_email,
                actor=actor,
                on_behalf_of=on_behalf_of,
            )
    audit_record(
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=Action.ORGANIZATION_CHANGED,
        target=organization,
        details={"fields": fields},
    )
    return organization


# Called by organization_save when the official e-mail address changed, in its transaction
# and under the organisation's row lock, with (organization=, old_email=, actor=,
# on_behalf_of=). Registered in ready() by invitations: the pending invitations sent to the
# old address are cancelled (that mailbox may no longer be the school's).
OFFICIAL_EMAIL_CHANGED_STEPS: list[Callable[..., object]] = []


# Called by organization_archive, in its transaction and under the organisation's row lock,
# with (organization=, actor=, on_behalf_of=). Registered by later apps in ready(): today
# invitations (its pending invitations are cancelled).
ARCHIVE_STEPS: list[Callable[..., object]] = []


@transaction.atomic
def organization_archive(
    *, actor: User | None, organization: Organization, on_behalf_of: str | None = None
) -> Organization:
    """Close the organisation's space (members see "space closed", its campaigns refuse
    new participants) and cancel its pending invitations; already closed: no-op.

    Platform staff (on behalf of STAFF, the default with an actor; PermissionDenied for
    anyone else) or the system (no actor). Records who and when on the row and in the
    audit log. Taken under the organisation's row lock, the lock a running import's apply
    and an invitation's acceptance hold: they either end before the archive or see it.
    """
    _check_staff(actor, on_behalf_of)
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    if locked.archived_at is None:
        locked.archived_at = timezone.now()
        locked.archived_by = actor
        locked.save(update_fields=["archived_at", "archived_by"])
        # What archiving means to the apps built on organisations (pending invitations
        # cancelled…), in this transaction and under this lock, so that none can be
        # accepted into a closed space. They register in their AppConfig.ready():
        # `organizations` imports none of them (the dependency points the other way).
        for step in ARCHIVE_STEPS:
            step(organization=locked, actor=actor, on_behalf_of=_capacity(actor, on_behalf_of))
        audit_record(
            actor=actor,
            on_behalf_of=_capacity(actor, on_behalf_of),
            action=Action.ORGANIZATION_ARCHIVED,
            target=locked,
        )
    organization.archived_at = locked.archived_at
    organization.archived_by_id = locked.archived_by_id
    return locked


@transaction.atomic
def organization_unarchive(
    *, actor: User | None, organization: Organization, on_behalf_of: str | None = None
) -> Organization:
    """Reopen an archived organisation's space; already open: no-op. Same authority as
    `organization_archive`. Cancelled invitations stay cancelled: staff send a new one."""
    _check_staff(actor, on_behalf_of)
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    if locked.archived_at is not None:
        locked.archived_at, locked.archived_by = None, None
        locked.save(update_fields=["archived_at", "archived_by"])
        audit_record(
            actor=actor,
            on_behalf_of=_capacity(actor, on_behalf_of),
            action=Action.ORGANIZATION_REOPENED,
            target=locked,
        )
    organization.archived_at, organization.archived_by_id = None, None
    return locked


def _capacity(actor: User | None, on_behalf_of: str | None) -> str | None:
    if on_behalf_of is None and actor is not None:
        return OnBehalfOf.STAFF
    return on_behalf_of


def _check_staff(actor: User | None, on_behalf_of: str | None) -> None:
    """Closing and reopening a space is the platform's decision, not a school's."""
    if actor is None:
        return
    if _capacity(actor, on_behalf_of) != OnBehalfOf.STAFF or not (
        actor.is_staff and actor.is_active
    ):
        raise PermissionDenied("only platform staff archive or unarchive an organisation")


def _insert(
    organization: Organization, *, actor: User | None, on_behalf_of: str | None
) -> Organization:
    # Normalises the UAI, then validates every field and `clean()`'s rules. Not the check
    # constraints: they restate `clean()`'s rules, which have already given their own
    # messages, and Django checks each with a query of its own (three per organisation,
    # a third of a bulk creation's queries); the database still enforces them.
    organization.full_clean(validate_constraints=False)
    organization.save()
    audit_record(
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=Action.ORGANIZATION_CREATED,
        target=organization,
        details={"type": organization.type, "uai": organization.uai},
    )
    return organization
