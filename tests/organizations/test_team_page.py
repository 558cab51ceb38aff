"""The team page (`/equipe/`): the members (names, e-mail, role, joined on) for everyone,
searchable and paginated; for administrators, the last visits, the pending invitations and
the actions; queries that do not grow with the members or the invitations."""

import datetime

import pytest
from django.utils import timezone

from invitations.models import Invitation
from organizations.models import Membership
from organizations.services import membership_disable
from tests.factories import make_member
from tests.invitations.helpers import send
from tests.organizations.team_helpers import membership_of, page_text

pytestmark = pytest.mark.django_db


def test_everyone_sees_each_active_member_s_names_e_mail_role_and_joining_date(
    client, organization, admin_user, member_user
):
    gone = make_member(organization, first_name="Parti", last_name="Ailleurs")
    membership_disable(membership=membership_of(gone, organization))
    Membership.objects.filter(user=member_user).update(
        created_at=datetime.datetime(2024, 9, 2, 10, tzinfo=datetime.UTC)
    )
    client.force_login(member_user)
    page = page_text(client.get("/equipe/"))
    for user in (admin_user, member_user):
        assert f"<td><bdi>{user.last_name}</bdi></td>" in page
        assert f"<td><bdi>{user.first_name}</bdi></td>" in page
        assert f'<td class="pixorga-team__email">{user.email}</td>' in page
    assert "<td>Administrateur</td>" in page
    assert "<td>Membre</td>" in page
    assert "<td>02/09/2024</td>" in page
    assert "Membre depuis" in page
    assert gone.email not in page
    assert f"{organization.name} compte 2 membres." in page


def test_a_member_sees_neither_last_visits_nor_invitations_nor_actions(
    client, organization, admin_user, member_user
):
    send(organization, "pending@ac-test.fr")
    client.force_login(member_user)
    page = page_text(client.get("/equipe/"))
    for hidden in (
        "Dernière visite",
        "Invitations en attente",
        "pending@ac-test.fr",
        "Inviter un membre",
        "/equipe/inviter/",
        "/retirer/",
        "/role/",
    ):
        assert hidden not in page, hidden
    # Their own way out is there.
    assert 'href="/equipe/quitter/"' in page


def test_an_administrator_sees_last_visits_invitations_and_actions(
    client, organization, admin_user, member_user
):
    never = make_member(organization, last_name="Jamaisvu")
    Membership.objects.filter(user=member_user).update(
        last_seen_at=datetime.datetime(2025, 3, 14, 9, tzinfo=datetime.UTC)
    )
    pending, _ = send(organization, "pending@ac-test.fr", role=Invitation.Role.AUTO)
    accepted, _ = send(organization, "accepted@ac-test.fr")
    Invitation.objects.filter(pk=accepted.pk).update(status="ACCEPTED", accepted_at=timezone.now())
    client.force_login(admin_user)
    page = page_text(client.get("/equipe/"))
    assert 'href="/equipe/inviter/"' in page
    assert "Inviter un membre" in page
    assert "<td>14/03/2025</td>" in page
    never_row = page.split(f'data-testid="member-{membership_of(never, organization).pk}"')[1]
    assert "Pas encore" in never_row.split("</tr>")[0]
    # The administrator's own visit is the one being made.
    assert f"<td>{timezone.localdate():%d/%m/%Y}</td>" in page
    member_pk = membership_of(member_user, organization).pk
    assert f'href="/equipe/membres/{member_pk}/role/"' in page
    assert f'href="/equipe/membres/{member_pk}/retirer/"' in page
    own_pk = membership_of(admin_user, organization).pk
    assert f'href="/equipe/membres/{own_pk}/retirer/"' not in page
    # Pending invitations: e-mail, last sent, delivery, resend and cancel.
    row = page.split(f'data-testid="invitation-{pending.pk}"')[1].split("</tr>")[0]
    assert "pending@ac-test.fr" in row
    assert timezone.localtime(pending.last_sent_at).strftime("%d/%m/%Y %H:%M") in row
    assert "Envoyée" in row
    assert f'action="/equipe/invitations/{pending.pk}/renvoyer/"' in row
    assert f'action="/equipe/invitations/{pending.pk}/annuler/"' in row
    assert "accepted@ac-test.fr" not in page
    assert "1 invitation attend d'être acceptée." in page


def test_the_delivery_state_of_each_invitation_is_shown(client, organization, admin_user):
    for delivery, email in (
        ("NOT_QUEUED", "a@ac-test.fr"),
        ("QUEUED", "b@ac-test.fr"),
        ("FAILED", "c@ac-test.fr"),
    ):
        invitation, _ = send(organization, email)
        Invitation.objects.filter(pk=invitation.pk).update(delivery=delivery)
    client.force_login(admin_user)
    page = page_text(client.get("/equipe/"))
    for label in ("Pas encore envoyée", "En cours d'envoi", "Refusée par le serveur de messagerie"):
        assert label in page


def test_an_outsider_sees_only_their_own_organisation(
    client, admin_user, member_user, outsider_user, other_organization
):
    client.force_login(outsider_user)
    page = page_text(client.get("/equipe/"))
    assert outsider_user.email in page
    assert other_organization.name in page
    assert admin_user.email not in page
    assert member_user.email not in page


# --- Search and pagination ----------------------------------------------------------------


def test_search_finds_members_by_last_name_first_name_or_e_mail_any_case(
    client, organization, admin_user
):
    camille = make_member(
        organization, first_name="Camille", last_name="Martin", email="c.martin@ac-test.fr"
    )
    paul = make_member(organization, first_name="Paul", last_name="Durand", email="pd@ac-test.fr")
    client.force_login(admin_user)
    for query in ("martin", "CAMILLE", "c.martin@", "martin cam"):
        page = page_text(client.get("/equipe/", {"q": query}))
        assert camille.email in page, query
        assert paul.email not in page, query
        assert "1 membre correspond à" in page
    page = page_text(client.get("/equipe/", {"q": "personne"}))
    assert "0 membre correspond à « personne »." in page
    assert "Effacer la recherche" in page


def test_the_members_are_paginated_by_name_and_the_search_stays_on_every_page(
    client, organization, admin_user
):
    Membership.objects.all().delete()
    admin_user.last_name = "Aaa"
    admin_user.save()
    Membership.objects.create(user=admin_user, organization=organization, role="ADMIN")
    for number in range(60):
        make_member(organization, last_name=f"Prof{number:02d}", first_name="Zoé")
    client.force_login(admin_user)
    first = page_text(client.get("/equipe/"))
    assert "compte 61 membres." in first
    assert "Prof48" in first and "Prof49" not in first
    second = page_text(client.get("/equipe/", {"page": 2}))
    assert "Prof49" in second and "Prof48" not in second
    searched = page_text(client.get("/equipe/", {"q": "zoé", "page": 2}))
    assert 'href="?q=zo%C3%A9&page=1"' in searched
    # Garbage and out-of-range pages fall back to the first and the last.
    assert "Prof00" in page_text(client.get("/equipe/", {"page": "x"}))
    assert "Prof59" in page_text(client.get("/equipe/", {"page": 99}))


def test_pending_invitations_are_paginated_on_their_own(client, organization, admin_user):
    for number in range(55):
        send(organization, f"prof{number:02d}@ac-test.fr")
    client.force_login(admin_user)
    page = page_text(client.get("/equipe/", {"q": "x", "invitations": 2}))
    assert "55 invitations attendent d'être acceptées." in page
    # Most recently sent first: the second page holds the five oldest.
    assert "prof04@ac-test.fr" in page and "prof05@ac-test.fr" not in page
    assert 'href="?q=x&invitations=1"' in page


# --- Queries --------------------------------------------------------------------------------


def count_queries(client, django_assert_max_num_queries, path="/equipe/"):
    client.get(path)  # the session settles, the visit is recorded
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["MEMBER", "ADMIN"])
def test_the_page_s_queries_do_not_grow_with_members_or_invitations(
    client, organization, role, django_assert_max_num_queries
):
    viewer = make_member(organization, role=role)
    send(organization, "first@ac-test.fr")
    client.force_login(viewer)
    few = count_queries(client, django_assert_max_num_queries)
    for number in range(40):
        make_member(organization)
        send(organization, f"prof{number}@ac-test.fr")
    many = count_queries(client, django_assert_max_num_queries)
    assert many == few
    # Session, account, membership (with the terms), count and page of members, the
    # switcher's list; for an administrator, count and page of the invitations.
    assert many <= (8 if role == "ADMIN" else 6)
