"""`organizations/<id>/members/` and `…/invitations/`: the team page's rules through its
services — invite several at once (all or nothing), resend with its minute, cancel,
change a role, remove, leave; the last administrator kept; audited with the token."""

import datetime

import pytest
from django.utils import timezone

from invitations import limits
from invitations.models import Invitation
from invitations.services import invitation_send
from organizations.models import Membership
from tests.api.conftest import make_token, token_client
from tests.factories import audit_rows, make_member

pytestmark = pytest.mark.django_db


def url(organization, suffix=""):
    return f"/api/v1/organizations/{organization.pk}/{suffix}"


def membership_of(user, organization) -> Membership:
    return Membership.objects.get(user=user, organization=organization, disabled_at__isnull=True)


def pending(organization, email="prof@school.example", minutes_ago=5) -> Invitation:
    invitation = invitation_send(organization=organization, email=email, role="AUTO", language="fr")
    Invitation.objects.filter(pk=invitation.pk).update(
        last_sent_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return invitation


# --- Members ------------------------------------------------------------------------------


def test_members_by_name_with_the_last_visit_for_administrators(
    organization, admin_user, member_user, admin_client, member_client
):
    Membership.objects.filter(user=member_user).update(last_seen_at=timezone.now())
    as_member = member_client.get(url(organization, "members/")).json()
    assert {row["user"]["id"] for row in as_member} == {admin_user.pk, member_user.pk}
    assert all(row["last_seen_at"] is None for row in as_member)
    as_admin = admin_client.get(url(organization, "members/")).json()
    seen = {row["user"]["id"]: row["last_seen_at"] for row in as_admin}
    assert seen[member_user.pk] is not None
    found = admin_client.get(url(organization, "members/"), {"search": member_user.last_name})
    assert [row["user"]["id"] for row in found.json()] == [member_user.pk]


def test_the_members_list_s_queries_do_not_grow_with_the_team(organization, admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(n: int) -> int:
        for _ in range(n):
            make_member(organization)
        admin_client.get(url(organization, "members/"))
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url(organization, "members/")).status_code == 200
        return len(queries)

    assert count(2) == count(30)


def test_an_administrator_changes_a_role_audited_with_the_token(
    organization, admin_user, member_user, admin_client
):
    target = membership_of(member_user, organization)
    response = admin_client.patch(
        url(organization, f"members/{target.pk}/"), {"role": "ADMIN"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["role"] == "ADMIN"
    [row] = audit_rows(action="membership.role_changed")
    assert row[1] == admin_user.pk and row[6]["to"] == "ADMIN" and "api_token_id" in row[6]
    wrong = admin_client.patch(
        url(organization, f"members/{target.pk}/"), {"role": "OWNER"}, format="json"
    )
    assert wrong.status_code == 400
    assert wrong.json()["meta"]["fields"]["role"][0]["code"] == "invalid_choice"


def test_the_last_administrator_is_kept(organization, admin_user, admin_client):
    own = membership_of(admin_user, organization)
    demote = admin_client.patch(
        url(organization, f"members/{own.pk}/"), {"role": "MEMBER"}, format="json"
    )
    assert (demote.status_code, demote.json()["code"]) == (409, "LAST_ADMINISTRATOR")
    leave = admin_client.delete(url(organization, f"members/{own.pk}/"))
    assert (leave.status_code, leave.json()["code"]) == (409, "LAST_ADMINISTRATOR")
    assert membership_of(admin_user, organization).role == "ADMIN"


def test_removing_a_member_and_leaving(organization, admin_user, member_user, admin_client):
    target = membership_of(member_user, organization)
    assert admin_client.delete(url(organization, f"members/{target.pk}/")).status_code == 204
    target.refresh_from_db()
    assert target.disabled_at is not None
    assert audit_rows(action="membership.removed")[0][1] == admin_user.pk
    # Leaving: one's own membership, which the token dies with.
    other_admin = make_member(organization, role="ADMIN")
    client = token_client(make_token(other_admin, organization)[1])
    own = membership_of(other_admin, organization)
    assert client.delete(url(organization, f"members/{own.pk}/")).status_code == 204
    assert audit_rows(action="membership.left")[0][1] == other_admin.pk
    after = client.get(url(organization, "members/"))
    assert (after.status_code, after.json()["meta"]) == (401, {"reason": "MEMBERSHIP_ENDED"})


# --- Invitations --------------------------------------------------------------------------


def test_inviting_several_at_once(organization, admin_user, member_user, admin_client):
    already = pending(organization, "deja@school.example")
    response = admin_client.post(
        url(organization, "invitations/"),
        {
            "emails": [
                "Nouvelle@School.example",
                "deja@school.example; autre@school.example",
                member_user.email,
                "nouvelle@school.example",
            ]
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json() == {
        "dry_run": False,
        "new": ["nouvelle@school.example", "autre@school.example"],
        "resent": ["deja@school.example"],
        "too_recent": [],
        "already_members": [member_user.email],
    }
    listed = admin_client.get(url(organization, "invitations/")).json()
    assert {row["email"] for row in listed} == {
        "nouvelle@school.example",
        "autre@school.example",
        "deja@school.example",
    }
    assert {row["status"] for row in listed} == {"PENDING"}
    rows = audit_rows(action="invitation.sent")
    assert len(rows) == 4  # the fixture's first sending, then three
    assert all("api_token_id" in row[6] for row in rows[1:]) and already.pk


def test_a_dry_run_sends_nothing(organization, admin_client):
    response = admin_client.post(
        url(organization, "invitations/"),
        {"emails": ["un@school.example"], "dry_run": True},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["new"] == ["un@school.example"]
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("emails", "status", "code"),
    [
        (["pas-une-adresse", "ok@school.example"], 400, "INVALID_ADDRESSES"),
        ([f"p{n}@school.example" for n in range(51)], 400, "TOO_MANY_ADDRESSES"),
        ([], 400, "VALIDATION_ERROR"),
        (["  ,  ;  "], 400, "VALIDATION_ERROR"),
    ],
)
def test_addresses_are_all_checked_before_anything_is_sent(
    organization, admin_client, emails, status, code
):
    response = admin_client.post(
        url(organization, "invitations/"), {"emails": emails}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (status, code)
    if code == "INVALID_ADDRESSES":
        assert response.json()["meta"]["addresses"] == ["pas-une-adresse"]
    assert not Invitation.objects.exists()


def test_the_organisation_s_hourly_limit(organization, admin_client, monkeypatch):
    monkeypatch.setattr(limits, "TEAM_INVITATIONS_PER_HOUR", 2)
    response = admin_client.post(
        url(organization, "invitations/"),
        {"emails": ["a@school.example", "b@school.example", "c@school.example"]},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (429, "TEAM_INVITATIONS_LIMIT")
    assert response.json()["meta"]["remaining"] == 2
    assert not Invitation.objects.exists()


def test_resend_waits_a_minute_then_sends_a_new_link(organization, admin_client):
    recent = pending(organization, minutes_ago=0)
    too_soon = admin_client.post(url(organization, f"invitations/{recent.pk}/resend/"))
    assert (too_soon.status_code, too_soon.json()["code"]) == (429, "INVITATION_RESEND_TOO_SOON")
    Invitation.objects.filter(pk=recent.pk).update(
        last_sent_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    sent = admin_client.post(url(organization, f"invitations/{recent.pk}/resend/"))
    assert sent.status_code == 200
    assert Invitation.objects.get(pk=recent.pk).send_count == 2


def test_cancel_then_cancel_again(organization, admin_client):
    invitation = pending(organization)
    done = admin_client.post(url(organization, f"invitations/{invitation.pk}/cancel/"))
    assert (done.status_code, done.json()["status"]) == (200, "CANCELLED")
    again = admin_client.post(url(organization, f"invitations/{invitation.pk}/cancel/"))
    assert (again.status_code, again.json()["code"]) == (409, "INVITATION_NOT_PENDING")
    resend = admin_client.post(url(organization, f"invitations/{invitation.pk}/resend/"))
    assert (resend.status_code, resend.json()["code"]) == (409, "INVITATION_NOT_PENDING")


def test_an_administrator_s_member_token_cannot_invite(organization, admin_user):
    client = token_client(make_token(admin_user, organization, role="MEMBER")[1])
    response = client.post(
        url(organization, "invitations/"), {"emails": ["x@school.example"]}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "FORBIDDEN")
    assert not Invitation.objects.exists()


def test_another_school_s_invitation_or_member_is_404_under_this_one(
    organization, other_organization, admin_user, admin_client
):
    from organizations.services import membership_create

    membership_create(user=admin_user, organization=other_organization, role="ADMIN")
    theirs = pending(other_organization)
    someone = make_member(other_organization)
    for response in (
        admin_client.post(url(organization, f"invitations/{theirs.pk}/cancel/")),
        admin_client.delete(
            url(organization, f"members/{membership_of(someone, other_organization).pk}/")
        ),
    ):
        assert response.status_code == 404
    assert Invitation.objects.get(pk=theirs.pk).status == "PENDING"
