"""The refusals of the GAR's arrival pages, shown on `campaigns/gar/refusal.html` with
their code. The reconciliation's own (STUDENT_NOT_FOUND, R11-R33, JOIN_RATE_LIMITED) are
reused from `campaigns.join_errors`; these are the ones the ENT adds."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..join_errors import StudentJoinError


class GarArrivalExpiredError(StudentJoinError):
    """No arrival waiting, one that does not verify, or one older than an hour."""

    code = "GAR_ARRIVAL_EXPIRED"
    status = 400
    title = _("Start again from your ENT")
    offers_ent_restart = True
    default_message = _(
        "This page waited too long (more than an hour), or it was not opened from your "
        "ENT. Go back to your ENT (your school's digital workspace) and open Pix Orga from "
        "it again."
    )


class GarSchoolUnavailableError(StudentJoinError):
    """No organisation has the identity's UAI, or it does not manage its students (no
    list to find the student in), or its space is closed."""

    code = "GAR_SCHOOL_UNAVAILABLE"
    title = _("Your school is not ready on Pix Orga")
    default_message = _(
        "Your school has not opened its Pix Orga space, or has not put its list of "
        "students in it yet. Ask your teacher."
    )


class GarLinkedToAnotherEntAccountError(StudentJoinError):
    """R13 / R33 that cannot be settled by the ENT: the learner is linked to an account
    signing in through the ENT, and the match is not exact or not in that school. The
    code stays the reconciliation's; the sentence cannot be "sign in through the ENT"
    (the student just did)."""

    title = _("Another account is already linked to you")
    default_message = _(
        "In the school's list, your name is already linked to another account that signs "
        "in through the ENT. Ask your teacher for help: they can check it and undo that "
        "link."
    )


class GarNotAMemberError(StudentJoinError):
    """Attaching the ENT to an account is for members of a school's team."""

    code = "GAR_NOT_A_MEMBER"
    title = _("This account is not a school team member's")
    default_message = _(
        "Only an account that belongs to the team of the school your ENT names can sign in "
        "through the ENT as a teacher. Ask your school's administrator to invite you, then "
        "try again from your ENT."
    )


class GarAccountDisabledError(StudentJoinError):
    """The account this IDO signs in has been deactivated (platform staff)."""

    code = "ACCOUNT_DISABLED"
    title = _("This account is deactivated")
    default_message = _(
        "The Pix Orga account linked to your ENT account has been deactivated. Ask your "
        "teacher or the school's administrator."
    )
