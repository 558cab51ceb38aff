"""Back office: a school's administrator invitation in one action from the organisation
list; the invitation list with its filters; cancel and resend through the services,
audited on behalf of STAFF; nothing edited, added or deleted by hand."""

import html

import pytest
from django.contrib.messages import get_messages
from django.core import mail

from invitations.models import Invitation
from organizations.models import Organization
from organizations.services import organization_archive
from tests.factories import UserFactory, audit_rows, make_organization, make_staff
from tests.invitations.helpers import link_in, send

# Real commits: the e-mail is handed to the broker when the action's service commits,
# before the page says whether it left (a test transaction would hold it until the end).
pytestmark = pytest.mark.django_db(transaction=True)

ORGANIZATIONS = "/backoffice/organizations/organization/"
INVITATIONS = "/backoffice/invitations/invitation/"


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def act(client, url, action, objects, on_commit):
    with on_commit():
        response = client.post(
            url, {"action": action, "_selected_action": [obj.pk for obj in objects]}
        )
    assert response.status_code == 302
    return messages_of(response)


def test_staff_sends_a_school_s_administrator_invitation_in_one_action(
    staff_client, staff, organization, on_commit
):
    messages = act(
        staff_client, ORGANIZATIONS, "send_administrator_invitation", [organization], on_commit
    )
    assert messages == ["1 invitation administrateur envoyée à l'adresse officielle."]
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.language) == (
        organization.official_email,
        "ADMIN",
        "fr",
    )
    assert invitation.sent_by == staff
    assert [message.to for message in mail.outbox] == [[organization.official_email]]
    assert audit_rows(action="invitation.sent")[0][:3] == ("invitation.sent", staff.pk, "STAFF")


def test_sending_again_reuses_the_pending_invitation_with_a_new_link(
    staff_client, organization, on_commit
):
    act(staff_client, ORGANIZATIONS, "send_administrator_invitation", [organization], on_commit)
    act(staff_client, ORGANIZATIONS, "send_administrator_invitation", [organization], on_commit)
    assert Invitation.objects.get().send_count == 2
    assert link_in(mail.outbox[0]) != link_in(mail.outbox[1])


def test_each_school_that_cannot_be_invited_is_named_with_its_reason(
    staff_client, organization, on_commit
):
    closed = make_organization(name="Collège fermé")
    organization_archive(actor=None, organization=closed)
    without_email = make_organization(
        name="École sans adresse", type=Organization.Type.SCO_1D, official_email=""
    )
    messages = act(
        staff_client,
        ORGANIZATIONS,
        "send_administrator_invitation",
        [organization, closed, without_email],
        on_commit,
    )
    assert len(messages) == 3
    assert any(m.startswith("Collège fermé") and "fermé" in m for m in messages)
    assert any(m.startswith("École sans adresse") and "Aucune adresse" in m for m in messages)
    assert "1 invitation administrateur envoyée à l'adresse officielle." in messages
    assert Invitation.objects.count() == 1


def test_the_back_office_says_when_an_invitation_is_not_sent_yet(
    staff_client, organization, on_commit, broker_down
):
    messages = act(
        staff_client, ORGANIZATIONS, "send_administrator_invitation", [organization], on_commit
    )
    assert "1 invitation n'est pas encore envoyée" in " ".join(messages)
    assert Invitation.objects.get().delivery == "NOT_QUEUED"
    body = html.unescape(staff_client.get(INVITATIONS).content.decode())
    assert "Pas encore envoyée" in body


def test_the_list_shows_delivery_and_filters_by_status_role_delivery_and_organisation(
    staff_client, organization, other_organization
):
    pending, _ = send(organization, "a@school.example", role="ADMIN")
    cancelled, _ = send(other_organization, "b@school.example", role="MEMBER")
    Invitation.objects.filter(pk=cancelled.pk).update(status="CANCELLED", delivery="FAILED")

    def listed(query=""):
        response = staff_client.get(f"{INVITATIONS}{query}")
        assert response.status_code == 200
        return {invitation.pk for invitation in response.context["cl"].result_list}

    assert listed() == {pending.pk, cancelled.pk}
    assert listed("?status__exact=PENDING") == {pending.pk}
    assert listed("?role__exact=MEMBER") == {cancelled.pk}
    assert listed("?delivery__exact=FAILED") == {cancelled.pk}
    assert listed(f"?organization={organization.pk}") == {pending.pk}
    assert listed(f"?q={other_organization.uai}") == {cancelled.pk}
    body = html.unescape(staff_client.get(INVITATIONS).content.decode())
    assert "Refusée par le serveur de messagerie" in body


def test_the_detail_is_read_only_and_shows_no_code_hash(staff_client, organization):
    invitation, _ = send(organization)
    response = staff_client.get(f"{INVITATIONS}{invitation.pk}/change/")
    body = response.content.decode()
    assert response.status_code == 200
    assert invitation.code_hash not in body
    assert 'name="_save"' not in body
    assert staff_client.get(f"{INVITATIONS}add/").status_code == 403
    assert staff_client.get(f"{INVITATIONS}{invitation.pk}/delete/").status_code == 403


def test_staff_cancels_invitations_and_each_refusal_is_named(
    staff_client, staff, organization, on_commit
):
    first, _ = send(organization, "a@school.example")
    second, _ = send(organization, "b@school.example")
    Invitation.objects.filter(pk=second.pk).update(status="CANCELLED")
    messages = act(staff_client, INVITATIONS, "cancel", [first, second], on_commit)
    assert "1 invitation annulée." in messages
    assert any("n'est plus en attente" in message for message in messages)
    first.refresh_from_db()
    assert first.status == "CANCELLED"
    assert audit_rows(action="invitation.cancelled")[0][:3] == (
        "invitation.cancelled",
        staff.pk,
        "STAFF",
    )


def test_staff_resends_an_invitation_with_a_new_link(staff_client, staff, organization, on_commit):
    invitation, old_link = send(organization)
    messages = act(staff_client, INVITATIONS, "resend", [invitation], on_commit)
    assert messages == ["1 invitation renvoyée."]
    invitation.refresh_from_db()
    assert (invitation.send_count, invitation.sent_by) == (2, staff)
    assert link_in(mail.outbox[-1]) != old_link


def test_the_back_office_is_for_staff_only(client, organization):
    send(organization)
    client.force_login(UserFactory())
    assert client.get(INVITATIONS).status_code == 302  # to the sign-in page
    assert Invitation.objects.get().status == "PENDING"
