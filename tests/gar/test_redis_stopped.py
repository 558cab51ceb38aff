"""Redis down: the GAR's sign-in still starts (its per-IP limit fails open, as sign-in's
does) and the answer is still checked (the database holds requests and assertions).
A Redis of the test's own (`tests.own_redis`), never the shared one."""

from __future__ import annotations

import pytest

from tests.campaigns.own_redis import cache_on_own_redis  # noqa: F401 - a fixture
from tests.gar.helpers import browser_of, start_login
from tests.gar.idp import student_attributes

pytestmark = pytest.mark.django_db


@pytest.fixture
def stopped_cache(cache_on_own_redis):  # noqa: F811 - the fixture above
    cache_on_own_redis.stop()
    return cache_on_own_redis


def test_the_gar_sign_in_starts_and_is_checked_while_redis_is_stopped(
    client, gar_idp, stopped_cache
):
    from accounts.gar.service import gar_response_accept

    login = start_login(client)
    answer = gar_idp.response_for(login, student_attributes())
    assert gar_response_accept(saml_response=answer, browser=browser_of(login)).identity.ido
