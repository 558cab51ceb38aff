"""The audit log in the back office: read-only, filtered by organisation, action and
actor, with a bounded number of queries, and readable after its actor is deleted."""

import pytest
from django.db import transaction

from organizations.audit import audit_record
from organizations.models import AuditLog
from tests.factories import make_member, make_organization, make_staff
from tests.organizations.back_office import (
    AUDIT_LOG,
    MEMBERSHIPS,
    ORGANIZATIONS,
    membership_of,
)

pytestmark = pytest.mark.django_db


# --- The audit log ----------------------------------------------------------------------


def test_the_audit_log_lists_and_filters_by_organization_action_and_actor(
    staff_client, staff, organization, other_organization, member_user
):
    membership = membership_of(member_user, organization)
    staff_client.post(MEMBERSHIPS, {"action": "make_admin", "_selected_action": [membership.pk]})

    def listed(**params) -> list[AuditLog]:
        response = staff_client.get(AUDIT_LOG, params)
        assert response.status_code == 200
        return list(response.context["cl"].result_list)

    everything = listed()
    assert {row.organization_id for row in everything} >= {organization.pk, other_organization.pk}
    assert {row.organization_id for row in listed(organization=organization.pk)} == {
        organization.pk
    }
    [changed] = listed(action="membership.role_changed")
    assert (changed.actor_id, changed.target_id) == (staff.pk, membership.pk)
    assert [row.pk for row in listed(actor=staff.pk)] == [changed.pk]
    assert listed(actor="not-an-id") == []
    page = staff_client.get(AUDIT_LOG, {"organization": organization.pk}).content.decode()
    assert "Rôle du membre modifié" in page
    assert f"?actor={staff.pk}" in page
    organization_page = staff_client.get(f"{ORGANIZATIONS}{organization.pk}/change/")
    assert f"{AUDIT_LOG}?organization={organization.pk}" in organization_page.content.decode()


def test_the_audit_log_is_read_only(staff_client, organization):
    row = AuditLog.objects.filter(organization=organization).first()
    assert staff_client.get(f"{AUDIT_LOG}add/").status_code == 403
    assert staff_client.get(f"{AUDIT_LOG}{row.pk}/change/").status_code == 200
    assert 'name="details"' not in staff_client.get(f"{AUDIT_LOG}{row.pk}/change/").content.decode()
    assert staff_client.post(f"{AUDIT_LOG}{row.pk}/change/", {"action": "x"}).status_code == 403
    assert staff_client.post(f"{AUDIT_LOG}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    staff_client.post(AUDIT_LOG, {"action": "delete_selected", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.action == "organization.created"


def test_the_audit_log_list_costs_the_same_queries_for_many_rows(
    staff_client, django_assert_max_num_queries
):
    for _ in range(30):
        make_member(make_organization())
    with django_assert_max_num_queries(6):
        response = staff_client.get(AUDIT_LOG)
    assert len(response.context["cl"].result_list) >= 60


def test_a_row_of_a_deleted_user_still_lists(staff_client, organization):
    gone = make_staff()
    with transaction.atomic():
        audit_record(actor=gone, on_behalf_of="STAFF", action="user.changed", target=gone)
    gone_id = gone.pk
    gone.delete()
    response = staff_client.get(AUDIT_LOG, {"actor": gone_id})
    assert response.status_code == 200
    assert f"#{gone_id}" in response.content.decode()
