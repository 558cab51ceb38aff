"""Writes of the students' side: linking an account to its line of the school's list
(reconciliation), the learner made from an account where the school does not manage its
students, the sign-up without an e-mail, and joining a campaign.

Every link runs the checks of `campaigns.reconciliation` again under the learner's row
lock: the confirmation page was shown a moment ago, and another account (another tab,
another pupil) may have taken the learner since. The partial unique index "one learner
per account per organisation" settles two links of one account at once (R70).

Links and learners made from an account are recorded (`learner.linked`,
`learner.created_for_account`) on behalf of SELF: the student acts for themselves.
Joining and sending results are not recorded (see `participations`).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts.models import User
from organizations.audit import Action, OnBehalfOf, audit_record
from organizations.guards import check_active_admin
from organizations.models import AuditLog, Organization
from students.models import Learner
from students.normalize import learner_search_name, learner_sort_name

from ..errors import LearnerDisabledError
from ..join_errors import AccountLinkedToAnotherLearnerError, NoMatchError, StudentJoinError
from ..models import Campaign, Participation
from ..reconciliation import check_can_link, learner_for_automatic_link
from .participations import participation_start, participations_delete_for_account


class LinkMethod:
    FORM = "form"  # the student typed their names and birth date, then confirmed
    AUTOMATIC = "automatic"  # same INE and birth date as their learner of another school
    SIGN_UP = "sign_up"  # the sign-up without an e-mail, which creates the account
    GAR = "gar"  # the GAR's first arrival (campaigns.gar): the birth date only


class StudentNotLinkedError(StudentJoinError):
    """The account has no learner in a school that manages its students: the page sends
    the student to the reconciliation form (never shown as such)."""

    code = "STUDENT_NOT_LINKED"
    shown_to_students = False


def _locked_learner(*, organization_id: int, learner_id: int) -> Learner:
    learner = (
        Learner.objects.select_for_update()
        .filter(pk=learner_id, organization_id=organization_id)
        .first()
    )
    if learner is None:
        raise NoMatchError(meta={"learner_id": learner_id})
    if learner.disabled:
        raise LearnerDisabledError(meta={"learner_id": learner.pk})
    return learner


def _link(*, learner: Learner, user: User, method: str, campaign: Campaign | None) -> Learner:
    try:
        with transaction.atomic():
            linked = Learner.objects.filter(pk=learner.pk, user__isnull=True).update(user=user)
    except IntegrityError as error:
        # Another learner of this school got this account meanwhile (another tab).
        raise AccountLinkedToAnotherLearnerError(meta={"learner_id": learner.pk}) from error
    if linked != 1:  # pragma: no cover - the row is locked and was checked unlinked
        raise RuntimeError("the learner was linked under its lock")
    learner.user = user
    return _record_link(learner=learner, user=user, method=method, campaign=campaign)


def _record_link(
    *, learner: Learner, user: User, method: str, campaign: Campaign | None
) -> Learner:
    audit_record(
        actor=user,
        on_behalf_of=OnBehalfOf.SELF,
        action=Action.LEARNER_LINKED,
        organization=learner.organization,
        target=learner,
        details={
            "learner_id": learner.pk,
            "method": method,
            "campaign_id": campaign.pk if campaign else None,
        },
    )
    return learner


@transaction.atomic
def learner_link(
    *, user: User, organization: Organization, learner_id: int, campaign: Campaign | None = None
) -> Learner:
    """Link `user` to the learner the student confirmed ("Associer"). Refusals: the
    reconciliation's (R3x, R1x, R70, R90), LearnerDisabledError, NoMatchError (not a
    learner of this school). Linking an account to its own learner again changes nothing."""
    learner = _locked_learner(organization_id=organization.pk, learner_id=learner_id)
    learner.organization = organization
    check_can_link(learner=learner, user=user)
    if learner.user_id == user.pk:
        return learner
    return _link(learner=learner, user=user, method=LinkMethod.FORM, campaign=campaign)


@transaction.atomic
def learner_link_automatically(
    *, user: User, organization: Organization, campaign: Campaign | None = None
) -> Learner | None:
    """The student changed school: the learner here with the INE and birth date of their
    learner elsewhere is theirs, linked without a form (same rule as the import's relink).
    None when there is no such single learner, when an administrator unlinked this account
    from it before (`learner_dissociate`), or when a check refuses (the form, then its
    refusal, follows). The import's relink only fills learners new to the school, so it
    never links a dissociated pair again."""
    if Learner.objects.filter(organization=organization, user=user).exists():
        return None
    found = learner_for_automatic_link(organization=organization, user=user)
    if found is None:
        return None
    if _was_dissociated(learner_id=found.pk, user_id=user.pk):
        # An administrator undid this very link: never made again without the student
        # confirming it on the form.
        return None
    learner = _locked_learner(organization_id=organization.pk, learner_id=found.pk)
    learner.organization = organization
    try:
        check_can_link(learner=learner, user=user)
    except StudentJoinError:
        return None
    return _link(learner=learner, user=user, method=LinkMethod.AUTOMATIC, campaign=campaign)


def _was_dissociated(*, learner_id: int, user_id: int) -> bool:
    """Whether an administrator unlinked this account from this learner (`learner_dissociate`:
    its `learner.dissociated` audit row names both; the log is kept, never changed). One
    query on the log's target index."""
    return AuditLog.objects.filter(
        action=Action.LEARNER_DISSOCIATED,
        target_type="students.learner",
        target_id=learner_id,
        details__user_id=user_id,
    ).exists()


@transaction.atomic
def learner_get_or_create_for_account(*, user: User, organization: Organization) -> Learner:
    """The account's learner in an organisation that does not manage its students, made
    from the account's names at the first join (no INE, birth date or sex: the import
    never reads nor writes such learners)."""
    if organization.is_managing_students:
        raise ValueError("a school that manages its students links learners of its list")
    existing = Learner.objects.filter(organization=organization, user=user).first()
    if existing is not None:
        return existing
    first_name = (user.first_name or user.username or (user.email or "").partition("@")[0])[:255]
    last_name = (user.last_name or "")[:255]
    try:
        with transaction.atomic():
            learner = Learner.objects.create(
                organization=organization,
                source=Learner.Source.ACCOUNT,
                ine=None,
                birthdate=None,
                sex="",
                first_name=first_name,
                last_name=last_name,
                user=user,
                search_name=learner_search_name(
                    ine="", last_name=last_name, preferred_last_name="", first_name=first_name
                ),
                sort_name=learner_sort_name(
                    last_name=last_name, preferred_last_name="", first_name=first_name
                ),
            )
    except IntegrityError:
        # The same account joined twice at once: the other request made it.
        return Learner.objects.get(organization=organization, user=user)
    audit_record(
        actor=user,
        on_behalf_of=OnBehalfOf.SELF,
        action=Action.LEARNER_CREATED_FOR_ACCOUNT,
        organization=organization,
        target=learner,
        details={"learner_id": learner.pk},
    )
    return learner


@transaction.atomic
def student_sign_up(
    *, campaign: Campaign, learner_id: int, password: str, language: str = "fr"
) -> User:
    """The sign-up without an e-mail: the student matched `learner_id` (names and birth
    date) and chose a password. Creates the account with a generated identifier and links
    it, in one transaction. Refusals: R3x, R1x (the student has an account already),
    LearnerDisabledError, NoMatchError."""
    organization = campaign.organization
    if not organization.is_managing_students:
        raise ValueError("the sign-up without an e-mail is for schools that manage students")
    learner = _locked_learner(organization_id=organization.pk, learner_id=learner_id)
    learner.organization = organization
    check_can_link(learner=learner, user=None)
    return learner_account_create_and_link(
        learner=learner,
        password=password,
        language=language,
        method=LinkMethod.SIGN_UP,
        campaign=campaign,
    )


def learner_account_create_and_link(
    *,
    learner: Learner,
    password: str | None,
    language: str,
    method: str,
    campaign: Campaign | None = None,
) -> User:
    """The student's own new account (a generated identifier; `password=None`: unusable,
    for the ENT) linked to `learner`, and the link recorded on behalf of SELF. The caller
    holds the learner's row lock and ran `check_can_link(user=None)`: the sign-up without
    an e-mail and the GAR's first arrival."""
    # Imported here: `students.services` loads the whole import pipeline, which the
    # campaigns' pages, the admin and the workers loading their tasks need not load
    # (tests/students/test_import_states.py, layering).
    from students.services.student_accounts import learner_account_create

    user = learner_account_create(learner=learner, password=password, language=language)
    _record_link(learner=learner, user=user, method=method, campaign=campaign)
    return user


def student_learner(*, user: User, organization: Organization) -> Learner | None:
    """The account's learner in this organisation, if any."""
    return Learner.objects.filter(organization=organization, user=user).first()


@transaction.atomic
def student_join(*, campaign: Campaign, user: User, external_id: str = "") -> Participation:
    """Join (or come back to) a campaign as the account's learner of its organisation:
    the linked one where the school manages its students (StudentNotLinkedError when
    there is none yet; LearnerDisabledError when it is no longer in the school's list),
    otherwise the one made from the account. Then the rules of `participation_start`."""
    organization = campaign.organization
    if organization.is_managing_students:
        learner = student_learner(user=user, organization=organization)
        if learner is None:
            raise StudentNotLinkedError()
        if learner.disabled:
            raise LearnerDisabledError(meta={"learner_id": learner.pk})
    else:
        learner = learner_get_or_create_for_account(user=user, organization=organization)
    return participation_start(
        campaign=campaign, user=user, learner=learner, external_id=external_id
    )


@transaction.atomic
def learner_dissociate(*, actor: User, learner: Learner) -> list[int]:
    """Undo the link between a learner and its account (a student who joined with the
    wrong account), for an administrator of the learner's school. The account's
    participations for that student, sent or not, are deleted (soft, each campaign's
    `participation.deleted` recorded): it no longer sends results as the student, and the
    student can join those campaigns again with their own account (nothing left sent in
    their name by someone else). Returns the deleted participations' ids.

    LearnerNotLinkedError when it has no account (anymore); PermissionDenied when the
    actor is not an active administrator of the learner's school. Recorded as
    `learner.dissociated` on behalf of ADMIN (ids only)."""
    from students.services.student_accounts import LearnerNotLinkedError  # see above

    organization = learner.organization
    check_active_admin(user=actor, organization_id=organization.pk)
    locked = Learner.objects.select_for_update().filter(pk=learner.pk).first()
    if locked is None or locked.user_id is None:
        raise LearnerNotLinkedError(meta={"learner_id": learner.pk})
    user_id = locked.user_id
    Learner.objects.filter(pk=learner.pk).update(user=None)
    locked.organization = organization
    deleted = participations_delete_for_account(
        actor=actor, learner=locked, user_id=user_id, on_behalf_of=OnBehalfOf.ADMIN
    )
    audit_record(
        actor=actor,
        on_behalf_of=OnBehalfOf.ADMIN,
        action=Action.LEARNER_DISSOCIATED,
        organization=organization,
        target=locked,
        details={"learner_id": learner.pk, "user_id": user_id, "participation_ids": deleted},
    )
    learner.user = None
    learner.user_id = None
    return deleted
