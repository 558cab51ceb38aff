"""A school with classes and students, and campaigns owned by the standard member."""

import pytest

from tests.factories import make_campaign, make_learner

# MEF codes by level: sixième, cinquième (the school's order of classes comes from them).
SIXIEME = "10010012110"
CINQUIEME = "10110001110"


@pytest.fixture
def school(organization):
    """Collège Jean Moulin: 6A (3 students), 6B (2), 5A (1), and a student who left."""
    students = [
        ("6A", "MARTIN", "Léa"),
        ("6A", "DUPONT", "Éloïse"),
        ("6A", "BERNARD", "Hugo"),
        ("6B", "PETIT", "Noé"),
        ("6B", "ROUX", "Inès"),
        ("5A", "LEROY", "Jules"),
    ]
    organization.learners_by_name = {}
    for division, last_name, first_name in students:
        learner = make_learner(
            organization,
            division=division,
            last_name=last_name,
            first_name=first_name,
            mef_code=SIXIEME if division.startswith("6") else CINQUIEME,
        )
        organization.learners_by_name[first_name] = learner
    organization.learners_by_name["Zoé"] = make_learner(
        organization, division="6A", last_name="FAURE", first_name="Zoé", disabled=True
    )
    return organization


@pytest.fixture
def campaign(school, member_user):
    return make_campaign(school, owner=member_user, name="Évaluation de rentrée")
