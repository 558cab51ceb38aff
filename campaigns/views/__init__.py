"""The campaign pages. Every view goes through `org_view`: the list and the creation pages
for members of the current organisation; a URL naming a campaign through a guarded
lookup of `campaigns.guards` (outsider → 404, member where the owner or an administrator
is needed → 403), which hands the view the campaign."""

from .follow import campaign_detail, campaign_export, campaign_sheet, participation_delete_view
from .manage import (
    campaign_archive_view,
    campaign_create_view,
    campaign_delete_view,
    campaign_edit_view,
    campaign_list,
    campaign_per_class_view,
    campaign_unarchive_view,
)

__all__ = [
    "campaign_archive_view",
    "campaign_create_view",
    "campaign_delete_view",
    "campaign_detail",
    "campaign_edit_view",
    "campaign_export",
    "campaign_list",
    "campaign_per_class_view",
    "campaign_sheet",
    "campaign_unarchive_view",
    "participation_delete_view",
]
