"""Reads on organisations and memberships."""

from django.db.models import F, QuerySet

from accounts.models import User

from .models import Membership


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """The person's active memberships, with their organisations: open organisations
    first (the default current one is never a closed space when an open one exists),
    then oldest first."""
    return (
        Membership.objects.filter(user=user, disabled_at__isnull=True)
        .select_related("organization")
        .order_by(F("organization__archived_at").asc(nulls_first=True), "created_at", "id")
    )


def membership_get_active(*, user: User, organization_id: int) -> Membership | None:
    return membership_list_for_user(user=user).filter(organization_id=organization_id).first()


def membership_list_for_organization(*, organization_id: int) -> QuerySet[Membership]:
    """An organisation's active members with their accounts, by name (the team page)."""
    return (
        Membership.objects.filter(organization_id=organization_id, disabled_at__isnull=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email", "id")
    )
