"""Reads on campaigns and participations, with what their pages need already joined.

Deleted campaigns and deleted participations are left out of every read here. A
student "has joined" a campaign when they have a participation that is not deleted, and
"has sent their results" when one of those is SHARED (with multiple sendings, an earlier
sending counts: the results did reach the school).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from accounts.models import User
from organizations.models import Organization
from students.models import Learner
from students.normalize import normalize_search
from students.ordering import class_sort_key
from students.selectors import learner_divisions

from .models import Campaign, Participation

Status = Participation.Status
STATUSES = (Status.STARTED, Status.SHARED)


def campaign_list(
    *,
    organization: Organization,
    owner: User | None = None,
    search: str = "",
    archived: bool = False,
) -> QuerySet[Campaign]:
    """The organisation's campaigns, active or archived, newest first (a batch of "one per
    class", created at the same instant, in the school's order of classes), with their owner
    and two counts — students who joined, students who sent their results — computed in
    the same query (one aggregate over the participations, whatever the page's size)."""
    campaigns = Campaign.objects.filter(
        organization=organization, deleted_at__isnull=True, archived_at__isnull=not archived
    )
    if owner is not None:
        campaigns = campaigns.filter(owner=owner)
    for word in normalize_search(search).split():
        campaigns = campaigns.filter(search_name__contains=word)
    kept = Q(participations__deleted_at__isnull=True)
    return (
        campaigns.select_related("owner")
        .annotate(
            participants_count=Count("participations__learner", filter=kept, distinct=True),
            shared_count=Count(
                "participations__learner",
                filter=kept & Q(participations__status=Status.SHARED),
                distinct=True,
            ),
        )
        .order_by("-created_at", "id")
    )


def campaign_exists(*, organization: Organization) -> bool:
    """Whether the organisation has any campaign still shown (the list's empty state)."""
    return Campaign.objects.filter(organization=organization, deleted_at__isnull=True).exists()


def campaign_totals(*, campaign: Campaign) -> dict[str, int]:
    """Students who joined and who sent their results."""
    kept = Participation.objects.filter(campaign=campaign, deleted_at__isnull=True)
    return kept.aggregate(
        participants=Count("learner", distinct=True),
        shared=Count("learner", distinct=True, filter=Q(status=Status.SHARED)),
    )


def participation_list(
    *,
    campaign: Campaign,
    search: str = "",
    division: str = "",
    status: str = "",
    division_order: Sequence[str] = (),
) -> QuerySet[Participation]:
    """The campaign's current participations (one per student) with their learner and
    account: by class in the school's order (`division_order`), then by name. `search`
    matches every word against the student's names and INE, without case or accents."""
    participations = Participation.objects.filter(
        campaign=campaign, is_improved=False, deleted_at__isnull=True
    ).select_related("learner", "user")
    for word in normalize_search(search).split():
        participations = participations.filter(learner__search_name__contains=word)
    if division:
        participations = participations.filter(learner__division=division)
    if status in STATUSES:
        participations = participations.filter(status=status)
    return participations.order_by(
        class_rank("learner__division", division_order), "learner__sort_name", "id"
    )


def class_rank(field_name: str, division_order: Sequence[str]) -> Case:
    """The school's order of classes (computed in Python) as a rank the database sorts
    on; classes not in `division_order` come after, students without a class last."""
    return Case(
        *(
            When(**{field_name: division}, then=Value(rank))
            for rank, division in enumerate(division_order)
        ),
        When(**{field_name: ""}, then=Value(len(division_order) + 1)),
        default=Value(len(division_order)),
        output_field=IntegerField(),
    )


@dataclass
class ClassSummary:
    division: str
    students: int
    joined: int
    shared: int
    not_started: list[Learner] = field(default_factory=list)
    # A class of active students has a printable code sheet.
    printable: bool = False

    @property
    def not_started_count(self) -> int:
        return self.students - self.joined


def campaign_class_summary(*, campaign: Campaign) -> list[ClassSummary]:
    """Per class, in the school's order: students, how many joined, how many sent their
    results, and who has not started (named, by name). Two queries.

    A class's students are its active students, and those of its students who joined
    even if they left since. A campaign for one class shows that class, and the class
    of any participant who has changed class since joining."""
    joined = Exists(
        Participation.objects.filter(
            campaign=campaign, learner=OuterRef("pk"), deleted_at__isnull=True
        )
    )
    shared = Exists(
        Participation.objects.filter(
            campaign=campaign,
            learner=OuterRef("pk"),
            deleted_at__isnull=True,
            status=Status.SHARED,
        )
    )
    learners = Learner.objects.filter(organization_id=campaign.organization_id)
    in_scope = Q(disabled=False)
    if campaign.target_division:
        in_scope &= Q(division=campaign.target_division)
    rows = (
        learners.filter(joined | in_scope)
        .values("division")
        .annotate(
            students=Count("pk"),
            joined=Count("pk", filter=joined),
            shared=Count("pk", filter=shared),
        )
        .order_by()
    )
    summaries = {
        row["division"]: ClassSummary(
            row["division"], row["students"], row["joined"], row["shared"]
        )
        for row in rows
    }
    missing = (
        learners.filter(in_scope)
        .exclude(joined)
        .only("id", "first_name", "last_name", "preferred_last_name", "division", "sort_name")
        .order_by("sort_name", "id")
    )
    for learner in missing:
        summaries[learner.division].not_started.append(learner)
    order = learner_divisions(organization=campaign.organization)
    for division in order:
        if division in summaries:
            summaries[division].printable = True
    return [summaries[division] for division in divisions_in_order(summaries, order)]


def divisions_in_order(divisions, school_order: Sequence[str]) -> list[str]:
    """`divisions` in the school's order: those of `school_order` first, then any other
    (a class that only former students are in) by its sort key, no class last."""
    rank = {division: position for position, division in enumerate(school_order)}
    return sorted(
        divisions,
        key=lambda division: (
            division == "",
            rank.get(division, len(rank)),
            class_sort_key(division),
        ),
    )


def participation_list_for_learner(*, learner: Learner) -> QuerySet[Participation]:
    """A student's participations (every sending), newest first, with their campaign;
    deleted ones and those of deleted campaigns left out."""
    return (
        Participation.objects.filter(
            learner=learner, deleted_at__isnull=True, campaign__deleted_at__isnull=True
        )
        .select_related("campaign")
        .order_by("-created_at", "-id")
    )


def participation_list_for_account(*, learner: Learner, user_id: int) -> QuerySet[Participation]:
    """The student's participations (every sending) made with one account, with their
    campaign, by campaign then newest first: what undoing that account's link deletes."""
    return (
        Participation.objects.filter(learner=learner, user_id=user_id, deleted_at__isnull=True)
        .select_related("campaign")
        .order_by("campaign__name", "campaign_id", "-created_at", "-id")
    )


def sheet_learners(*, campaign: Campaign, division: str) -> QuerySet[Learner]:
    """The class's active students for the printable sheet, by name, with their account
    (their identifier is printed when they have one)."""
    return (
        Learner.objects.filter(
            organization_id=campaign.organization_id, disabled=False, division=division
        )
        .select_related("user")
        .order_by("sort_name", "id")
    )


def participant_divisions(*, campaign: Campaign) -> list[str]:
    """The classes of the campaign's participants and of its organisation's students, in
    the school's order: the class filter of the campaign page."""
    order = learner_divisions(organization=campaign.organization)
    extra = set(
        Participation.objects.filter(campaign=campaign, deleted_at__isnull=True)
        .exclude(learner__division="")
        .values_list("learner__division", flat=True)
        .distinct()
    )
    if campaign.target_division:
        return divisions_in_order(extra | {campaign.target_division}, order)
    return divisions_in_order(set(order) | extra, order)


# --- The students' side -----------------------------------------------------------------------


def campaign_get_by_code(*, code: str) -> Campaign | None:
    """The campaign a typed (already normalised) code names, deleted ones included (their
    page says so), with its organisation; None for a code no campaign has now (a code
    replaced after a leak no longer leads anywhere)."""
    return Campaign.objects.select_related("organization").filter(code=code).first()


def participation_current_for_user(*, campaign: Campaign, user: User) -> Participation | None:
    """The account's current participation in the campaign (not replaced, not deleted),
    as long as its learner is still this account's: once the school unlinked the account
    (`campaigns.services.learner_dissociate`), it no longer acts for that student."""
    return (
        Participation.objects.filter(
            campaign=campaign,
            user=user,
            learner__user=user,
            is_improved=False,
            deleted_at__isnull=True,
        )
        .order_by("-created_at", "-id")
        .first()
    )


def participation_list_for_user(*, user: User) -> QuerySet[Participation]:
    """`/mes-parcours/`: the account's current participations, newest first, with their
    campaign and its organisation; deleted ones and those of deleted campaigns left out."""
    return (
        Participation.objects.filter(
            user=user,
            is_improved=False,
            deleted_at__isnull=True,
            campaign__deleted_at__isnull=True,
        )
        .select_related("campaign__organization")
        .order_by("-created_at", "-id")
    )


def user_is_student(*, user: User) -> bool:
    """Whether the account has a learner somewhere or has joined a campaign (the home page
    sends such an account without a membership to `/mes-parcours/`)."""
    return (
        Learner.objects.filter(user=user).exists()
        or Participation.objects.filter(user=user).exists()
    )
