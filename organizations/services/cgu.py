"""Writes on the terms of use (CGU): publish a version (staff), accept it (a person)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..audit import Action, OnBehalfOf, audit_record
from ..errors import CguDateBeforeLatestError, CguDateInPastError, CguVersionOutdatedError
from ..models import CguAcceptance, CguVersion
from ..selectors import cgu_version_current

# A version takes effect now or later, never earlier: people have used the space under
# the previous text until now. A little slack for the time a form takes to be sent.
_PAST_TOLERANCE = datetime.timedelta(minutes=5)


def cgu_check_effective_at(effective_at: datetime.datetime) -> None:
    """The date a new version may take effect (the back-office form checks it too):
    CguDateInPastError before now, CguDateBeforeLatestError before the latest version's
    (that one would stay in force, and the new one never apply)."""
    if effective_at < timezone.now() - _PAST_TOLERANCE:
        raise CguDateInPastError(meta={"effective_at": effective_at.isoformat()})
    latest = CguVersion.objects.order_by("-effective_at").first()
    if latest is not None and effective_at <= latest.effective_at:
        raise CguDateBeforeLatestError(
            meta={
                "effective_at": effective_at.isoformat(),
                "latest": timezone.localtime(latest.effective_at).strftime("%d/%m/%Y %H:%M:%S"),
            }
        )


@transaction.atomic
def cgu_version_publish(
    *,
    actor: User | None,
    text_fr: str,
    text_en: str = "",
    effective_at: datetime.datetime | None = None,
) -> CguVersion:
    """Publish a version of the terms of use, in force from `effective_at` (now when not
    given; a future date schedules it). Staff only (PermissionDenied otherwise); without
    an actor (the demo seed, a command) the audit row is on behalf of SYSTEM.

    Everyone is asked to accept it on their next organisation-space page once it is in
    force; the version is never changed afterwards."""
    if actor is not None and not (actor.is_staff and actor.is_active):
        raise PermissionDenied("only platform staff publish the terms of use")
    effective_at = effective_at or timezone.now()
    cgu_check_effective_at(effective_at)
    version = CguVersion(
        effective_at=effective_at, text_fr=text_fr.strip(), text_en=text_en.strip()
    )
    version.full_clean()
    version.save()
    audit_record(
        actor=actor,
        on_behalf_of=OnBehalfOf.STAFF if actor is not None else None,
        action=Action.CGU_PUBLISHED,
        target=version,
        details={"effective_at": version.effective_at.isoformat(), "english": bool(text_en)},
    )
    return version


@transaction.atomic
def cgu_accept(*, user: User, version: CguVersion) -> CguAcceptance:
    """Record that the person accepted this version, which must be the one in force
    (CguVersionOutdatedError otherwise). Once per person and version: accepting again
    returns the first acceptance and records nothing."""
    current = cgu_version_current()
    if current is None or current.pk != version.pk:
        raise CguVersionOutdatedError(
            meta={"version_id": version.pk, "current_version_id": current and current.pk}
        )
    acceptance, created = CguAcceptance.objects.get_or_create(user=user, version=version)
    if created:
        audit_record(
            actor=user,
            on_behalf_of=OnBehalfOf.SELF,
            action=Action.CGU_ACCEPTED,
            target=acceptance,
            details={"version_id": version.pk},
        )
    return acceptance
