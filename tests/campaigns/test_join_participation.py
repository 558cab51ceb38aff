"""Taking part, through the pages: restricted campaigns, the external id asked first,
resuming instead of duplicating, sending the results, multiple sendings, and the refusals
(disabled learner, archived or deleted campaign, closed space)."""

import pytest

from campaigns.models import Participation
from campaigns.services import campaign_archive, campaign_create_per_class, campaign_delete
from organizations.services import organization_archive
from tests.campaigns.join_helpers import refusal_code, signed_in, text
from tests.factories import link_learner, make_campaign, make_staff, make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def lea(school):
    return link_learner(school.learners_by_name["Léa"])  # 6A


def start(client, campaign):
    return client.post(f"/parcours/{campaign.code}/commencer/")


def test_a_campaign_for_one_class_admits_only_that_class(school, member_user, lea):
    campaigns = {
        campaign.target_division: campaign
        for campaign in campaign_create_per_class(
            actor=member_user,
            organization=school,
            on_behalf_of="MEMBER",
            name="Rentrée",
            type="ASSESSMENT",
            divisions=["6A", "6B"],
        )
    }
    client = signed_in(lea.user)
    refused = start(client, campaigns["6B"])
    assert refused.status_code == 403
    assert refusal_code(refused) == "CAMPAIGN_OTHER_CLASS"
    assert "6B" in text(refused)
    assert start(client, campaigns["6A"])["Location"].endswith("/mon-parcours/")
    assert list(Participation.objects.values_list("campaign__target_division", flat=True)) == ["6A"]


def test_joining_again_resumes_instead_of_duplicating(campaign, lea):
    client = signed_in(lea.user)
    start(client, campaign)
    again = start(client, campaign)
    assert again["Location"] == f"/parcours/{campaign.code}/mon-parcours/"
    assert client.post(f"/parcours/{campaign.code}/participer/")["Location"].endswith(
        "/mon-parcours/"
    )
    assert Participation.objects.count() == 1
    landing = text(client.get(f"/parcours/{campaign.code}/"))
    assert "Aller à ma campagne" in landing


def test_the_student_sees_the_campaign_then_sends_their_results_once(campaign, lea):
    client = signed_in(lea.user)
    start(client, campaign)
    page = text(client.get(f"/parcours/{campaign.code}/mon-parcours/"))
    assert "Vous avez commencé cette campagne le" in page
    sent = client.post(f"/parcours/{campaign.code}/envoyer/", follow=True)
    assert f"Vos résultats ont été envoyés à {campaign.organization.name}." in text(sent)
    participation = Participation.objects.get()
    assert participation.status == "SHARED"
    page = text(client.get(f"/parcours/{campaign.code}/mon-parcours/"))
    assert "Vous avez envoyé vos résultats" in page
    # Without multiple sendings: no "Start again", and asking anyway changes nothing.
    assert "Recommencer" not in page
    client.post(f"/parcours/{campaign.code}/participer/", {"restart": "1"})
    twice = client.post(f"/parcours/{campaign.code}/envoyer/", follow=True)
    assert "Vos résultats ont déjà été envoyés" in text(twice)
    assert Participation.objects.count() == 1


def test_with_multiple_sendings_a_new_participation_follows_a_sent_one(school, lea):
    campaign = make_campaign(school, multiple_sendings=True)
    client = signed_in(lea.user)
    start(client, campaign)
    client.post(f"/parcours/{campaign.code}/envoyer/")
    assert "Recommencer" in text(client.get(f"/parcours/{campaign.code}/mon-parcours/"))
    response = client.post(f"/parcours/{campaign.code}/participer/", {"restart": "1"})
    assert response["Location"] == f"/parcours/{campaign.code}/mon-parcours/"
    old, new = Participation.objects.order_by("pk")
    assert (old.status, old.is_improved, new.status, new.is_improved) == (
        "SHARED",
        True,
        "STARTED",
        False,
    )
    # The student's list shows the current one only.
    assert text(client.get("/mes-parcours/")).count("En cours") == 1


def test_the_external_id_is_asked_first_and_checked(school, lea):
    campaign = make_campaign(school, external_id_label="Adresse de l'ENT", external_id_type="EMAIL")
    client = signed_in(lea.user)
    assert start(client, campaign)["Location"] == f"/parcours/{campaign.code}/participer/"
    form = client.get(f"/parcours/{campaign.code}/participer/")
    assert "Adresse de l&#x27;ENT" in form.content.decode()
    url = f"/parcours/{campaign.code}/participer/"
    refused = client.post(url, {"external_id": "pas-une-adresse"})
    assert refused.status_code == 400
    assert "Saisissez une adresse e-mail, par exemple nom@exemple.fr." in text(refused)
    too_long = client.post(url, {"external_id": "a" * 250 + "@exemple.fr"})
    assert "255 caractères au plus." in text(too_long)
    empty = client.post(url, {"external_id": " "})
    assert "Remplissez ce champ : votre établissement le demande." in text(empty)
    assert not Participation.objects.exists()
    client.post(url, {"external_id": " lea@exemple.fr "})
    assert Participation.objects.get().external_id == "lea@exemple.fr"


def test_a_disabled_learner_is_refused_with_a_clear_page(campaign, lea):
    lea.disabled = True
    lea.save()
    response = start(signed_in(lea.user), campaign)
    assert response.status_code == 403
    assert refusal_code(response) == "LEARNER_DISABLED"
    assert "ne vous compte plus parmi ses élèves" in text(response)
    assert not Participation.objects.exists()


def test_archived_deleted_and_closed_space_refuse_a_new_participant(school, lea):
    client = signed_in(lea.user)
    archived = make_campaign(school)
    campaign_archive(actor=archived.owner, campaign=archived, on_behalf_of="MEMBER")
    assert refusal_code(start(client, archived)) == "CAMPAIGN_ARCHIVED"
    deleted = make_campaign(school)
    campaign_delete(actor=deleted.owner, campaigns=[deleted], on_behalf_of="MEMBER")
    assert refusal_code(start(client, deleted)) == "CAMPAIGN_DELETED"
    open_one = make_campaign(school)
    organization_archive(actor=make_staff(), organization=school, on_behalf_of="STAFF")
    assert refusal_code(start(client, open_one)) == "ORGANIZATION_ARCHIVED"
    assert not Participation.objects.exists()


def test_a_campaign_archived_between_the_page_and_the_click_is_refused(campaign, lea):
    client = signed_in(lea.user)
    client.get(f"/parcours/{campaign.code}/")
    campaign_archive(actor=campaign.owner, campaign=campaign, on_behalf_of="MEMBER")
    assert refusal_code(start(client, campaign)) == "CAMPAIGN_ARCHIVED"


def test_signed_out_the_student_pages_lead_to_the_landing(client, campaign):
    for page in ("eleve", "associer", "participer", "mon-parcours", "compte-cree"):
        response = client.get(f"/parcours/{campaign.code}/{page}/")
        assert response["Location"] == f"/parcours/{campaign.code}/", page
    assert start(client, campaign)["Location"] == f"/parcours/{campaign.code}/"


def test_the_participation_page_sends_an_unlinked_student_to_the_form_first(campaign):
    response = signed_in(make_student()).get(f"/parcours/{campaign.code}/participer/")
    assert response["Location"] == f"/parcours/{campaign.code}/eleve/"
