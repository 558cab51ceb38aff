"""Who may do what on every team URL: an administrator does it; a member gets 403; a person
of another organisation gets 404, as for a missing id, whatever URL or form they forge; an
anonymous visitor is sent to sign in. Refusals change nothing and send nothing."""

import pytest
from django.core import mail
from django.test import TestCase

from invitations.models import Invitation
from organizations.models import Membership
from organizations.services import membership_create, membership_remove, organization_archive
from tests.factories import make_member
from tests.invitations.helpers import send
from tests.invitations.team_helpers import install_clock
from tests.organizations.team_helpers import membership_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(organization, admin_user):
    """A teacher's membership and a pending invitation of the organisation."""
    teacher = make_member(organization)
    invitation, _ = send(organization, "pending@ac-test.fr")
    mail.outbox.clear()
    return membership_of(teacher, organization), invitation


def admin_actions(membership, invitation):
    """Every administrator action: (method, URL, data)."""
    return [
        ("get", "/equipe/inviter/", None),
        ("post", "/equipe/inviter/", {"step": "check", "emails": "paul@ac-test.fr"}),
        ("post", "/equipe/inviter/", {"step": "send", "emails": "paul@ac-test.fr"}),
        ("post", f"/equipe/invitations/{invitation.pk}/renvoyer/", {}),
        ("post", f"/equipe/invitations/{invitation.pk}/annuler/", {}),
        ("get", f"/equipe/membres/{membership.pk}/role/", None),
        ("post", f"/equipe/membres/{membership.pk}/role/", {"role": "ADMIN"}),
        ("get", f"/equipe/membres/{membership.pk}/retirer/", None),
        ("post", f"/equipe/membres/{membership.pk}/retirer/", {}),
    ]


def request(client, method, url, data):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return getattr(client, method)(url, data) if data is not None else client.get(url)


def state(organization):
    """What an action would change: memberships and invitations of the organisation."""
    return (
        sorted(
            Membership.objects.filter(organization=organization).values_list(
                "pk", "role", "disabled_at"
            )
        ),
        sorted(
            Invitation.objects.filter(organization=organization).values_list(
                "pk", "status", "send_count"
            )
        ),
    )


def test_anonymous_visitors_are_sent_to_sign_in_everywhere(client, targets):
    membership, invitation = targets
    urls = [*admin_actions(membership, invitation), ("get", "/equipe/", None)]
    urls += [("get", "/equipe/quitter/", None), ("post", "/equipe/quitter/", {})]
    for method, url, data in urls:
        response = request(client, method, url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/compte/login/?next="), url


def test_a_member_gets_403_for_every_administrator_action_and_nothing_changes(
    client, organization, member_user, targets
):
    before = state(organization)
    client.force_login(member_user)
    for method, url, data in admin_actions(*targets):
        assert request(client, method, url, data).status_code == 403, (method, url)
    assert state(organization) == before
    assert mail.outbox == []


def test_someone_of_another_organisation_gets_404_as_for_a_missing_id(
    client, organization, outsider_user, targets
):
    before = state(organization)
    client.force_login(outsider_user)  # an administrator, of another organisation
    for method, url, data in admin_actions(*targets):
        if url == "/equipe/inviter/":
            continue  # their own organisation's page: below
        assert request(client, method, url, data).status_code == 404, (method, url)
    assert state(organization) == before
    assert mail.outbox == []


def test_missing_ids_are_404_for_an_administrator(client, admin_user, targets):
    client.force_login(admin_user)
    for method, url, data in admin_actions(*targets):
        if url == "/equipe/inviter/":
            continue
        missing = url.replace(f"/{targets[0].pk}/", "/999999/").replace(
            f"/{targets[1].pk}/", "/999999/"
        )
        assert request(client, method, missing, data).status_code == 404, missing


def test_an_administrator_can_do_each_of_them(
    client, organization, admin_user, targets, monkeypatch
):

    clock = install_clock(monkeypatch)
    clock.advance(minutes=5)  # the pending invitation may be resent
    client.force_login(admin_user)
    statuses = [request(client, *action).status_code for action in admin_actions(*targets)]
    assert statuses == [200, 200, 302, 302, 302, 200, 302, 200, 302]
    membership, invitation = targets
    invitation.refresh_from_db()
    assert (invitation.status, invitation.send_count) == ("CANCELLED", 2)
    assert Invitation.objects.filter(email="paul@ac-test.fr", organization=organization).exists()
    assert Membership.objects.get(pk=membership.pk).disabled_at is not None


def test_an_outsider_s_invitation_form_only_reaches_their_own_organisation(
    client, organization, other_organization, outsider_user
):
    client.force_login(outsider_user)
    # Whatever the form carries, the organisation is the person's current one.
    request(
        client,
        "post",
        "/equipe/inviter/",
        {"step": "send", "emails": "paul@ac-test.fr", "organization_id": organization.pk},
    )
    assert list(Invitation.objects.values_list("organization_id", flat=True)) == [
        other_organization.pk
    ]


def test_an_administrator_elsewhere_who_is_a_member_here_gets_403_here(
    client, organization, outsider_user, targets
):
    membership_create(user=outsider_user, organization=organization, role="MEMBER")
    before = state(organization)
    client.force_login(outsider_user)
    for method, url, data in admin_actions(*targets):
        if url == "/equipe/inviter/":
            continue  # current organisation: their own, where they are administrator
        assert request(client, method, url, data).status_code == 403, (method, url)
    assert state(organization) == before


def test_an_administrator_of_both_acts_on_the_object_s_organisation_and_switches_to_it(
    client, organization, other_organization, outsider_user, targets
):
    _, invitation = targets
    membership_create(user=outsider_user, organization=organization, role="ADMIN")
    client.force_login(outsider_user)
    client.post("/organisation/changer/", {"organization_id": other_organization.pk})
    request(client, "post", f"/equipe/invitations/{invitation.pk}/annuler/", {})
    assert Invitation.objects.get(pk=invitation.pk).status == "CANCELLED"
    assert organization.name in client.get("/equipe/").content.decode()


def test_a_removed_administrator_can_no_longer_act(client, organization, admin_user, targets):
    membership, invitation = targets
    second = make_member(organization, role="ADMIN")
    membership_remove(actor=second, membership=membership_of(admin_user, organization))
    before = state(organization)
    client.force_login(admin_user)
    for method, url, data in admin_actions(membership, invitation):
        # Not a member any more: no organisation for the current-organisation page (403,
        # the page that explains invitations), 404 for a URL naming an object.
        expected = 403 if url == "/equipe/inviter/" else 404
        assert request(client, method, url, data).status_code == expected, url
    assert state(organization) == before


def test_a_closed_space_shows_its_page_to_its_administrator(
    client, organization, admin_user, targets
):
    membership, invitation = targets
    organization_archive(actor=None, organization=organization)
    client.force_login(admin_user)
    for method, url, data in admin_actions(membership, invitation):
        response = request(client, method, url, data)
        assert response.status_code == 403, url
    assert Membership.objects.get(pk=membership.pk).disabled_at is None
