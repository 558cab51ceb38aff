"""Writes of the GAR's arrival: the account made at a student's first arrival, the ENT
taken by the account already linked to the student, the ENT added to an account whose
password was proved (a student's, a team member's).

Each records its change (`learner.linked` with method `gar`, `authentication_method.added`,
`authentication_method.replaced`) on behalf of SELF, in its transaction: `accounts`'
services write the method but cannot reach the audit log (`accounts` imports nothing from
`organizations`). Every link runs the reconciliation's checks again under the learner's
row lock, as the pages' links do.

R70 and R90 are about an existing account (another learner of this school, learners
elsewhere who are another student): an account made here has none, so the sign-up checks
with `user=None`, as the sign-up without an e-mail does. The password-proved path links an
existing account, and checks both.
"""

from __future__ import annotations

from django.db import transaction

from accounts.gar.identity import GarIdentity
from accounts.models import AuthenticationMethod, User
from accounts.services import (
    authentication_method_add,
    authentication_method_replace_external_id,
)
from organizations.audit import Action, OnBehalfOf, audit_record
from organizations.models import Membership, Organization

from ..reconciliation import check_can_link
from ..services.joining import (
    LinkMethod,
    _link,
    _locked_learner,
    learner_account_create_and_link,
)
from .errors import GarLinkedToAnotherEntAccountError, GarNotAMemberError

GAR = AuthenticationMethod.Provider.GAR


def _add_method(
    *, user: User, identity: GarIdentity, organization: Organization | None, reason: str
) -> AuthenticationMethod:
    method = authentication_method_add(
        user=user,
        provider=GAR,
        external_id=identity.ido,
        first_name=identity.first_name,
        last_name=identity.last_name,
    )
    audit_record(
        actor=user,
        on_behalf_of=OnBehalfOf.SELF,
        action=Action.AUTHENTICATION_METHOD_ADDED,
        organization=organization,
        target=method,
        details={"method_id": method.pk, "provider": GAR, "reason": reason},
    )
    return method


@transaction.atomic
def gar_student_sign_up(
    *, identity: GarIdentity, organization: Organization, learner_id: int, language: str = "fr"
) -> User:
    """A student's first arrival matched a free learner, and no account has them through
    their INE: an account with a generated identifier (as the sign-up without an e-mail
    makes) and an unusable password, its GAR method and its link, in one transaction.
    Refusals: R3x / R1x (checked again under the lock), LearnerDisabledError,
    NoMatchError, AuthenticationMethodTakenError (the IDO got an account meanwhile)."""
    learner = _locked_learner(organization_id=organization.pk, learner_id=learner_id)
    learner.organization = organization
    check_can_link(learner=learner, user=None)
    user = learner_account_create_and_link(
        learner=learner, password=None, language=language, method=LinkMethod.GAR
    )
    _add_method(user=user, identity=identity, organization=organization, reason="sign_up")
    return user


@transaction.atomic
def gar_ent_account_take_over(
    *, identity: GarIdentity, organization: Organization, learner_id: int
) -> User:
    """R33 settled by the ENT: the learner of this school (the identity's UAI) matched
    exactly is linked to an account that signs in through the ENT with another IDO (the
    GAR gave the student a new one): that account now signs in with this IDO. The caller
    checked that the match is exact; this checks the rest again under the locks."""
    learner = _locked_learner(organization_id=organization.pk, learner_id=learner_id)
    method = (
        AuthenticationMethod.objects.select_for_update()
        .select_related("user")
        .filter(user_id=learner.user_id, provider=GAR)
        .first()
        if learner.user_id is not None
        else None
    )
    if method is None:
        # Unlinked meanwhile, or its account no longer signs in through the ENT.
        raise GarLinkedToAnotherEntAccountError(code="R33", meta={"learner_id": learner.pk})
    previous_external_id_kept = method.external_id == identity.ido
    authentication_method_replace_external_id(
        method=method,
        external_id=identity.ido,
        first_name=identity.first_name,
        last_name=identity.last_name,
    )
    if not previous_external_id_kept:
        audit_record(
            actor=method.user,
            on_behalf_of=OnBehalfOf.SELF,
            action=Action.AUTHENTICATION_METHOD_REPLACED,
            organization=organization,
            target=method,
            details={
                "method_id": method.pk,
                "provider": GAR,
                "learner_id": learner.pk,
                "reason": "exact_match",
            },
        )
    return method.user


@transaction.atomic
def gar_method_add_after_password(
    *, identity: GarIdentity, organization: Organization, learner_id: int, account: User
) -> User:
    """R11 / R12 / R31 / R32 settled: the student typed the password of the account the
    refusal named. The learner of this school is linked to it if it is not yet (R1x: the
    account is theirs from another school; the reconciliation's checks for that account,
    R70 and R90 included, apply), and the account gets the GAR method. Refusals: the
    reconciliation's, AuthenticationMethodTakenError (this IDO is someone else's),
    AuthenticationMethodConflictError (the account has another IDO)."""
    learner = _locked_learner(organization_id=organization.pk, learner_id=learner_id)
    learner.organization = organization
    if learner.user_id != account.pk:
        check_can_link(learner=learner, user=account)
        _link(learner=learner, user=account, method=LinkMethod.GAR, campaign=None)
    _add_method(user=account, identity=identity, organization=organization, reason="password")
    return account


@transaction.atomic
def gar_method_attach_for_member(*, user: User, identity: GarIdentity) -> AuthenticationMethod:
    """A team member arriving from the ENT (a teacher: never matched against the list)
    proved their password: their account signs in through the ENT from now on. Refused
    for an account with no active membership in a school of the identity's UAIs
    (GarNotAMemberError), and as `authentication_method_add` refuses. Recorded in that
    organisation."""
    # A member of the team of one of the schools the GAR names (staff of several schools:
    # the one where they are a member), never of any school.
    here = (
        Membership.objects.filter(
            user=user, disabled_at__isnull=True, organization__uai__in=identity.schools
        )
        .select_related("organization")
        .order_by("organization__uai")
        .first()
    )
    if here is None:
        raise GarNotAMemberError()
    return _add_method(
        user=user,
        identity=identity,
        organization=here.organization,
        reason="member",
    )
