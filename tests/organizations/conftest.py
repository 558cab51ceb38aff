"""Back-office fixtures (a staff member and their signed-in client) and a member who has
not accepted the terms of use."""

import pytest

from tests.factories import current_cgu, make_member, make_staff


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def newcomer(organization):
    """A member of the organisation who has not accepted the terms of use in force."""
    current_cgu()
    return make_member(organization, cgu_accepted=False)
