"""Writes on campaigns, their codes and participations (see each module)."""

from .campaigns import (
    CLASS_SEPARATOR,
    campaign_archive,
    campaign_create,
    campaign_create_per_class,
    campaign_delete,
    campaign_replace_code,
    campaign_unarchive,
    campaign_update,
)
from .joining import learner_dissociate
from .ownership import campaign_pass_on_ownership
from .participations import participation_delete, participation_share, participation_start

__all__ = [
    "CLASS_SEPARATOR",
    "campaign_archive",
    "campaign_create",
    "campaign_create_per_class",
    "campaign_delete",
    "campaign_pass_on_ownership",
    "campaign_replace_code",
    "campaign_unarchive",
    "campaign_update",
    "learner_dissociate",
    "participation_delete",
    "participation_share",
    "participation_start",
]
