"""The matching rule: which line of the school's list a student who typed their names and
birth date is (product.md, "Student joining by code").

Candidates are the organisation's active learners born exactly on the typed date (the
caller's query, `learner_match_candidates`). Names are compared normalised
(`students.normalize.normalize_match_name`). For each given-name field in order — first
name, then second, then third — the candidates whose field is close to the typed first
name **and** whose last name or preferred last name is close to the typed last name
survive; a field decides only when exactly one candidate survives, and the first field
that decides wins. Pass 1 requires equality; pass 2 tolerates a ratio ≤ 0.25, the ratio
being the Levenshtein distance over the length of the typed value. Anything else (no one,
or several and no field deciding) is no match: a wrong link is worse than none.

Plain Python on any objects with the learner's name attributes, so that the table of
cases is tested without a database. The distance is rapidfuzz's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from rapidfuzz.distance import Levenshtein

from students.normalize import normalize_match_name

MAX_RATIO = 0.25
GIVEN_NAME_FIELDS = ("first_name", "middle_name", "third_name")


class Named(Protocol):
    first_name: str
    middle_name: str
    third_name: str
    last_name: str
    preferred_last_name: str


C = TypeVar("C", bound=Named)
Close = Callable[[str, str], bool]


def _equal(typed: str, stored: str) -> bool:
    return bool(typed) and typed == stored


def _tolerant(typed: str, stored: str) -> bool:
    if not typed or not stored:
        return False
    # The bound makes rapidfuzz stop counting early: the exact distance past it is moot.
    allowed = int(len(typed) * MAX_RATIO)
    return Levenshtein.distance(typed, stored, score_cutoff=allowed) <= allowed


PASSES: tuple[Close, ...] = (_equal, _tolerant)


def is_exact_on_first_given_name(candidate: Named, *, first_name: str, last_name: str) -> bool:
    """The typed names equal (after normalisation) the candidate's first given name and one
    of its last names: the strictest match, the one that lets the GAR's arrival move a
    learner's ENT account to another IDO (a middle name matching is not enough)."""
    typed_first = normalize_match_name(first_name)
    typed_last = normalize_match_name(last_name)
    return _equal(typed_first, normalize_match_name(candidate.first_name or "")) and any(
        _equal(typed_last, normalize_match_name(stored or ""))
        for stored in (candidate.last_name, candidate.preferred_last_name)
    )


def match_learner(candidates: Sequence[C], *, first_name: str, last_name: str) -> C | None:
    """The one candidate the typed names designate, or None."""
    return match_learner_with_pass(candidates, first_name=first_name, last_name=last_name)[0]


def match_learner_with_pass(
    candidates: Sequence[C], *, first_name: str, last_name: str
) -> tuple[C | None, int | None]:
    """The one candidate the typed names designate and the pass that found it (0: equal
    names, 1: tolerated), or (None, None). The GAR's arrival needs to know: a learner
    already linked to an ENT account changes hands only on an exact match."""
    typed_first = normalize_match_name(first_name)
    typed_last = normalize_match_name(last_name)
    if not typed_first or not typed_last:
        return None, None
    normalised = [
        (
            candidate,
            [normalize_match_name(getattr(candidate, name) or "") for name in GIVEN_NAME_FIELDS],
            (
                normalize_match_name(candidate.last_name or ""),
                normalize_match_name(candidate.preferred_last_name or ""),
            ),
        )
        for candidate in candidates
    ]
    for number, close in enumerate(PASSES):
        for index in range(len(GIVEN_NAME_FIELDS)):
            survivors = [
                candidate
                for candidate, given_names, last_names in normalised
                if close(typed_first, given_names[index])
                and any(close(typed_last, stored) for stored in last_names)
            ]
            if len(survivors) == 1:
                return survivors[0], number
    return None, None
