"""Back-office fixtures: a staff member and their signed-in client."""

import pytest

from tests.factories import make_staff


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client
