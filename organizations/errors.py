"""The coded refusals of organisation and membership services (see pixorga.errors)."""

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
