"""What the database itself guarantees about learners and imports, and the search name."""

import pytest
from django.db import IntegrityError, transaction

from students.models import Import
from students.normalize import learner_search_name, normalize_search
from tests.factories import UserFactory, make_learner


@pytest.mark.django_db
def test_one_learner_per_ine_in_an_organization(organization, other_organization):
    make_learner(organization, ine="1111111111A")
    make_learner(other_organization, ine="1111111111A")  # another school: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        make_learner(organization, ine="1111111111A")


@pytest.mark.django_db
def test_one_learner_per_account_in_an_organization(organization, other_organization):
    account = UserFactory()
    make_learner(organization, user=account)
    make_learner(other_organization, user=account)  # the student changed school
    make_learner(organization)  # many unlinked learners
    make_learner(organization)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_learner(organization, user=account)


@pytest.mark.django_db
@pytest.mark.parametrize("fields", [{"sex": "X"}, {"ine": ""}])
def test_learner_checks(organization, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_learner(organization, **fields)


@pytest.mark.django_db
def test_account_deletion_unlinks_the_learner(organization):
    account = UserFactory()
    learner = make_learner(organization, user=account)
    account.delete()
    learner.refresh_from_db()
    assert learner.user is None


@pytest.mark.django_db
def test_import_progress_stays_between_0_and_100(organization):
    with pytest.raises(IntegrityError), transaction.atomic():
        Import.objects.create(organization=organization, file_name="x", progress=101)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Éloïse", "eloise"),
        ("LŒWENBRÜCK", "loewenbruck"),
        ("Jean-Baptiste  O'Connor", "jean baptiste o connor"),
        ("  N’DIAYE ", "n diaye"),  # noqa: RUF001 - the typographic apostrophe
        ("Ægir Straße", "aegir strasse"),
        ("", ""),
    ],
)
def test_normalize_search(text, expected):
    assert normalize_search(text) == expected


def test_search_name_holds_names_and_ine():
    assert (
        learner_search_name(
            ine="1234567890A",
            last_name="DURAND",
            preferred_last_name="DUPONT",
            first_name="Léa",
            middle_name="Zoé",
        )
        == "durand dupont lea zoe 1234567890a"
    )
