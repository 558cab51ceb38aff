"""Handing out campaign codes: drawn at random, reserved in `CampaignCode` (unique
forever), retried on a collision.

Each draw is inserted in its own savepoint: a collision (the code exists, current or
retired) is an IntegrityError of that savepoint only, and the next draw goes on in the
same transaction. The generator is looked up on `campaigns.codes` at each draw, so a
test can make it collide on purpose.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User

from .. import codes
from ..errors import CampaignCodeUnavailableError
from ..models import Campaign, CampaignCode

logger = logging.getLogger(__name__)

# The chance that 8 draws in a row collide is negligible (one in 10^70 with a million
# campaigns); reaching it means the generator is broken.
MAX_DRAWS = 8


def code_reserve() -> str:
    """A code never handed out before, reserved for a campaign created in the same
    transaction (`code_attach`)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reserve a code in the transaction that gives it to its campaign")
    for draw in range(1, MAX_DRAWS + 1):
        code = codes.generate_code()
        try:
            with transaction.atomic():
                CampaignCode.objects.create(code=code)
        except IntegrityError:
            logger.info("campaign code collision, draw %d", draw)
            continue
        return code
    raise CampaignCodeUnavailableError(meta={"draws": MAX_DRAWS})


def code_attach(*, code: str, campaign: Campaign) -> None:
    CampaignCode.objects.filter(code=code, campaign__isnull=True).update(campaign=campaign)


def code_retire(*, campaign: Campaign, actor: User | None) -> None:
    """The campaign's current code stops being its code; it stays reserved forever."""
    CampaignCode.objects.filter(code=campaign.code).update(
        replaced_at=timezone.now(), replaced_by=actor
    )
