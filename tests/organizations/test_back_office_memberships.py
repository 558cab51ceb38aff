"""The back office changes memberships only through actions calling the membership
services: audited, under the last-administrator rule (refusals shown as messages); role,
end date, user and organisation of a membership are read-only; nothing is deleted."""

import pytest

from organizations.models import AuditLog, Membership
from tests.factories import UserFactory, audit_rows, make_member, make_organization
from tests.organizations.back_office import (
    MEMBERSHIPS,
    membership_of,
    messages_of,
)

pytestmark = pytest.mark.django_db


# --- Memberships ------------------------------------------------------------------------


def test_role_and_end_date_of_a_membership_are_read_only(
    staff_client, organization, admin_user, member_user
):
    membership = membership_of(member_user, organization)
    url = f"{MEMBERSHIPS}{membership.pk}/change/"
    page = staff_client.get(url).content.decode()
    assert 'name="role"' not in page
    assert 'name="disabled_at_0"' not in page
    staff_client.post(
        url,
        {
            "user": str(admin_user.pk),
            "organization": str(make_organization().pk),
            "role": "ADMIN",
            "disabled_at_0": "01/01/2026",
            "disabled_at_1": "00:00:00",
        },
    )
    membership.refresh_from_db()
    assert (membership.user_id, membership.organization_id, membership.role) == (
        member_user.pk,
        organization.pk,
        "MEMBER",
    )
    assert membership.disabled_at is None
    assert not AuditLog.objects.exclude(
        action__in=["organization.created", "membership.created", "cgu.published", "cgu.accepted"]
    )


def test_staff_adds_a_membership_through_the_service(staff_client, staff, organization):
    newcomer = UserFactory()
    response = staff_client.post(
        f"{MEMBERSHIPS}add/",
        {"user": str(newcomer.pk), "organization": str(organization.pk), "role": "ADMIN"},
    )
    assert response.status_code == 302
    membership = membership_of(newcomer, organization)
    assert (
        response["Location"].endswith(f"{MEMBERSHIPS}")
        or str(membership.pk) in response["Location"]
        or response["Location"].endswith(MEMBERSHIPS)
    )
    row = AuditLog.objects.get(action="membership.created", target_id=membership.pk)
    assert (row.actor_id, row.on_behalf_of, row.details) == (
        staff.pk,
        "STAFF",
        {"user_id": newcomer.pk, "role": "ADMIN"},
    )


def test_a_second_active_membership_is_refused_with_the_service_s_message(
    staff_client, organization, member_user
):
    response = staff_client.post(
        f"{MEMBERSHIPS}add/",
        {"user": str(member_user.pk), "organization": str(organization.pk), "role": "ADMIN"},
        follow=True,
    )
    assert response.status_code == 200
    assert messages_of(response) == ["Cette personne est déjà membre de cette organisation."]
    assert Membership.objects.filter(user=member_user).count() == 1
    assert AuditLog.objects.filter(action="membership.created", actor__isnull=False).count() == 0


def test_staff_promotes_demotes_and_removes_through_actions(
    staff_client, staff, organization, admin_user, member_user
):
    membership = membership_of(member_user, organization)
    for action in ("make_admin", "make_member", "remove"):
        response = staff_client.post(
            MEMBERSHIPS, {"action": action, "_selected_action": [membership.pk]}, follow=True
        )
        assert messages_of(response) == ["1 appartenance modifiée."]
    membership.refresh_from_db()
    assert membership.disabled_at is not None
    rows = [
        (action, actor, capacity, details)
        for action, actor, capacity, _, _, target, details in audit_rows(
            target_type="organizations.membership", target_id=membership.pk
        )
    ]
    assert rows[1:] == [
        (
            "membership.role_changed",
            staff.pk,
            "STAFF",
            {"user_id": member_user.pk, "from": "MEMBER", "to": "ADMIN"},
        ),
        (
            "membership.role_changed",
            staff.pk,
            "STAFF",
            {"user_id": member_user.pk, "from": "ADMIN", "to": "MEMBER"},
        ),
        ("membership.removed", staff.pk, "STAFF", {"user_id": member_user.pk, "role": "MEMBER"}),
    ]


def test_demoting_or_removing_the_last_admin_is_refused_with_a_message(
    staff_client, organization, admin_user
):
    membership = membership_of(admin_user, organization)
    for action in ("make_member", "remove"):
        response = staff_client.post(
            MEMBERSHIPS, {"action": action, "_selected_action": [membership.pk]}, follow=True
        )
        assert response.status_code == 200
        [message] = messages_of(response)
        assert message.endswith(
            "Une organisation garde toujours au moins un administrateur : "
            "nommez d'abord un autre administrateur."
        )
        assert str(membership) in message
    membership.refresh_from_db()
    assert (membership.role, membership.disabled_at) == ("ADMIN", None)
    assert not AuditLog.objects.filter(target_id=membership.pk).exclude(action="membership.created")


def test_demoting_both_admins_at_once_demotes_one_and_refuses_the_other(
    staff_client, organization, admin_user
):
    second = make_member(organization, role="ADMIN")
    selected = [membership_of(admin_user, organization).pk, membership_of(second, organization).pk]
    response = staff_client.post(
        MEMBERSHIPS, {"action": "make_member", "_selected_action": selected}
    )
    messages = messages_of(response)
    assert len(messages) == 2
    assert "au moins un administrateur" in messages[0]
    assert messages[1] == "1 appartenance modifiée."
    assert Membership.objects.filter(organization=organization, role="ADMIN").count() == 1


def test_memberships_cannot_be_deleted_in_the_back_office(staff_client, organization, member_user):
    membership = membership_of(member_user, organization)
    assert staff_client.get(f"{MEMBERSHIPS}{membership.pk}/delete/").status_code == 403
    staff_client.post(
        MEMBERSHIPS, {"action": "delete_selected", "_selected_action": [membership.pk]}
    )
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_school_admin_who_is_not_staff_cannot_use_the_membership_actions(
    client, organization, admin_user, member_user
):
    client.force_login(admin_user)
    membership = membership_of(member_user, organization)
    response = client.post(
        MEMBERSHIPS, {"action": "make_admin", "_selected_action": [membership.pk]}
    )
    assert response.status_code == 302
    assert "/backoffice/login/" in response["Location"]
    membership.refresh_from_db()
    assert membership.role == "MEMBER"
