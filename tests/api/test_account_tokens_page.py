"""The account page's tokens (/compte/profil/jetons/): made for one of one's open
organisations with a role no higher than one's own, shown once, listed, revoked."""

import pytest
from django.utils import timezone

from organizations.models import ApiToken
from tests.api.conftest import make_token
from tests.factories import make_member, make_organization

pytestmark = pytest.mark.django_db

PAGE = "/compte/profil/jetons/"


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == "/compte/login/?next=/compte/profil/jetons/"


def test_the_page_offers_the_person_s_open_organisations(client, organization, admin_user):
    closed = make_organization(name="Collège fermé")
    from organizations.services import membership_create

    membership_create(user=admin_user, organization=closed, role="ADMIN")
    closed.archived_at = timezone.now()
    closed.save(update_fields=["archived_at"])
    client.force_login(admin_user)
    response = client.get(PAGE)
    choices = response.context["form"].fields["organization_id"].choices
    assert choices == [(organization.pk, str(organization))]
    assert "Aucun jeton pour l" in response.content.decode()
    assert client.get("/compte/profil/").content.decode().count(PAGE) >= 1


def test_a_new_token_is_shown_once_and_then_only_its_start(client, organization, admin_user):
    client.force_login(admin_user)
    response = client.post(
        PAGE,
        {
            "name": "Import SIECLE de nuit",
            "organization_id": organization.pk,
            "role": "ADMIN",
            "lifetime_days": 90,
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    body = response.content.decode()
    secret = body.split('id="api-token-secret">')[1].split("<")[0]
    assert secret.startswith(token.prefix) and len(secret) == 47
    assert "Copiez-le maintenant" in body
    later = client.get(PAGE).content.decode()
    assert secret not in later and token.prefix in later and "Import SIECLE de nuit" in later


def test_a_member_cannot_make_an_administrator_token_here_either(client, organization, member_user):
    client.force_login(member_user)
    response = client.post(
        PAGE,
        {"name": "x", "organization_id": organization.pk, "role": "ADMIN", "lifetime_days": 90},
    )
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["role"]] == ["API_TOKEN_ROLE_TOO_HIGH"]


def test_another_school_or_a_longer_life_is_refused_by_the_form(
    client, organization, other_organization, admin_user
):
    client.force_login(admin_user)
    response = client.post(
        PAGE,
        {
            "name": "x",
            "organization_id": other_organization.pk,
            "role": "MEMBER",
            "lifetime_days": 400,
        },
    )
    form = response.context["form"]
    assert {name: [e.code for e in errors] for name, errors in form.errors.as_data().items()} == {
        "organization_id": ["invalid_choice"],
        "lifetime_days": ["invalid_choice"],
    }
    assert not ApiToken.objects.exists()


def test_revoking_one_s_token(client, organization, admin_user):
    token, _ = make_token(admin_user, organization)
    client.force_login(admin_user)
    response = client.post(f"/compte/profil/jetons/{token.pk}/revoquer/", follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Révoqué" in response.content.decode()


def test_someone_else_s_token_cannot_be_revoked(client, organization, admin_user):
    token, _ = make_token(admin_user, organization)
    other = make_member(organization)
    client.force_login(other)
    response = client.post(f"/compte/profil/jetons/{token.pk}/revoquer/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.get(f"/compte/profil/jetons/{token.pk}/revoquer/").status_code == 405
