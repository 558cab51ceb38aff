"""Accounts' authentication methods: one account per provider's id, one id per account
and provider, names received kept, last use; `sign_in_methods` without a query per row;
the data migration that moved `User.gar_id` into them."""

import datetime

import pytest
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import AuthenticationMethod, User
from accounts.selectors import users_with_sign_in_methods
from accounts.services import (
    AuthenticationMethodConflictError,
    AuthenticationMethodTakenError,
    authentication_method_add,
    authentication_method_replace_external_id,
    authentication_method_touch,
)
from tests.factories import add_gar_method, make_student

GAR = AuthenticationMethod.Provider.GAR


def add(user, ido, first_name="Léa", last_name="MARTIN"):
    return authentication_method_add(
        user=user, provider=GAR, external_id=ido, first_name=first_name, last_name=last_name
    )


@pytest.mark.django_db
def test_adding_a_gar_method_keeps_the_names_received_and_the_first_use():
    student = make_student(first_name="Léa", last_name="Martin")
    method = add(student, "ido-1", first_name=" Léa ", last_name="MARTIN-DURAND")
    method.refresh_from_db()
    assert (method.user_id, method.provider, method.external_id) == (student.pk, "GAR", "ido-1")
    assert (method.first_name, method.last_name) == ("Léa", "MARTIN-DURAND")
    assert method.last_used_at is not None
    # The account's own names are untouched.
    student.refresh_from_db()
    assert (student.first_name, student.last_name) == ("Léa", "Martin")


@pytest.mark.django_db
def test_an_ido_of_someone_else_is_refused_with_its_code():
    add(make_student(), "ido-1")
    other = make_student()
    with pytest.raises(AuthenticationMethodTakenError) as refusal:
        add(other, "ido-1")
    assert refusal.value.code == "AUTHENTICATION_METHOD_TAKEN"
    assert not AuthenticationMethod.objects.filter(user=other).exists()


@pytest.mark.django_db
def test_an_account_has_one_gar_id_only():
    student = make_student()
    add(student, "ido-1")
    with pytest.raises(AuthenticationMethodConflictError) as refusal:
        add(student, "ido-2")
    assert refusal.value.code == "AUTHENTICATION_METHOD_CONFLICT"
    assert list(AuthenticationMethod.objects.values_list("external_id", flat=True)) == ["ido-1"]


@pytest.mark.django_db
def test_adding_the_same_id_again_only_refreshes_it():
    student = make_student()
    first = add(student, "ido-1", first_name="Lea")
    again = add(student, "ido-1", first_name="Léa")
    assert again.pk == first.pk
    first.refresh_from_db()
    assert first.first_name == "Léa"


@pytest.mark.django_db
def test_the_database_holds_both_uniqueness_rules():
    student, other = make_student(), make_student()
    AuthenticationMethod.objects.create(user=student, provider=GAR, external_id="ido-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthenticationMethod.objects.create(user=other, provider=GAR, external_id="ido-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthenticationMethod.objects.create(user=student, provider=GAR, external_id="ido-2")


@pytest.mark.django_db
def test_touch_refreshes_changed_names_and_the_last_use(django_assert_num_queries):
    method = add(make_student(), "ido-1", first_name="Lea", last_name="MARTIN")
    AuthenticationMethod.objects.filter(pk=method.pk).update(
        last_used_at=timezone.now() - datetime.timedelta(days=3)
    )
    method.refresh_from_db()
    before = method.last_used_at
    with django_assert_num_queries(1):
        authentication_method_touch(method=method, first_name="Léa", last_name="MARTIN")
    method.refresh_from_db()
    assert (method.first_name, method.last_name) == ("Léa", "MARTIN")
    assert method.last_used_at > before


@pytest.mark.django_db
def test_replacing_the_id_refuses_one_that_is_someone_elses():
    add(make_student(), "ido-taken")
    method = add(make_student(), "ido-old")
    with pytest.raises(AuthenticationMethodTakenError):
        authentication_method_replace_external_id(
            method=method, external_id="ido-taken", first_name="A", last_name="B"
        )
    authentication_method_replace_external_id(
        method=method, external_id="ido-new", first_name="A", last_name="B"
    )
    method.refresh_from_db()
    assert method.external_id == "ido-new"


@pytest.mark.django_db
def test_deleting_an_account_deletes_its_methods():
    student = make_student()
    add(student, "ido-1")
    student.delete()
    assert not AuthenticationMethod.objects.exists()


@pytest.mark.django_db
def test_sign_in_methods_put_the_ent_first_and_cost_no_query_when_annotated(
    django_assert_num_queries,
):
    with_ent = make_student(username="lea.martin1705", email="lea@exemple.fr", gar_id="ido-1")
    without = make_student(username="hugo.bernard0101")
    assert with_ent.sign_in_methods == ["ENT", "IDENTIFIER", "EMAIL"]
    users = list(users_with_sign_in_methods().filter(pk__in=[with_ent.pk, without.pk]))
    with django_assert_num_queries(0):
        methods = {user.pk: user.sign_in_methods for user in users}
    assert methods == {with_ent.pk: ["ENT", "IDENTIFIER", "EMAIL"], without.pk: ["IDENTIFIER"]}
    prefetched = list(
        User.objects.filter(pk__in=[with_ent.pk, without.pk]).prefetch_related(
            "authentication_methods"
        )
    )
    with django_assert_num_queries(0):
        assert sorted(len(user.sign_in_methods) for user in prefetched) == [1, 3]


@pytest.mark.django_db
def test_the_factory_gives_an_account_the_ent_through_the_service():
    student = make_student(gar_id="ido-9")
    add_gar_method(make_student(), "ido-10")
    assert AuthenticationMethod.objects.get(external_id="ido-9").user_id == student.pk


BEFORE = [("accounts", "0003_user_gar_id")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_every_gar_id_into_a_method_then_drops_the_column():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    OldUser = executor.loader.project_state(BEFORE).apps.get_model("accounts", "User")
    with_id = OldUser.objects.create(
        username="lea.martin1705",
        gar_id="ido-old-1",
        first_name="Léa",
        last_name="Martin",
        password=make_password(None),
    )
    without = OldUser.objects.create(username="hugo.bernard0101", password=make_password(None))
    empty = OldUser.objects.create(
        username="zoe.faure0303", gar_id="", password=make_password(None)
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    method = AuthenticationMethod.objects.get()
    assert (method.user_id, method.provider, method.external_id) == (with_id.pk, "GAR", "ido-old-1")
    assert (method.first_name, method.last_name) == ("Léa", "Martin")
    assert User.objects.get(pk=with_id.pk).sign_in_methods == ["ENT", "IDENTIFIER"]
    assert User.objects.get(pk=without.pk).sign_in_methods == ["IDENTIFIER"]
    assert User.objects.get(pk=empty.pk).sign_in_methods == ["IDENTIFIER"]
    assert "gar_id" not in {
        column.name
        for column in connection.introspection.get_table_description(
            connection.cursor(), "accounts_user"
        )
    }


@pytest.mark.django_db
def test_the_back_office_shows_the_ent_sign_in_and_deletes_it_with_the_account(client):
    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    student = make_student(gar_id="ido-42")
    page = client.get(f"/backoffice/accounts/user/{student.pk}/change/")
    assert page.status_code == 200
    assert "IDO ido-42" in page.content.decode()
    response = client.post(f"/backoffice/accounts/user/{student.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AuthenticationMethod.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("elsewhere", [False, True])
def test_the_refusals_name_the_ent_without_a_query_of_their_own(
    elsewhere, django_assert_num_queries
):
    from campaigns.join_errors import AlreadyLinkedError
    from campaigns.reconciliation import check_can_link
    from tests.factories import make_learner, make_organization

    ent_account = make_student(gar_id="ido-1")
    school = make_organization()
    learner = make_learner(school, user=None if elsewhere else ent_account)
    if elsewhere:
        make_learner(make_organization(), ine=learner.ine, user=ent_account)
    # One query finds the account with its sign-in methods (R33: the learner's account;
    # R13: the account of the same INE elsewhere), none to word the refusal.
    with django_assert_num_queries(1), pytest.raises(AlreadyLinkedError) as refusal:
        check_can_link(learner=learner, user=None)
    assert refusal.value.code == ("R13" if elsewhere else "R33")
    assert refusal.value.meta == {"method": "ENT", "login": ""}
