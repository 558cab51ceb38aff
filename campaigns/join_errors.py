"""The refusals of the students' pages: code entry, matching (reconciliation) and the
sign-up without an e-mail.

Each has its own sentence, for a pupil of 12, and a code shown on the page so that a
teacher finds it in the documentation's troubleshooting kit. The reconciliation codes are
Pix's (product.md): R11-R13 (the student's INE is linked, in another school, to an account
that signs in by e-mail / identifier / ENT), R31-R33 (the learner is already linked, in
this school, to another account), R70 (this account has another learner here), R90 (this
account seems to be another student's). The other account's sign-in is shown masked
(`meta["login"]`: j***@e***.fr, j***.d***0512), never whole.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.masking import mask_email, mask_identifier
from accounts.models import User
from pixorga.errors import AppError

SignIn = User.SignInMethod


class StudentJoinError(AppError):
    """A refusal shown on its own page (`title` heads it) with its code."""

    status = 403
    title = _("You cannot continue")
    # Shown to students with its code, so explained by the documentation's troubleshooting
    # kit (campaigns/troubleshooting.py; a test keeps the two equal).
    shown_to_students = True
    # Whether the page offers to sign in with the account named in `meta["login"]`.
    offers_sign_in = False
    # Whether the page offers to sign out and start again.
    offers_sign_out = False


# --- Code entry and the campaign's state ----------------------------------------------------


class CampaignCodeUnknownError(StudentJoinError):
    code = "CAMPAIGN_CODE_UNKNOWN"
    status = 404
    title = _("This code does not work")
    default_message = _(
        "This code does not lead to any campaign. A code has 9 characters, 6 letters then "
        "3 digits, such as ABCDEF234. Check it, or ask the person who gave it to you."
    )


class CampaignGoneError(StudentJoinError):
    code = "CAMPAIGN_DELETED"
    status = 410
    title = _("This campaign no longer exists")
    default_message = _(
        "The person who organised it has deleted it. Ask your teacher whether there is a new code."
    )


class CampaignArchivedPageError(StudentJoinError):
    code = "CAMPAIGN_ARCHIVED"
    title = _("This campaign is closed")
    default_message = _(
        "It no longer takes new participants. Ask your teacher whether another campaign "
        "replaces it."
    )


class SpaceClosedError(StudentJoinError):
    code = "ORGANIZATION_ARCHIVED"
    title = _("This school's space is closed")
    default_message = _(
        "Its campaigns no longer take participants. Ask your teacher what to do instead."
    )


class JoinRateLimitedError(StudentJoinError):
    code = "JOIN_RATE_LIMITED"
    status = 429
    title = _("Too many tries")
    default_message = _(
        "You have tried too many times. Wait a while (up to an hour) before trying again, "
        "or ask your teacher for help."
    )


# --- Matching ---------------------------------------------------------------------------------


class NoMatchError(StudentJoinError):
    code = "STUDENT_NOT_FOUND"
    status = 400
    title = _("We did not find you in the list")
    default_message = _(
        "No student of this school's list has exactly these first name, last name and "
        "birth date. Check them (the birth date most of all) and try again. If it still "
        "does not work, ask your teacher. Teachers: this page is for students."
    )


class AccountLinkedToAnotherLearnerError(StudentJoinError):
    code = "R70"
    title = _("This account is already someone's in this school")
    offers_sign_out = True
    default_message = _(
        "This account is already linked to another student of this school. Sign out, then "
        "start again with your own account."
    )


class AccountOfAnotherStudentError(StudentJoinError):
    code = "R90"
    title = _("This account seems to be another student's")
    offers_sign_out = True
    default_message = _(
        "In another school, this account is linked to a student who has neither your INE "
        "nor your birth date. Sign in with your own account, or contact Pix support."
    )


class AlreadyLinkedError(StudentJoinError):
    """R1x / R3x: the learner (or the same student in another school) has an account.
    meta: `method` (EMAIL / IDENTIFIER / ENT), `login` (masked; empty for the ENT)."""

    title = _("You already have an account")
    offers_sign_in = True
    elsewhere = False
    CODES = {}
    MESSAGES = {}

    @classmethod
    def for_account(cls, account: User) -> AlreadyLinkedError:
        methods = account.sign_in_methods
        method = methods[0] if methods else SignIn.IDENTIFIER
        login = {
            SignIn.EMAIL: lambda: mask_email(account.email or ""),
            SignIn.IDENTIFIER: lambda: mask_identifier(account.username or ""),
            SignIn.ENT: lambda: "",
        }[method]()
        error = cls(code=cls.CODES[method], meta={"method": str(method), "login": login})
        # Which account (not in `meta`, which pages and the API may show): the GAR's
        # arrival asks for that account's password.
        error.account_id = account.pk
        return error

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.meta["method"]]) % {"login": self.meta["login"]}


class LinkedInAnotherSchoolError(AlreadyLinkedError):
    CODES = {SignIn.EMAIL: "R11", SignIn.IDENTIFIER: "R12", SignIn.ENT: "R13"}
    MESSAGES = {
        SignIn.EMAIL: _(
            "You already have an account, made in another school: it signs in with the "
            "e-mail address %(login)s. Sign in with it to continue. If it is not yours, ask "
            "your teacher for help."
        ),
        SignIn.IDENTIFIER: _(
            "You already have an account, made in another school: it signs in with the "
            "identifier %(login)s. Sign in with it to continue. If it is not yours, ask your "
            "teacher for help."
        ),
        SignIn.ENT: _(
            "You already have an account, made in another school: it signs in through the "
            "ENT (your school's digital workspace). Sign in through the ENT to continue. If "
            "it is not yours, ask your teacher for help."
        ),
    }


class LinkedInThisSchoolError(AlreadyLinkedError):
    title = _("Another account is already linked to you")
    CODES = {SignIn.EMAIL: "R31", SignIn.IDENTIFIER: "R32", SignIn.ENT: "R33"}
    MESSAGES = {
        SignIn.EMAIL: _(
            "In this school's list, your name is already linked to another account, which "
            "signs in with the e-mail address %(login)s. Sign in with that account to "
            "continue. If it is not yours, tell your teacher: the link can be undone."
        ),
        SignIn.IDENTIFIER: _(
            "In this school's list, your name is already linked to another account, which "
            "signs in with the identifier %(login)s. Sign in with that account to continue. "
            "If it is not yours, tell your teacher: the link can be undone."
        ),
        SignIn.ENT: _(
            "In this school's list, your name is already linked to another account, which "
            "signs in through the ENT (your school's digital workspace). Sign in through the "
            "ENT to continue. If it is not yours, tell your teacher: the link can be undone."
        ),
    }
