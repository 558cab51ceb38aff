import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from organizations.models import Membership, Organization
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_member_lands_on_their_organization_space(client, organization, member_user):
    client.force_login(member_user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/campagnes/"
    page = client.get("/campagnes/")
    assert page.status_code == 200
    assert organization.name in page.content.decode()


def test_anonymous_visitor_is_offered_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "/compte/login/" in response.content.decode()


def test_back_office_is_for_staff_only(client, admin_user):
    client.force_login(admin_user)  # a school administrator is not platform staff
    response = client.get("/backoffice/organizations/organization/")
    assert response.status_code == 302
    assert "/backoffice/login/" in response["Location"]


def test_staff_searches_organizations_by_uai_in_back_office(
    client, organization, other_organization
):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/backoffice/organizations/organization/", {"q": organization.uai})
    assert response.status_code == 200
    assert organization.name in response.content.decode()
    assert other_organization.name not in response.content.decode()


def test_seed_demo_is_idempotent(capsys):
    # pytest-django runs with DEBUG false, as production does.
    call_command("seed_demo", allow_production=True)
    call_command("seed_demo", "--allow-production")
    school = Organization.objects.get(uai="0750654D")
    assert Membership.objects.filter(organization=school, role="ADMIN").count() == 1
    assert User.objects.filter(is_staff=True).count() == 1
    assert "direction@college-demo.example" in capsys.readouterr().out


def test_seed_demo_refuses_when_debug_is_false_and_creates_nothing(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match=r"DEBUG is false.*--allow-production"):
        call_command("seed_demo")
    assert not User.objects.exists()
    assert not Organization.objects.exists()


def test_seed_demo_runs_without_the_flag_when_debug_is_true(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert User.objects.filter(email="staff@pix.example", is_staff=True).exists()
