"""Writes on organisations: create, change (the back office), archive, reopen."""

from collections.abc import Iterable

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
    archived date is refused here: `organization_archive` / `organization_reopen` are
    the only ways to close or reopen a space.
    """
    if organization.pk is None:
        return _insert(organization, actor=actor, on_behalf_of=on_behalf_of)
    fields = sorted(set(changed_fields))
    if "archived_at" in fields:
        raise ValueError("Archive or reopen through organization_archive / organization_reopen")
    if not fields:
        return organization
    organization.full_clean()
    organization.save(update_fields=fields)
    audit_record(
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=Action.ORGANIZATION_CHANGED,
        target=organization,
        details={"fields": fields},
    )
    return organization


@transaction.atomic
def organization_archive(
    *, actor: User | None, organization: Organization, on_behalf_of: str | None = None
) -> Organization:
    """Close the organisation's space (members see "space closed"); already closed: no-op.

    Taken under the organisation's row lock, the lock a running import's apply holds:
    the apply either ends before the archive or sees it and writes nothing.
    """
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    if locked.archived_at is None:
        locked.archived_at = timezone.now()
        locked.save(update_fields=["archived_at"])
        audit_record(
            actor=actor,
            on_behalf_of=on_behalf_of,
            action=Action.ORGANIZATION_ARCHIVED,
            target=locked,
        )
    organization.archived_at = locked.archived_at
    return locked


@transaction.atomic
def organization_reopen(
    *, actor: User | None, organization: Organization, on_behalf_of: str | None = None
) -> Organization:
    """Reopen an archived organisation's space; already open: no-op."""
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    if locked.archived_at is not None:
        locked.archived_at = None
        locked.save(update_fields=["archived_at"])
        audit_record(
            actor=actor,
            on_behalf_of=on_behalf_of,
            action=Action.ORGANIZATION_REOPENED,
            target=locked,
        )
    organization.archived_at = locked.archived_at
    return locked


def _insert(
    organization: Organization, *, actor: User | None, on_behalf_of: str | None
) -> Organization:
    organization.full_clean()  # normalises the UAI, then validates it
    organization.save()
    audit_record(
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=Action.ORGANIZATION_CREATED,
        target=organization,
        details={"type": organization.type, "uai": organization.uai},
    )
    return organization
