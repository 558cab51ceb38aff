"""audit_record: one row per change, in the change's transaction, with ids not names."""

import pytest
from django.db import transaction

from organizations.audit import Action, OnBehalfOf, audit_record
from organizations.models import AuditLog, Membership
from organizations.services import membership_create, organization_create
from tests.factories import UserFactory, audit_rows, make_organization, make_staff

pytestmark = pytest.mark.django_db


def test_a_row_names_actor_capacity_action_object_and_the_target_s_organization(
    organization, admin_user
):
    membership = Membership.objects.get(user=admin_user)
    row = audit_record(
        actor=admin_user,
        on_behalf_of=OnBehalfOf.ADMIN,
        action=Action.MEMBERSHIP_ROLE_CHANGED,
        target=membership,
        details={"from": "MEMBER", "to": "ADMIN", "ids": (3, 1)},
    )
    row.refresh_from_db()
    assert (row.actor_id, row.on_behalf_of, row.action) == (
        admin_user.pk,
        "ADMIN",
        "membership.role_changed",
    )
    assert (row.organization_id, row.target_type, row.target_id) == (
        organization.pk,
        "organizations.membership",
        membership.pk,
    )
    assert row.details == {"from": "MEMBER", "to": "ADMIN", "ids": [3, 1]}
    assert row.created_at is not None


def test_an_organization_target_is_its_own_organization_and_a_user_has_none(organization):
    staff = make_staff()
    on_organization = audit_record(
        actor=staff,
        on_behalf_of=OnBehalfOf.STAFF,
        action=Action.ORGANIZATION_CHANGED,
        target=organization,
    )
    on_user = audit_record(
        actor=staff, on_behalf_of=OnBehalfOf.STAFF, action=Action.USER_CHANGED, target=staff
    )
    assert on_organization.organization_id == organization.pk
    assert on_user.organization_id is None


def test_a_rolled_back_change_leaves_no_row(organization):
    user = UserFactory()
    before = AuditLog.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        membership_create(user=user, organization=organization)
        raise RuntimeError("the rest of the change failed")
    assert AuditLog.objects.count() == before
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_refuses_to_write():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=None, action=Action.USER_DELETED)
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize(
    "details",
    [
        {"email": "prof@college.example"},
        {"nested": {"list": ["ok", "lea@college.example"]}},
        {"comment": "x" * 101},
        {"when": object()},
        {1: "non-string key"},
    ],
)
def test_details_refuse_addresses_free_text_and_odd_values(details):
    with pytest.raises(ValueError), transaction.atomic():
        audit_record(actor=None, action=Action.USER_CHANGED, details=details)
    assert not AuditLog.objects.exists()


def test_an_unknown_action_is_refused():
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit_record(actor=None, action="membership.rolechanged")


def test_capacity_must_fit_the_actor():
    teacher = UserFactory(cgu_accepted=False)
    with pytest.raises(ValueError, match="on_behalf_of"):
        audit_record(actor=teacher, action=Action.USER_CHANGED)
    with pytest.raises(ValueError, match="STAFF"):
        audit_record(actor=teacher, on_behalf_of=OnBehalfOf.STAFF, action=Action.USER_CHANGED)
    with pytest.raises(ValueError, match="SYSTEM"):
        audit_record(actor=teacher, on_behalf_of=OnBehalfOf.SYSTEM, action=Action.USER_CHANGED)
    with pytest.raises(ValueError, match="SYSTEM"):
        audit_record(actor=None, on_behalf_of=OnBehalfOf.ADMIN, action=Action.USER_CHANGED)
    with pytest.raises(ValueError, match="capacity"):
        audit_record(actor=teacher, on_behalf_of="TEACHER", action=Action.USER_CHANGED)
    assert not AuditLog.objects.exists()


def test_an_unsaved_target_is_refused():
    with pytest.raises(ValueError, match="after saving"):
        audit_record(actor=None, action=Action.USER_CREATED, target=UserFactory.build())


def test_without_actor_the_row_is_on_behalf_of_system():
    row = audit_record(actor=None, action=Action.USER_DELETED)
    assert (row.actor_id, row.on_behalf_of) == (None, "SYSTEM")


def test_a_command_creating_an_organization_and_its_admin_is_recorded_as_system():
    school = organization_create(
        name="  Collège Test ", type="SCO", uai="0750655e", official_email="CE@ac-test.fr"
    )
    admin = UserFactory()
    membership = membership_create(user=admin, organization=school, role="ADMIN")
    assert audit_rows(organization=school) == [
        (
            "organization.created",
            None,
            "SYSTEM",
            school.pk,
            "organizations.organization",
            school.pk,
            {"type": "SCO", "uai": "0750655E"},
        ),
        (
            "membership.created",
            None,
            "SYSTEM",
            school.pk,
            "organizations.membership",
            membership.pk,
            {"user_id": admin.pk, "role": "ADMIN"},
        ),
    ]


def test_rows_outlive_the_user_and_organization_they_name():
    staff = make_staff()
    school = make_organization()
    with transaction.atomic():
        row = audit_record(
            actor=staff,
            on_behalf_of=OnBehalfOf.STAFF,
            action=Action.ORGANIZATION_CHANGED,
            target=school,
        )
    staff_id, school_id = staff.pk, school.pk
    school.delete()
    staff.delete()
    row.refresh_from_db()
    assert (row.actor_id, row.organization_id, row.target_id) == (staff_id, school_id, school_id)


def test_the_log_reads_newest_first(organization):
    for _ in range(3):
        audit_record(actor=None, action=Action.ORGANIZATION_CHANGED, target=organization)
    rows = list(AuditLog.objects.filter(organization=organization))
    assert [row.pk for row in rows] == sorted((row.pk for row in rows), reverse=True)
