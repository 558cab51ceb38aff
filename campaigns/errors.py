"""The coded refusals of the campaign services (see `pixorga.errors`).

A refusal that belongs next to a form field says which one in `field` (and in `meta`),
so that a page shows it under that field with its code.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pixorga.errors import AppError


class CampaignError(AppError):
    status = 400
    # The form field the refusal is about, if any.
    field: str | None = None
    # Whether a student may read it (a refusal page with its code, a field's error, a
    # message): then the documentation's troubleshooting kit explains it
    # (`campaigns.troubleshooting`; a test checks every such code has its entry). True
    # unless said otherwise, so that a new refusal cannot reach a student unexplained:
    # only the refusals of the school's own pages (campaign management) say False, and
    # CampaignClosedError and CampaignDeletedError, which reach students as their page
    # twins of join_errors, with the same codes.
    shown_to_students = True


class CampaignOwnerNotMemberError(CampaignError):
    code = "CAMPAIGN_OWNER_NOT_MEMBER"
    shown_to_students = False
    default_message = _("The owner must be an active member of your organisation.")
    field = "owner"


class CampaignUnknownClassError(CampaignError):
    """meta: `division`."""

    code = "CAMPAIGN_UNKNOWN_CLASS"
    shown_to_students = False
    default_message = _("The class %(division)s is not in your student list.")
    field = "target_division"


class CampaignNoClassError(CampaignError):
    code = "CAMPAIGN_NO_CLASS"
    shown_to_students = False
    default_message = _("Choose at least one class.")
    field = "divisions"


class CampaignNameTooLongError(CampaignError):
    """The name with the class added ("<name>", an en dash, "<division>") is too long. meta: `max`,
    `division`."""

    code = "CAMPAIGN_NAME_TOO_LONG"
    shown_to_students = False
    default_message = _(
        "With the class name added (%(division)s), the name would be longer than %(max)s "
        "characters: shorten it."
    )
    field = "name"


class MultipleSendingsFrozenError(CampaignError):
    code = "CAMPAIGN_MULTIPLE_SENDINGS_FROZEN"
    shown_to_students = False
    default_message = _(
        "Students have already joined this campaign: whether they may send their results "
        "more than once can no longer change."
    )
    field = "multiple_sendings"
    status = 409


class CampaignAlreadyArchivedError(CampaignError):
    code = "CAMPAIGN_ALREADY_ARCHIVED"
    shown_to_students = False
    default_message = _("This campaign is already archived.")
    status = 409


class CampaignNotArchivedError(CampaignError):
    code = "CAMPAIGN_NOT_ARCHIVED"
    shown_to_students = False
    default_message = _("This campaign is not archived.")
    status = 409


class CampaignDeletedError(CampaignError):
    """The campaign was deleted meanwhile (another tab, another person)."""

    code = "CAMPAIGN_DELETED"
    shown_to_students = False
    default_message = _("This campaign has been deleted.")
    status = 404


class CampaignCodeUnavailableError(CampaignError):
    """No free code after several draws: never seen in practice (10^10 codes), but a
    broken generator must fail loudly rather than loop."""

    code = "CAMPAIGN_CODE_UNAVAILABLE"
    shown_to_students = False
    default_message = _("No campaign code could be drawn. Try again in a moment.")
    status = 503


# --- Joining (the student side calls these; the next issue words the pages) -------------


class CampaignClosedError(CampaignError):
    """Archived campaign, or the organisation's space is closed."""

    code = "CAMPAIGN_ARCHIVED"
    shown_to_students = False
    default_message = _("This campaign is closed: it accepts no new participants.")
    status = 403


class CampaignOtherClassError(CampaignError):
    """The campaign is for one class and the student is in another. meta: `division`."""

    code = "CAMPAIGN_OTHER_CLASS"
    default_message = _(
        "This campaign is for the class %(division)s. Ask your teacher for your class's code."
    )
    status = 403


class ExternalIdRequiredError(CampaignError):
    code = "PARTICIPATION_EXTERNAL_ID_REQUIRED"
    default_message = _("Fill in this field: your school asks for it.")
    field = "external_id"


class ExternalIdInvalidError(CampaignError):
    code = "PARTICIPATION_EXTERNAL_ID_INVALID"
    default_message = _("Enter an e-mail address, such as name@example.fr.")
    field = "external_id"


class ExternalIdTooLongError(CampaignError):
    """meta: `max`."""

    code = "PARTICIPATION_EXTERNAL_ID_TOO_LONG"
    default_message = _("At most %(max)s characters.")
    field = "external_id"


class ParticipationAlreadySharedError(CampaignError):
    code = "PARTICIPATION_ALREADY_SHARED"
    default_message = _("Your results have already been sent to your school.")
    status = 409


class LearnerDisabledError(CampaignError):
    """The account's learner is no longer in the school's list (left, or absent from the
    last import)."""

    code = "LEARNER_DISABLED"
    default_message = _(
        "Your school's list no longer counts you among its students (you may have changed "
        "school). Ask your teacher: they will check the list."
    )
    status = 403
