"""The back office adds and edits users who have only an e-mail, only an identifier,
or both; its forms report the rules (one of the two, unique whatever the case)."""

import pytest

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/backoffice/accounts/user/add/"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def change_data(user: User, **changes) -> dict:
    data = {
        "email": user.email or "",
        "username": user.username or "",
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": user.language,
        "date_joined_0": user.date_joined.strftime("%d/%m/%Y"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    if user.is_active:
        data["is_active"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def add_data(**fields) -> dict:
    return {"usable_password": "true", "password1": PASSWORD, "password2": PASSWORD, **fields}


def errors_of(response) -> str:
    assert response.status_code == 200
    return str(response.context["adminform"].form.errors)


def test_staff_deactivates_a_user_who_has_only_an_email_and_changes_the_email(staff_client):
    teacher = UserFactory(email="prof@college.example")
    assert teacher.username is None
    data = change_data(teacher, email="nouvelle@college.example")
    del data["is_active"]
    response = staff_client.post(f"/backoffice/accounts/user/{teacher.pk}/change/", data)
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert (teacher.email, teacher.username, teacher.is_active) == (
        "nouvelle@college.example",
        None,
        False,
    )


def test_the_change_page_of_a_user_with_only_an_email_opens(staff_client):
    teacher = UserFactory()
    response = staff_client.get(f"/backoffice/accounts/user/{teacher.pk}/change/")
    assert response.status_code == 200


def test_staff_empties_the_email_of_a_student_who_has_an_identifier(staff_client):
    student = UserFactory(username="lea.dupont", email="lea@college.example")
    response = staff_client.post(
        f"/backoffice/accounts/user/{student.pk}/change/", change_data(student, email="")
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert (student.email, student.username) == (None, "lea.dupont")


def test_staff_cannot_empty_both_the_email_and_the_identifier(staff_client):
    teacher = UserFactory(email="prof@college.example")
    response = staff_client.post(
        f"/backoffice/accounts/user/{teacher.pk}/change/", change_data(teacher, email="  ")
    )
    assert "Saisissez une adresse e-mail, un identifiant, ou les deux." in errors_of(response)
    teacher.refresh_from_db()
    assert teacher.email == "prof@college.example"


def test_staff_cannot_give_a_user_the_email_of_another_in_another_case(staff_client):
    UserFactory(email="prof@college.example")
    other = UserFactory()
    response = staff_client.post(
        f"/backoffice/accounts/user/{other.pk}/change/",
        change_data(other, email="PROF@College.example"),
    )
    assert "Un compte utilise déjà cette adresse e-mail." in errors_of(response)


def test_staff_adds_a_user_with_only_an_email(staff_client):
    response = staff_client.post(ADD_URL, add_data(email="prof@college.example", username=""))
    assert response.status_code == 302
    user = User.objects.get(email="prof@college.example")
    assert user.username is None
    assert user.check_password(PASSWORD)


def test_staff_adds_a_student_with_only_an_identifier(staff_client):
    response = staff_client.post(ADD_URL, add_data(email="", username="lea.dupont"))
    assert response.status_code == 302
    assert User.objects.get(username="lea.dupont").email is None


def test_staff_cannot_add_a_user_with_neither_email_nor_identifier(staff_client):
    response = staff_client.post(ADD_URL, add_data(email="", username=""))
    assert "Saisissez une adresse e-mail, un identifiant, ou les deux." in errors_of(response)
    assert User.objects.count() == 1  # the staff member


def test_staff_cannot_add_an_email_that_exists_in_another_case(staff_client):
    UserFactory(email="prof@college.example")
    response = staff_client.post(ADD_URL, add_data(email="Prof@COLLEGE.example"))
    assert "Un compte utilise déjà cette adresse e-mail." in errors_of(response)


def test_staff_cannot_add_an_identifier_that_exists_in_another_case(staff_client):
    UserFactory(username="lea.dupont")
    response = staff_client.post(ADD_URL, add_data(username="LEA.Dupont"))
    assert "Un compte utilise déjà cet identifiant." in errors_of(response)


# --- Audited through the services (organizations.services.users) ----------------------


def test_a_change_is_recorded_with_field_names_and_flags_but_no_address(staff_client):
    from organizations.models import AuditLog

    teacher = UserFactory(email="prof@college.example")
    staff = staff_client.session["_auth_user_id"]
    data = change_data(teacher, email="nouvelle@college.example", is_staff="on")
    staff_client.post(f"/backoffice/accounts/user/{teacher.pk}/change/", data)
    row = AuditLog.objects.get(action="user.changed")
    assert (str(row.actor_id), row.on_behalf_of, row.organization_id, row.target_id) == (
        staff,
        "STAFF",
        None,
        teacher.pk,
    )
    assert row.details == {"fields": ["email", "is_staff"], "is_staff": True}
    assert "@" not in str(row.details)


def test_an_unchanged_or_refused_change_is_not_recorded(staff_client):
    from organizations.models import AuditLog

    teacher = UserFactory()
    url = f"/backoffice/accounts/user/{teacher.pk}/change/"
    assert staff_client.post(url, change_data(teacher)).status_code == 302
    assert staff_client.post(url, change_data(teacher, email="")).status_code == 200
    assert not AuditLog.objects.filter(action="user.changed").exists()


def test_adding_a_user_is_recorded(staff_client):
    from organizations.models import AuditLog

    staff_client.post(ADD_URL, add_data(email="prof@college.example"))
    user = User.objects.get(email="prof@college.example")
    row = AuditLog.objects.get(action="user.created")
    assert (row.target_id, row.on_behalf_of, row.details) == (user.pk, "STAFF", {})


def test_a_password_set_by_staff_is_recorded_and_a_refused_one_is_not(staff_client):
    from organizations.models import AuditLog

    student = UserFactory(username="lea.dupont")
    url = f"/backoffice/accounts/user/{student.pk}/password/"
    refused = {"set_usable_password": "true", "password1": "a", "password2": "b"}
    assert staff_client.post(url, refused).status_code == 200
    assert not AuditLog.objects.filter(action="user.password_changed").exists()
    new = "another-horse-battery-staple"
    accepted = {"set_usable_password": "true", "password1": new, "password2": new}
    assert staff_client.post(url, accepted).status_code == 302
    student.refresh_from_db()
    assert student.check_password(new)
    row = AuditLog.objects.get(action="user.password_changed")
    assert (row.target_id, row.details) == (student.pk, {"usable_password": True})
    assert staff_client.get(url).status_code == 200


def test_deleting_a_user_ends_their_memberships_in_each_organization_s_log(staff_client):
    from organizations.models import AuditLog, Membership
    from tests.factories import make_member, make_organization

    school, other_school = make_organization(), make_organization()
    make_member(school, role=Membership.Role.ADMIN)
    teacher = make_member(school)
    Membership.objects.create(user=teacher, organization=other_school)
    teacher_id = teacher.pk
    url = f"/backoffice/accounts/user/{teacher_id}/delete/"
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    assert not User.objects.filter(pk=teacher_id).exists()
    deleted = AuditLog.objects.get(action="user.deleted")
    assert (deleted.target_id, deleted.organization_id) == (teacher_id, None)
    assert deleted.details == {"organization_ids": sorted([school.pk, other_school.pk])}
    removed = AuditLog.objects.filter(action="membership.removed").order_by("organization_id")
    assert [(row.organization_id, row.details["user_id"]) for row in removed] == [
        (school.pk, teacher_id),
        (other_school.pk, teacher_id),
    ]


def test_the_last_admin_s_account_cannot_be_deleted(staff_client):
    from organizations.models import AuditLog, Membership
    from tests.factories import make_member, make_organization

    school = make_organization()
    head = make_member(school, role=Membership.Role.ADMIN)
    url = f"/backoffice/accounts/user/{head.pk}/delete/"
    assert staff_client.get(url).status_code == 200  # the confirmation page
    response = staff_client.post(url, {"post": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/backoffice/accounts/user/{head.pk}/change/"
    assert [str(message) for message in response.context["messages"]] == [
        "Une organisation garde toujours au moins un administrateur : "
        "nommez d'abord un autre administrateur."
    ]
    assert User.objects.filter(pk=head.pk).exists()
    assert Membership.objects.filter(user=head, disabled_at__isnull=True).exists()
    assert not AuditLog.objects.filter(action__in=["user.deleted", "membership.removed"])


def test_users_cannot_be_deleted_in_bulk(staff_client):
    teacher = UserFactory()
    changelist = "/backoffice/accounts/user/"
    assert "delete_selected" not in staff_client.get(changelist).content.decode()
    staff_client.post(changelist, {"action": "delete_selected", "_selected_action": [teacher.pk]})
    assert User.objects.filter(pk=teacher.pk).exists()
