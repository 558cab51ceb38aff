"""The back office goes through the services: every edit of an organisation or a
membership is audited (staff as actor, on behalf of STAFF), rule-bearing fields are
read-only, the last-administrator refusal is shown, and the audit log is read-only."""

import pytest
from django.contrib.messages import get_messages
from django.db import transaction

from organizations.audit import audit_record
from organizations.models import AuditLog, Membership, Organization
from tests.factories import (
    UserFactory,
    audit_rows,
    make_learner,
    make_member,
    make_organization,
    make_staff,
    make_uai,
)

pytestmark = pytest.mark.django_db

ORGANIZATIONS = "/backoffice/organizations/organization/"
MEMBERSHIPS = "/backoffice/organizations/membership/"
AUDIT_LOG = "/backoffice/organizations/auditlog/"


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def membership_of(user, organization) -> Membership:
    return Membership.objects.get(user=user, organization=organization, disabled_at__isnull=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


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
    staff_client.post(ORGANIZATIONS, {"action": "reopen", "_selected_action": [organization.pk]})
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
    assert not AuditLog.objects.exclude(action__in=["organization.created", "membership.created"])


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
        for action, actor, capacity, _, _, target, details in audit_rows(target_id=membership.pk)
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
