"""The audit log's one writer: every service that changes state on behalf of a person
(an administrator, a member, platform staff) or of the system calls `audit_record`.

    audit_record(
        actor=request_user,                       # None for a command or a task
        on_behalf_of=AuditLog.OnBehalfOf.ADMIN,   # ADMIN | MEMBER | STAFF | SYSTEM
        action=AuditLog.Action.IMPORT_CONFIRMED,  # a stable dotted code
        target=import_,                           # a saved row: type and id are kept
        details={"import_id": import_.pk, "status": "IMPORTING"},
    )

It must run inside the transaction of the change it records (the service's
`@transaction.atomic`), so that a change rolled back leaves no row and a row never
describes a change that did not happen; outside a transaction it raises.

The organisation is the `organization` argument, or else the target itself when it is
an organisation, or else the target's `organization_id`; platform-wide actions (a user
changed in the back office) have none.

`details` holds ids, codes, counts, field names and flags: no names, no e-mail address,
no free text (a string with "@" or over 100 characters is refused), because the log is
kept longer than the people it mentions stay on the platform.

A change made through the JSON API with a personal access token names the token:
`details` gets `api_token_id` and `api_token` (the start of the token shown on the
account page), read from `actor.api_token`, which the API's authentication sets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models, transaction

from accounts.models import User

from .models import AuditLog, Organization

OnBehalfOf = AuditLog.OnBehalfOf
Action = AuditLog.Action

_MAX_TEXT = 100


def audit_record(
    *,
    actor: User | None,
    action: str,
    on_behalf_of: str | None = None,
    organization: Organization | None = None,
    target: models.Model | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditLog:
    """Write one audit row in the current transaction and return it.

    `on_behalf_of` may be left out only when there is no actor (then SYSTEM). Raises
    ValueError on a programming slip: an unknown action, a capacity that does not fit
    the actor (STAFF for a non-staff user, SYSTEM with a person), an unsaved target,
    personal data in `details`; RuntimeError outside a transaction.
    """
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}: add it to AuditLog.Action")
    on_behalf_of = _capacity(actor, on_behalf_of)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record runs inside the transaction of the change it records")
    details = dict(details or {})
    token = getattr(actor, "api_token", None)
    if token is not None:
        # A change made by a script through the API (organizations.tokens): which token.
        details |= {"api_token_id": token.pk, "api_token": token.prefix}
    target_type, target_id = "", None
    if target is not None:
        if target.pk is None:
            raise ValueError("Record a change after saving its object, so that it has an id")
        target_type, target_id = target._meta.label_lower, target.pk
    return AuditLog.objects.create(
        actor=actor,
        on_behalf_of=on_behalf_of,
        organization_id=_organization_id(organization, target),
        action=str(action),
        target_type=target_type,
        target_id=target_id,
        details=_checked(details, "details"),
    )


def _capacity(actor: User | None, on_behalf_of: str | None) -> str:
    if on_behalf_of is None:
        if actor is not None:
            raise ValueError("Say in which capacity the actor acted (on_behalf_of)")
        return OnBehalfOf.SYSTEM
    if on_behalf_of not in OnBehalfOf.values:
        raise ValueError(f"Unknown capacity {on_behalf_of!r}")
    if (on_behalf_of == OnBehalfOf.SYSTEM) != (actor is None):
        raise ValueError("SYSTEM is for changes made without a person, and only for them")
    if on_behalf_of == OnBehalfOf.STAFF and not actor.is_staff:
        raise ValueError("Only platform staff act on behalf of STAFF")
    return str(on_behalf_of)


def _organization_id(organization: Organization | None, target: models.Model | None):
    if organization is not None:
        return organization.pk
    if isinstance(target, Organization):
        return target.pk
    return getattr(target, "organization_id", None)


def _checked(value: Any, where: str) -> Any:
    """`value` as JSON, refusing what looks like personal data or free text."""
    if isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise ValueError(f"{where}: keys are strings")
        return {key: _checked(item, f"{where}.{key}") for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [_checked(item, f"{where}[]") for item in items]
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        if "@" in value or len(value) > _MAX_TEXT:
            raise ValueError(f"{where}: ids, codes and counts only, no e-mail or free text")
        return value
    raise ValueError(f"{where}: {type(value).__name__} is not kept in the audit log")
