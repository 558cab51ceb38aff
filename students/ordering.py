"""The order of classes, as a school lists them: by level, then naturally.

6A, 6B, 6C10, 5A, 4A, 3A, 2NDE1, 2NDE10, 1G1, TG2, ULIS: sixième first, terminale
last, and within a level "6C2" before "6C10". A class's level comes from the MEF codes
of its students (the first three digits: 100 sixième … 202 terminale), else from the
class name's prefix; classes of no known level come last.

Plain Python with no import from `students.services`: the list's selectors, its sort
by class and the import preview all use it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

# The MEF code's first three digits -> the level's rank.
MEF_LEVELS = {
    "100": 0,  # sixième
    "101": 1,  # cinquième
    "102": 2,  # quatrième
    "103": 3,  # troisième
    "200": 4,  # seconde
    "201": 5,  # première
    "202": 6,  # terminale
}
UNKNOWN_LEVEL = 7

# A class name's prefix -> the level's rank, when its students' MEF codes say nothing.
# A level digit must not be followed by another digit: "10A" is not a première.
_PREFIXES = (
    (re.compile(r"6(?!\d)"), 0),
    (re.compile(r"5(?!\d)"), 1),
    (re.compile(r"4(?!\d)"), 2),
    (re.compile(r"3(?!\d)"), 3),
    (re.compile(r"2(?!\d)"), 4),  # 2NDE1, 2DE3, 2GT
    (re.compile(r"1(?!\d)"), 5),  # 1G1, 1ERE2, 1STMG
    # TG2, TLE1, TSTMG, TSTI2D, T3: not any name that starts with a T (TP1, THEATRE).
    (re.compile(r"T(?:LE|ERM|G|ST|S(?![A-Z])|ES|L(?![A-Z])|\d)", re.IGNORECASE), 6),
)
_NUMBERS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    """ "6A" < "6B" < "6C2" < "6C10": numbers compared as numbers, text without case."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in _NUMBERS.split(text)
        if part
    )


def mef_level(mef_code: str) -> int | None:
    """The level's rank given by a MEF code, or None for another track (or no code)."""
    return MEF_LEVELS.get(mef_code[:3]) if mef_code else None


def class_level(division: str, mef_codes: Iterable[str] = ()) -> int:
    """The level of a class: the one most of its students' MEF codes give (the lowest on
    a tie), else the one its name's prefix gives, else UNKNOWN_LEVEL."""
    levels = Counter(level for code in mef_codes if (level := mef_level(code)) is not None)
    if levels:
        return min(levels, key=lambda level: (-levels[level], level))
    name = division.strip()
    for prefix, level in _PREFIXES:
        if prefix.match(name):
            return level
    return UNKNOWN_LEVEL


def class_sort_key(division: str, mef_codes: Iterable[str] = ()) -> tuple:
    """Sort key of a class: level, then natural order, then the name itself (so that two
    names differing only by case still have a fixed order)."""
    return (class_level(division, mef_codes), natural_key(division), division)


def classes_in_order(mef_codes_by_class: Mapping[str, Iterable[str]]) -> list[str]:
    """The classes, in a school's order; `mef_codes_by_class` maps each class to its
    students' MEF codes (one per student, repeats included, or none)."""
    return sorted(
        mef_codes_by_class,
        key=lambda division: class_sort_key(division, mef_codes_by_class[division]),
    )
