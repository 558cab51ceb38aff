"""The guarded lookups themselves: each outcome, as the pages, the API and tasks see it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from organizations.guards import (
    OrganizationArchivedError,
    membership_get_for_role,
    organization_get_for_admin,
    organization_get_for_member,
)
from organizations.models import Membership, Organization
from organizations.services import membership_disable
from students.guards import ImportUnavailableError, import_get_for_admin
from students.models import Import
from tests.factories import make_member, make_organization

pytestmark = pytest.mark.django_db


def archive(organization):
    organization.archived_at = timezone.now()
    organization.save(update_fields=["archived_at"])


def test_member_gets_the_organization_and_the_membership(organization, member_user):
    found, membership = organization_get_for_member(
        user=member_user, organization_id=organization.pk
    )
    assert found == organization
    assert membership.user == member_user
    assert membership.role == Membership.Role.MEMBER


def test_member_is_refused_the_administrators_lookup(organization, member_user):
    with pytest.raises(PermissionDenied):
        organization_get_for_admin(user=member_user, organization_id=organization.pk)


def test_outsider_and_missing_id_are_the_same_not_found(organization, outsider_user):
    with pytest.raises(Http404):
        organization_get_for_member(user=outsider_user, organization_id=organization.pk)
    with pytest.raises(Http404):
        organization_get_for_member(user=outsider_user, organization_id=999_999)


def test_anonymous_and_disabled_members_are_not_found(organization, member_user):
    with pytest.raises(Http404):
        membership_get_for_role(
            user=AnonymousUser(), organization_id=organization.pk, role="MEMBER"
        )
    membership_disable(membership=member_user.memberships.get())
    with pytest.raises(Http404):
        organization_get_for_member(user=member_user, organization_id=organization.pk)


def test_archived_organization_is_refused_with_its_code_before_the_role(organization, member_user):
    archive(organization)
    with pytest.raises(OrganizationArchivedError) as refused:
        organization_get_for_admin(user=member_user, organization_id=organization.pk)
    assert refused.value.code == "ORGANIZATION_ARCHIVED"
    assert refused.value.status == 403
    assert refused.value.as_dict()["meta"] == {
        "organization_id": organization.pk,
        "name": organization.name,
    }
    assert organization.name in refused.value.message


def test_unknown_role_is_a_programming_error(organization, member_user):
    with pytest.raises(ValueError):
        membership_get_for_role(user=member_user, organization_id=organization.pk, role="OWNER")


# --- import_get_for_admin ---------------------------------------------------------------


@pytest.fixture
def import_(organization, admin_user):
    return Import.objects.create(
        organization=organization, created_by=admin_user, file_name="e.xml"
    )


def test_admin_gets_the_import_in_two_queries(
    django_assert_num_queries, organization, admin_user, import_
):
    with django_assert_num_queries(2):
        found, membership = import_get_for_admin(user=admin_user, import_id=import_.pk)
        assert found.organization.name == organization.name  # already joined
        assert found.created_by == admin_user
    assert found == import_
    assert membership.role == Membership.Role.ADMIN


def test_import_lookup_refusals(organization, member_user, outsider_user, import_):
    with pytest.raises(PermissionDenied):
        import_get_for_admin(user=member_user, import_id=import_.pk)
    with pytest.raises(Http404):
        import_get_for_admin(user=outsider_user, import_id=import_.pk)
    with pytest.raises(Http404):
        import_get_for_admin(user=outsider_user, import_id=999_999)
    archive(organization)
    with pytest.raises(OrganizationArchivedError):
        import_get_for_admin(user=member_user, import_id=import_.pk)


def test_import_lookup_refuses_an_organization_that_does_not_import(db):
    organization = make_organization(type=Organization.Type.SUP, uai=None)
    admin = make_member(organization, role=Membership.Role.ADMIN)
    import_ = Import.objects.create(organization=organization, created_by=admin, file_name="e")
    with pytest.raises(ImportUnavailableError) as refused:
        import_get_for_admin(user=admin, import_id=import_.pk)
    assert refused.value.code == "IMPORT_NOT_ALLOWED"
    # Membership comes first: an outsider learns nothing about that organisation.
    outsider = make_member(make_organization(), role=Membership.Role.ADMIN)
    with pytest.raises(Http404):
        import_get_for_admin(user=outsider, import_id=import_.pk)
