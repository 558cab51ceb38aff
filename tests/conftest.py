"""Shared fixtures: the three standard actors and test-wide settings.

Every permission-sensitive view is tested with: an administrator and a member of the
organisation, an outsider (member of another organisation) and an anonymous visitor.
"""

import pytest
from django.core.cache import cache

from organizations.models import Membership
from pixorga.celery import app as celery_app
from tests.factories import make_member, make_organization


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    # A fast hasher: the real one costs ~0.3 s a password and proves nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _eager_celery_by_default(request):
    """Wiring tests run tasks in-process; tests marked celery_worker use a real worker."""
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def organization(db):
    return make_organization(name="Collège Jean Moulin")


@pytest.fixture
def other_organization(db):
    return make_organization(name="Lycée Marie Curie")


@pytest.fixture
def admin_user(organization):
    return make_member(organization, role=Membership.Role.ADMIN)


@pytest.fixture
def member_user(organization):
    return make_member(organization, role=Membership.Role.MEMBER)


@pytest.fixture
def outsider_user(other_organization):
    """An administrator, but of another organisation."""
    return make_member(other_organization, role=Membership.Role.ADMIN)
