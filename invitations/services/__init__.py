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
    invitations_forget_requesters,
    invitations_send_unqueued,
)

__all__ = [
    "Acceptance",
    "Outcome",
    "SelfActivation",
    "invitation_accept",
    "invitation_cancel",
    "invitation_record_delivery",
    "invitation_resend",
    "invitation_send",
    "invitations_cancel_archived",
    "invitations_cancel_pending",
    "invitations_forget_requesters",
    "invitations_send_unqueued",
    "self_activation_request",
]
