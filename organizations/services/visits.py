"""The last visit of a member to an organisation's space (`Membership.last_seen_at`).

Written by `org_view` once the guards let the person in, at most once an hour per
membership: a page view then costs nothing but a comparison, and once an hour one
conditional UPDATE. Not audited: no decision of anyone, no rule depends on it; it only
tells administrators who still uses the space.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from ..models import Membership

# Administrators read "last visit" to the day; an hour keeps the writes rare.
VISIT_PRECISION = timedelta(hours=1)


def membership_record_visit(*, membership: Membership, now: datetime | None = None) -> bool:
    """Record a visit unless one was recorded within the hour; returns whether it wrote.

    The UPDATE is conditional, so two requests at once write once, and it touches only
    this column: it never overwrites a role or an end date changed meanwhile."""
    now = now or timezone.now()
    seen = membership.last_seen_at
    if seen is not None and now - seen < VISIT_PRECISION:
        return False
    written = Membership.objects.filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lte=now - VISIT_PRECISION),
        pk=membership.pk,
    ).update(last_seen_at=now)
    if written:
        membership.last_seen_at = now
    return bool(written)
