"""The list's French order on PostgreSQL: the sort name filled at import (both write
paths) and by the migration, names and classes in a school's order, whatever the
database's collation. SQLite: test_list_order_sqlite.py."""

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.models.functions import Collate

from students.models import Learner
from students.normalize import learner_sort_name
from students.selectors import learner_divisions, learner_list
from tests.factories import make_learner
from tests.students.french_order import BY_CLASS, BY_NAME, CLASSES, school_xml
from tests.students.xml_helpers import pupil, siecle_xml

pytestmark = pytest.mark.django_db


def shown(learners) -> list[str]:
    return [learner.display_last_name for learner in learners]


def test_an_import_fills_the_sort_name_and_the_list_sorts_on_it(
    organization, run_import, write_path
):
    run_import(organization, school_xml(organization.uai))
    assert Learner.objects.filter(organization=organization).count() == len(BY_NAME)
    assert shown(learner_list(organization=organization)) == BY_NAME
    assert shown(learner_list(organization=organization, sort="class")) == BY_CLASS
    assert learner_divisions(organization=organization) == CLASSES


def test_a_new_usage_name_moves_the_student_at_the_next_import(
    organization, run_import, write_path
):
    run_import(organization, siecle_xml(organization.uai, [pupil("1000000001A", "ZIDANE")]))
    run_import(
        organization,
        siecle_xml(organization.uai, [pupil("1000000001A", "ZIDANE", preferred_last_name="ABE")]),
    )
    assert Learner.objects.get(ine="1000000001A").sort_name == "abe0lea"


@pytest.mark.parametrize("collation", ["C", "und-x-icu", "fr-FR-x-icu"])
def test_the_order_is_the_same_under_any_collation(organization, run_import, collation):
    # Production databases may be created with another collation than the tests' (C):
    # the key's characters (0, 1, a-z) order alike in all of them.
    run_import(organization, school_xml(organization.uai))
    learners = Learner.objects.filter(organization=organization)
    assert shown(learners.order_by(Collate("sort_name", collation))) == BY_NAME


def test_sort_by_class_puts_students_without_a_class_last(organization):
    make_learner(organization, last_name="AVANT", division="")
    make_learner(organization, last_name="ZOLA", division="6A", mef_code="10010001110")
    make_learner(organization, last_name="DUPONT", division="5A", mef_code="10110001110")
    assert shown(learner_list(organization=organization, sort="class")) == [
        "ZOLA",
        "DUPONT",
        "AVANT",
    ]


def test_sort_by_class_within_the_classes_filtered(organization):
    make_learner(organization, last_name="A", division="3A", mef_code="10310001110")
    make_learner(organization, last_name="B", division="6A", mef_code="10010001110")
    make_learner(organization, last_name="C", division="5A", mef_code="10110001110")
    learners = learner_list(organization=organization, divisions=["3A", "6A"], sort="class")
    assert shown(learners) == ["B", "A"]


def test_the_level_most_students_of_a_class_have_decides(organization):
    # One student of 4A carries a 6e MEF code (a data-entry slip): 4A stays a quatrième.
    make_learner(organization, division="4A", mef_code="10010001110")
    for _ in range(3):
        make_learner(organization, division="4A", mef_code="10210001110")
    make_learner(organization, division="5B", mef_code="10110001110")
    assert learner_divisions(organization=organization) == ["5B", "4A"]


@pytest.mark.parametrize("vendor", ["postgresql", "other"])
def test_the_migration_fills_the_sort_name_of_existing_students(organization, monkeypatch, vendor):
    from django.apps import apps

    migration = importlib.import_module("students.migrations.0004_learner_sort_name")
    for n in range(3):
        make_learner(organization, last_name=f"NOM{n}", first_name="Élodie")
    make_learner(organization, last_name="ABADIE", preferred_last_name="MOREAU")
    Learner.objects.update(sort_name="")
    monkeypatch.setattr(migration, "BATCH", 2)  # several batches
    # "other": the portable bulk_update that SQLite takes, run here on PostgreSQL.
    used = connection if vendor == "postgresql" else SimpleNamespace(vendor="sqlite")
    migration.fill_sort_names(apps, SimpleNamespace(connection=used))
    assert [learner.sort_name for learner in Learner.objects.order_by("pk")] == [
        "nom0elodie",
        "nom0elodie",
        "nom0elodie",
        "moreau0lea",
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("ÉTIENNE", "", "Marc"), ("VINCENT", "", "Paul")),
        (("BÉNÉTEAU", "", "Anne"), ("BONNET", "", "Jean")),
        (("DURAND", "DUPONT", "Zoé"), ("DUPRÉ", "", "Anne")),  # the usage name is shown
        (("MARTIN", "", "Zoé"), ("MARTIN DUPONT", "", "Ana")),  # shorter last name first
        (("MARTIN DUPONT", "", "Ana"), ("MARTINEZ", "", "Ana")),
        (("N'DIAYE", "", "Awa"), ("NDIAYE", "", "Awa")),
        (("lefèvre", "", "élise"), ("LEFEVRE", "", "Emma")),  # case and accents folded
    ],
)
def test_sort_name_order(first, second):
    def key(names):
        last, usage, given = names
        return learner_sort_name(last_name=last, preferred_last_name=usage, first_name=given)

    assert key(first) < key(second)
    assert set(key(first) + key(second)) <= set("01abcdefghijklmnopqrstuvwxyz")


def test_sort_name_folds_accents_case_and_ligatures():
    assert (
        learner_sort_name(
            last_name="LŒWENBRÜCK-Dupont", preferred_last_name="", first_name="Éloïse"
        )
        == "loewenbruck1dupont0eloise"
    )


@pytest.mark.django_db(transaction=True)
def test_migrating_a_database_with_students_fills_their_sort_name(organization):
    # The real migration, forward over rows written before it (and back), on PostgreSQL.
    from django.core.management import call_command

    make_learner(organization, last_name="ÉTIENNE", first_name="Marc")
    call_command("migrate", "students", "0002", verbosity=0)
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE students_learner SET last_name = 'BÉNÉTEAU'")
        call_command("migrate", "students", "0003", verbosity=0)
    finally:
        call_command("migrate", verbosity=0)
    assert Learner.objects.get().sort_name == "beneteau0marc"
