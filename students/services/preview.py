"""The preview of a validated import: what confirming it now would do, per class; and
whether it would disable so much of the list that confirming needs an explicit tick."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from organizations.models import Organization
from students.models import Import, Learner
from students.ordering import classes_in_order
from students.siecle import ReadResult

from .rows import ROW_FIELDS, RowsCorruptedError, rows_stream

# Confirming an import that disables more than this share of the active students needs the
# person's acknowledgement: a file holding one class, exported by mistake, would otherwise
# empty the school's list in one click. A September import disabling the leavers stays
# well under it in most schools, and above it the tick is one click.
MASS_DEACTIVATION_SHARE = (1, 5)


def import_preview(*, organization: Organization, result: ReadResult) -> dict[str, Any]:
    """What applying `result` now would do: totals, a row per class, and the mass
    deactivation check (`mass_deactivation`, see `mass_deactivation`).

    For display only: the apply recomputes against the list as it is then, and the
    confirmation checks the mass deactivation again.
    """
    current = {
        ine: (disabled, division, mef_code)
        for ine, disabled, division, mef_code in Learner.objects.filter(
            organization=organization
        ).values_list("ine", "disabled", "division", "mef_code")
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
    for ine, (disabled, division, _mef_code) in current.items():
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
    active = [
        (ine, division, mef_code)
        for ine, (disabled, division, mef_code) in current.items()
        if not disabled
    ]
    check = mass_deactivation(
        active=active,
        ines_in_file=in_file,
        classes_in_file={learner.division for learner in result.learners},
    )
    return {
        "learners": len(result.learners),
        **totals,
        "divisions": divisions,
        "mass_deactivation": check,
    }


def mass_deactivation(
    *,
    active: Iterable[tuple[str, str, str]],
    ines_in_file: set[str],
    classes_in_file: set[str],
) -> dict[str, Any]:
    """Would this file disable more than a fifth of the active students?

    `active` is the organisation's active students as (INE, class, MEF code). Returns
    {"active", "disabled", "classes", "needs_acknowledgement"}: how many are active, how
    many the file would disable, the classes of the active students that the file does not
    have (in a school's order: these classes would disappear from the list), and whether
    confirming needs the person's explicit acknowledgement (strictly more than a fifth; an
    empty list never does).
    """
    count = disabled = 0
    vanishing: dict[str, list[str]] = defaultdict(list)
    for ine, division, mef_code in active:
        count += 1
        if ine not in ines_in_file:
            disabled += 1
        if division and division not in classes_in_file:
            vanishing[division].append(mef_code)
    numerator, denominator = MASS_DEACTIVATION_SHARE
    return {
        "active": count,
        "disabled": disabled,
        "classes": classes_in_order(vanishing),
        "needs_acknowledgement": disabled * denominator > count * numerator,
    }


def rows_ines_and_classes(*, rows_path: str, rows_sha256: str) -> tuple[set[str], set[str]]:
    """The INEs and classes of a validated rows file (students.services.rows); raises
    OSError when it is gone, RowsCorruptedError when it is not what the check wrote."""
    ine_at, division_at = ROW_FIELDS.index("ine"), ROW_FIELDS.index("division")
    ines: set[str] = set()
    classes: set[str] = set()
    data = b"".join(rows_stream(rows_path, rows_sha256))
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    next(reader)  # the header, checked by rows_stream
    for values in reader:
        ines.add(values[ine_at])
        classes.add(values[division_at])
    return ines, classes


def import_mass_deactivation(*, import_: Import) -> dict[str, Any]:
    """The mass deactivation check of a validated import against the list as it is now
    (a list changed since the check, by another import, is what counts at confirmation).

    Should its rows file be unreadable, the check made at validation stands: the apply
    would refuse that import anyway (FILE_MISSING, IMPORT_FAILED), writing nothing.
    """
    try:
        ines, classes = rows_ines_and_classes(
            rows_path=import_.rows_path, rows_sha256=import_.rows_sha256
        )
    except (OSError, ValueError, RowsCorruptedError):
        stored = (import_.preview or {}).get("mass_deactivation") or {}
        return {"active": 0, "disabled": 0, "classes": [], "needs_acknowledgement": False, **stored}
    active = Learner.objects.filter(organization_id=import_.organization_id, disabled=False)
    return mass_deactivation(
        active=active.values_list("ine", "division", "mef_code").iterator(),
        ines_in_file=ines,
        classes_in_file=classes,
    )
