"""Code entry (`/code/`), a campaign's landing page, the pages of a closed or deleted
campaign and of a closed space, the home page of a student and `/mes-parcours/`."""

import pytest
from django.test import Client

from campaigns.services import campaign_archive, campaign_delete, campaign_replace_code
from organizations.services import organization_archive
from tests.campaigns.join_helpers import refusal_code, signed_in, text
from tests.factories import (
    link_learner,
    make_campaign,
    make_participation,
    make_staff,
    make_student,
)

pytestmark = pytest.mark.django_db


def enter(client, code):
    return client.post("/code/", {"code": code})


def test_the_home_page_links_to_the_code_entry_which_shows_its_form(client):
    assert 'href="/code/"' in client.get("/").content.decode()
    response = client.get("/code/")
    assert response.status_code == 200
    assert "Code de la campagne" in text(response)


def test_a_right_code_leads_to_its_landing_page_whatever_its_case_and_spaces(client, campaign):
    typed = " ".join(campaign.code.lower())  # "a b c d e f 2 3 4"
    response = enter(client, typed)
    assert (response.status_code, response["Location"]) == (302, f"/parcours/{campaign.code}/")


def test_an_empty_code_has_its_own_sentence(client):
    response = enter(client, "   ")
    assert response.status_code == 400
    assert "Tapez le code que votre professeur vous a donné." in text(response)


def test_an_unknown_code_says_it_is_wrong_with_the_format_and_whom_to_ask(client, campaign):
    response = enter(client, "ABCDEF234" if campaign.code != "ABCDEF234" else "ABCDEG234")
    page = text(response)
    assert response.status_code == 400
    assert "Ce code ne mène à aucune campagne" in page
    assert "ABCDEF234" in page
    assert "demandez-le à la personne qui vous l'a donné" in page
    assert refusal_code(response) == "CAMPAIGN_CODE_UNKNOWN"
    # A malformed code gets the same sentence.
    assert "Ce code ne mène à aucune campagne" in text(enter(client, "12"))


def test_a_replaced_code_no_longer_leads_anywhere(client, campaign, member_user):
    old = campaign.code
    campaign_replace_code(actor=make_staff(), campaign=campaign, on_behalf_of="STAFF")
    assert refusal_code(enter(client, old)) == "CAMPAIGN_CODE_UNKNOWN"
    assert client.get(f"/parcours/{old}/").status_code == 404


def test_the_landing_page_shows_the_school_the_title_the_text_and_how_to_start(client, school):
    campaign = make_campaign(
        school, title="Parcours de rentrée", landing_text="Bienvenue en **4e** !"
    )
    response = client.get(f"/parcours/{campaign.code}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert school.name in page
    assert "<h1>Parcours de rentrée</h1>" in page
    assert "<strong>4e</strong>" in page
    # Signed out: sign in, or sign up with or without an e-mail; each comes back here.
    assert f"/compte/login/?next=%2Fparcours%2F{campaign.code}%2F" in page
    assert f"/compte/signup/?next=%2Fparcours%2F{campaign.code}%2F" in page
    assert f"/parcours/{campaign.code}/inscription/" in page


def test_a_school_that_does_not_manage_students_offers_no_sign_up_without_e_mail(client):
    from tests.factories import make_organization

    association = make_organization(type="PRO", uai="", official_email="")
    campaign = make_campaign(association)
    page = client.get(f"/parcours/{campaign.code}/").content.decode()
    assert "/inscription/" not in page
    assert "/compte/signup/" in page


def test_a_signed_in_person_is_told_who_is_signed_in_and_may_sign_out(school, campaign):
    student = make_student(username="lea.martin1705", first_name="Léa", last_name="Martin")
    page = text(signed_in(student).get(f"/parcours/{campaign.code}/"))
    assert "Vous n'êtes pas Léa Martin (lea.martin1705) ? Se déconnecter" in page
    assert "Commencer" in page


def test_a_lower_case_code_in_the_address_is_redirected_to_the_right_one(client, campaign):
    response = client.get(f"/parcours/{campaign.code.lower()}/")
    assert (response.status_code, response["Location"]) == (302, f"/parcours/{campaign.code}/")


def test_an_archived_campaign_has_its_own_page(client, campaign):
    campaign_archive(actor=campaign.owner, campaign=campaign, on_behalf_of="MEMBER")
    response = client.get(f"/parcours/{campaign.code}/")
    assert response.status_code == 403
    assert "Cette campagne est fermée" in text(response)
    assert refusal_code(response) == "CAMPAIGN_ARCHIVED"


def test_a_deleted_campaign_has_its_own_page(client, campaign):
    campaign_delete(actor=campaign.owner, campaigns=[campaign], on_behalf_of="MEMBER")
    response = client.get(f"/parcours/{campaign.code}/")
    assert response.status_code == 410
    assert "Cette campagne n'existe plus" in text(response)
    assert refusal_code(response) == "CAMPAIGN_DELETED"
    # The code entry leads there too, rather than "unknown code".
    assert enter(Client(), campaign.code)["Location"] == f"/parcours/{campaign.code}/"


def test_an_archived_organisation_has_its_own_page(client, school, campaign):
    organization_archive(actor=make_staff(), organization=school, on_behalf_of="STAFF")
    response = client.get(f"/parcours/{campaign.code}/")
    assert response.status_code == 403
    assert "L'espace de cet établissement est fermé" in text(response)
    assert refusal_code(response) == "ORGANIZATION_ARCHIVED"


def test_a_student_who_joined_an_archived_campaign_still_reaches_it(campaign):
    participation = make_participation(campaign)
    campaign_archive(actor=campaign.owner, campaign=campaign, on_behalf_of="MEMBER")
    client = signed_in(participation.user)
    assert client.get(f"/parcours/{campaign.code}/").status_code == 200
    response = client.get(f"/parcours/{campaign.code}/mon-parcours/")
    assert "Envoyer mes résultats" in text(response)


# --- Home page and /mes-parcours/ ---------------------------------------------------------------


def test_a_signed_in_student_lands_on_their_campaigns(school, campaign):
    linked = link_learner(school.learners_by_name["Hugo"])
    assert signed_in(linked.user).get("/")["Location"] == "/mes-parcours/"
    joined = make_participation(campaign)
    response = signed_in(joined.user).get("/mes-parcours/")
    assert response.status_code == 200
    assert campaign.shown_title in text(response)
    assert f"/parcours/{campaign.code}/mon-parcours/" in response.content.decode()


def test_a_person_with_no_organisation_nor_campaign_still_sees_how_access_works():
    response = signed_in(make_student()).get("/")
    assert response.status_code == 200
    assert "n'est rattaché à aucune organisation" in text(response)


def test_my_campaigns_leaves_out_deleted_campaigns_and_other_accounts(school, campaign):
    mine = make_participation(campaign)
    other = make_participation(make_campaign(school, name="Autre"))
    gone = make_campaign(school, name="Supprimée")
    make_participation(gone, mine.learner)
    campaign_delete(actor=gone.owner, campaigns=[gone], on_behalf_of="MEMBER")
    page = text(signed_in(mine.user).get("/mes-parcours/"))
    assert campaign.shown_title in page
    assert "Supprimée" not in page and other.campaign.name not in page


def test_my_campaigns_needs_an_account(client):
    assert client.get("/mes-parcours/")["Location"].startswith("/compte/login/")


def test_my_campaigns_costs_the_same_queries_for_one_campaign_or_many(
    school, django_assert_max_num_queries
):
    first = make_participation(make_campaign(school, name="Une"))
    client = signed_in(first.user)
    with django_assert_max_num_queries(4):
        client.get("/mes-parcours/")
    for n in range(5):
        make_participation(make_campaign(school, name=f"Autre {n}"), first.learner)
    with django_assert_max_num_queries(4):
        assert text(client.get("/mes-parcours/")).count("En cours") == 6
