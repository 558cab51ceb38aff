from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitationsConfig(AppConfig):
    name = "invitations"
    verbose_name = _("Invitations")

    def ready(self) -> None:
        from organizations.services.organizations import ARCHIVE_STEPS

        from .services import invitations_cancel_archived

        # Archiving an organisation cancels its pending invitations (product.md).
        if invitations_cancel_archived not in ARCHIVE_STEPS:
            ARCHIVE_STEPS.append(invitations_cancel_archived)
