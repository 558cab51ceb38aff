"""The order of classes (students/ordering.py): by level, from the MEF codes or the
name's prefix, then naturally; classes of no known level last."""

import random

import pytest

from students.ordering import (
    UNKNOWN_LEVEL,
    class_level,
    class_sort_key,
    classes_in_order,
    mef_level,
    natural_key,
)
from tests.students.french_order import CLASSES


def test_the_issues_example_whatever_the_order_given():
    shuffled = CLASSES[:]
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        assert classes_in_order({division: [] for division in shuffled}) == CLASSES


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("10010012110", 0),
        ("10110001110", 1),
        ("10210001110", 2),
        ("10310001110", 3),
        ("20010001110", 4),
        ("20111001110", 5),
        ("20212001110", 6),
        ("27611001110", None),  # a vocational track: no level of ours
        ("", None),
    ],
)
def test_level_from_the_mef_codes_first_three_digits(code, level):
    assert mef_level(code) == level


def test_the_mef_code_comes_before_the_name():
    # "A1" says nothing, "ULIS" neither; "3A" would say troisième.
    assert class_level("A1", ["10010012110"]) == 0
    assert class_level("ULIS", ["10110001110", "10110001110"]) == 1
    assert class_level("3A", ["10010012110"]) == 0
    assert classes_in_order({"ULIS": ["10010012110"], "5A": [], "6B": []}) == ["6B", "ULIS", "5A"]


def test_the_most_common_level_of_a_class_wins_and_the_lowest_on_a_tie():
    assert class_level("4A", ["10010012110"] + ["10210001110"] * 3) == 2
    assert class_level("X", ["10010012110", "10210001110"]) == 0
    # Codes of no known level do not count: the known one decides.
    assert class_level("X", ["27611001110"] * 5 + ["20010001110"]) == 4


@pytest.mark.parametrize(
    ("division", "level"),
    [
        ("6A", 0),
        ("6 A", 0),
        ("5EME2", 1),
        ("4E1", 2),
        ("3PM", 3),
        ("2NDE3", 4),
        ("2DE1", 4),
        ("1G1", 5),
        ("1ERE STMG", 5),
        ("TG2", 6),
        ("TLE1", 6),
        ("10A", UNKNOWN_LEVEL),  # not a première
        ("ULIS", UNKNOWN_LEVEL),
        ("SEGPA", UNKNOWN_LEVEL),
        ("", UNKNOWN_LEVEL),
    ],
)
def test_level_from_the_name_when_no_mef_code_says(division, level):
    assert class_level(division, ["27611001110"]) == level


def test_unknown_classes_come_last_in_natural_order():
    divisions = ["UPE2A", "SEGPA10", "3A", "SEGPA2", "ULIS", "10A"]
    assert classes_in_order({division: [] for division in divisions}) == [
        "3A",
        "10A",
        "SEGPA2",
        "SEGPA10",
        "ULIS",
        "UPE2A",
    ]


def test_natural_order_compares_numbers_as_numbers_and_ignores_case():
    assert sorted(["6C10", "6c2", "6C1", "6B"], key=natural_key) == ["6B", "6C1", "6c2", "6C10"]
    # Names that differ only by case still have a fixed order.
    assert class_sort_key("6a") != class_sort_key("6A")


@pytest.mark.parametrize("name", ["TG2", "TLE1", "TSTMG", "TSTI2D1", "T3", "Terminale", "TES"])
def test_terminale_classes_are_recognised_by_their_name(name):
    assert class_level(name) == 6


@pytest.mark.parametrize("name", ["TP1", "THEATRE", "TICE"])
def test_other_names_starting_with_a_t_have_no_level(name):
    assert class_level(name) == UNKNOWN_LEVEL
