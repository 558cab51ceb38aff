import pytest
from django.db import IntegrityError, transaction

from organizations.models import Membership
from organizations.services import AlreadyMemberError, membership_create, membership_disable
from tests.factories import UserFactory


@pytest.mark.django_db
def test_second_active_membership_in_same_organization_is_refused(organization):
    user = UserFactory()
    membership_create(user=user, organization=organization)
    with pytest.raises(AlreadyMemberError):
        membership_create(user=user, organization=organization, role=Membership.Role.ADMIN)
    assert Membership.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_database_itself_refuses_two_active_memberships(organization):
    user = UserFactory()
    Membership.objects.create(user=user, organization=organization)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, organization=organization)


@pytest.mark.django_db
def test_disabled_membership_does_not_block_joining_again(organization):
    user = UserFactory()
    membership_disable(membership=membership_create(user=user, organization=organization))
    membership_create(user=user, organization=organization)
    assert Membership.objects.filter(user=user, disabled_at__isnull=True).count() == 1
    assert Membership.objects.filter(user=user).count() == 2


@pytest.mark.django_db
def test_one_person_may_belong_to_several_organizations(organization, other_organization):
    user = UserFactory()
    membership_create(user=user, organization=organization)
    membership_create(user=user, organization=other_organization)
    assert user.memberships.count() == 2
