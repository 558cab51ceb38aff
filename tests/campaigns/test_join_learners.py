"""Organisations that do not manage their students: a learner made from the account's
names at the first join, without INE, birth date or sex — which the database still
requires of learners that came from SIECLE — and that imports never touch."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from campaigns.models import Participation
from students.models import Learner
from tests.campaigns.join_helpers import signed_in
from tests.factories import audit_rows, make_campaign, make_learner, make_organization, make_student
from tests.students.conftest import media_root, run_import, write_path  # noqa: F401 - fixtures
from tests.students.xml_helpers import pupil, siecle_xml

pytestmark = pytest.mark.django_db


@pytest.fixture
def association():
    return make_organization(type="PRO", uai="", official_email="", name="Association Numérique")


def test_the_first_join_makes_a_learner_from_the_account(association):
    campaign = make_campaign(association)
    student = make_student(username="sam.k", first_name="Sam", last_name="Kader")
    client = signed_in(student)
    response = client.post(f"/parcours/{campaign.code}/commencer/")
    assert response["Location"] == f"/parcours/{campaign.code}/mon-parcours/"
    learner = Learner.objects.get(organization=association)
    assert (learner.source, learner.first_name, learner.last_name, learner.user) == (
        "ACCOUNT",
        "Sam",
        "Kader",
        student,
    )
    assert (learner.ine, learner.birthdate, learner.sex) == (None, None, "")
    assert learner.sort_name == "kader0sam"
    assert audit_rows(action="learner.created_for_account") == [
        (
            "learner.created_for_account",
            student.pk,
            "SELF",
            association.pk,
            "students.learner",
            learner.pk,
            {"learner_id": learner.pk},
        )
    ]
    # A second campaign of the same organisation: the same learner, no form.
    other = make_campaign(association, name="Deuxième")
    client.post(f"/parcours/{other.code}/commencer/")
    assert Learner.objects.filter(organization=association).count() == 1
    assert Participation.objects.filter(learner=learner).count() == 2


def test_a_refused_join_leaves_no_learner_behind(association):
    from campaigns.services import campaign_archive

    campaign = make_campaign(association)
    campaign_archive(actor=campaign.owner, campaign=campaign, on_behalf_of="MEMBER")
    signed_in(make_student()).post(f"/parcours/{campaign.code}/commencer/")
    assert not Learner.objects.filter(organization=association).exists()


def test_siecle_learners_still_need_an_ine_a_birth_date_and_a_sex(organization):
    learner = make_learner(organization)
    for field, value in (("ine", None), ("birthdate", None), ("sex", "")):
        with pytest.raises(IntegrityError), transaction.atomic():
            Learner.objects.filter(pk=learner.pk).update(**{field: value})
    # The same values are allowed for a learner made from an account.
    Learner.objects.filter(pk=learner.pk).update(source="ACCOUNT", ine=None, birthdate=None, sex="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Learner.objects.filter(pk=learner.pk).update(source="OTHER")


def test_an_import_never_touches_learners_made_from_an_account(
    organization,
    run_import,  # noqa: F811 - the fixture imported above
    write_path,  # noqa: F811 - the fixture imported above
):
    # A school that started managing its students after some joined from their accounts.
    from_account = make_learner(
        organization,
        source="ACCOUNT",
        ine=None,
        birthdate=None,
        sex="",
        user=make_student(),
    )
    before = Learner.objects.filter(pk=from_account.pk).values().get()
    xml = siecle_xml(organization.uai, [pupil("1111111111A", "MARTIN", "Léa")])
    import_ = run_import(organization, xml)
    assert import_.status == "IMPORTED"
    assert import_.counts["disabled"] == 0
    assert Learner.objects.filter(pk=from_account.pk).values().get() == before
    assert Learner.objects.get(ine="1111111111A").birthdate == datetime.date(2011, 12, 31)
