"""Writes on invitations. Views, the back office, tasks and tests go through these; each
records what it changed in the audit log (`organizations.audit`), in its transaction."""

from .accepting import Acceptance, Outcome, invitation_accept
from .self_activation import SelfActivation, self_activation_request
from .sending import (
    invitation_cancel,
    invitation_record_delivery,
    invitation_resend,
    invitation_send,
    invitations_cancel_archived,
    invitations_cancel_pending,
    invitations_cancel_sent_to_old_address,
    invitations_forget_requesters,
    invitations_send_unqueued,
)
from .team import (
    MAX_ADDRESSES,
    InvalidAddressesError,
    ParsedAddresses,
    TeamInvitations,
    TooManyAddressesError,
    addresses_check,
    addresses_parse,
    invitation_cancel_by_admin,
    invitation_resend_by_admin,
    invitations_send_many,
    team_invitations_preview,
)

__all__ = [
    "MAX_ADDRESSES",
    "Acceptance",
    "InvalidAddressesError",
    "Outcome",
    "ParsedAddresses",
    "SelfActivation",
    "TeamInvitations",
    "TooManyAddressesError",
    "addresses_check",
    "addresses_parse",
    "invitation_accept",
    "invitation_cancel",
    "invitation_cancel_by_admin",
    "invitation_record_delivery",
    "invitation_resend",
    "invitation_resend_by_admin",
    "invitation_send",
    "invitations_cancel_archived",
    "invitations_cancel_pending",
    "invitations_cancel_sent_to_old_address",
    "invitations_forget_requesters",
    "invitations_send_many",
    "invitations_send_unqueued",
    "self_activation_request",
    "team_invitations_preview",
]
