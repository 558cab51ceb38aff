"""Fixtures of the API's tests: tokens made through the service, clients that send them.

The actors are the standard ones (tests/conftest.py): an administrator and a member of
the organisation, an outsider (administrator of another organisation), anonymous; each
calls with a token of their own unless a test says otherwise.
"""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from organizations.models import ApiToken, Membership
from organizations.tokens import api_token_create, api_token_revoke

# The in-thread worker of the import's tests (a real Celery worker on Redis).
from tests.students.conftest import celery_worker_thread  # noqa: F401


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores its uploads in its own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_token(user, organization, *, role=None, lifetime_days=90, name="Script de nuit"):
    """(token, secret) for the person's active membership of the organisation, with their
    role unless `role` says otherwise."""
    membership = Membership.objects.get(
        user=user, organization=organization, disabled_at__isnull=True
    )
    return api_token_create(
        user=user,
        organization_id=organization.pk,
        name=name,
        role=role or membership.role,
        lifetime_days=lifetime_days,
    )


def token_client(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def expire(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=91),
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )


@pytest.fixture
def admin_client(organization, admin_user):
    return token_client(make_token(admin_user, organization)[1])


@pytest.fixture
def member_client(organization, member_user):
    return token_client(make_token(member_user, organization)[1])


@pytest.fixture
def outsider_client(other_organization, outsider_user):
    """An administrator's token, for another school."""
    return token_client(make_token(outsider_user, other_organization)[1])


@pytest.fixture
def anonymous_client():
    return APIClient()


@pytest.fixture
def expired_client(organization, admin_user):
    token, secret = make_token(admin_user, organization)
    expire(token)
    return token_client(secret)


@pytest.fixture
def revoked_client(organization, admin_user):
    token, secret = make_token(admin_user, organization)
    api_token_revoke(actor=admin_user, token=token)
    return token_client(secret)
