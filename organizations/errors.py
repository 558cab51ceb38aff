"""The coded refusals of organisation, membership and terms-of-use services (see
pixorga.errors)."""

from django.utils.translation import gettext_lazy as _

from pixorga.errors import AppError


class AlreadyMemberError(AppError):
    code = "ALREADY_MEMBER"
    default_message = _("This person is already a member of this organisation.")
    status = 409


class LastAdministratorError(AppError):
    """The organisation would be left without an active administrator.

    meta: `organization_id`, `membership_id` (the membership that was to lose its role)."""

    code = "LAST_ADMINISTRATOR"
    default_message = _(
        "An organisation always keeps at least one administrator: appoint another "
        "administrator first."
    )
    status = 409


class MembershipNotActiveError(AppError):
    """The membership has already ended (removed, left). meta: `membership_id`."""

    code = "MEMBERSHIP_NOT_ACTIVE"
    default_message = _("This person is no longer a member of this organisation.")
    status = 409


class CguDateInPastError(AppError):
    code = "CGU_DATE_IN_PAST"
    default_message = _(
        "A new version of the terms of use takes effect now or later, not in the past."
    )
    status = 400


class CguDateBeforeLatestError(AppError):
    code = "CGU_DATE_BEFORE_LATEST"
    default_message = _(
        "A new version of the terms of use takes effect after the latest one, which "
        "applies from %(latest)s."
    )
    status = 400


class CguVersionOutdatedError(AppError):
    """The version being accepted is no longer (or not yet) the one in force: the person
    must read the current text first. meta: `version_id`, `current_version_id`."""

    code = "CGU_VERSION_OUTDATED"
    default_message = _(
        "The terms of use have changed while you were reading them: please read the new "
        "version before accepting it."
    )
    status = 409
