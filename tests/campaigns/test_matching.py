"""The matching rule (product.md, "Student joining by code"): the table of cases on plain
objects, then the candidates as the database gives them (birth date, disabled learners).
"""

import datetime
from dataclasses import dataclass

import pytest

from campaigns.join_errors import NoMatchError
from campaigns.matching import match_learner
from campaigns.reconciliation import learner_find
from students.normalize import normalize_match_name
from tests.factories import make_learner


@dataclass
class Line:
    first_name: str
    last_name: str
    middle_name: str = ""
    third_name: str = ""
    preferred_last_name: str = ""


def match(lines, first_name, last_name):
    return match_learner(lines, first_name=first_name, last_name=last_name)


LEA = Line("Léa", "MARTIN")
HUGO = Line("Hugo", "BERNARD", middle_name="Jean", third_name="Émile")
ELOISE = Line("Éloïse", "DUPONT", preferred_last_name="DURAND")
JEAN_PIERRE = Line("Jean-Pierre", "N'DIAYE")
CLASS = [LEA, HUGO, ELOISE, JEAN_PIERRE]


@pytest.mark.parametrize(
    ("first_name", "last_name", "expected"),
    [
        # Exactly as in the list.
        ("Léa", "MARTIN", LEA),
        # Any of the three first names.
        ("Hugo", "Bernard", HUGO),
        ("Jean", "Bernard", HUGO),
        ("Émile", "Bernard", HUGO),
        # The usage name as well as the birth name.
        ("Éloïse", "Durand", ELOISE),
        ("Éloïse", "Dupont", ELOISE),
        # Accents, case, hyphens, apostrophes, spaces.
        ("lea", "martin", LEA),
        ("LÉA", "  Martin ", LEA),
        ("Eloise", "dupont", ELOISE),
        ("jean pierre", "ndiaye", JEAN_PIERRE),
        ("JEANPIERRE", "N DIAYE", JEAN_PIERRE),
        ("Jean-Pierre", "N’Diaye", JEAN_PIERRE),  # noqa: RUF001 - a typographic apostrophe
        # One typo within the tolerance (1 / 6 ≤ 0.25, 1 / 7 ≤ 0.25).
        ("Éloïze", "Dupont", ELOISE),
        ("Hugo", "Bernart", HUGO),
        # One typo beyond it (1 / 3 > 0.25): a three-letter name must be exact.
        ("Léo", "Martin", None),
        # Two typos in a six-letter name (2 / 6 > 0.25).
        ("Eloiza", "Dupond", None),
        # The right first name with another student's last name.
        ("Léa", "Dupont", None),
        # Nothing typed.
        ("", "Martin", None),
        ("Léa", "-", None),
    ],
)
def test_the_matching_table(first_name, last_name, expected):
    assert match(CLASS, first_name, last_name) is expected


def test_two_students_with_close_names_are_refused_rather_than_guessed():
    # Same birth date, names one letter apart: a typo could be either of them.
    marie = Line("Jean-Marie", "DURAND")
    marc = Line("Jean-Marc", "DURAND")
    assert match([marie, marc], "Jean Mari", "Durand") is None
    # Typed exactly, each is found: pass 1 decides before the tolerant pass.
    assert match([marie, marc], "Jean-Marc", "Durand") is marc
    assert match([marie, marc], "Jean-Marie", "Durand") is marie


def test_an_exact_second_first_name_wins_over_a_near_first_name():
    # Pass 1 goes through all three fields before pass 2 tolerates anything.
    near = Line("Maria", "LEROY")
    exact_middle = Line("Julie", "LEROY", middle_name="Marie")
    assert match([near, exact_middle], "Marie", "Leroy") is exact_middle


def test_a_field_decides_only_when_one_candidate_survives():
    # Twins share the last name; only the first name tells them apart.
    twins = [Line("Louis", "PETIT", middle_name="Paul"), Line("Paul", "PETIT", middle_name="Louis")]
    assert match(twins, "Paul", "Petit") is twins[1]
    # Both have "Paul" somewhere: the first field decides (Paul is the second's first name).
    same_first = [Line("Paul", "PETIT"), Line("Paul", "PETIT", middle_name="Louis")]
    assert match(same_first, "Paul", "Petit") is None
    assert match(same_first, "Louis", "Petit") is same_first[1]


def test_the_tolerance_is_measured_on_the_typed_value():
    # 1 edit for 4 typed letters is 0.25: allowed; 1 for 3 is not.
    assert match([Line("Lisa", "ROUX")], "Lysa", "Roux") is not None
    assert match([Line("Noé", "ROUX")], "Nao", "Roux") is None


def test_ligatures_and_names_outside_a_to_z_are_normalised_alike():
    assert normalize_match_name(" Lœtitia ") == "loetitia"
    assert normalize_match_name("Jean-Pierre") == normalize_match_name("jean pierre")
    assert normalize_match_name("JEANPIERRE") == "jeanpierre"
    assert match([Line("Lœtitia", "ŒUVRARD")], "Loetitia", "Oeuvrard") is not None


# --- The candidates from the database ----------------------------------------------------------

needs_db = pytest.mark.django_db
BIRTHDATE = datetime.date(2012, 5, 17)


@needs_db
def test_only_students_born_that_very_day_are_candidates(organization):
    learner = make_learner(organization, first_name="Léa", last_name="MARTIN", birthdate=BIRTHDATE)
    found = learner_find(
        organization=organization, first_name="Lea", last_name="Martin", birthdate=BIRTHDATE
    )
    assert found == learner
    with pytest.raises(NoMatchError) as refusal:
        learner_find(
            organization=organization,
            first_name="Lea",
            last_name="Martin",
            birthdate=BIRTHDATE + datetime.timedelta(days=1),
        )
    assert refusal.value.code == "STUDENT_NOT_FOUND"


@needs_db
def test_a_disabled_student_is_never_matched(organization):
    make_learner(
        organization, first_name="Léa", last_name="MARTIN", birthdate=BIRTHDATE, disabled=True
    )
    with pytest.raises(NoMatchError):
        learner_find(
            organization=organization, first_name="Léa", last_name="Martin", birthdate=BIRTHDATE
        )


@needs_db
def test_another_schools_students_are_not_candidates(organization, other_organization):
    make_learner(other_organization, first_name="Léa", last_name="MARTIN", birthdate=BIRTHDATE)
    with pytest.raises(NoMatchError):
        learner_find(
            organization=organization, first_name="Léa", last_name="Martin", birthdate=BIRTHDATE
        )


@needs_db
def test_two_students_born_the_same_day_with_close_names_are_refused(organization):
    for first_name in ("Jean-Marie", "Jean-Marc"):
        make_learner(organization, first_name=first_name, last_name="DURAND", birthdate=BIRTHDATE)
    with pytest.raises(NoMatchError):
        learner_find(
            organization=organization,
            first_name="Jean Mari",
            last_name="Durand",
            birthdate=BIRTHDATE,
        )
