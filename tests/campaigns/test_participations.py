"""Joining a campaign (the rules the student side will call), sending the results, and a
school deleting a participation made with the wrong account."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from campaigns.errors import (
    CampaignClosedError,
    CampaignDeletedError,
    CampaignOtherClassError,
    ExternalIdInvalidError,
    ExternalIdRequiredError,
    ExternalIdTooLongError,
    ParticipationAlreadySharedError,
)
from campaigns.models import Campaign, Participation
from campaigns.services import (
    campaign_archive,
    campaign_create_per_class,
    campaign_delete,
    participation_delete,
    participation_share,
    participation_start,
)
from organizations.services import organization_archive
from tests.factories import (
    UserFactory,
    audit_rows,
    make_campaign,
    make_participation,
    make_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lea(school):
    learner = school.learners_by_name["Léa"]
    learner.user = UserFactory(email=None, username="lea.martin1705")
    learner.save()
    return learner


def test_a_student_joins_then_sends_their_results(campaign, lea):
    participation = participation_start(campaign=campaign, user=lea.user, learner=lea)
    assert (participation.status, participation.shared_at, participation.user) == (
        "STARTED",
        None,
        lea.user,
    )
    # Coming back to the campaign finds the same participation.
    assert participation_start(campaign=campaign, user=lea.user, learner=lea) == participation
    participation_share(participation=participation, user=lea.user)
    participation.refresh_from_db()
    assert participation.status == "SHARED" and participation.shared_at is not None
    with pytest.raises(ParticipationAlreadySharedError):
        participation_share(participation=participation, user=lea.user)


def test_only_the_student_sends_their_results(campaign, lea, member_user):
    participation = participation_start(campaign=campaign, user=lea.user, learner=lea)
    with pytest.raises(PermissionDenied):
        participation_share(participation=participation, user=member_user)


def test_without_multiple_sendings_the_results_are_sent_once(campaign, lea):
    participation_share(
        participation=participation_start(campaign=campaign, user=lea.user, learner=lea),
        user=lea.user,
    )
    with pytest.raises(ParticipationAlreadySharedError) as refusal:
        participation_start(campaign=campaign, user=lea.user, learner=lea)
    assert refusal.value.code == "PARTICIPATION_ALREADY_SHARED"
    assert Participation.objects.count() == 1


def test_with_multiple_sendings_a_new_participation_replaces_the_sent_one(school, lea):
    campaign = make_campaign(
        school, multiple_sendings=True, external_id_label="Numéro", external_id_type="TEXT"
    )
    first = participation_start(campaign=campaign, user=lea.user, learner=lea, external_id="42")
    participation_share(participation=first, user=lea.user)
    second = participation_start(campaign=campaign, user=lea.user, learner=lea)
    first.refresh_from_db()
    assert first.is_improved and not second.is_improved
    assert (second.status, second.external_id) == ("STARTED", "42")


def test_the_database_holds_one_current_participation_per_student(campaign, lea):
    participation_start(campaign=campaign, user=lea.user, learner=lea)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(campaign=campaign, user=lea.user, learner=lea)


def test_an_archived_campaign_or_a_closed_space_takes_no_one_new(campaign, lea, school):
    campaign_archive(actor=campaign.owner, campaign=campaign, on_behalf_of="MEMBER")
    with pytest.raises(CampaignClosedError) as refusal:
        participation_start(campaign=campaign, user=lea.user, learner=lea)
    assert refusal.value.code == "CAMPAIGN_ARCHIVED"
    other = make_campaign(school)
    organization_archive(actor=make_staff(), organization=school, on_behalf_of="STAFF")
    with pytest.raises(CampaignClosedError):
        participation_start(campaign=other, user=lea.user, learner=lea)
    assert not Participation.objects.exists()


def test_a_student_who_joined_may_still_send_results_once_archived(campaign, lea):
    participation = participation_start(campaign=campaign, user=lea.user, learner=lea)
    campaign_archive(actor=campaign.owner, campaign=campaign, on_behalf_of="MEMBER")
    participation_share(participation=participation, user=lea.user)
    participation.refresh_from_db()
    assert participation.status == "SHARED"


def test_a_deleted_campaign_takes_no_one(campaign, lea):
    campaign_delete(actor=campaign.owner, campaigns=[campaign], on_behalf_of="MEMBER")
    with pytest.raises(CampaignDeletedError):
        participation_start(campaign=campaign, user=lea.user, learner=lea)


def test_a_class_campaign_checks_the_class_at_the_first_join(school, admin_user, lea):
    six_a, six_b = campaign_create_per_class(
        actor=admin_user,
        organization=school,
        on_behalf_of="ADMIN",
        divisions=["6A", "6B"],
        name="Rentrée",
        type=Campaign.Type.ASSESSMENT,
        multiple_sendings=True,
    )
    with pytest.raises(CampaignOtherClassError) as refusal:
        participation_start(campaign=six_b, user=lea.user, learner=lea)
    assert refusal.value.code == "CAMPAIGN_OTHER_CLASS"
    assert refusal.value.meta == {"division": "6B"}
    participation = participation_start(campaign=six_a, user=lea.user, learner=lea)
    # Léa moves to 6B: she keeps her participation in 6A's campaign, and may send again.
    lea.division = "6B"
    lea.save()
    assert participation_start(campaign=six_a, user=lea.user, learner=lea) == participation
    participation_share(participation=participation, user=lea.user)
    again = participation_start(campaign=six_a, user=lea.user, learner=lea)
    assert again != participation and again.campaign == six_a


def test_the_learner_must_be_the_accounts_own_in_the_campaigns_school(
    campaign, lea, other_organization
):
    with pytest.raises(ValueError):
        participation_start(campaign=campaign, user=UserFactory(), learner=lea)
    elsewhere = make_campaign(other_organization)
    with pytest.raises(ValueError):
        participation_start(campaign=elsewhere, user=lea.user, learner=lea)


@pytest.mark.parametrize(
    ("kind", "value", "error", "message"),
    [
        (
            "TEXT",
            "  ",
            ExternalIdRequiredError,
            "Remplissez ce champ : votre établissement le demande.",
        ),
        (
            "EMAIL",
            "pas-une-adresse",
            ExternalIdInvalidError,
            "Saisissez une adresse e-mail, par exemple nom@exemple.fr.",
        ),
        (
            "TEXT",
            "x" * 256,
            ExternalIdTooLongError,
            "255 caractères au plus.",
        ),
    ],
)
def test_the_external_id_is_checked(school, lea, kind, value, error, message):
    campaign = make_campaign(school, external_id_label="Identifiant", external_id_type=kind)
    with pytest.raises(error) as refusal:
        participation_start(campaign=campaign, user=lea.user, learner=lea, external_id=value)
    assert refusal.value.field == "external_id"
    assert refusal.value.message == message
    assert not Participation.objects.exists()


def test_a_valid_external_id_is_kept_trimmed(school, lea):
    campaign = make_campaign(school, external_id_label="E-mail", external_id_type="EMAIL")
    participation = participation_start(
        campaign=campaign, user=lea.user, learner=lea, external_id=" lea@example.fr "
    )
    assert participation.external_id == "lea@example.fr"


def test_deleting_a_participation_deletes_every_sending_and_is_recorded(school, admin_user):
    campaign = make_campaign(school, multiple_sendings=True)
    first = make_participation(campaign, school.learners_by_name["Léa"], shared=True)
    second = participation_start(campaign=campaign, user=first.user, learner=first.learner)
    other = make_participation(campaign, school.learners_by_name["Hugo"])
    assert participation_delete(actor=admin_user, participation=second, on_behalf_of="ADMIN") == 2
    assert set(
        Participation.objects.filter(deleted_at__isnull=False).values_list("pk", flat=True)
    ) == {first.pk, second.pk}
    other.refresh_from_db()
    assert other.deleted_at is None
    assert audit_rows(action="participation.deleted") == [
        (
            "participation.deleted",
            admin_user.pk,
            "ADMIN",
            school.pk,
            "campaigns.participation",
            second.pk,
            {
                "campaign_id": campaign.pk,
                "learner_id": first.learner_id,
                "participation_ids": [first.pk, second.pk],
                "statuses": ["SHARED", "STARTED"],
            },
        )
    ]
    # The student can join again, with the right account.
    again = participation_start(campaign=campaign, user=first.user, learner=first.learner)
    assert again.pk not in {first.pk, second.pk}
