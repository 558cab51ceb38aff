from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        # A member who is removed or leaves hands their campaigns over in the same
        # transaction (campaigns.services.ownership); organizations imports no campaigns.
        from organizations.services.memberships import on_membership_ended

        from .services.ownership import campaign_pass_on_ownership

        on_membership_ended(campaign_pass_on_ownership)
