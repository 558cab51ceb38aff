"""Change a role, remove a member, leave, end: who may, the last-administrator rule, and
the audit row each writes (and does not write when refused)."""

import pytest
from django.core.exceptions import PermissionDenied

from organizations.models import AuditLog, Membership
from organizations.services import (
    AlreadyMemberError,
    LastAdministratorError,
    MembershipNotActiveError,
    membership_change_role,
    membership_create,
    membership_disable,
    membership_leave,
    membership_remove,
)
from tests.factories import UserFactory, audit_rows, make_member, make_staff

pytestmark = pytest.mark.django_db

ADMIN, MEMBER = Membership.Role.ADMIN, Membership.Role.MEMBER


def membership_of(user, organization) -> Membership:
    return Membership.objects.get(user=user, organization=organization, disabled_at__isnull=True)


def changes(organization) -> list[tuple]:
    """The audit rows of membership changes (creations are the fixtures' own)."""
    return [
        row
        for row in audit_rows(organization=organization, action__startswith="membership.")
        if row[0] != "membership.created"
    ]


def active_roles(organization) -> dict[int, str]:
    return dict(
        Membership.objects.filter(organization=organization, disabled_at__isnull=True).values_list(
            "user_id", "role"
        )
    )


# --- Change a role ----------------------------------------------------------------------


def test_admin_promotes_a_member_and_it_is_recorded(organization, admin_user, member_user):
    membership = membership_of(member_user, organization)
    saved = membership_change_role(actor=admin_user, membership=membership, role=ADMIN)
    assert saved.role == membership.role == ADMIN
    assert active_roles(organization)[member_user.pk] == ADMIN
    assert changes(organization) == [
        (
            "membership.role_changed",
            admin_user.pk,
            "ADMIN",
            organization.pk,
            "organizations.membership",
            membership.pk,
            {"user_id": member_user.pk, "from": "MEMBER", "to": "ADMIN"},
        )
    ]


def test_admin_steps_down_when_another_admin_remains(organization, admin_user):
    other_admin = make_member(organization, role=ADMIN)
    membership_change_role(
        actor=admin_user, membership=membership_of(admin_user, organization), role=MEMBER
    )
    assert active_roles(organization) == {admin_user.pk: MEMBER, other_admin.pk: ADMIN}


def test_the_last_admin_cannot_be_demoted_and_nothing_is_recorded(
    organization, admin_user, member_user
):
    with pytest.raises(LastAdministratorError) as refusal:
        membership_change_role(
            actor=admin_user, membership=membership_of(admin_user, organization), role=MEMBER
        )
    assert refusal.value.code == "LAST_ADMINISTRATOR"
    assert refusal.value.meta == {
        "organization_id": organization.pk,
        "membership_id": membership_of(admin_user, organization).pk,
    }
    assert "au moins un administrateur" in refusal.value.message
    assert active_roles(organization)[admin_user.pk] == ADMIN
    assert changes(organization) == []


def test_a_disabled_admin_does_not_count_as_an_administrator(organization, admin_user):
    gone = make_member(organization, role=ADMIN)
    membership_disable(membership=membership_of(gone, organization))
    with pytest.raises(LastAdministratorError):
        membership_change_role(
            actor=admin_user, membership=membership_of(admin_user, organization), role=MEMBER
        )


def test_a_member_cannot_change_roles(organization, admin_user, member_user):
    other = make_member(organization)
    for target in (other, member_user, admin_user):
        with pytest.raises(PermissionDenied):
            membership_change_role(
                actor=member_user, membership=membership_of(target, organization), role=ADMIN
            )
    assert active_roles(organization)[member_user.pk] == MEMBER
    assert changes(organization) == []


def test_an_admin_of_another_organization_cannot_change_roles(
    organization, member_user, outsider_user
):
    with pytest.raises(PermissionDenied):
        membership_change_role(
            actor=outsider_user, membership=membership_of(member_user, organization), role=ADMIN
        )
    assert changes(organization) == []


def test_an_admin_whose_membership_ended_cannot_change_roles(organization, admin_user, member_user):
    former = make_member(organization, role=ADMIN)
    membership_remove(actor=admin_user, membership=membership_of(former, organization))
    with pytest.raises(PermissionDenied):
        membership_change_role(
            actor=former, membership=membership_of(member_user, organization), role=ADMIN
        )


def test_staff_changes_a_role_on_behalf_of_staff(organization, admin_user, member_user):
    staff = make_staff()
    membership = membership_of(member_user, organization)
    membership_change_role(actor=staff, membership=membership, role=ADMIN, on_behalf_of="STAFF")
    assert changes(organization)[0][:3] == ("membership.role_changed", staff.pk, "STAFF")


def test_staff_still_cannot_demote_the_last_admin(organization, admin_user):
    with pytest.raises(LastAdministratorError):
        membership_change_role(
            actor=make_staff(),
            membership=membership_of(admin_user, organization),
            role=MEMBER,
            on_behalf_of="STAFF",
        )


def test_a_non_staff_user_cannot_act_on_behalf_of_staff(organization, admin_user, member_user):
    with pytest.raises(PermissionDenied):
        membership_change_role(
            actor=admin_user,
            membership=membership_of(member_user, organization),
            role=ADMIN,
            on_behalf_of="STAFF",
        )
    assert changes(organization) == []


def test_the_same_role_again_changes_and_records_nothing(organization, admin_user, member_user):
    membership_change_role(
        actor=admin_user, membership=membership_of(member_user, organization), role=MEMBER
    )
    assert changes(organization) == []


def test_the_role_of_an_ended_membership_cannot_change(organization, admin_user, member_user):
    membership = membership_of(member_user, organization)
    membership_remove(actor=admin_user, membership=membership)
    with pytest.raises(MembershipNotActiveError) as refusal:
        membership_change_role(actor=admin_user, membership=membership, role=ADMIN)
    assert refusal.value.code == "MEMBERSHIP_NOT_ACTIVE"


def test_a_stale_membership_object_is_read_again_under_the_lock(organization, admin_user):
    """The caller's object says MEMBER; the row, promoted meanwhile, is an admin: it is the
    row that counts, so demoting the (now) last-but-one admin works and the last is kept."""
    other = make_member(organization)
    stale = membership_of(other, organization)
    membership_change_role(
        actor=admin_user, membership=membership_of(other, organization), role=ADMIN
    )
    membership_change_role(
        actor=admin_user, membership=membership_of(admin_user, organization), role=MEMBER
    )
    with pytest.raises(LastAdministratorError):
        membership_change_role(actor=other, membership=stale, role=MEMBER)


# --- Remove and leave -------------------------------------------------------------------


def test_admin_removes_a_member_who_may_join_again(organization, admin_user, member_user):
    membership = membership_of(member_user, organization)
    membership_remove(actor=admin_user, membership=membership)
    membership.refresh_from_db()
    assert membership.disabled_at is not None
    assert member_user.pk not in active_roles(organization)
    assert changes(organization) == [
        (
            "membership.removed",
            admin_user.pk,
            "ADMIN",
            organization.pk,
            "organizations.membership",
            membership.pk,
            {"user_id": member_user.pk, "role": "MEMBER"},
        )
    ]
    membership_create(
        user=member_user, organization=organization, actor=admin_user, on_behalf_of="ADMIN"
    )
    assert active_roles(organization)[member_user.pk] == MEMBER


def test_the_last_admin_cannot_be_removed_even_by_themselves(organization, admin_user):
    with pytest.raises(LastAdministratorError):
        membership_remove(actor=admin_user, membership=membership_of(admin_user, organization))
    assert changes(organization) == []


def test_a_member_or_an_outsider_cannot_remove_anyone(
    organization, admin_user, member_user, outsider_user
):
    other = make_member(organization)
    for actor in (member_user, outsider_user):
        with pytest.raises(PermissionDenied):
            membership_remove(actor=actor, membership=membership_of(other, organization))
    assert other.pk in active_roles(organization)


def test_removing_twice_is_refused(organization, admin_user, member_user):
    membership = membership_of(member_user, organization)
    membership_remove(actor=admin_user, membership=membership)
    with pytest.raises(MembershipNotActiveError):
        membership_remove(actor=admin_user, membership=membership)
    assert len(changes(organization)) == 1


def test_a_member_leaves(organization, admin_user, member_user):
    membership = membership_of(member_user, organization)
    membership_leave(user=member_user, membership=membership)
    assert member_user.pk not in active_roles(organization)
    assert changes(organization)[0][:3] == ("membership.left", member_user.pk, "MEMBER")


def test_an_admin_leaves_when_another_admin_remains(organization, admin_user):
    make_member(organization, role=ADMIN)
    membership_leave(user=admin_user, membership=membership_of(admin_user, organization))
    assert changes(organization)[0][:3] == ("membership.left", admin_user.pk, "ADMIN")


def test_the_last_admin_cannot_leave(organization, admin_user, member_user):
    with pytest.raises(LastAdministratorError):
        membership_leave(user=admin_user, membership=membership_of(admin_user, organization))
    assert admin_user.pk in active_roles(organization)
    assert changes(organization) == []


def test_nobody_leaves_for_someone_else(organization, admin_user, member_user):
    with pytest.raises(PermissionDenied):
        membership_leave(user=admin_user, membership=membership_of(member_user, organization))
    assert member_user.pk in active_roles(organization)


# --- Create and disable -----------------------------------------------------------------


def test_adding_a_member_with_an_actor_records_the_actor(organization, admin_user):
    newcomer = UserFactory()
    membership = membership_create(
        user=newcomer, organization=organization, actor=admin_user, on_behalf_of="ADMIN"
    )
    row = AuditLog.objects.get(action="membership.created", target_id=membership.pk)
    assert (row.actor_id, row.on_behalf_of, row.details) == (
        admin_user.pk,
        "ADMIN",
        {"user_id": newcomer.pk, "role": "MEMBER"},
    )


def test_a_refused_second_membership_records_nothing(organization, member_user):
    before = AuditLog.objects.count()
    with pytest.raises(AlreadyMemberError) as refusal:
        membership_create(user=member_user, organization=organization)
    assert refusal.value.code == "ALREADY_MEMBER"
    assert AuditLog.objects.count() == before


def test_disabling_without_actor_is_recorded_as_system(organization, admin_user, member_user):
    membership = membership_of(member_user, organization)
    membership_disable(membership=membership)
    assert membership.disabled_at is not None
    assert changes(organization)[0][:3] == ("membership.disabled", None, "SYSTEM")


def test_disabling_the_last_admin_is_refused(organization, admin_user):
    with pytest.raises(LastAdministratorError):
        membership_disable(membership=membership_of(admin_user, organization))
