"""The sign-up without an e-mail (a school that manages its students): names and birth
date first, matched; then a password and a generated identifier (`prenom.nom` + day and
month, normalised, made unique); the account and its link made in one transaction."""

import datetime

import pytest
from django.test import Client

from accounts.models import User
from accounts.services import user_create_with_identifier
from campaigns.join_errors import LinkedInThisSchoolError
from campaigns.models import Participation
from campaigns.services.joining import student_sign_up
from students.normalize import student_identifier_base
from tests.campaigns.join_helpers import BIRTHDATE, identity, refusal_code, text
from tests.factories import audit_rows, link_learner, make_campaign, make_organization, make_student

pytestmark = pytest.mark.django_db
PASSWORD = "Une-phrase-de-passe-2026"


@pytest.fixture
def lea(school):
    learner = school.learners_by_name["Léa"]
    learner.birthdate = BIRTHDATE
    learner.save()
    return learner


def sign_up(client, campaign, password=PASSWORD, **names):
    step_one = client.post(f"/parcours/{campaign.code}/inscription/", identity(**names))
    if step_one.status_code != 302:
        return step_one
    return client.post(step_one["Location"], {"password1": password, "password2": password})


def test_a_student_without_e_mail_signs_up_with_a_generated_identifier(campaign, lea):
    client = Client()
    step_one = client.post(f"/parcours/{campaign.code}/inscription/", identity("Lééa", "Martin"))
    assert step_one["Location"] == f"/parcours/{campaign.code}/inscription/mot-de-passe/"
    confirmation = client.get(step_one["Location"])
    shown = text(confirmation)
    assert "Léa MARTIN" in shown
    assert "lea.martin1705" in shown
    assert lea.division not in shown and lea.ine not in shown
    assert not User.objects.filter(username__iexact="lea.martin1705").exists()

    done = client.post(step_one["Location"], {"password1": PASSWORD, "password2": PASSWORD})
    assert done["Location"] == f"/parcours/{campaign.code}/compte-cree/"
    user = User.objects.get(username="lea.martin1705")
    assert (user.email, user.first_name, user.last_name) == (None, "Léa", "MARTIN")
    assert user.check_password(PASSWORD)
    lea.refresh_from_db()
    assert lea.user == user
    assert audit_rows(action="learner.linked")[0][-1] == {
        "learner_id": lea.pk,
        "method": "sign_up",
        "campaign_id": campaign.pk,
    }
    # Signed in, shown the identifier, then on to the campaign.
    page = client.get(done["Location"])
    assert '<p class="fr-callout__text" id="identifier">lea.martin1705</p>' in (
        page.content.decode()
    )
    joined = client.post(f"/parcours/{campaign.code}/commencer/")
    assert joined["Location"] == f"/parcours/{campaign.code}/mon-parcours/"
    assert Participation.objects.get().user == user


def test_the_student_signs_in_again_later_with_that_identifier(campaign, lea):
    sign_up(Client(), campaign)
    later = Client()
    response = later.post(
        "/compte/login/", {"login": "LEA.MARTIN1705", "password": PASSWORD}, follow=True
    )
    assert response.wsgi_request.user.username == "lea.martin1705"
    assert response.redirect_chain[-1][0] == "/mes-parcours/"


@pytest.mark.parametrize(
    ("first_name", "last_name", "birthdate", "expected"),
    [
        ("Léa", "MARTIN", datetime.date(2012, 5, 17), "lea.martin1705"),
        ("Jean-Pierre", "N'DIAYE", datetime.date(2011, 12, 5), "jeanpierre.ndiaye0512"),
        ("Éloïse Anne", "DE LA FONTAINE", datetime.date(2012, 1, 9), "eloiseanne.delafontaine0901"),
        ("Zoë", "Lœwenbrück", datetime.date(2012, 3, 30), "zoe.loewenbruck3003"),
        ("李", "王", datetime.date(2012, 3, 30), "eleve.pix3003"),
    ],
)
def test_identifiers_are_first_name_dot_last_name_and_day_and_month(
    first_name, last_name, birthdate, expected
):
    assert (
        student_identifier_base(first_name=first_name, last_name=last_name, birthdate=birthdate)
        == expected
    )


def test_an_identifier_taken_gets_the_next_free_suffix_whatever_its_case():
    make_student(username="Lea.Martin1705")
    make_student(username="lea.martin1705-2")
    user = user_create_with_identifier(
        identifier_base="lea.martin1705", first_name="Léa", last_name="Martin", password=PASSWORD
    )
    assert user.username == "lea.martin1705-3"


def test_the_usage_name_makes_the_identifier(campaign, lea):
    lea.preferred_last_name = "DURAND"
    lea.save()
    sign_up(Client(), campaign)
    assert User.objects.filter(username="lea.durand1705", last_name="DURAND").exists()


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("court", "court", "Ce mot de passe est trop court."),
        (PASSWORD, PASSWORD + "x", "Les deux mots de passe sont différents."),
        ("lea.martin1705", "lea.martin1705", "Le mot de passe est trop semblable"),
        ("12345678901", "12345678901", "Ce mot de passe est entièrement numérique."),
    ],
)
def test_a_weak_or_mistyped_password_is_refused_and_nothing_created(
    campaign, lea, first, second, message
):
    client = Client()
    step_one = client.post(f"/parcours/{campaign.code}/inscription/", identity())
    response = client.post(step_one["Location"], {"password1": first, "password2": second})
    assert response.status_code == 400
    assert message in text(response)
    assert not User.objects.filter(username__startswith="lea").exists()
    lea.refresh_from_db()
    assert lea.user_id is None


def test_a_learner_who_already_has_an_account_is_told_to_sign_in_with_it(campaign, lea):
    link_learner(lea, make_student(username="lea.martin1705"))
    response = Client().post(f"/parcours/{campaign.code}/inscription/", identity())
    assert refusal_code(response) == "R32"
    shown = text(response)
    assert "l***.m***1705" in shown
    assert "Me connecter avec ce compte" in shown
    assert list(User.objects.filter(username__startswith="lea")) == [lea.user]


def test_an_account_and_its_link_are_made_together_or_not_at_all(campaign, lea):
    client = Client()
    step_one = client.post(f"/parcours/{campaign.code}/inscription/", identity())
    # Another pupil's account got the learner between the two steps.
    taken_by = link_learner(lea, make_student(email="jean.dupont@exemple.fr")).user
    with pytest.raises(LinkedInThisSchoolError):
        student_sign_up(campaign=campaign, learner_id=lea.pk, password=PASSWORD)
    response = client.post(step_one["Location"], {"password1": PASSWORD, "password2": PASSWORD})
    assert refusal_code(response) == "R31"
    assert set(User.objects.values_list("pk", flat=True)) == {taken_by.pk, campaign.owner_id}


def test_the_second_step_needs_the_first(campaign, lea):
    response = Client().get(f"/parcours/{campaign.code}/inscription/mot-de-passe/")
    assert response["Location"] == f"/parcours/{campaign.code}/inscription/"


def test_no_sign_up_without_e_mail_where_the_school_does_not_manage_students():
    association = make_organization(type="PRO", uai="", official_email="")
    campaign = make_campaign(association)
    response = Client().get(f"/parcours/{campaign.code}/inscription/")
    assert response["Location"] == f"/parcours/{campaign.code}/"


def test_a_signed_in_person_is_sent_back_to_the_landing(campaign):
    client = Client()
    client.force_login(make_student())
    response = client.get(f"/parcours/{campaign.code}/inscription/")
    assert response["Location"] == f"/parcours/{campaign.code}/"
