"""E-mail addresses are stored lower-cased (a data migration did it for existing rows) and
looked up whatever their case: sign-in, password reset, sign-up uniqueness, back office."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from accounts.models import User
from tests.accounts.helpers import is_signed_in, sign_in
from tests.factories import PASSWORD, UserFactory

BEFORE = [("accounts", "0001_initial")]
ALLAUTH = ("account", "0009_emailaddress_unique_primary_email")


def reset_password_request(email: str, capture) -> None:
    with capture(execute=True):
        response = Client().post("/compte/password/reset/", {"email": email})
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_the_migration_lower_cases_existing_addresses_who_can_then_sign_in_and_reset(
    django_capture_on_commit_callbacks,
):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state([*BEFORE, ALLAUTH]).apps
    OldUser = old_apps.get_model("accounts", "User")
    OldEmailAddress = old_apps.get_model("account", "EmailAddress")
    # As the manager used to store it: only the domain lower-cased.
    old = OldUser.objects.create(email="Mixed.Case@x.fr", password=make_password(PASSWORD))
    OldEmailAddress.objects.create(user_id=old.pk, email="Mixed.Case@x.fr", primary=True)
    # The same address twice in two cases, for one person: one row is kept, with both flags.
    twins = OldUser.objects.create(email="Twin@x.fr", password=make_password(PASSWORD))
    OldEmailAddress.objects.create(user_id=twins.pk, email="Twin@x.fr", primary=True)
    OldEmailAddress.objects.create(user_id=twins.pk, email="twin@x.fr", verified=True)
    student = OldUser.objects.create(username="Lea.Dupont", password=make_password(PASSWORD))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    user = User.objects.get(pk=old.pk)
    assert user.email == "mixed.case@x.fr"
    assert EmailAddress.objects.get(user=user).email == "mixed.case@x.fr"
    kept = EmailAddress.objects.get(user_id=twins.pk)
    assert (kept.email, kept.primary, kept.verified) == ("twin@x.fr", True, True)
    # Identifiers keep their case (they are looked up case-insensitively).
    assert User.objects.get(pk=student.pk).username == "Lea.Dupont"
    for typed in ("Mixed.Case@x.fr", "mixed.case@X.FR"):
        client = Client()
        sign_in(client, typed, PASSWORD)
        assert is_signed_in(client), typed
    reset_password_request("MIXED.case@x.fr", django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == ["mixed.case@x.fr"]
    assert "/compte/password/reset/key/" in mail.outbox[-1].body


@pytest.mark.django_db
def test_the_manager_stores_the_whole_address_lower_cased():
    user = User.objects.create_user(email=" Camille.Martin@AC-Paris.fr ", password=PASSWORD)
    assert user.email == "camille.martin@ac-paris.fr"


@pytest.mark.django_db
def test_sign_up_stores_the_address_lower_cased(client):
    client.post(
        "/compte/signup/",
        {
            "first_name": "Camille",
            "last_name": "Martin",
            "email": "Camille.Martin@AC-Paris.fr",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    user = User.objects.get()
    assert user.email == "camille.martin@ac-paris.fr"
    assert EmailAddress.objects.get(user=user).email == "camille.martin@ac-paris.fr"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["Camille.Martin@ac-paris.fr", "CAMILLE.MARTIN@AC-PARIS.FR"])
def test_sign_in_and_reset_find_the_account_whatever_the_case(
    typed, django_capture_on_commit_callbacks
):
    UserFactory(email="Camille.Martin@ac-paris.fr")
    client = Client()
    sign_in(client, typed, PASSWORD)
    assert is_signed_in(client)
    reset_password_request(typed, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == ["camille.martin@ac-paris.fr"]
    assert "/compte/password/reset/key/" in mail.outbox[-1].body


@pytest.mark.django_db
def test_sign_up_refuses_an_address_taken_in_another_case(client):
    UserFactory(email="camille.martin@ac-paris.fr")
    response = client.post(
        "/compte/signup/",
        {
            "first_name": "Camille",
            "last_name": "Martin",
            "email": "Camille.MARTIN@ac-paris.fr",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "Un compte utilise déjà cette adresse e-mail" in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_the_back_office_stores_lower_case_and_finds_any_case(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        "/backoffice/accounts/user/add/",
        {
            "email": "Prof.Martin@College.Example",
            "username": "",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="prof.martin@college.example").exists()
    listing = client.get("/backoffice/accounts/user/", {"q": "PROF.MARTIN@college"})
    assert "prof.martin@college.example" in listing.content.decode()
