"""Inviting several addresses from the team page (`invitations_send_many`): new ones
invited, pending ones sent again with a new link, already-members reported and not
invited, the automatic role, the audit rows; refusals send nothing."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from invitations.errors import OrganizationClosedError
from invitations.models import Invitation
from invitations.services import (
    invitation_cancel_by_admin,
    invitation_resend_by_admin,
    team_invitations_preview,
)
from organizations.models import Membership
from organizations.services import membership_remove, organization_archive
from tests.factories import audit_rows, make_member
from tests.invitations.helpers import link_in, send
from tests.invitations.team_helpers import install_clock, team_send

pytestmark = pytest.mark.django_db


def test_new_addresses_get_an_automatic_invitation_each_with_its_e_mail(organization, admin_user):
    result = team_send(organization, admin_user, "paul@ac-test.fr", "lea@ac-test.fr")
    assert (result.new, result.resent, result.already_members) == (
        ["paul@ac-test.fr", "lea@ac-test.fr"],
        [],
        [],
    )
    invitations = Invitation.objects.order_by("id")
    assert [(i.email, i.role, i.status, i.sent_by) for i in invitations] == [
        ("paul@ac-test.fr", "AUTO", "PENDING", admin_user),
        ("lea@ac-test.fr", "AUTO", "PENDING", admin_user),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == ["lea@ac-test.fr", "paul@ac-test.fr"]
    assert all(organization.name in message.body for message in mail.outbox)


def test_each_sending_is_recorded_on_behalf_of_the_administrator(organization, admin_user):
    team_send(organization, admin_user, "paul@ac-test.fr")
    (invitation,) = Invitation.objects.all()
    assert audit_rows(action="invitation.sent") == [
        (
            "invitation.sent",
            admin_user.pk,
            "ADMIN",
            organization.pk,
            "invitations.invitation",
            invitation.pk,
            {
                "invitation_id": invitation.pk,
                "role": "AUTO",
                "send_count": 1,
                "reused": False,
                "source": "team",
            },
        )
    ]


def test_already_members_are_reported_and_not_invited(organization, admin_user, member_user):
    result = team_send(organization, admin_user, member_user.email.upper(), "paul@ac-test.fr")
    assert result.already_members == [member_user.email]
    assert result.new == ["paul@ac-test.fr"]
    assert [message.to for message in mail.outbox] == [["paul@ac-test.fr"]]
    assert not Invitation.objects.filter(email=member_user.email).exists()


def test_a_removed_member_is_invited_again(organization, admin_user, member_user):
    membership_remove(actor=admin_user, membership=Membership.objects.get(user=member_user))
    result = team_send(organization, admin_user, member_user.email)
    assert result.new == [member_user.email]


def test_a_pending_invitation_is_sent_again_with_a_new_link(organization, admin_user, monkeypatch):
    clock = install_clock(monkeypatch)
    pending, old_link = send(organization, "paul@ac-test.fr", role=Invitation.Role.MEMBER)
    clock.advance(minutes=2)
    result = team_send(organization, admin_user, "paul@ac-test.fr", "lea@ac-test.fr")
    assert (result.new, result.resent) == (["lea@ac-test.fr"], ["paul@ac-test.fr"])
    pending.refresh_from_db()
    assert (pending.send_count, pending.status) == (2, "PENDING")
    assert Invitation.objects.filter(email="paul@ac-test.fr").count() == 1
    new_link = link_in(next(m for m in mail.outbox[1:] if m.to == ["paul@ac-test.fr"]))
    assert new_link != old_link


def test_a_pending_invitation_sent_under_a_minute_ago_is_not_sent_again(
    organization, admin_user, monkeypatch
):
    clock = install_clock(monkeypatch)
    team_send(organization, admin_user, "paul@ac-test.fr")
    clock.advance(seconds=50)
    result = team_send(organization, admin_user, "paul@ac-test.fr", "lea@ac-test.fr")
    assert (result.new, result.too_recent, result.resent) == (
        ["lea@ac-test.fr"],
        ["paul@ac-test.fr"],
        [],
    )
    assert Invitation.objects.get(email="paul@ac-test.fr").send_count == 1


def test_the_preview_sorts_the_addresses_without_writing_anything(
    organization, admin_user, member_user
):
    send(organization, "paul@ac-test.fr")
    plan = team_invitations_preview(
        organization=organization, emails=["lea@ac-test.fr", member_user.email, "paul@ac-test.fr"]
    )
    assert (plan.new, plan.already_members, plan.too_recent) == (
        ["lea@ac-test.fr"],
        [member_user.email],
        ["paul@ac-test.fr"],
    )
    assert Invitation.objects.count() == 1


def test_another_organisation_s_pending_invitation_is_not_reused(
    organization, other_organization, admin_user
):
    send(other_organization, "paul@ac-test.fr")
    result = team_send(organization, admin_user, "paul@ac-test.fr")
    assert result.new == ["paul@ac-test.fr"]
    assert Invitation.objects.filter(email="paul@ac-test.fr").count() == 2


# --- Refusals -----------------------------------------------------------------------------


def test_a_member_cannot_invite(organization, member_user):
    with pytest.raises(PermissionDenied):
        team_send(organization, member_user, "paul@ac-test.fr")
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_an_administrator_of_another_organisation_cannot_invite_here(organization, outsider_user):
    with pytest.raises(PermissionDenied):
        team_send(organization, outsider_user, "paul@ac-test.fr")
    assert Invitation.objects.count() == 0


def test_nobody_is_invited_to_a_closed_space(organization, admin_user):
    organization_archive(actor=None, organization=organization)
    with pytest.raises(OrganizationClosedError):
        team_send(organization, admin_user, "paul@ac-test.fr")
    assert Invitation.objects.count() == 0


def test_a_failure_half_way_sends_nothing_and_gives_the_quota_back(
    organization, admin_user, monkeypatch
):
    from invitations import limits
    from invitations.services import team

    real_send = team.invitation_send

    def fails_on_the_second(**kwargs):
        if kwargs["email"] == "lea@ac-test.fr":
            raise RuntimeError("the e-mail template is broken")
        return real_send(**kwargs)

    monkeypatch.setattr(team, "invitation_send", fails_on_the_second)
    with pytest.raises(RuntimeError):
        team_send(organization, admin_user, "paul@ac-test.fr", "lea@ac-test.fr")
    assert Invitation.objects.count() == 0
    assert mail.outbox == []
    monkeypatch.setattr(team, "invitation_send", real_send)
    # The two that were counted came back: the whole quota is still there.
    limits.team_invitations_consume(
        organization_id=organization.pk, count=limits.TEAM_INVITATIONS_PER_HOUR
    )


# --- Resend and cancel by an administrator ------------------------------------------------


def test_resending_and_cancelling_are_recorded_on_behalf_of_the_administrator(
    organization, admin_user, monkeypatch
):
    clock = install_clock(monkeypatch)
    team_send(organization, admin_user, "paul@ac-test.fr")
    invitation = Invitation.objects.get()
    clock.advance(minutes=1, seconds=1)
    invitation_resend_by_admin(invitation=invitation, actor=admin_user)
    invitation_cancel_by_admin(invitation=invitation, actor=admin_user)
    assert [row[:3] for row in audit_rows(target_type="invitations.invitation")] == [
        ("invitation.sent", admin_user.pk, "ADMIN"),
        ("invitation.sent", admin_user.pk, "ADMIN"),
        ("invitation.cancelled", admin_user.pk, "ADMIN"),
    ]
    invitation.refresh_from_db()
    assert (invitation.status, invitation.send_count) == ("CANCELLED", 2)


def test_members_and_outsiders_cannot_resend_or_cancel(
    organization, admin_user, member_user, outsider_user
):
    team_send(organization, admin_user, "paul@ac-test.fr")
    invitation = Invitation.objects.get()
    for who in (member_user, outsider_user):
        with pytest.raises(PermissionDenied):
            invitation_resend_by_admin(invitation=invitation, actor=who)
        with pytest.raises(PermissionDenied):
            invitation_cancel_by_admin(invitation=invitation, actor=who)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.send_count) == ("PENDING", 1)


def test_a_member_just_made_administrator_can_invite(organization, admin_user):
    teacher = make_member(organization)
    from organizations.services import membership_change_role

    membership_change_role(
        actor=admin_user, membership=Membership.objects.get(user=teacher), role="ADMIN"
    )
    assert team_send(organization, teacher, "paul@ac-test.fr").new == ["paul@ac-test.fr"]


def test_with_the_broker_down_the_invitations_are_kept_and_shown_not_sent_yet(
    client, organization, admin_user, broker_down
):
    result = team_send(organization, admin_user, "paul@ac-test.fr", "lea@ac-test.fr")
    assert result.new == ["paul@ac-test.fr", "lea@ac-test.fr"]
    assert set(Invitation.objects.values_list("delivery", flat=True)) == {"NOT_QUEUED"}
    assert mail.outbox == []
    client.force_login(admin_user)
    page = client.get("/equipe/").content.decode()
    assert page.count("Pas encore envoyée") == 2
