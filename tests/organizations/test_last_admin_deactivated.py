"""A deactivated account administers nothing: the last-administrator rule counts only
administrators who can sign in."""

import pytest

from organizations.errors import LastAdministratorError
from organizations.models import Membership
from organizations.services import membership_remove
from organizations.services.users import user_delete, user_save
from tests.factories import make_member, make_staff

pytestmark = pytest.mark.django_db


def deactivate(user, staff):
    user.is_active = False
    return user_save(actor=staff, user=user, changed_fields=["is_active"])


def test_the_last_administrator_s_account_cannot_be_deactivated(organization, admin_user):
    staff = make_staff()
    with pytest.raises(LastAdministratorError):
        deactivate(admin_user, staff)
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_an_administrator_s_account_can_be_deactivated_when_another_remains(
    organization, admin_user
):
    make_member(organization, role=Membership.Role.ADMIN)
    deactivate(admin_user, make_staff())
    admin_user.refresh_from_db()
    assert not admin_user.is_active


def test_once_one_admin_is_deactivated_the_other_is_the_last(organization, admin_user):
    staff = make_staff()
    other = make_member(organization, role=Membership.Role.ADMIN)
    deactivate(admin_user, staff)
    membership = other.memberships.get()
    with pytest.raises(LastAdministratorError):
        membership_remove(actor=staff, membership=membership, on_behalf_of="STAFF")
    with pytest.raises(LastAdministratorError):
        user_delete(actor=staff, user=other)
    membership.refresh_from_db()
    assert membership.disabled_at is None
