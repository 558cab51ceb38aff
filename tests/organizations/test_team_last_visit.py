"""The last visit to the space (`Membership.last_seen_at`): written by `org_view` once the
guards let the person in, at most once an hour, never for a refused request."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organizations.models import Membership
from organizations.services.visits import VISIT_PRECISION, membership_record_visit
from tests.organizations.team_helpers import membership_of

pytestmark = pytest.mark.django_db


def updates_of_memberships(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "organizations_membership"')]


def test_the_first_page_of_the_space_records_the_visit(client, organization, member_user):
    assert membership_of(member_user, organization).last_seen_at is None
    client.force_login(member_user)
    before = timezone.now()
    client.get("/campagnes/")
    seen = membership_of(member_user, organization).last_seen_at
    assert seen is not None and before <= seen <= timezone.now()


def test_within_the_hour_no_page_writes_it_again(client, organization, member_user):
    client.force_login(member_user)
    client.get("/equipe/")
    first = membership_of(member_user, organization).last_seen_at
    with CaptureQueriesContext(connection) as queries:
        client.get("/eleves/")
        client.get("/equipe/")
    assert updates_of_memberships(queries.captured_queries) == []
    assert membership_of(member_user, organization).last_seen_at == first


def test_an_hour_later_the_next_page_writes_it_again(client, organization, member_user):
    long_ago = timezone.now() - VISIT_PRECISION - datetime.timedelta(seconds=1)
    Membership.objects.filter(user=member_user).update(last_seen_at=long_ago)
    client.force_login(member_user)
    client.get("/documentation/")
    assert membership_of(member_user, organization).last_seen_at > long_ago


def test_a_refused_request_records_no_visit(client, organization, newcomer, outsider_user):
    # The terms of use not accepted: sent to /cgu/, not in the space.
    client.force_login(newcomer)
    assert client.get("/equipe/").status_code == 302
    assert membership_of(newcomer, organization).last_seen_at is None
    # Someone else's membership named in a URL: 404, and their own visit is not recorded.
    member = Membership.objects.filter(organization=organization).first()
    client.force_login(outsider_user)
    assert client.get(f"/equipe/membres/{member.pk}/retirer/").status_code == 404
    assert Membership.objects.get(user=outsider_user).last_seen_at is None


def test_two_writers_at_once_write_once_and_nothing_else(organization, member_user):
    membership = membership_of(member_user, organization)
    stale = membership_of(member_user, organization)
    now = timezone.now()
    assert membership_record_visit(membership=membership, now=now) is True
    # A request that read the membership before: its UPDATE finds the visit recorded.
    assert membership_record_visit(membership=stale, now=now) is False
    Membership.objects.filter(pk=membership.pk).update(role="ADMIN")
    membership_record_visit(membership=stale, now=now + VISIT_PRECISION)
    assert Membership.objects.get(pk=membership.pk).role == "ADMIN"
