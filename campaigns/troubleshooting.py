"""The documentation's troubleshooting kit: for each code a student's refusal shows, what
they read, why it happens and what a teacher does.

The codes and what the student reads come from the error classes themselves (a sign-in
refusal per sign-in method, `CODES`), never from a list typed here: a test checks that
the kit covers exactly the codes of the refusals shown to students
(`shown_to_students`, true unless a class says otherwise: the campaign pages' own
refusals), so a new refusal cannot ship without its entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from pixorga.errors import AppError

from .errors import (
    CampaignOtherClassError,
    ExternalIdInvalidError,
    ExternalIdRequiredError,
    ExternalIdTooLongError,
    LearnerDisabledError,
    ParticipationAlreadySharedError,
)
from .gar.errors import (
    GarAccountDisabledError,
    GarArrivalExpiredError,
    GarNotAMemberError,
    GarSchoolUnavailableError,
)
from .join_errors import (
    AccountLinkedToAnotherLearnerError,
    AccountOfAnotherStudentError,
    CampaignArchivedPageError,
    CampaignCodeUnknownError,
    CampaignGoneError,
    JoinRateLimitedError,
    LinkedInAnotherSchoolError,
    LinkedInThisSchoolError,
    NoMatchError,
    SpaceClosedError,
)
from .services.participations import EXTERNAL_ID_MAX_LENGTH

SignIn = User.SignInMethod
# What the refusal pages show in place of the other account's sign-in (masked there too).
EXAMPLE_LOGIN = {SignIn.EMAIL: "j***@e***.fr", SignIn.IDENTIFIER: "j***.d***0512", SignIn.ENT: ""}
EXAMPLE_DIVISION = "4E2"

# The buttons of the student's page (templates/students/learner_detail.html) that the
# kit's advice names, as `%(name)s`: the page's own messages.
BUTTONS = {
    "unlink": gettext_noop("Unlink the account"),
    "password": gettext_noop("One-time password"),
}

_OTHER_SCHOOL_TODO = _(
    "The student signs in with that account: it is then linked to your list automatically "
    "(same INE and same birth date). If the account is not theirs, the link was made in "
    "the other school: its administrators can click “%(unlink)s” on the student's page of "
    "their Students tab; otherwise contact Pix support."
)
_THIS_SCHOOL_TODO = _(
    "The student signs in with that account. If it is not theirs (a classmate signed up in "
    "their name, for instance), an administrator opens the student's page in the Students "
    "tab and clicks “%(unlink)s”: the student can then join again with their own account."
)


@dataclass(frozen=True)
class Trouble:
    """One entry of the kit: `error` is the refusal as a student sees it."""

    error: AppError
    why: Promise
    what_to_do: Promise

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def title(self) -> str:
        return str(getattr(self.error, "title", "") or _("Action unavailable"))

    @property
    def message(self) -> str:
        return self.error.message

    @property
    def advice(self) -> str:
        """`what_to_do`, the buttons it names in the active language."""
        return str(self.what_to_do) % {key: gettext(label) for key, label in BUTTONS.items()}


def _linked(error_class, method, why: Promise, what_to_do: Promise) -> Trouble:
    error = error_class(
        code=error_class.CODES[method],
        meta={"method": str(method), "login": EXAMPLE_LOGIN[method]},
    )
    return Trouble(error, why, what_to_do)


def troubleshooting_kit() -> list[Trouble]:
    """The kit in the order the documentation shows it: matching first (Pix's codes), then
    the code and the campaign's state."""
    elsewhere, here = LinkedInAnotherSchoolError, LinkedInThisSchoolError
    return [
        _linked(
            elsewhere,
            SignIn.EMAIL,
            _(
                "The student was found in your list, and the same student (same INE) is "
                "already linked, in another school, to an account that signs in with an "
                "e-mail address."
            ),
            _OTHER_SCHOOL_TODO,
        ),
        _linked(
            elsewhere,
            SignIn.IDENTIFIER,
            _(
                "The student was found in your list, and the same student (same INE) is "
                "already linked, in another school, to an account that signs in with an "
                "identifier."
            ),
            _OTHER_SCHOOL_TODO,
        ),
        _linked(
            elsewhere,
            SignIn.ENT,
            _(
                "The student was found in your list, and the same student (same INE) is "
                "already linked, in another school, to an account that signs in through the "
                "ENT."
            ),
            _OTHER_SCHOOL_TODO,
        ),
        _linked(
            here,
            SignIn.EMAIL,
            _(
                "The student's line in your list is already linked to another account, which "
                "signs in with an e-mail address."
            ),
            _THIS_SCHOOL_TODO,
        ),
        _linked(
            here,
            SignIn.IDENTIFIER,
            _(
                "The student's line in your list is already linked to another account, which "
                "signs in with an identifier: often an account the student made earlier and "
                "forgot."
            ),
            _(
                "The student signs in with that account. If they no longer know its "
                "password, an administrator opens the student's page in the Students tab and "
                "clicks “%(password)s”: the student signs in with it once, then chooses their "
                "own. If the account is not theirs, “%(unlink)s” on the same page undoes the "
                "wrong link: the student can then join again with their own account."
            ),
        ),
        _linked(
            here,
            SignIn.ENT,
            _(
                "The student's line in your list is already linked to another account, which "
                "signs in through the ENT."
            ),
            _THIS_SCHOOL_TODO,
        ),
        Trouble(
            AccountLinkedToAnotherLearnerError(),
            _(
                "The account signed in is already linked to another student of your list: "
                "the student is using a classmate's account (someone stayed signed in on "
                "this computer) or a shared one."
            ),
            _(
                "The student signs out with the button of the page and starts again with "
                "their own account, or creates one. If the account really is theirs and was "
                "linked to the wrong line, an administrator clicks “%(unlink)s” on the other "
                "student's page in the Students tab."
            ),
        ),
        Trouble(
            AccountOfAnotherStudentError(),
            _(
                "In another school, this account is linked to a student who has neither the "
                "INE nor the birth date of the student found in your list: it seems to be "
                "someone else's account."
            ),
            _(
                "The student signs out and uses their own account, or creates one. If the "
                "account really is theirs, their details differ from one school to the "
                "other: contact Pix support."
            ),
        ),
        Trouble(
            NoMatchError(),
            _(
                "No student of your list (or more than one) has this birth date and names "
                "close enough to those typed. Capitals, accents, spaces and hyphens do not "
                "count and a small typo (about one letter in four) is tolerated, but the "
                "birth date must be exact. Students disabled by the last import are not "
                "searched."
            ),
            _(
                "Check the student's line in the Students tab: they type their first name, "
                "last name and birth date as shown there. A student who is not in the list "
                "arrived after your last import: import the latest SIECLE export again."
            ),
        ),
        Trouble(
            CampaignCodeUnknownError(),
            _("The code typed leads to no campaign: a character is wrong or missing."),
            _(
                "Check the code on the campaign's page, or give the students its direct "
                "link. Capitals and spaces do not matter."
            ),
        ),
        Trouble(
            CampaignGoneError(),
            _("The campaign of this code was deleted."),
            _("Create a new campaign and give its code."),
        ),
        Trouble(
            CampaignArchivedPageError(),
            _(
                "The campaign is archived: it takes no new participants (those who joined "
                "can still send their results)."
            ),
            _(
                "Its owner or an administrator unarchives it from the campaign's page, or "
                "gives the code of another campaign."
            ),
        ),
        Trouble(
            SpaceClosedError(),
            _("Your school's Pix Orga space is closed: its campaigns take no participants."),
            _("Contact Pix support."),
        ),
        Trouble(
            CampaignOtherClassError(meta={"division": EXAMPLE_DIVISION}),
            _(
                "The campaign was created for one class only, and the student is in another "
                "class of your list."
            ),
            _(
                "Give the student the code of their own class's campaign. If they changed "
                "class, import the latest SIECLE export."
            ),
        ),
        Trouble(
            LearnerDisabledError(),
            _(
                "The student's line is disabled: they were not in your last SIECLE import "
                "(they left, or the file missed them)."
            ),
            _(
                "If the student is still at your school, import a complete SIECLE export "
                "again: their line is re-enabled, with their account and their history."
            ),
        ),
        Trouble(
            ExternalIdRequiredError(),
            _(
                "The campaign asks for an external identifier (the field its owner named "
                "when creating it) before the student starts, and the field was left empty."
            ),
            _(
                "Tell the students what to type in that field (its label is on the "
                "campaign's page): they fill it in, then start."
            ),
        ),
        Trouble(
            ExternalIdInvalidError(),
            _(
                "The campaign's external identifier is an e-mail address, and what the "
                "student typed is not one."
            ),
            _("The student types a complete e-mail address, such as name@example.fr."),
        ),
        Trouble(
            ExternalIdTooLongError(meta={"max": EXTERNAL_ID_MAX_LENGTH}),
            _("What the student typed in the external identifier's field is too long."),
            _("The student types only the identifier asked for, without anything else."),
        ),
        Trouble(
            ParticipationAlreadySharedError(),
            _(
                "The student has already sent their results for this campaign, which does "
                "not allow sending more than once."
            ),
            _(
                "Nothing to do: the results are in the campaign's results. If the student "
                "sent them with someone else's account, an administrator clicks "
                "“%(unlink)s” on the student's page in the Students tab: those results are "
                "deleted and the student takes part again with their own account."
            ),
        ),
        Trouble(
            JoinRateLimitedError(),
            _(
                "Too many tries in a short time from this account or this browser (birth "
                "dates are easy to guess, so tries are limited). The other students of the "
                "class are not blocked."
            ),
            _(
                "The student waits (up to an hour) before trying again. Meanwhile, check "
                "their names and birth date in the Students tab."
            ),
        ),
        # --- Arriving from the ENT (the GAR), campaigns/gar/ ---
        Trouble(
            GarArrivalExpiredError(),
            _(
                "The student's first arrival from the ENT waited too long (more than an "
                "hour) before they typed their birth date, or the page was opened without "
                "going through the ENT."
            ),
            _(
                "The student opens Pix Orga again from the ENT (the Médiacentre or the "
                "resources page of your school's digital workspace) and types their birth "
                "date straight away."
            ),
        ),
        Trouble(
            GarSchoolUnavailableError(),
            _(
                "The ENT said which school the student belongs to (its UAI), and that school "
                "has no open Pix Orga space with its students' list, or no list imported yet."
            ),
            _(
                "An administrator imports the list from SIECLE (Students tab, then Import). "
                "If the school's space is not open yet, its head of school asks for it on "
                "the page “Activate or recover your Pix Orga space”."
            ),
        ),
        Trouble(
            GarNotAMemberError(),
            _(
                "A teacher arriving from the ENT tried to attach the ENT to a Pix Orga "
                "account that is not a member of a school's team."
            ),
            _(
                "An administrator invites the teacher from the Team tab; once they have "
                "joined, they attach the ENT to their account from the ENT's page for staff."
            ),
        ),
        Trouble(
            GarAccountDisabledError(),
            _("The Pix Orga account that the student's ENT signs in has been deactivated."),
            _("Contact Pix support: only the platform's staff reactivate an account."),
        ),
    ]
