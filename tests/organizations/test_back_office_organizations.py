"""The back office edits organisations through the services: each creation, change,
archive and reopening is audited (staff as actor, on behalf of STAFF); the archived date
and the members table are read-only, and nothing is deleted. A learner's linked account
is read-only too."""

import html

import pytest

from invitations.models import Invitation
from organizations.models import AuditLog, Membership, Organization
from tests.factories import UserFactory, audit_rows, make_learner, make_uai
from tests.invitations.helpers import send
from tests.organizations.back_office import (
    MEMBERSHIPS,
    ORGANIZATIONS,
    membership_of,
)

pytestmark = pytest.mark.django_db


def organization_data(organization=None, **changes) -> dict:
    """The organisation form as the back office posts it, with its (read-only) inline."""
    data = {
        "name": "Collège Aimé Césaire",
        "type": "SCO",
        "uai": make_uai(1234567),
        "official_email": "ce.1234567@ac-test.fr",
        "is_managing_students": "on",
        "province_code": "",
        "documentation_url": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    if organization is not None:
        data |= {
            "name": organization.name,
            "type": organization.type,
            "uai": organization.uai or "",
            "official_email": organization.official_email,
        }
        if not organization.is_managing_students:
            del data["is_managing_students"]
    data |= changes
    return {key: value for key, value in data.items() if value is not None}


# --- Organisations ----------------------------------------------------------------------


def test_staff_creates_an_organization_and_it_is_recorded(staff_client, staff):
    response = staff_client.post(f"{ORGANIZATIONS}add/", organization_data())
    assert response.status_code == 302, response.context["adminform"].form.errors
    school = Organization.objects.get(uai=make_uai(1234567))
    assert audit_rows(organization=school) == [
        (
            "organization.created",
            staff.pk,
            "STAFF",
            school.pk,
            "organizations.organization",
            school.pk,
            {"type": "SCO", "uai": school.uai},
        )
    ]


def test_staff_changes_an_organization_and_the_log_names_the_fields_only(
    staff_client, staff, organization
):
    url = f"{ORGANIZATIONS}{organization.pk}/change/"
    response = staff_client.post(
        url,
        organization_data(
            organization, name="Collège Jean Moulin (rénové)", official_email="ce.new@ac-test.fr"
        ),
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == "Collège Jean Moulin (rénové)"
    row = AuditLog.objects.get(action="organization.changed")
    assert (row.actor_id, row.on_behalf_of, row.organization_id) == (
        staff.pk,
        "STAFF",
        organization.pk,
    )
    assert row.details == {"fields": ["name", "official_email"]}


def test_saving_an_unchanged_organization_records_nothing(staff_client, organization):
    url = f"{ORGANIZATIONS}{organization.pk}/change/"
    assert staff_client.post(url, organization_data(organization)).status_code == 302
    assert not AuditLog.objects.filter(action="organization.changed").exists()


def test_an_invalid_organization_form_records_nothing(staff_client, organization):
    url = f"{ORGANIZATIONS}{organization.pk}/change/"
    response = staff_client.post(url, organization_data(organization, uai="0750654A"))
    assert response.status_code == 200
    assert "uai" in response.context["adminform"].form.errors
    assert not AuditLog.objects.filter(action="organization.changed").exists()


def test_the_archived_date_is_read_only_and_archiving_is_an_audited_action(
    staff_client, staff, organization
):
    url = f"{ORGANIZATIONS}{organization.pk}/change/"
    staff_client.post(url, organization_data(organization, archived_at_0="01/01/2026"))
    organization.refresh_from_db()
    assert organization.archived_at is None

    staff_client.post(ORGANIZATIONS, {"action": "archive", "_selected_action": [organization.pk]})
    organization.refresh_from_db()
    assert organization.archived_at is not None
    staff_client.post(ORGANIZATIONS, {"action": "archive", "_selected_action": [organization.pk]})
    staff_client.post(ORGANIZATIONS, {"action": "unarchive", "_selected_action": [organization.pk]})
    organization.refresh_from_db()
    assert organization.archived_at is None
    assert [row[:3] for row in audit_rows(organization=organization, action__endswith="ed")] == [
        ("organization.created", None, "SYSTEM"),
        ("organization.archived", staff.pk, "STAFF"),  # archiving twice: one change
        ("organization.reopened", staff.pk, "STAFF"),
    ]


def test_organizations_cannot_be_deleted_in_the_back_office(staff_client, organization):
    assert staff_client.get(f"{ORGANIZATIONS}{organization.pk}/delete/").status_code == 403
    staff_client.post(
        ORGANIZATIONS, {"action": "delete_selected", "_selected_action": [organization.pk]}
    )
    assert Organization.objects.filter(pk=organization.pk).exists()


def test_the_members_table_of_an_organization_is_read_only(
    staff_client, organization, admin_user, member_user
):
    membership = membership_of(member_user, organization)
    url = f"{ORGANIZATIONS}{organization.pk}/change/"
    page = staff_client.get(url).content.decode()
    assert member_user.email in page
    assert 'name="memberships-0-role"' not in page
    data = organization_data(organization) | {
        "memberships-TOTAL_FORMS": "3",
        "memberships-INITIAL_FORMS": "2",
        "memberships-0-id": str(membership_of(admin_user, organization).pk),
        "memberships-0-organization": str(organization.pk),
        "memberships-0-role": "MEMBER",
        "memberships-0-DELETE": "on",
        "memberships-1-id": str(membership.pk),
        "memberships-1-organization": str(organization.pk),
        "memberships-1-role": "ADMIN",
        "memberships-2-organization": str(organization.pk),
        "memberships-2-user": str(UserFactory().pk),
        "memberships-2-role": "ADMIN",
    }
    staff_client.post(url, data)
    assert dict(
        Membership.objects.filter(organization=organization).values_list("user_id", "role")
    ) == {admin_user.pk: "ADMIN", member_user.pk: "MEMBER"}


# --- Learners ---------------------------------------------------------------------------


def test_a_learner_s_linked_account_is_read_only(staff_client, organization):
    account = UserFactory()
    learner = make_learner(organization, user=account)
    url = f"/backoffice/students/learner/{learner.pk}/change/"
    page = staff_client.get(url)
    assert page.status_code == 200
    assert 'name="user"' not in page.content.decode()
    response = staff_client.post(url, {"user": str(UserFactory().pk)})
    assert response.status_code == 403
    learner.refresh_from_db()
    assert learner.user_id == account.pk


# --- Creation rules, archiving, members ---------------------------------------------------


def test_a_secondary_school_needs_its_uai_and_official_email(staff_client):
    for missing, field, message in (
        ("uai", "uai", "Un établissement scolaire doit avoir son UAI."),
        ("official_email", "official_email", "doit avoir son adresse e-mail officielle"),
    ):
        response = staff_client.post(f"{ORGANIZATIONS}add/", organization_data(**{missing: ""}))
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert message in " ".join(errors[field]), field
    assert not Organization.objects.exists()
    assert not AuditLog.objects.filter(action="organization.created").exists()


def test_a_university_needs_neither(staff_client):
    data = organization_data(type="SUP", uai="", official_email="", name="Université Test")
    assert staff_client.post(f"{ORGANIZATIONS}add/", data).status_code == 302
    assert Organization.objects.get(name="Université Test").uai is None


def test_archiving_records_who_and_when_and_unarchiving_clears_them(
    staff_client, staff, organization
):
    staff_client.post(ORGANIZATIONS, {"action": "archive", "_selected_action": [organization.pk]})
    organization.refresh_from_db()
    assert organization.archived_by == staff
    assert organization.archived_at is not None
    page = staff_client.get(f"{ORGANIZATIONS}{organization.pk}/change/").content.decode()
    assert 'name="archived_by"' not in page  # shown, read-only
    assert str(staff) in page
    staff_client.post(ORGANIZATIONS, {"action": "unarchive", "_selected_action": [organization.pk]})
    organization.refresh_from_db()
    assert (organization.archived_at, organization.archived_by) == (None, None)


def test_only_staff_archive_or_unarchive(organization, admin_user, staff):
    from django.core.exceptions import PermissionDenied

    from organizations.services import organization_archive, organization_unarchive

    for service in (organization_archive, organization_unarchive):
        with pytest.raises(PermissionDenied):
            service(actor=admin_user, organization=organization)
        with pytest.raises(PermissionDenied):
            service(actor=staff, organization=organization, on_behalf_of="ADMIN")
    organization.refresh_from_db()
    assert organization.archived_at is None
    organization_archive(actor=None, organization=organization)  # a command: SYSTEM
    assert audit_rows(action="organization.archived")[0][1:3] == (None, "SYSTEM")


def test_the_organisation_page_leads_to_its_members_where_roles_change(
    staff_client, staff, organization, member_user, other_organization, outsider_user
):
    page = staff_client.get(f"{ORGANIZATIONS}{organization.pk}/change/").content.decode()
    link = f"{MEMBERSHIPS}?organization={organization.pk}&amp;disabled_at__isempty=1"
    assert link in page
    listed = staff_client.get(link.replace("&amp;", "&"))
    assert {m.organization_id for m in listed.context["cl"].result_list} == {organization.pk}
    membership = membership_of(member_user, organization)
    staff_client.post(MEMBERSHIPS, {"action": "make_admin", "_selected_action": [membership.pk]})
    membership.refresh_from_db()
    assert membership.role == "ADMIN"
    assert audit_rows(action="membership.role_changed")[0][1:3] == (staff.pk, "STAFF")


def test_a_new_official_address_cancels_the_invitations_sent_to_the_old_one(
    staff_client, staff, organization
):
    old_address = organization.official_email
    to_old, _ = send(organization, old_address)
    to_teacher, _ = send(organization, "teacher@school.example", role=Invitation.Role.MEMBER)
    url = f"{ORGANIZATIONS}{organization.pk}/change/"
    response = staff_client.post(
        url, organization_data(organization, official_email="ce.new@ac-test.fr"), follow=True
    )
    assert response.status_code == 200
    to_old.refresh_from_db()
    to_teacher.refresh_from_db()
    assert (to_old.status, to_teacher.status) == ("CANCELLED", "PENDING")
    assert "envoyées à l'ancienne adresse sont annulées" in html.unescape(response.content.decode())
    rows = audit_rows(action="invitation.pending_cancelled")
    assert [(row[1], row[2], row[3], row[6]) for row in rows] == [
        (staff.pk, "STAFF", organization.pk, {"count": 1, "reason": "OFFICIAL_EMAIL_CHANGED"})
    ]


def test_other_changes_leave_the_invitations_to_the_official_address_pending(
    staff_client, organization
):
    invitation, _ = send(organization, organization.official_email)
    url = f"{ORGANIZATIONS}{organization.pk}/change/"
    response = staff_client.post(url, organization_data(organization, name="Collège renommé"))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "PENDING"
    assert not audit_rows(action="invitation.pending_cancelled")
