"""The same answer posted twice at the same moment (two tabs, a replay racing the
original), in real transactions on PostgreSQL: both pass every check, one is accepted."""

from __future__ import annotations

import pytest

from accounts.gar import service
from accounts.gar.errors import GarResponseReplayedError
from accounts.models import SamlAssertion, SamlRequest
from tests.campaigns.test_concurrency import meet, race
from tests.gar.helpers import browser_of, start_login
from tests.gar.idp import student_attributes

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_answer_at_once_is_accepted_once(client, gar_idp, monkeypatch):
    login = start_login(client)
    answer = gar_idp.response_for(login, student_attributes())
    parse = service._parse

    def checked_then_meet(barrier):
        def patched(*args, **kwargs):
            parsed = parse(*args, **kwargs)
            meet(barrier)  # both answers fully checked, neither consumed yet
            return parsed

        monkeypatch.setattr(service, "_parse", patched)

    outcomes, broken = race(
        lambda: service.gar_response_accept(saml_response=answer, browser=browser_of(login)),
        lambda: service.gar_response_accept(saml_response=answer, browser=browser_of(login)),
        after=checked_then_meet,
    )
    assert not broken  # they did meet: both had passed the checks
    refused = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert [type(error) for error in refused] == [GarResponseReplayedError]
    assert SamlAssertion.objects.count() == 1
    assert SamlRequest.objects.get().consumed_at is not None
