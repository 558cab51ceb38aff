from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitationsConfig(AppConfig):
    name = "invitations"
    verbose_name = _("Invitations")

    def ready(self) -> None:
        from organizations.services.organizations import (
            ARCHIVE_STEPS,
            OFFICIAL_EMAIL_CHANGED_STEPS,
        )

        from .services import invitations_cancel_archived, invitations_cancel_sent_to_old_address

        # Archiving an organisation cancels its pending invitations (product.md).
        if invitations_cancel_archived not in ARCHIVE_STEPS:
            ARCHIVE_STEPS.append(invitations_cancel_archived)
        # A school's official address changed: what was sent to the old one is cancelled.
        if invitations_cancel_sent_to_old_address not in OFFICIAL_EMAIL_CHANGED_STEPS:
            OFFICIAL_EMAIL_CHANGED_STEPS.append(invitations_cancel_sent_to_old_address)
