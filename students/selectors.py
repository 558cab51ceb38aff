"""Reads on learners and imports, with what their pages need already joined."""

from collections.abc import Iterable

from django.db.models import QuerySet

from organizations.models import Organization

from .models import Import, Learner
from .normalize import normalize_search
from .ordering import natural_key

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


def import_latest(*, organization: Organization) -> Import | None:
    return Import.objects.filter(organization=organization).order_by("-created_at", "-id").first()
