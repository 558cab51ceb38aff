"""Reads on learners and imports, with what their pages need already joined."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from organizations.models import Membership, Organization
from organizations.selectors import membership_get_active

from .models import Import, Learner
from .normalize import normalize_search
from .services.preview import natural_key

SORTS = {
    "name": ("last_name", "first_name", "id"),
    "class": ("division", "last_name", "first_name", "id"),
}


def learner_list(
    *,
    organization: Organization,
    search: str = "",
    divisions: Iterable[str] = (),
    sort: str = "name",
) -> QuerySet[Learner]:
    """Active learners of the organisation, with their account.

    `search` matches every word of the query against names and INE, ignoring case and
    accents (both sides normalised the same way); `divisions` keeps those classes.
    """
    learners = Learner.objects.filter(organization=organization, disabled=False).select_related(
        "user"
    )
    for word in normalize_search(search).split():
        learners = learners.filter(search_name__contains=word)
    divisions = [division for division in divisions if division]
    if divisions:
        learners = learners.filter(division__in=divisions)
    return learners.order_by(*SORTS.get(sort, SORTS["name"]))


def learner_divisions(*, organization: Organization) -> list[str]:
    """The classes of the organisation's active learners, in natural order (6A < 10A)."""
    divisions = (
        Learner.objects.filter(organization=organization, disabled=False)
        .exclude(division="")
        .values_list("division", flat=True)
        .distinct()
        .order_by()
    )
    return sorted(divisions, key=natural_key)


def import_list(*, organization: Organization, limit: int = 50) -> QuerySet[Import]:
    """The organisation's import history, newest first.

    Without the errors and the preview (up to thousands of entries each): the history
    shows `error_count`, saved with the errors.
    """
    return (
        Import.objects.filter(organization=organization)
        .select_related("created_by", "confirmed_by")
        .defer("errors", "preview")
        .order_by("-created_at", "-id")[:limit]
    )


def import_get(*, import_id: int) -> Import:
    """An import by id (404 when there is none); the caller checks the person may see it."""
    return get_object_or_404(
        Import.objects.select_related("organization", "created_by", "confirmed_by"),
        pk=import_id,
    )


class ImportOrganizationClosed(PermissionDenied):
    """The import's organisation is archived: its space, imports included, is closed."""

    def __init__(self, organization: Organization) -> None:
        self.organization = organization
        super().__init__("organisation archived")


def import_get_for_admin(*, user: User, import_id: int) -> tuple[Import, Membership]:
    """An import and the person's membership of its organisation, if they administer it.

    Http404 when there is no such import *or* the person is not an active member of its
    organisation (an outsider cannot tell an existing id from a missing one);
    ImportOrganizationClosed (a PermissionDenied) when that organisation is archived,
    whatever the current one; PermissionDenied for a member who is not an administrator,
    or when the organisation does not import from SIECLE. Changes nothing (the caller
    may then switch to it).
    """
    import_ = import_get(import_id=import_id)
    membership = membership_get_active(user=user, organization_id=import_.organization_id)
    if membership is None:
        raise Http404
    # The same order as org_view: a closed space is closed to all its members.
    if import_.organization.is_archived:
        raise ImportOrganizationClosed(import_.organization)
    if not membership.is_admin or not import_.organization.can_import_from_siecle:
        raise PermissionDenied
    return import_, membership


def import_latest(*, organization: Organization) -> Import | None:
    return Import.objects.filter(organization=organization).order_by("-created_at", "-id").first()
