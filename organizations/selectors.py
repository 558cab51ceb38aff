"""Reads on organisations, memberships and the terms of use (CGU)."""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from accounts.models import User

from .models import CguAcceptance, CguVersion, Membership


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """The person's active memberships, with their organisations: open organisations
    first (the default current one is never a closed space when an open one exists),
    then oldest first.

    Each carries the person's CGU state, read in the same query so that the guards add
    none: `cgu_version_id` (the current version, None when none is published) and
    `cgu_accepted` (whether the person accepted it)."""
    current = _current_version_id()
    return (
        Membership.objects.filter(user=user, disabled_at__isnull=True)
        .select_related("organization")
        .annotate(
            cgu_version_id=Subquery(current),
            cgu_accepted=Exists(
                CguAcceptance.objects.filter(
                    user_id=OuterRef("user_id"), version_id=Subquery(current)
                )
            ),
        )
        .order_by(F("organization__archived_at").asc(nulls_first=True), "created_at", "id")
    )


def membership_get_active(*, user: User, organization_id: int) -> Membership | None:
    return membership_list_for_user(user=user).filter(organization_id=organization_id).first()


def membership_list_for_organization(
    *, organization_id: int, search: str = ""
) -> QuerySet[Membership]:
    """An organisation's active members with their accounts, by last name then first name
    (the team page).

    `search`: every word typed must be found (any case) in the last name, the first name
    or the e-mail address, so "martin cam" finds Camille Martin. Accents count: the
    accounts have no folded name column to search (the students' list has one)."""
    members = Membership.objects.filter(
        organization_id=organization_id, disabled_at__isnull=True
    ).select_related("user")
    for word in search.split()[:MAX_SEARCH_WORDS]:
        members = members.filter(
            Q(user__last_name__icontains=word)
            | Q(user__first_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    return members.order_by("user__last_name", "user__first_name", "user__email", "id")


# A search is a few words; more would only lengthen the query.
MAX_SEARCH_WORDS = 5


def membership_emails_in_organization(*, organization_id: int, emails) -> set[str]:
    """Which of these (lower-cased) e-mail addresses belong to an active member of the
    organisation: one query, whatever their number."""
    return set(
        Membership.objects.filter(
            organization_id=organization_id, disabled_at__isnull=True, user__email__in=emails
        ).values_list("user__email", flat=True)
    )


# --- Terms of use ---------------------------------------------------------------------


def _current_version_id() -> QuerySet[CguVersion]:
    # The application's clock, not the database's: PostgreSQL's NOW() is the start of
    # the transaction, which would hide a version published earlier in that transaction.
    return (
        CguVersion.objects.filter(effective_at__lte=timezone.now())
        .order_by("-effective_at", "-pk")
        .values("pk")[:1]
    )


def cgu_version_current() -> CguVersion | None:
    """The version in force: the newest whose date has come (None before the first)."""
    return CguVersion.objects.filter(pk__in=_current_version_id()).first()


def cgu_version_get(*, version_id) -> CguVersion | None:
    """A version by id as a form sends it (a string, maybe garbage): None if none."""
    try:
        return CguVersion.objects.filter(pk=int(version_id)).first()
    except (TypeError, ValueError):
        return None


def cgu_version_list() -> QuerySet[CguVersion]:
    """Every version, newest first, with `in_force` and `acceptance_count` (the back
    office's list)."""
    return CguVersion.objects.annotate(
        in_force=Case(
            When(pk=Subquery(_current_version_id()), then=Value(True)), default=Value(False)
        ),
        acceptance_count=Count("acceptances"),
    ).order_by("-effective_at", "-pk")


def cgu_state_for_user(*, user_id: int) -> tuple[int | None, bool]:
    """(current version id, accepted by this person?) in one query; for a membership that
    was not read through `membership_list_for_user`."""
    row = (
        CguVersion.objects.filter(pk__in=_current_version_id())
        .annotate(
            accepted=Exists(CguAcceptance.objects.filter(user_id=user_id, version=OuterRef("pk")))
        )
        .values_list("pk", "accepted")
        .first()
    )
    return row if row is not None else (None, False)


def cgu_acceptance_latest(*, user: User) -> CguAcceptance | None:
    """The person's most recent acceptance (of any version), with its version."""
    return (
        CguAcceptance.objects.filter(user=user)
        .select_related("version")
        .order_by("-version__effective_at", "-pk")
        .first()
    )
