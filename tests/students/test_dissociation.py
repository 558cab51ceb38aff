"""Undoing a wrong link between a student and an account (administrators): the
confirmation names the student, the account and that account's participations for the
student; the link goes and those participations are deleted (sent ones too), the audit
log says so (ids only), the unlinked account can no longer act as the student, and the
student can join again with their own account and send their results."""

import re

import pytest

from campaigns.models import Participation
from campaigns.services import learner_dissociate, participation_share
from organizations.models import AuditLog, Membership
from students.models import Learner
from students.services import LearnerNotLinkedError
from tests.campaigns.join_helpers import BIRTHDATE, identity, signed_in, text
from tests.factories import (
    audit_rows,
    make_campaign,
    make_learner,
    make_member,
    make_organization,
    make_participation,
    make_student,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def wrongly_linked(organization):
    """Léa MARTIN, 4A, linked to her brother's account, which started a campaign."""
    brother = make_student(username="hugo.martin0312", first_name="Hugo", last_name="Martin")
    learner = make_learner(
        organization,
        last_name="MARTIN",
        first_name="Léa",
        division="4A",
        birthdate=BIRTHDATE,
        user=brother,
    )
    return learner


def url(learner) -> str:
    return f"/eleves/{learner.pk}/dissocier/"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_member_gets_403_and_nothing_changes(client, member_user, wrongly_linked, method):
    client.force_login(member_user)
    assert getattr(client, method)(url(wrongly_linked)).status_code == 403
    assert Learner.objects.get(pk=wrongly_linked.pk).user_id is not None


@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_of_another_school_gets_404(client, outsider_user, wrongly_linked, method):
    client.force_login(outsider_user)
    assert getattr(client, method)(url(wrongly_linked)).status_code == 404
    assert Learner.objects.get(pk=wrongly_linked.pk).user_id is not None


def test_anonymous_is_sent_to_sign_in(client, wrongly_linked):
    response = client.post(url(wrongly_linked))
    assert response.status_code == 302 and response["Location"].startswith("/compte/login/")
    assert Learner.objects.get(pk=wrongly_linked.pk).user_id is not None


def test_the_confirmation_names_the_student_and_the_account(client, admin_user, wrongly_linked):
    client.force_login(admin_user)
    response = client.get(url(wrongly_linked))
    assert response.status_code == 200
    shown = text(response)
    assert "Élève MARTIN Léa" in shown
    assert "Classe 4A" in shown
    assert "Compte associé Identifiant hugo.martin0312" in shown
    assert Learner.objects.get(pk=wrongly_linked.pk).user_id is not None


def test_the_confirmation_in_english(client, organization, wrongly_linked):
    person = make_member(organization, role=Membership.Role.ADMIN, language="en")
    client.force_login(person)
    shown = text(client.get(url(wrongly_linked)))
    assert "Unlink the account" in shown and "Linked account Identifier hugo.martin0312" in shown


def test_the_confirmation_lists_the_participations_it_deletes(
    client, admin_user, organization, wrongly_linked
):
    sent = make_campaign(organization, name="Maths 4A")
    started = make_campaign(organization, name="Français 4A")
    make_participation(sent, wrongly_linked, shared=True)
    make_participation(started, wrongly_linked)
    client.force_login(admin_user)
    shown = text(client.get(url(wrongly_linked)))
    assert (
        "Les résultats envoyés avec ce compte pour cet élève seront supprimés, ainsi que ses "
        "campagnes en cours : l'élève pourra ensuite y participer avec son propre compte."
    ) in shown
    assert "Français 4A — En cours" in shown
    assert "Maths 4A — Résultats envoyés" in shown
    assert Participation.objects.filter(deleted_at__isnull=True).count() == 2


def test_the_confirmation_says_when_nothing_else_is_deleted(client, admin_user, wrongly_linked):
    client.force_login(admin_user)
    shown = text(client.get(url(wrongly_linked)))
    assert "Ce compte n'a rejoint aucune campagne en tant que cet élève" in shown
    assert "seront supprimés" not in shown


def test_unlinking_deletes_the_accounts_participations_and_is_recorded(
    client, admin_user, organization, wrongly_linked
):
    brother_id = wrongly_linked.user_id
    campaign = make_campaign(organization)
    participation = make_participation(campaign, wrongly_linked, shared=True)
    # Another student's participation in the same campaign is not touched.
    other = make_participation(campaign, make_learner(organization, division="4A"))
    client.force_login(admin_user)
    response = client.post(url(wrongly_linked))
    assert response.status_code == 302 and response["Location"] == f"/eleves/{wrongly_linked.pk}/"
    page = client.get(response["Location"])
    assert "Le compte n'est plus associé à cet élève" in text(page)
    assert re.search(
        r'id="learner-sign-in">\s*<span[^>]*>Pas encore de compte', page.content.decode()
    )
    assert Learner.objects.get(pk=wrongly_linked.pk).user_id is None
    # The account's participation is deleted (kept, soft), still naming who made it.
    participation.refresh_from_db()
    assert (participation.learner_id, participation.user_id) == (wrongly_linked.pk, brother_id)
    assert participation.deleted_at is not None and participation.deleted_by == admin_user
    other.refresh_from_db()
    assert other.deleted_at is None
    assert audit_rows(action="learner.dissociated") == [
        (
            "learner.dissociated",
            admin_user.pk,
            "ADMIN",
            organization.pk,
            "students.learner",
            wrongly_linked.pk,
            {
                "learner_id": wrongly_linked.pk,
                "user_id": brother_id,
                "participation_ids": [participation.pk],
            },
        )
    ]
    assert audit_rows(action="participation.deleted") == [
        (
            "participation.deleted",
            admin_user.pk,
            "ADMIN",
            organization.pk,
            "campaigns.participation",
            participation.pk,
            {
                "campaign_id": campaign.pk,
                "learner_id": wrongly_linked.pk,
                "participation_ids": [participation.pk],
                "statuses": ["SHARED"],
            },
        )
    ]


def test_the_unlinked_account_can_no_longer_send_results_as_the_student(
    client, admin_user, organization, wrongly_linked
):
    brother = wrongly_linked.user
    campaign = make_campaign(organization, target_division="4A")
    started = make_participation(campaign, wrongly_linked)
    client.force_login(admin_user)
    client.post(url(wrongly_linked))

    brother_client = signed_in(brother)
    response = brother_client.post(f"/parcours/{campaign.code}/envoyer/")
    assert response.status_code == 302
    assert response["Location"] == f"/parcours/{campaign.code}/"
    started.refresh_from_db()
    assert started.status == "STARTED" and started.deleted_at is not None
    assert not Participation.objects.filter(status="SHARED").exists()


def test_sending_is_refused_for_a_student_the_account_is_no_longer_linked_to(
    organization, wrongly_linked
):
    """Whatever unlinked them (the service deletes the participations, this is the rule
    underneath): the account sends only for its own learner."""
    from django.core.exceptions import PermissionDenied

    brother = wrongly_linked.user
    campaign = make_campaign(organization)
    started = make_participation(campaign, wrongly_linked)
    Learner.objects.filter(pk=wrongly_linked.pk).update(user=None)
    with pytest.raises(PermissionDenied):
        participation_share(participation=started, user=brother)
    started.refresh_from_db()
    assert started.status == "STARTED"


def test_after_unlinking_the_right_student_takes_part_even_where_results_were_sent(
    client, admin_user, organization, wrongly_linked
):
    brother = wrongly_linked.user
    campaign = make_campaign(organization, target_division="4A")
    sent = make_participation(campaign, wrongly_linked, shared=True)
    client.force_login(admin_user)
    client.post(url(wrongly_linked))

    lea = make_student(username="lea.m", first_name="Lea", last_name="Martin")
    student = signed_in(lea)
    student.post(f"/parcours/{campaign.code}/eleve/", identity("Léa", "Martin"))
    response = student.post(f"/parcours/{campaign.code}/associer/")
    assert response["Location"] == f"/parcours/{campaign.code}/mon-parcours/"
    current = Participation.objects.get(campaign=campaign, deleted_at__isnull=True)
    assert (current.learner_id, current.user_id, current.status) == (
        wrongly_linked.pk,
        lea.pk,
        "STARTED",
    )
    student.post(f"/parcours/{campaign.code}/envoyer/")
    current.refresh_from_db()
    assert current.status == "SHARED"
    sent.refresh_from_db()
    assert sent.deleted_at is not None and sent.user_id == brother.pk


def test_a_student_no_longer_linked_is_said_so(client, admin_user, organization):
    learner = make_learner(organization)
    client.force_login(admin_user)
    response = client.get(url(learner))
    assert response.status_code == 409
    assert "Cet élève n'est plus associé à aucun compte : rien à dissocier." in text(response)
    assert client.post(url(learner)).status_code == 409
    assert AuditLog.objects.filter(action="learner.dissociated").count() == 0


def test_the_service_refuses_a_member_and_an_unlinked_learner(
    organization, member_user, admin_user, wrongly_linked
):
    from django.core.exceptions import PermissionDenied

    wrongly_linked.organization = organization
    with pytest.raises(PermissionDenied):
        learner_dissociate(actor=member_user, learner=wrongly_linked)
    learner_dissociate(actor=admin_user, learner=wrongly_linked)
    with pytest.raises(LearnerNotLinkedError):
        learner_dissociate(actor=admin_user, learner=wrongly_linked)


def test_after_unlinking_the_right_account_joins_and_is_linked(
    client, admin_user, organization, wrongly_linked
):
    brother = wrongly_linked.user
    campaign = make_campaign(organization, target_division="4A")
    started = make_participation(campaign, wrongly_linked)  # the brother started it
    client.force_login(admin_user)
    client.post(url(wrongly_linked))

    lea = make_student(username="lea.m", first_name="Lea", last_name="Martin")
    student = signed_in(lea)
    response = student.post(f"/parcours/{campaign.code}/eleve/", identity("Léa", "Martin"))
    assert response["Location"] == f"/parcours/{campaign.code}/associer/"
    response = student.post(f"/parcours/{campaign.code}/associer/")
    assert response["Location"] == f"/parcours/{campaign.code}/mon-parcours/"
    assert Learner.objects.get(pk=wrongly_linked.pk).user == lea
    # Her own participation; the brother's attempt is kept, deleted.
    current = Participation.objects.get(campaign=campaign, deleted_at__isnull=True)
    assert (current.learner_id, current.user_id, current.status) == (
        wrongly_linked.pk,
        lea.pk,
        "STARTED",
    )
    started.refresh_from_db()
    assert started.deleted_at is not None and started.user_id == brother.pk
    # She can send her results.
    shared = student.post(f"/parcours/{campaign.code}/envoyer/")
    assert shared.status_code in (200, 302)
    current.refresh_from_db()
    assert current.status == "SHARED"
    # The brother's account is no longer this student's: it is asked who it is.
    brother_client = signed_in(brother)
    response = brother_client.post(f"/parcours/{campaign.code}/commencer/")
    assert response["Location"] == f"/parcours/{campaign.code}/eleve/"


def test_a_dissociated_pair_is_not_linked_again_automatically(
    client, admin_user, organization, other_organization
):
    """The account's learner in another school has the same INE and birth date: the
    automatic link (a student who changed school) would make the undone link again. It
    is skipped: the account is asked who it is (the form), and another account of the
    same student is still linked automatically."""
    from campaigns.services.joining import learner_link_automatically

    account = make_student(username="compte.ancien")
    make_learner(other_organization, ine="0123456789Z", birthdate=BIRTHDATE, user=account)
    learner = make_learner(organization, ine="0123456789Z", birthdate=BIRTHDATE, division="4A")
    assert learner_link_automatically(user=account, organization=organization) == learner
    client.force_login(admin_user)
    assert client.post(url(learner)).status_code == 302

    campaign = make_campaign(organization)
    response = signed_in(account).post(f"/parcours/{campaign.code}/commencer/")
    assert response["Location"] == f"/parcours/{campaign.code}/eleve/"
    assert Learner.objects.get(pk=learner.pk).user_id is None
    assert learner_link_automatically(user=account, organization=organization) is None
    # Another account whose learner elsewhere is the same student still is.
    other_account = make_student(username="compte.autre")
    make_learner(make_organization(), ine="0123456789Z", birthdate=BIRTHDATE, user=other_account)
    assert learner_link_automatically(user=other_account, organization=organization) == learner
