"""The terms of use (CGU) as services and as a rule of the guard: versions, acceptances,
their audit rows, and where the rule stands among the others."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from organizations.errors import (
    CguDateBeforeLatestError,
    CguDateInPastError,
    CguVersionOutdatedError,
)
from organizations.guards import (
    CguNotAcceptedError,
    OrganizationArchivedError,
    membership_get_for_role,
    organization_get_for_admin,
    organization_get_for_member,
)
from organizations.models import CguAcceptance, CguVersion, Membership
from organizations.selectors import cgu_state_for_user, cgu_version_current
from organizations.services import (
    cgu_accept,
    cgu_version_publish,
    membership_create,
    organization_archive,
)
from students.guards import import_get_for_admin
from students.models import Import
from tests.factories import (
    UserFactory,
    accept_cgu,
    audit_rows,
    make_member,
    make_staff,
)

pytestmark = pytest.mark.django_db


def publish(**kwargs) -> CguVersion:
    kwargs.setdefault("text_fr", "Nouvelles conditions.")
    return cgu_version_publish(actor=None, **kwargs)


# --- Versions -----------------------------------------------------------------------------


def test_the_current_version_is_the_newest_in_force_not_a_scheduled_one(admin_user):
    first = cgu_version_current()
    now = publish()
    assert cgu_version_current() == now != first
    publish(effective_at=timezone.now() + datetime.timedelta(days=30))
    assert cgu_version_current() == now


def test_a_version_cannot_take_effect_before_the_latest_one(admin_user):
    scheduled = publish(effective_at=timezone.now() + datetime.timedelta(days=30))
    with pytest.raises(CguDateBeforeLatestError) as refused:
        publish()  # now: before the scheduled one, so it would never apply
    assert refused.value.code == "CGU_DATE_BEFORE_LATEST"
    assert CguVersion.objects.order_by("-effective_at").first() == scheduled


def test_staff_publish_a_version_and_it_is_recorded():
    staff = make_staff()
    version = cgu_version_publish(actor=staff, text_fr="  Texte.  ", text_en="Text.")
    assert (version.text_fr, version.text_en) == ("Texte.", "Text.")
    assert audit_rows(action="cgu.published") == [
        (
            "cgu.published",
            staff.pk,
            "STAFF",
            None,
            "organizations.cguversion",
            version.pk,
            {"effective_at": version.effective_at.isoformat(), "english": True},
        )
    ]


def test_only_staff_publish_and_never_in_the_past(admin_user):
    before = CguVersion.objects.count()
    with pytest.raises(PermissionDenied):
        cgu_version_publish(actor=admin_user, text_fr="Texte.")
    with pytest.raises(CguDateInPastError) as refused:
        publish(effective_at=timezone.now() - datetime.timedelta(days=1))
    assert refused.value.code == "CGU_DATE_IN_PAST"
    with pytest.raises(ValidationError):
        publish(text_fr="   ")  # no French text
    assert CguVersion.objects.count() == before
    assert not audit_rows(action="cgu.published", actor__isnull=False)


def test_english_falls_back_to_french_when_not_written():
    version = publish(text_fr="Texte.", text_en="")
    assert version.text_for("en") == ("Texte.", "fr")
    assert version.text_for("fr") == ("Texte.", "fr")
    translated = publish(text_fr="Texte.", text_en="Text.")
    assert translated.text_for("en") == ("Text.", "en")


# --- Acceptances ------------------------------------------------------------------------


def test_acceptance_is_recorded_once_per_person_and_version(newcomer):
    version = cgu_version_current()
    first = cgu_accept(user=newcomer, version=version)
    again = cgu_accept(user=newcomer, version=version)
    assert first == again
    assert CguAcceptance.objects.filter(user=newcomer).count() == 1
    assert audit_rows(action="cgu.accepted", actor=newcomer) == [
        (
            "cgu.accepted",
            newcomer.pk,
            "SELF",
            None,
            "organizations.cguacceptance",
            first.pk,
            {"version_id": version.pk},
        )
    ]


def test_only_the_version_in_force_can_be_accepted(newcomer):
    old = cgu_version_current()
    publish()
    scheduled = publish(effective_at=timezone.now() + datetime.timedelta(days=1))
    for version in (old, scheduled):
        with pytest.raises(CguVersionOutdatedError) as refused:
            cgu_accept(user=newcomer, version=version)
        assert refused.value.code == "CGU_VERSION_OUTDATED"
    assert not CguAcceptance.objects.filter(user=newcomer).exists()


# --- The guard --------------------------------------------------------------------------


def test_a_member_who_has_not_accepted_is_refused_with_the_code(organization, newcomer):
    with pytest.raises(CguNotAcceptedError) as refused:
        organization_get_for_member(user=newcomer, organization_id=organization.pk)
    assert refused.value.code == "CGU_NOT_ACCEPTED"
    assert refused.value.status == 403
    assert refused.value.meta == {"version_id": cgu_version_current().pk, "url": "/cgu/"}
    accept_cgu(newcomer)
    found, _ = organization_get_for_member(user=newcomer, organization_id=organization.pk)
    assert found == organization


def test_a_new_version_asks_everyone_again(organization, member_user):
    organization_get_for_member(user=member_user, organization_id=organization.pk)
    new = publish()
    with pytest.raises(CguNotAcceptedError) as refused:
        organization_get_for_member(user=member_user, organization_id=organization.pk)
    assert refused.value.meta["version_id"] == new.pk


def test_no_version_published_means_no_access(organization, member_user):
    CguAcceptance.objects.all().delete()
    CguVersion.objects.all().delete()
    with pytest.raises(CguNotAcceptedError) as refused:
        organization_get_for_member(user=member_user, organization_id=organization.pk)
    assert refused.value.meta["version_id"] is None
    assert cgu_state_for_user(user_id=member_user.pk) == (None, False)


def test_an_outsider_gets_not_found_before_the_terms(organization, other_organization):
    outsider = make_member(other_organization, cgu_accepted=False)
    with pytest.raises(Http404):
        organization_get_for_member(user=outsider, organization_id=organization.pk)


def test_the_terms_come_before_the_closed_space_and_the_role(organization, newcomer, staff):
    organization_archive(actor=staff, organization=organization)
    with pytest.raises(CguNotAcceptedError):
        organization_get_for_admin(user=newcomer, organization_id=organization.pk)
    accept_cgu(newcomer)
    with pytest.raises(OrganizationArchivedError):
        organization_get_for_admin(user=newcomer, organization_id=organization.pk)


def test_the_role_is_checked_once_the_terms_are_accepted(organization, member_user):
    with pytest.raises(PermissionDenied):
        membership_get_for_role(
            user=member_user, organization_id=organization.pk, role=Membership.Role.ADMIN
        )


def test_the_terms_add_no_query_to_the_import_lookup(
    django_assert_num_queries, organization, admin_user
):
    import_ = Import.objects.create(organization=organization, created_by=admin_user, file_name="e")
    with django_assert_num_queries(2):
        import_get_for_admin(user=admin_user, import_id=import_.pk)
    publish()
    with django_assert_num_queries(2), pytest.raises(CguNotAcceptedError):
        import_get_for_admin(user=admin_user, import_id=import_.pk)


def test_acceptance_is_per_person_not_per_organisation(organization, other_organization):
    person = UserFactory(cgu_accepted=False)
    for school in (organization, other_organization):
        membership_create(user=person, organization=school)
    accept_cgu(person)
    for school in (organization, other_organization):
        organization_get_for_member(user=person, organization_id=school.pk)
