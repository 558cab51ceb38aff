"""Self-activation asked again soon: within 15 minutes of the last e-mail of the school's
pending administrator invitation, nothing is sent and no code rotates (so anonymous
requests cannot void the link in the mailbox), and only e-mails sent count in the
per-UAI limit (so they cannot block the school's self-activation either)."""

import html

import pytest
from django.core import mail

from invitations import limits
from invitations.models import Invitation
from tests.factories import UserFactory, audit_rows
from tests.invitations.helpers import accept, link_in, send
from tests.invitations.test_self_activation import age_invitations

pytestmark = pytest.mark.django_db

URL = "/demande-administration-sco/"


@pytest.fixture
def ask(client, on_commit, organization):
    def ask(ip="192.0.2.10", first_name="Anne"):
        with on_commit():
            response = client.post(
                URL,
                {"uai": organization.uai, "first_name": first_name, "last_name": "Roux"},
                REMOTE_ADDR=ip,
            )
        return response, html.unescape(response.content.decode())

    return ask


def test_asking_again_within_the_cooldown_sends_nothing_and_keeps_the_link(ask, client):
    ask()
    first_link = link_in(mail.outbox[0])
    for number in range(5):
        response, body = ask(ip=f"198.51.100.{number}", first_name="Intrus")
        assert response.status_code == 200
        assert "Invitation envoyée à l'établissement" in body
    assert len(mail.outbox) == 1
    invitation = Invitation.objects.get()
    assert invitation.send_count == 1
    # The names are those of the e-mail that left, not of the later requests.
    assert invitation.requester_first_name == "Anne"
    assert len(audit_rows(action="invitation.sent")) == 1
    user = UserFactory()
    client.force_login(user)
    assert accept(client, first_link).status_code == 302
    assert user.memberships.get().role == "ADMIN"


def test_the_link_staff_sent_is_not_voided_by_a_request_soon_after(ask, organization, client):
    staff = UserFactory(is_staff=True)
    invitation, link = send(organization, sent_by=staff, on_behalf_of="STAFF")
    response, _ = ask()
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert (invitation.send_count, invitation.sent_by) == (1, staff)
    client.force_login(UserFactory())
    assert accept(client, link).status_code == 302


def test_after_the_cooldown_the_invitation_is_sent_again(ask):
    ask()
    age_invitations(minutes=14)
    ask()
    assert len(mail.outbox) == 1
    age_invitations(minutes=2)
    ask(first_name="Paul")
    assert len(mail.outbox) == 2
    assert "Paul Roux a demandé" in mail.outbox[1].body


def test_a_recent_invitation_of_another_role_is_not_a_reason_to_wait(ask, organization):
    send(organization, role=Invitation.Role.MEMBER)
    ask()
    assert len(mail.outbox) == 2
    assert Invitation.objects.get().role == "ADMIN"


def test_requests_within_the_cooldown_do_not_count_in_the_school_s_limit(ask, settings):
    settings.SELF_ACTIVATION_RATE_LIMITS = {"ip": "100/h", "uai": "2/h"}
    ask()
    for number in range(6):
        assert ask(ip=f"198.51.100.{number}")[0].status_code == 200
    age_invitations()
    assert ask()[0].status_code == 200  # the second e-mail
    assert len(mail.outbox) == 2
    age_invitations()
    response, body = ask()
    assert response.status_code == 429
    assert "Trop de demandes en peu de temps" in body
    assert len(mail.outbox) == 2


def test_a_refused_request_does_not_fill_the_longer_windows():
    assert limits.consume_if_room("test", "0750654D", "1/h,5/d")
    for _ in range(10):
        assert not limits.consume_if_room("test", "0750654D", "1/h,5/d")
    # The day's window counted the one e-mail sent, not the ten refusals.
    assert [limits.consume_if_room("test", "0750654D", "5/d") for _ in range(5)] == [
        True,
        True,
        True,
        True,
        False,
    ]
