"""A signed-in student matches themselves with their line of the school's list: the form
(pre-filled names, birth date in three fields), the confirmation, the link and its audit
row; already linked → no form; linked in another school → linked automatically."""

import pytest

from campaigns.models import Participation
from campaigns.services.joining import learner_link_automatically
from tests.campaigns.join_helpers import BIRTHDATE, identity, refusal_code, signed_in, text
from tests.factories import audit_rows, link_learner, make_learner, make_organization, make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def lea(school):
    learner = school.learners_by_name["Léa"]
    learner.birthdate = BIRTHDATE
    learner.middle_name = "Chloé"
    learner.save()
    return learner


@pytest.fixture
def student():
    return make_student(username="lea.m", first_name="Lea", last_name="Martin")


def test_starting_without_a_link_asks_who_one_is_with_the_names_pre_filled(campaign, lea, student):
    client = signed_in(student)
    response = client.post(f"/parcours/{campaign.code}/commencer/")
    assert response["Location"] == f"/parcours/{campaign.code}/eleve/"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert 'value="Lea"' in html and 'value="Martin"' in html
    for label in ("Jour", "Mois", "Année"):
        assert f">{label}<" in html
    assert "Compte connecté : Lea Martin (lea.m)." in text(page)


def test_the_confirmation_names_the_account_and_the_learner_and_nothing_else(
    campaign, lea, student
):
    client = signed_in(student)
    response = client.post(f"/parcours/{campaign.code}/eleve/", identity("Léa", "MARTIN"))
    assert response["Location"] == f"/parcours/{campaign.code}/associer/"
    page = client.get(response["Location"])
    shown = text(page)
    assert "Léa MARTIN" in shown
    assert "Lea Martin (lea.m)" in shown
    # Never the class, the INE, the birth date or another first name.
    for private in (lea.division, lea.ine, "2012", "17/05", "Chloé"):
        assert private not in shown, private
    # Nothing is linked before "Associer".
    lea.refresh_from_db()
    assert lea.user_id is None


def test_linking_then_joining_with_a_typo_in_the_first_name(campaign, lea, student):
    client = signed_in(student)
    client.post(f"/parcours/{campaign.code}/eleve/", identity("Lééa", "Martin"))
    response = client.post(f"/parcours/{campaign.code}/associer/")
    assert response["Location"] == f"/parcours/{campaign.code}/mon-parcours/"
    lea.refresh_from_db()
    assert lea.user == student
    participation = Participation.objects.get()
    assert (participation.learner, participation.user, participation.status) == (
        lea,
        student,
        "STARTED",
    )
    assert audit_rows(action="learner.linked") == [
        (
            "learner.linked",
            student.pk,
            "SELF",
            campaign.organization_id,
            "students.learner",
            lea.pk,
            {"learner_id": lea.pk, "method": "form", "campaign_id": campaign.pk},
        )
    ]


def test_a_second_first_name_finds_the_student_too(campaign, lea, student):
    client = signed_in(student)
    response = client.post(f"/parcours/{campaign.code}/eleve/", identity("chloe", "martin"))
    assert response["Location"] == f"/parcours/{campaign.code}/associer/"


def test_no_match_says_what_to_check_with_its_code_and_links_nothing(campaign, lea, student):
    response = signed_in(student).post(
        f"/parcours/{campaign.code}/eleve/", identity("Léa", "Martin", BIRTHDATE.replace(day=18))
    )
    assert response.status_code == 400
    shown = text(response)
    assert "Vérifiez-les (surtout la date de naissance)" in shown
    assert "Enseignants : cette page est réservée aux élèves." in shown
    assert refusal_code(response) == "STUDENT_NOT_FOUND"
    lea.refresh_from_db()
    assert lea.user_id is None


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2012", "Cette date n'existe pas : vérifiez le jour et le mois."),
        ("", "2", "2012", "Remplissez toute la date de naissance."),
        ("1a", "2", "2012", "Tapez seulement des chiffres."),
        ("1", "13", "2012", "Ce nombre est trop grand."),
    ],
)
def test_a_birth_date_that_is_not_one_is_said_under_the_date(
    campaign, student, day, month, year, message
):
    data = {"first_name": "Léa", "last_name": "Martin"}
    data.update(birth_day=day, birth_month=month, birth_year=year)
    response = signed_in(student).post(f"/parcours/{campaign.code}/eleve/", data)
    assert response.status_code == 400
    assert message in text(response)


def test_the_confirmation_needs_the_match_of_this_account(campaign, lea, student):
    # Another account's match, or none, sends back to the form.
    other = make_student()
    signed_in(other).post(f"/parcours/{campaign.code}/eleve/", identity())
    assert (
        signed_in(student).post(f"/parcours/{campaign.code}/associer/")["Location"]
        == f"/parcours/{campaign.code}/eleve/"
    )
    lea.refresh_from_db()
    assert lea.user_id is None


def test_an_account_already_linked_skips_the_form(campaign, lea, student):
    link_learner(lea, student)
    client = signed_in(student)
    assert client.get(f"/parcours/{campaign.code}/eleve/")["Location"] == (
        f"/parcours/{campaign.code}/participer/"
    )
    response = client.post(f"/parcours/{campaign.code}/commencer/")
    assert response["Location"] == f"/parcours/{campaign.code}/mon-parcours/"
    assert Participation.objects.get().learner == lea


def test_a_student_linked_in_their_former_school_is_linked_automatically(campaign, lea, student):
    former = make_organization(name="Collège d'avant")
    make_learner(former, ine=lea.ine, birthdate=lea.birthdate, user=student, first_name="Léa")
    response = signed_in(student).post(f"/parcours/{campaign.code}/commencer/")
    assert response["Location"] == f"/parcours/{campaign.code}/mon-parcours/"
    lea.refresh_from_db()
    assert lea.user == student
    assert audit_rows(action="learner.linked")[0][-1]["method"] == "automatic"


def test_no_automatic_link_without_the_same_birth_date_or_when_taken(campaign, lea, student):
    former = make_organization()
    make_learner(former, ine=lea.ine, birthdate=BIRTHDATE.replace(year=2011), user=student)
    assert learner_link_automatically(user=student, organization=campaign.organization) is None
    other_student = make_student()
    again = make_organization()
    make_learner(again, ine=lea.ine, birthdate=lea.birthdate, user=other_student)
    link_learner(lea, make_student())
    assert (
        learner_link_automatically(user=other_student, organization=campaign.organization) is None
    )
    assert not audit_rows(action="learner.linked")
