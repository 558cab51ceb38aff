"""What accepting does to memberships: each outcome, the automatic role, never a
demotion; the space becomes current; the audit rows."""

import html

import pytest

from invitations.models import Invitation
from organizations.current import SESSION_KEY
from organizations.models import Membership
from organizations.services import membership_remove
from tests.factories import UserFactory, audit_rows, make_member, make_staff
from tests.invitations.helpers import accept, send

pytestmark = pytest.mark.django_db

ADMIN, MEMBER, AUTO = Invitation.Role.ADMIN, Invitation.Role.MEMBER, Invitation.Role.AUTO


def accept_as(client, user, link):
    client.force_login(user)
    response = accept(client, link)
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/campagnes/"
    return html.unescape(client.get("/campagnes/").content.decode())


def active_membership(user, organization) -> Membership:
    return Membership.objects.get(user=user, organization=organization, disabled_at__isnull=True)


@pytest.mark.parametrize(
    ("role", "resolved", "message"),
    [
        (ADMIN, "ADMIN", "Vous avez rejoint {} en tant qu'administrateur."),
        (MEMBER, "MEMBER", "Vous avez rejoint {}."),
    ],
)
def test_a_new_person_joins_with_the_invitation_s_role(
    client, organization, role, resolved, message
):
    _, link = send(organization, "x@school.example", role=role)
    user = UserFactory()
    body = accept_as(client, user, link)
    assert active_membership(user, organization).role == resolved
    assert message.format(organization.name) in body
    invitation = Invitation.objects.get()
    assert (invitation.status, invitation.accepted_by) == ("ACCEPTED", user)
    assert invitation.accepted_at is not None


def test_an_automatic_invitation_makes_an_administrator_when_there_is_none(client, organization):
    make_member(organization, role=MEMBER)  # a member is not an administrator
    _, link = send(organization, "x@school.example", role=AUTO)
    user = UserFactory()
    accept_as(client, user, link)
    assert active_membership(user, organization).role == "ADMIN"


def test_an_automatic_invitation_makes_a_member_when_there_is_an_administrator(
    client, organization, admin_user
):
    _, link = send(organization, "x@school.example", role=AUTO)
    user = UserFactory()
    accept_as(client, user, link)
    assert active_membership(user, organization).role == "MEMBER"


def test_a_removed_member_gets_a_new_active_membership(client, organization, admin_user):
    user = make_member(organization, role=MEMBER)
    old = active_membership(user, organization)
    membership_remove(actor=admin_user, membership=old)
    _, link = send(organization, "x@school.example", role=MEMBER)
    body = accept_as(client, user, link)
    new = active_membership(user, organization)
    assert new.pk != old.pk
    assert new.role == "MEMBER"
    assert f"Vous avez de nouveau rejoint {organization.name}." in body


def test_a_member_invited_as_administrator_is_promoted(client, organization, admin_user):
    user = make_member(organization, role=MEMBER)
    membership = active_membership(user, organization)
    _, link = send(organization, "x@school.example", role=ADMIN)
    body = accept_as(client, user, link)
    assert active_membership(user, organization).pk == membership.pk
    assert active_membership(user, organization).role == "ADMIN"
    assert f"Vous êtes maintenant administrateur de {organization.name}." in body
    assert audit_rows(action="membership.role_changed") == [
        (
            "membership.role_changed",
            user.pk,
            "ADMIN",
            organization.pk,
            "organizations.membership",
            membership.pk,
            {
                "user_id": user.pk,
                "from": "MEMBER",
                "to": "ADMIN",
                "invitation_id": Invitation.objects.get().pk,
            },
        )
    ]


def test_an_administrator_invited_as_member_stays_administrator(client, organization, admin_user):
    _, link = send(organization, "x@school.example", role=MEMBER)
    body = accept_as(client, admin_user, link)
    assert active_membership(admin_user, organization).role == "ADMIN"
    assert f"Vous êtes déjà membre de {organization.name} : rien n'a changé." in body
    assert Invitation.objects.get().status == "ACCEPTED"
    assert audit_rows(action="membership.role_changed") == []


def test_a_member_with_an_automatic_invitation_is_told_they_already_are_one(
    client, organization, admin_user, member_user
):
    _, link = send(organization, "x@school.example", role=AUTO)
    body = accept_as(client, member_user, link)
    assert active_membership(member_user, organization).role == "MEMBER"
    assert f"Vous êtes déjà membre de {organization.name} : rien n'a changé." in body
    assert Invitation.objects.get().status == "ACCEPTED"


def test_a_member_of_an_organisation_without_administrator_is_promoted_by_an_automatic_one(
    client, organization
):
    """AUTO resolves to ADMIN when nobody administers the space: the member becomes one."""
    user = make_member(organization, role=MEMBER)
    _, link = send(organization, "x@school.example", role=AUTO)
    accept_as(client, user, link)
    assert active_membership(user, organization).role == "ADMIN"


def test_the_organisation_becomes_the_current_one(
    client, organization, other_organization, outsider_user
):
    client.force_login(outsider_user)
    client.get("/campagnes/")
    assert client.session[SESSION_KEY] == other_organization.pk
    _, link = send(organization, "x@school.example", role=MEMBER)
    accept_as(client, outsider_user, link)
    assert client.session[SESSION_KEY] == organization.pk


def test_any_signed_in_account_may_accept_whatever_its_address(client, organization):
    """The official mailbox is shared: the acceptor's e-mail differs from the invited one."""
    _, link = send(organization)  # to ce.…@ac-test.fr
    user = UserFactory(email="principal.personnel@gmail.example")
    accept_as(client, user, link)
    assert active_membership(user, organization).role == "ADMIN"


def test_accepting_is_recorded(client, organization):
    staff = make_staff()
    invitation, link = send(organization, sent_by=staff, on_behalf_of="STAFF")
    user = UserFactory()
    accept_as(client, user, link)
    membership = active_membership(user, organization)
    assert audit_rows(action__in=["membership.created", "invitation.accepted"]) == [
        (
            "membership.created",
            user.pk,
            "ADMIN",
            organization.pk,
            "organizations.membership",
            membership.pk,
            {"user_id": user.pk, "role": "ADMIN"},
        ),
        (
            "invitation.accepted",
            user.pk,
            "ADMIN",
            organization.pk,
            "invitations.invitation",
            invitation.pk,
            {
                "invitation_id": invitation.pk,
                "user_id": user.pk,
                "membership_id": membership.pk,
                "role": "ADMIN",
                "outcome": "JOINED",
            },
        ),
    ]


def test_accepting_erases_the_requester_s_names(client, organization):
    invitation, link = send(organization, requester_first_name="Anne", requester_last_name="Roux")
    assert (invitation.requester_first_name, invitation.requester_last_name) == ("Anne", "Roux")
    accept_as(client, UserFactory(), link)
    invitation.refresh_from_db()
    assert (invitation.requester_first_name, invitation.requester_last_name) == ("", "")


def test_an_invitation_promotes_only_the_person_who_accepts_it(organization, member_user):
    from django.core.exceptions import PermissionDenied

    from organizations.services.memberships import membership_promote_on_invitation

    with pytest.raises(PermissionDenied):
        membership_promote_on_invitation(
            membership=active_membership(member_user, organization), actor=UserFactory()
        )
    assert active_membership(member_user, organization).role == "MEMBER"
