"""Reads on learners and imports, with what their pages need already joined."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, IntegerField, QuerySet, Value, When

from accounts.selectors import gar_method_exists
from organizations.models import Membership, Organization

from .models import Import, Learner
from .normalize import normalize_search
from .ordering import classes_in_order

SORTS = ("name", "class")
# How a student's linked account signs in (the page's column and filter, the API's field
# and filter): no account linked yet, an account with an identifier only, an account with
# an e-mail address, an account of the ENT (digital workspace, through the GAR).
SIGN_IN_METHODS = ("none", "identifier", "email", "ent")


def learner_sign_in() -> Case:
    """How the learner's account signs in, as one SQL expression (annotated `sign_in`,
    one of SIGN_IN_METHODS): the one place that says it, for the list, its filter, the
    learner's page (`guards.learner_get_for_member`) and the API. The ENT first (a student
    who has it uses it), then the e-mail address, else the identifier.

    The ENT: the account has a GAR authentication method (`accounts.selectors.
    gar_method_exists`, an EXISTS on the method's unique (account, provider) index)."""
    return Case(
        When(user__isnull=True, then=Value("none")),
        When(gar_method_exists("user_id"), then=Value("ent")),
        When(user__email__isnull=False, then=Value("email")),
        default=Value("identifier"),
        output_field=CharField(),
    )


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
    sign_in: str | Iterable[str] = "",
) -> QuerySet[Learner]:
    """Active learners of the organisation, with their account.

    `search` matches every word of the query against names and INE, ignoring case and
    accents (both sides normalised the same way); `divisions` keeps those classes;
    `sign_in` (one of SIGN_IN_METHODS, or several) keeps students by how their linked
    account signs in; every learner has that as the annotation `sign_in`.
    `sort` is "name" (the last name shown, then the first name, in French order) or
    "class" (classes in a school's order, `learner_divisions`, which the caller may pass
    as `division_order` when it has it already; then by name); either way ordered by the
    unique key SORT_KEYS[sort] (the class's rank is the annotation `class_rank`).
    """
    learners = (
        Learner.objects.filter(organization=organization, disabled=False)
        .select_related("user")
        .annotate(sign_in=learner_sign_in())
    )
    for word in normalize_search(search).split():
        learners = learners.filter(search_name__contains=word)
    divisions = [division for division in divisions if division]
    if divisions:
        learners = learners.filter(division__in=divisions)
    methods = [sign_in] if isinstance(sign_in, str) else list(sign_in)
    methods = [method for method in methods if method in SIGN_IN_METHODS]
    if methods:
        learners = learners.filter(sign_in__in=methods)
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


def learner_account_elsewhere_by_ine(*, learner: Learner, exclude_user_id: int | None = None):
    """The account a learner of another school with this learner's INE is linked to (the
    newest such learner), unless it is `exclude_user_id` (the same student coming back);
    None otherwise. The one rule, for the students' side (R1x, `campaigns.reconciliation`)
    and the school's side (one-time passwords): one INE, one account, whatever the school."""
    if not learner.ine:
        return None
    other = (
        Learner.objects.filter(ine=learner.ine, user__isnull=False, source=Learner.Source.SIECLE)
        .exclude(organization_id=learner.organization_id)
        .select_related("user")
        # How that account signs in, for the refusal's masked sign-in (no second query).
        .annotate(user_has_gar_method=gar_method_exists("user_id"))
        .order_by("-updated_at", "-id")
        .first()
    )
    if other is None or (exclude_user_id is not None and other.user_id == exclude_user_id):
        return None
    other.user.has_gar_method = other.user_has_gar_method
    return other.user


def ines_with_account_elsewhere(*, organization: Organization, ines: Iterable[str]) -> set[str]:
    """Of these INE, those that a learner of another school linked to an account has (the
    rule of `learner_account_elsewhere_by_ine`, for many learners in one query)."""
    ines = {ine for ine in ines if ine}
    if not ines:
        return set()
    return set(
        Learner.objects.filter(ine__in=ines, user__isnull=False, source=Learner.Source.SIECLE)
        .exclude(organization=organization)
        .values_list("ine", flat=True)
    )


# --- Identifiers and one-time passwords (students.services.student_accounts) ------------


class PasswordRefusal:
    """Why a student gets no one-time password. The school may give one only to an
    account that is the school's to help: one that signs in by identifier alone and
    belongs to this school's pupil only."""

    DISABLED = "disabled"  # no longer in the school's list
    EMAIL = "email"  # the account has an e-mail address: its owner resets it themselves
    ENT = "ent"  # the account signs in through the ENT: no password of ours
    OTHER_SCHOOL = "other_school"  # linked to a learner of another school too
    TEAM_MEMBER = "team_member"  # a member of a school's team, not a pupil's account
    INCOMPLETE = "incomplete"  # no birth date to make an identifier from
    # No account here, but the same INE is linked to an account in another school: the
    # student has one already (R1x on the students' side), a second one would split them.
    SAME_INE_ELSEWHERE = "same_ine_elsewhere"
    STAFF = "staff"  # a platform staff account, never a pupil's


class PasswordAction:
    CREATE = "create"  # no account yet: one with a generated identifier, linked
    RESET = "reset"  # an identifier account: its password replaced


@dataclass(frozen=True)
class PasswordPlanRow:
    learner: Learner
    action: str | None  # a PasswordAction, None when refused
    reason: str = ""  # a PasswordRefusal when refused


def learner_password_plan(
    *, organization: Organization, learners: Sequence[Learner]
) -> list[PasswordPlanRow]:
    """For each learner (annotated `sign_in`, with their account), what a generation of
    one-time passwords would do: create an identifier account, reset its password, or
    nothing and why. At most three queries whatever the number of learners (the accounts'
    other schools, their memberships, the INE of unlinked learners linked elsewhere). The
    confirmation page shows it; the service computes it again under the learners' row
    locks."""
    ines_elsewhere = ines_with_account_elsewhere(
        organization=organization,
        ines=(learner.ine for learner in learners if learner.user_id is None and learner.ine),
    )
    user_ids = {learner.user_id for learner in learners if learner.user_id}
    elsewhere = set()
    members = set()
    if user_ids:
        elsewhere = set(
            Learner.objects.filter(user_id__in=user_ids)
            .exclude(organization=organization)
            .values_list("user_id", flat=True)
        )
        members = set(
            Membership.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)
        )
    rows = []
    for learner in learners:
        if learner.disabled:
            rows.append(PasswordPlanRow(learner, None, PasswordRefusal.DISABLED))
        elif learner.user_id is None:
            if learner.birthdate is None:
                rows.append(PasswordPlanRow(learner, None, PasswordRefusal.INCOMPLETE))
            elif learner.ine in ines_elsewhere:
                rows.append(PasswordPlanRow(learner, None, PasswordRefusal.SAME_INE_ELSEWHERE))
            else:
                rows.append(PasswordPlanRow(learner, PasswordAction.CREATE))
        elif learner.sign_in == "ent":
            rows.append(PasswordPlanRow(learner, None, PasswordRefusal.ENT))
        elif learner.sign_in == "email":
            rows.append(PasswordPlanRow(learner, None, PasswordRefusal.EMAIL))
        elif learner.user.is_staff or learner.user.is_superuser:
            rows.append(PasswordPlanRow(learner, None, PasswordRefusal.STAFF))
        elif learner.user_id in members:
            rows.append(PasswordPlanRow(learner, None, PasswordRefusal.TEAM_MEMBER))
        elif learner.user_id in elsewhere:
            rows.append(PasswordPlanRow(learner, None, PasswordRefusal.OTHER_SCHOOL))
        else:
            rows.append(PasswordPlanRow(learner, PasswordAction.RESET))
    return rows


def learner_list_for_passwords(*, organization: Organization, division: str) -> QuerySet[Learner]:
    """The active students of one class, by name, with their account and `sign_in`."""
    return (
        Learner.objects.filter(organization=organization, disabled=False, division=division)
        .select_related("user")
        .annotate(sign_in=learner_sign_in())
        .order_by(*SORT_KEYS["name"])
    )
