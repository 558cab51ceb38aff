import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.tasks import enqueue_email

pytestmark = pytest.mark.django_db


def test_a_student_may_have_only_an_identifier():
    user = User.objects.create_user(username="lea.dupont1201", password="x")
    assert user.email is None


def test_a_teacher_may_have_only_an_email():
    user = User.objects.create_user(email="prof@school.example", password="x")
    assert user.username is None


def test_a_user_needs_an_email_or_an_identifier():
    with pytest.raises(ValueError):
        User.objects.create_user(email="  ", username="", password="x")


def test_database_refuses_a_user_with_neither():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email=None, username=None)


def test_emails_are_unique_whatever_their_case():
    User.objects.create_user(email="Prof@School.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="prof@school.EXAMPLE".lower().replace("prof", "PROF"))


def test_identifiers_are_unique_whatever_their_case():
    User.objects.create_user(username="lea.dupont")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="Lea.Dupont")


def test_sign_in_lookup_by_identifier_ignores_case():
    user = User.objects.create_user(username="lea.dupont")
    assert User.objects.get_by_natural_key("LEA.DUPONT") == user


def test_emails_leave_through_the_task_once_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_email(
            to=["a@school.example"], subject="Bonjour", body="Texte", html_body="<p>T</p>"
        )
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Bonjour"
    assert mail.outbox[0].alternatives[0][1] == "text/html"
