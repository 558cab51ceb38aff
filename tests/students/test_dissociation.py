"""Undoing a wrong link between a student and an account (administrators): the
confirmation names the student and the account, the link goes, the audit log says so,
participations stay the student's, and the student can join again with their own
account."""

import re

import pytest

from campaigns.models import Participation
from organizations.models import AuditLog, Membership
from students.models import Learner
from students.services import LearnerNotLinkedError, learner_dissociate
from tests.campaigns.join_helpers import BIRTHDATE, identity, signed_in, text
from tests.factories import (
    audit_rows,
    make_campaign,
    make_learner,
    make_member,
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


def test_unlinking_keeps_the_participations_and_is_recorded(
    client, admin_user, organization, wrongly_linked
):
    brother_id = wrongly_linked.user_id
    campaign = make_campaign(organization)
    participation = make_participation(campaign, wrongly_linked, shared=True)
    client.force_login(admin_user)
    response = client.post(url(wrongly_linked))
    assert response.status_code == 302 and response["Location"] == f"/eleves/{wrongly_linked.pk}/"
    page = client.get(response["Location"])
    assert "Le compte n'est plus associé à cet élève." in text(page)
    assert re.search(
        r'id="learner-sign-in">\s*<span[^>]*>Pas encore de compte', page.content.decode()
    )
    assert Learner.objects.get(pk=wrongly_linked.pk).user_id is None
    # The participation stays the student's, and still says which account made it.
    participation.refresh_from_db()
    assert (participation.learner_id, participation.user_id) == (wrongly_linked.pk, brother_id)
    assert participation.deleted_at is None
    assert audit_rows(action="learner.dissociated") == [
        (
            "learner.dissociated",
            admin_user.pk,
            "ADMIN",
            organization.pk,
            "students.learner",
            wrongly_linked.pk,
            {"learner_id": wrongly_linked.pk, "user_id": brother_id},
        )
    ]


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
