"""Reconciliation: which learner of the school an account (or a student about to sign up)
is, and whether it may be linked to it. Reads only; the links are written by
`campaigns.services.joining`, which runs these checks again under the learner's row lock.

The order is product.md's: match → the learner already linked (R3x here, or R1x through
its INE in another school) → R70 (this account has another learner here) → R90 (this
account's learners elsewhere are another student) → link.
"""

from __future__ import annotations

import datetime

from accounts.models import User
from accounts.selectors import users_with_sign_in_methods
from organizations.models import Organization
from students.models import Learner
from students.selectors import learner_account_elsewhere_by_ine

from .join_errors import (
    AccountLinkedToAnotherLearnerError,
    AccountOfAnotherStudentError,
    LinkedInAnotherSchoolError,
    LinkedInThisSchoolError,
    NoMatchError,
)
from .matching import is_exact_on_first_given_name, match_learner_with_pass

SIECLE = Learner.Source.SIECLE


def learner_match_candidates(*, organization: Organization, birthdate: datetime.date):
    """The school's active students born that day (index `learner_match_idx`)."""
    return list(
        Learner.objects.filter(
            organization=organization, disabled=False, birthdate=birthdate, source=SIECLE
        ).only(
            "id",
            "organization_id",
            "ine",
            "birthdate",
            "first_name",
            "middle_name",
            "third_name",
            "last_name",
            "preferred_last_name",
            "user_id",
            "disabled",
        )
    )


def learner_find(
    *, organization: Organization, first_name: str, last_name: str, birthdate: datetime.date
) -> Learner:
    """The one learner these names and this birth date designate; NoMatchError otherwise."""
    return learner_find_with_pass(
        organization=organization, first_name=first_name, last_name=last_name, birthdate=birthdate
    )[0]


def learner_find_with_pass(
    *, organization: Organization, first_name: str, last_name: str, birthdate: datetime.date
) -> tuple[Learner, bool]:
    """`learner_find`, and whether the match is exact (pass 1, no tolerance, on the first
    given name)."""
    candidates = learner_match_candidates(organization=organization, birthdate=birthdate)
    learner, found_in_pass = match_learner_with_pass(
        candidates, first_name=first_name, last_name=last_name
    )
    if learner is None:
        raise NoMatchError(meta={"candidates": len(candidates)})
    exact = found_in_pass == 0 and is_exact_on_first_given_name(
        learner, first_name=first_name, last_name=last_name
    )
    return learner, exact


def check_can_link(*, learner: Learner, user: User | None) -> None:
    """The refusals after the match, in order, for `user` (None: an account about to be
    created by the sign-up). Nothing raised: the link may be made (or exists already)."""
    if learner.user_id is not None and learner.user_id != (user.pk if user else None):
        # Annotated: the refusal's sign-in method (ENT first) costs no query of its own.
        raise LinkedInThisSchoolError.for_account(
            users_with_sign_in_methods().get(pk=learner.user_id)
        )
    if learner.user_id is None:
        other = learner_account_elsewhere_by_ine(
            learner=learner, exclude_user_id=user.pk if user else None
        )
        if other is not None:
            raise LinkedInAnotherSchoolError.for_account(other)
    if user is None:
        return
    if (
        Learner.objects.filter(organization_id=learner.organization_id, user=user)
        .exclude(pk=learner.pk)
        .exists()
    ):
        raise AccountLinkedToAnotherLearnerError(meta={"learner_id": learner.pk})
    if _belongs_to_another_student(learner, user):
        raise AccountOfAnotherStudentError(meta={"learner_id": learner.pk})


def _belongs_to_another_student(learner: Learner, user: User) -> bool:
    """R90: the account's SIECLE learners of other schools differ from this one on both
    the INE and the birth date (learners made from an account carry neither: they say
    nothing about who the student is)."""
    others = Learner.objects.filter(user=user, source=SIECLE).exclude(
        organization_id=learner.organization_id
    )
    return any(
        other.ine != learner.ine and other.birthdate != learner.birthdate
        for other in others.only("ine", "birthdate")
    )


def learner_for_automatic_link(*, organization: Organization, user: User) -> Learner | None:
    """The school's active learner whose INE and birth date are those of a learner of
    another school linked to this account (the student changed school), when there is
    exactly one and nobody else has it; else None (the form follows)."""
    known = list(
        Learner.objects.filter(user=user, source=SIECLE)
        .exclude(organization=organization)
        .values_list("ine", "birthdate")
    )
    if not known:
        return None
    found = [
        learner
        for learner in Learner.objects.filter(
            organization=organization,
            disabled=False,
            source=SIECLE,
            ine__in=[ine for ine, _ in known],
        )
        if (learner.ine, learner.birthdate) in known
    ]
    if len(found) != 1 or found[0].user_id not in (None, user.pk):
        return None
    return found[0]
