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
