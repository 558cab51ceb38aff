"""Reads on learners and imports, with what their pages need already joined."""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from organizations.models import Organization

from .models import Import, Learner
from .normalize import normalize_search
from .ordering import classes_in_order

SORTS = ("name", "class")
# How a student's linked account signs in (the API's filter): no account linked yet, an
# account with an e-mail address, an account with an identifier only.
SIGN_IN_METHODS = ("none", "email", "identifier")
# The unique order of each sort, which the API's cursor pagination follows.
SORT_KEYS = {
    "name": ("sort_name", "id"),
    "class": ("class_rank", "division", "sort_name", "id"),
}


def learner_list(
    *,
    organization: Organization,
    search: str = "",
    divisions: Iterable[str] = (),
    sort: str = "name",
    division_order: Sequence[str] | None = None,
    sign_in: str = "",
) -> QuerySet[Learner]:
    """Active learners of the organisation, with their account.

    `search` matches every word of the query against names and INE, ignoring case and
    accents (both sides normalised the same way); `divisions` keeps those classes;
    `sign_in` (one of SIGN_IN_METHODS) keeps students by their linked account.
    `sort` is "name" (the last name shown, then the first name, in French order) or
    "class" (classes in a school's order, `learner_divisions`, which the caller may pass
    as `division_order` when it has it already; then by name); either way ordered by the
    unique key SORT_KEYS[sort] (the class's rank is the annotation `class_rank`).
    """
    learners = Learner.objects.filter(organization=organization, disabled=False).select_related(
        "user"
    )
    for word in normalize_search(search).split():
        learners = learners.filter(search_name__contains=word)
    divisions = [division for division in divisions if division]
    if divisions:
        learners = learners.filter(division__in=divisions)
    if sign_in == "none":
        learners = learners.filter(user__isnull=True)
    elif sign_in == "email":
        learners = learners.filter(user__isnull=False, user__email__isnull=False)
    elif sign_in == "identifier":
        learners = learners.filter(user__isnull=False, user__email__isnull=True)
    if sort != "class":
        return learners.order_by(*SORT_KEYS["name"])
    if division_order is None:
        division_order = learner_divisions(organization=organization)
    if divisions:
        wanted = set(divisions)
        division_order = [division for division in division_order if division in wanted]
    # The school's order of classes is computed in Python (level from the MEF codes): the
    # database gets it as a rank per class. Students without a class come last.
    rank = Case(
        *(When(division=division, then=Value(n)) for n, division in enumerate(division_order)),
        default=Value(len(division_order)),
        output_field=IntegerField(),
    )
    return learners.annotate(class_rank=rank).order_by(*SORT_KEYS["class"])


def learner_divisions(*, organization: Organization) -> list[str]:
    """The classes of the organisation's active learners, in a school's order: by level
    (from the students' MEF codes, else the class name), then naturally (6C2 < 6C10)."""
    rows = (
        Learner.objects.filter(organization=organization, disabled=False)
        .exclude(division="")
        .values_list("division", "mef_code")
        .annotate(students=Count("id"))
        .order_by()
    )
    mef_codes: dict[str, list[str]] = defaultdict(list)
    for division, mef_code, students in rows:
        mef_codes[division].extend([mef_code] * students)
    return classes_in_order(mef_codes)


def learner_matched_first_names(*, learner: Learner, search: str) -> list[tuple[int, str]]:
    """The other first names (2 for the second, 3 for the third) that a search found and
    that the list's columns do not show, so that the person sees why the student is
    there: "Marie" finds LÉA Marie MARTIN through her second first name."""
    words = normalize_search(search).split()
    if not words:
        return []
    shown = normalize_search(
        " ".join(
            (learner.last_name, learner.preferred_last_name, learner.first_name, learner.ine or "")
        )
    )
    hidden = [word for word in words if word not in shown]
    matched = []
    for rank, name in ((2, learner.middle_name), (3, learner.third_name)):
        folded = normalize_search(name)
        if name and any(word in folded for word in hidden):
            matched.append((rank, name))
    return matched


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
