"""The preview of a validated import: what confirming it now would do, per class."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from organizations.models import Organization
from students.models import Learner
from students.ordering import classes_in_order
from students.siecle import ReadResult


def import_preview(*, organization: Organization, result: ReadResult) -> dict[str, Any]:
    """What applying `result` now would do: totals and a row per class.

    For display only: the apply recomputes against the list as it is then.
    """
    current = {
        ine: (disabled, division)
        for ine, disabled, division in Learner.objects.filter(
            organization=organization
        ).values_list("ine", "disabled", "division")
    }
    per_class: dict[str, Counter] = defaultdict(Counter)
    # Classes in a school's order (level from the MEF codes, then natural), as on the list.
    mef_codes: dict[str, list[str]] = defaultdict(list)
    in_file = set()
    for learner in result.learners:
        in_file.add(learner.ine)
        mef_codes[learner.division].append(learner.mef_code)
        previous = current.get(learner.ine)
        kind = "created" if previous is None else "reenabled" if previous[0] else "updated"
        counter = per_class[learner.division]
        counter[kind] += 1
        counter["total"] += 1
    for ine, (disabled, division) in current.items():
        if not disabled and ine not in in_file:
            per_class[division]["disabled"] += 1
            mef_codes.setdefault(division, [])  # a class that disappears keeps its place
    kinds = ("created", "updated", "reenabled", "disabled")
    divisions = [
        {"division": division, "total": counter["total"], **{k: counter[k] for k in kinds}}
        for division in classes_in_order(mef_codes)
        for counter in (per_class[division],)
    ]
    totals = {kind: sum(row[kind] for row in divisions) for kind in kinds}
    return {"learners": len(result.learners), **totals, "divisions": divisions}
