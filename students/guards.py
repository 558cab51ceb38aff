"""Guarded lookups of the Élèves pages (see `organizations/guards.py` for the rules).

Like the selectors, these only read: they import nothing from `students.services`.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from organizations.guards import membership_get_for_role
from organizations.models import Membership, Organization
from pixorga.errors import AppError

from .models import Import, Learner
from .selectors import learner_sign_in

IMPORT_NOT_ALLOWED = "IMPORT_NOT_ALLOWED"


class ImportUnavailableError(AppError):
    """A capability refusal: the organisation does not import its students from SIECLE."""

    code = IMPORT_NOT_ALLOWED
    default_message = _("Your organisation does not import its students from SIECLE.")
    status = 403
    template_name = "students/import_unavailable.html"


def organization_check_can_import(organization: Organization) -> None:
    if not organization.can_import_from_siecle:
        raise ImportUnavailableError(meta={"organization_id": organization.pk})


def import_get_for_admin(*, user: User, import_id: int) -> tuple[Import, Membership]:
    """An import, for an administrator of its organisation, which must import from SIECLE.

    Two queries: the import, then the person's membership there (with the organisation).
    """
    import_ = (
        Import.objects.select_related("created_by", "confirmed_by").filter(pk=import_id).first()
    )
    if import_ is None:
        raise Http404
    membership = membership_get_for_role(
        user=user, organization_id=import_.organization_id, role=Membership.Role.ADMIN
    )
    organization_check_can_import(membership.organization)
    import_.organization = membership.organization
    return import_, membership


def _learner_get_for_role(*, user: User, learner_id: int, role: str) -> tuple[Learner, Membership]:
    """A student (active or disabled: their history stays), for an active member of their
    organisation with `role`. Two queries: the learner with their account (and how it
    signs in, the annotation `sign_in`), then the membership."""
    learner = (
        Learner.objects.select_related("user")
        .annotate(sign_in=learner_sign_in())
        .filter(pk=learner_id)
        .first()
    )
    if learner is None:
        raise Http404
    membership = membership_get_for_role(
        user=user, organization_id=learner.organization_id, role=role
    )
    learner.organization = membership.organization
    return learner, membership


def learner_get_for_member(*, user: User, learner_id: int) -> tuple[Learner, Membership]:
    """A student, for an active member of their organisation (`/eleves/<id>/`)."""
    return _learner_get_for_role(user=user, learner_id=learner_id, role=Membership.Role.MEMBER)


def learner_get_for_admin(*, user: User, learner_id: int) -> tuple[Learner, Membership]:
    """A student, for an administrator of their organisation (one-time passwords,
    undoing a link): 403 for a member."""
    return _learner_get_for_role(user=user, learner_id=learner_id, role=Membership.Role.ADMIN)
