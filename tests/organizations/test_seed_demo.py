"""The demo seed opens the space: its administrator has accepted the terms in force."""

import pytest
from django.core.management import call_command

from organizations.management.commands.seed_demo import ADMIN_EMAIL, DEMO_PASSWORD
from organizations.models import CguAcceptance, CguVersion
from organizations.services import cgu_version_publish

pytestmark = pytest.mark.django_db


def test_the_demo_administrator_reaches_the_space_after_the_seed(client):
    call_command("seed_demo", allow_production=True)
    call_command("seed_demo", allow_production=True)  # idempotent
    assert CguVersion.objects.count() == 1
    assert CguAcceptance.objects.count() == 1
    assert client.login(username=ADMIN_EMAIL, password=DEMO_PASSWORD)
    assert client.get("/campagnes/").status_code == 200


def test_the_seed_accepts_the_version_already_in_force_rather_than_publishing_one(client):
    published = cgu_version_publish(actor=None, text_fr="Conditions déjà publiées.")
    call_command("seed_demo", allow_production=True)
    assert list(CguVersion.objects.all()) == [published]
    assert CguAcceptance.objects.get().version == published
