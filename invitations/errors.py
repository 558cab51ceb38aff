"""The coded refusals of invitations (see pixorga.errors): each link outcome has its page.

A link that names no invitation, or whose code is wrong, gets one generic refusal that
names nothing (`INVITATION_LINK_INVALID`): whoever guesses ids learns neither schools nor
statuses. Only a link with a code the invitation has had (its current code, or one it
replaced) learns more.
"""

from django.utils.translation import gettext_lazy as _

from pixorga.errors import AppError


class InvitationLinkInvalidError(AppError):
    code = "INVITATION_LINK_INVALID"
    default_message = _("This invitation link is not valid.")
    status = 404
    template_name = "invitations/link_invalid.html"


class InvitationLinkError(AppError):
    """A refusal about a real invitation whose link holds one of its codes."""

    status = 410

    def __init__(self, invitation) -> None:
        self.invitation = invitation
        self.organization = invitation.organization
        super().__init__(
            meta={"invitation_id": invitation.pk, "organization_id": invitation.organization_id}
        )


class InvitationAlreadyAcceptedError(InvitationLinkError):
    code = "INVITATION_ALREADY_ACCEPTED"
    default_message = _("This invitation has already been accepted.")
    template_name = "invitations/link_accepted.html"


class InvitationCancelledError(InvitationLinkError):
    code = "INVITATION_CANCELLED"
    default_message = _("This invitation has been cancelled.")
    template_name = "invitations/link_cancelled.html"


class InvitationReplacedError(InvitationLinkError):
    code = "INVITATION_REPLACED"
    default_message = _("A newer e-mail was sent for this invitation: use the link it holds.")
    template_name = "invitations/link_replaced.html"


class InvitationOrganizationArchivedError(InvitationLinkError):
    code = "ORGANIZATION_ARCHIVED"
    default_message = _("This organisation's Pix Orga space is closed.")
    status = 403
    template_name = "invitations/link_archived.html"


class InvitationNotPendingError(AppError):
    """Resending or cancelling an invitation that was accepted or cancelled meanwhile."""

    code = "INVITATION_NOT_PENDING"
    default_message = _("This invitation is no longer pending.")
    status = 409


class OrganizationClosedError(AppError):
    """Inviting into an archived organisation (the back office, the team page)."""

    code = "ORGANIZATION_ARCHIVED"
    default_message = _("This organisation's space is closed: nobody can be invited to it.")
    status = 409


class NoOfficialEmailError(AppError):
    code = "NO_OFFICIAL_EMAIL"
    default_message = _(
        "This organisation has no official e-mail address on file, where its administrator "
        "invitation would be sent. Contact Pix support."
    )
    status = 409


class UaiNotRecognizedError(AppError):
    """Unknown UAI and archived organisation alike: archiving is not revealed."""

    code = "UAI_NOT_RECOGNIZED"
    default_message = _(
        "UAI not recognised. Check the UAI of your school (7 digits and a letter, for "
        "example 0750654D) or contact Pix support."
    )
    status = 404


class SelfActivationRateLimitedError(AppError):
    code = "RATE_LIMITED"
    default_message = _(
        "Too many requests in a short time. If an invitation was already sent, look for it "
        "in the school's official mailbox; otherwise try again later."
    )
    status = 429
