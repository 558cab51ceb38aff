"""What the service provider accepts: the GAR's real answers, signed either way, encrypted
or not, read into a GarIdentity; the request and the assertion consumed; the purge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.gar.service import gar_expired_purge, gar_response_accept
from accounts.models import SamlAssertion, SamlRequest
from accounts.tasks import gar_purge
from tests.factories import make_campaign, make_organization
from tests.gar.helpers import browser_of, request_row, start_login
from tests.gar.idp import student_attributes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "knobs",
    [
        {"sign_assertion": True},
        {"sign_assertion": False, "sign_response": True},
        {"sign_assertion": True, "sign_response": True},
        {"sign_assertion": True, "encrypt": True},
        {"sign_assertion": False, "sign_response": True, "encrypt": True},
    ],
    ids=["assertion-signed", "response-signed", "both-signed", "encrypted", "encrypted-rs"],
)
def test_a_signed_answer_of_the_gar_is_accepted(client, gar_idp, knobs):
    login = start_login(client)
    accepted = gar_response_accept(
        saml_response=gar_idp.response_for(login, student_attributes(), **knobs),
        browser=browser_of(login),
    )
    identity = accepted.identity
    assert identity.ido == "a5f3c2e1-gar-test-0001"
    assert (identity.first_name, identity.last_name) == ("Léa", "Martin")
    assert identity.uai == "0750654D"
    assert identity.is_student
    assert identity.divisions == ("4A",)
    assert accepted.campaign_code == ""
    assert request_row(login).consumed_at is not None
    assert SamlAssertion.objects.count() == 1


def test_a_teachers_answer_without_uai_nor_divisions(client, gar_idp):
    login = start_login(client)
    attributes = student_attributes(PRO="National_ens", UAI=None, DIV=None)
    identity = gar_response_accept(
        saml_response=gar_idp.response_for(login, attributes), browser=browser_of(login)
    ).identity
    assert (identity.profile, identity.uai, identity.divisions) == ("National_ens", "", ())
    assert not identity.is_student


def test_several_classes_and_a_padded_uai(client, gar_idp):
    login = start_login(client)
    attributes = student_attributes(UAI=[" 0750654d ", "0750655E"], DIV=["4A", "4A-LV2"])
    identity = gar_response_accept(
        saml_response=gar_idp.response_for(login, attributes), browser=browser_of(login)
    ).identity
    assert identity.uai == "0750654D"
    assert identity.divisions == ("4A", "4A-LV2")


def test_the_campaign_being_joined_comes_back_with_the_answer(client, gar_idp):
    campaign = make_campaign(make_organization())
    login = start_login(client, f"?campagne={campaign.code}")
    accepted = gar_response_accept(
        saml_response=gar_idp.response_for(login, student_attributes()), browser=browser_of(login)
    )
    assert accepted.campaign_code == campaign.code


def test_the_purge_deletes_only_expired_requests_and_assertions(client, gar_idp):
    now = timezone.now()
    SamlRequest.objects.create(id="id-old", expires_at=now - timedelta(seconds=1))
    SamlRequest.objects.create(id="id-live", expires_at=now + timedelta(minutes=5))
    SamlAssertion.objects.create(assertion_id="a-old", expires_at=now - timedelta(seconds=1))
    SamlAssertion.objects.create(assertion_id="a-live", expires_at=now + timedelta(minutes=5))
    assert gar_expired_purge() == (1, 1)
    assert list(SamlRequest.objects.values_list("id", flat=True)) == ["id-live"]
    assert list(SamlAssertion.objects.values_list("assertion_id", flat=True)) == ["a-live"]
    assert tuple(gar_purge.delay().get()) == (0, 0)


def test_the_purge_task_is_on_the_interactive_queue_and_scheduled(settings):
    assert settings.CELERY_TASK_ROUTES["accounts.gar_purge"] == {"queue": "interactive"}
    assert settings.CELERY_BEAT_SCHEDULE["gar-purge"]["task"] == "accounts.gar_purge"
