"""Helping students from the school side (administrators): identifiers and one-time
passwords for one student or a whole class; the one way an identifier account is made
for a learner (`learner_account_create`, also the students' sign-up without an e-mail).

A one-time password is given only to an account that is the school's to help: none yet
(an account with a generated identifier is created and linked, as the sign-up without an
e-mail would have, unless the learner's INE is linked to an account in another school:
the student has one already), or one that signs in by identifier alone, is no team
member's nor platform staff's and is linked to no learner of another school
(`selectors.learner_password_plan`). Never an account with an e-mail (its owner resets
their password by e-mail), never an ENT account, never a disabled learner. The password
is stored hashed only; the clear one is returned to the caller, the page that shows it
once. The account must choose its own at its next sign-in (`User.must_change_password`).

Undoing a wrong link deletes the account's participations for that student: it is a
write on campaigns, so it is `campaigns.services.learner_dissociate` (this app may not
import `campaigns`); `LearnerNotLinkedError` is its refusal, here for the page.

Generations are recorded on behalf of ADMIN, ids and counts only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import (
    one_time_password_generate,
    user_create_with_identifier,
    user_set_one_time_password,
)
from organizations.audit import Action, OnBehalfOf, audit_record
from organizations.guards import check_active_admin
from organizations.models import Organization
from pixorga.errors import AppError

from ..limits import one_time_password_generation_count
from ..models import Learner
from ..normalize import student_identifier_base
from ..selectors import (
    SORT_KEYS,
    PasswordAction,
    PasswordPlanRow,
    learner_account_elsewhere_by_ine,
    learner_password_plan,
    learner_sign_in,
)


class NoPasswordToGenerateError(AppError):
    code = "NO_PASSWORD_TO_GENERATE"
    default_message = _(
        "None of these students can get a one-time password (see why in the list). "
        "Nothing was changed."
    )
    status = 409


class LearnerNotLinkedError(AppError):
    code = "LEARNER_NOT_LINKED"
    default_message = _("This student is no longer linked to an account: nothing to undo.")
    status = 409


@dataclass(frozen=True)
class IssuedPassword:
    learner: Learner
    identifier: str
    password: str  # in clear: shown once, never stored
    created: bool  # a new account (else a reset)


@dataclass
class GeneratedPasswords:
    issued: list[IssuedPassword] = field(default_factory=list)
    refused: list[PasswordPlanRow] = field(default_factory=list)


def learner_account_create(
    *,
    learner: Learner,
    password: str | None,
    language: str = "fr",
    must_change_password: bool = False,
) -> User:
    """An account with an identifier generated from the learner's names and birth date,
    linked to `learner` (row-locked by the caller, checked by it: the sign-up runs the
    reconciliation's checks, the one-time passwords the plan). The link is refused again
    here if the learner has an account, or its INE one in another school (ValueError: the
    callers' checks let it through). Not recorded: each caller records what it did."""
    if learner.user_id is not None:
        raise ValueError("the learner has an account already")
    if learner_account_elsewhere_by_ine(learner=learner) is not None:
        raise ValueError("the learner's INE is linked to an account in another school")
    user = user_create_with_identifier(
        identifier_base=student_identifier_base(
            first_name=learner.first_name,
            last_name=learner.display_last_name,
            birthdate=learner.birthdate,
        ),
        first_name=learner.first_name,
        last_name=learner.display_last_name,
        password=password,
        language=language,
        must_change_password=must_change_password,
    )
    # Under the learner's row lock, checked unlinked: a new account of its own.
    if Learner.objects.filter(pk=learner.pk, user__isnull=True).update(user=user) != 1:
        raise ValueError("the learner was linked meanwhile")  # pragma: no cover - locked
    learner.user = user
    return user


@transaction.atomic
def learner_passwords_generate(
    *,
    actor: User,
    organization: Organization,
    learner_ids: Sequence[int],
    division: str = "",
) -> GeneratedPasswords:
    """Identifiers and one-time passwords for these learners of `organization` (one
    student, or the students of the class `division`), those the rules allow; the others
    are returned in `refused` with their reason. Refusals of the whole:
    NoPasswordToGenerateError (none allowed), the limits' errors (20 an hour per school;
    the cache down), PermissionDenied (the actor is not an active administrator there)."""
    check_active_admin(user=actor, organization_id=organization.pk)
    learners = list(
        Learner.objects.select_for_update(of=("self",))
        .filter(organization=organization, pk__in=list(learner_ids))
        .select_related("user")
        .annotate(sign_in=learner_sign_in())
        .order_by(*SORT_KEYS["name"])
    )
    plan = learner_password_plan(organization=organization, learners=learners)
    result = GeneratedPasswords(refused=[row for row in plan if row.action is None])
    wanted = [row for row in plan if row.action is not None]
    if not wanted:
        raise NoPasswordToGenerateError(meta={"refused": len(result.refused)})
    one_time_password_generation_count(organization=organization)
    for row in wanted:
        learner = row.learner
        password = one_time_password_generate()
        if row.action == PasswordAction.CREATE:
            user = learner_account_create(
                learner=learner, password=password, must_change_password=True
            )
        else:
            user = user_set_one_time_password(user=learner.user, password=password)
        result.issued.append(
            IssuedPassword(
                learner=learner,
                identifier=user.username,
                password=password,
                created=row.action == PasswordAction.CREATE,
            )
        )
    audit_record(
        actor=actor,
        on_behalf_of=OnBehalfOf.ADMIN,
        action=Action.LEARNER_PASSWORDS_GENERATED,
        organization=organization,
        target=learners[0] if len(learners) == 1 else organization,
        details={
            "division": division[:64] or None,
            "created_learner_ids": [i.learner.pk for i in result.issued if i.created],
            "reset_learner_ids": [i.learner.pk for i in result.issued if not i.created],
            "refused": dict(Counter(row.reason for row in result.refused)),
        },
    )
    return result
