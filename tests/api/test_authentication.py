"""Who may call the API: a token (scripts) or the session with its CSRF token (the pages);
the terms of use and the closed space apply to both; a token reaches its own membership
only, with the lower of its role and the person's current one."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from organizations.models import ApiToken, Membership
from organizations.services import membership_change_role
from students.models import Import
from tests.api.conftest import make_token, token_client
from tests.factories import make_learner, make_member

pytestmark = pytest.mark.django_db


def learners_url(organization):
    return f"/api/v1/organizations/{organization.pk}/learners/"


def test_anonymous_gets_401_with_the_way_to_authenticate(organization, anonymous_client):
    response = anonymous_client.get(learners_url(organization))
    assert response.status_code == 401
    assert response.json()["code"] == "NOT_AUTHENTICATED"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Token pxo_abc",
        "Bearer pxo_unknown",
        "Bearer a b",
        "Basic Zm9vOmJhcg==",
    ],
)
def test_a_malformed_or_unknown_token_is_refused(organization, header):
    client = APIClient()
    response = client.get(learners_url(organization), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "TOKEN_INVALID"


def test_expired_and_revoked_tokens_are_refused(organization, expired_client, revoked_client):
    expired = expired_client.get(learners_url(organization))
    assert (expired.status_code, expired.json()["code"]) == (401, "TOKEN_EXPIRED")
    revoked = revoked_client.get(learners_url(organization))
    assert (revoked.status_code, revoked.json()["code"]) == (401, "TOKEN_REVOKED")
    assert revoked.json()["meta"] == {"reason": "REVOKED"}


def test_a_wrong_token_is_refused_even_with_a_valid_session(organization, admin_user):
    client = APIClient()
    client.force_login(admin_user)
    assert client.get(learners_url(organization)).status_code == 200
    response = client.get(learners_url(organization), HTTP_AUTHORIZATION="Bearer pxo_nope")
    assert response.status_code == 401


def test_the_token_is_used_rather_than_the_session(organization, other_organization, admin_user):
    outsider = make_member(other_organization, role="ADMIN")
    _, secret = make_token(outsider, other_organization)
    client = token_client(secret)
    client.force_login(admin_user)  # a session of someone who may read the list
    assert client.get(learners_url(organization)).status_code == 404


def test_the_session_needs_its_csrf_token_for_changes(organization, admin_user):
    import_ = Import.objects.create(organization=organization, file_name="ElevesSansAdresses.xml")
    url = f"/api/v1/organizations/{organization.pk}/imports/{import_.pk}/cancel/"
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(admin_user)
    refused = client.post(url)
    assert refused.status_code == 403
    assert refused.json()["code"] == "CSRF_FAILED"
    import_.refresh_from_db()
    assert import_.status == Import.Status.UPLOADED
    client.get("/compte/profil/")  # any page sets the CSRF cookie
    accepted = client.post(url, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "CANCELLED"


def test_a_token_needs_no_csrf_token(organization, admin_user):
    import_ = Import.objects.create(organization=organization, file_name="ElevesSansAdresses.xml")
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(admin_user, organization)[1]}")
    url = f"/api/v1/organizations/{organization.pk}/imports/{import_.pk}/cancel/"
    assert client.post(url).status_code == 200


def test_a_token_of_a_person_in_two_schools_reaches_only_its_own(
    organization, other_organization, admin_user
):
    from organizations.services import membership_create

    membership_create(user=admin_user, organization=other_organization, role="ADMIN")
    _, secret = make_token(admin_user, organization)
    client = token_client(secret)
    assert client.get(learners_url(organization)).status_code == 200
    response = client.get(learners_url(other_organization))
    assert (response.status_code, response.json()["code"]) == (404, "NOT_FOUND")
    learner = make_learner(other_organization)
    url = f"/api/v1/organizations/{other_organization.pk}/learners/{learner.pk}/"
    assert client.get(url).status_code == 404
    # The session reaches both: the scope is the token's.
    session = APIClient()
    session.force_login(admin_user)
    assert session.get(url).status_code == 200


def test_an_object_of_another_school_named_under_this_one_is_404(
    organization, other_organization, admin_user
):
    from organizations.services import membership_create

    membership_create(user=admin_user, organization=other_organization, role="ADMIN")
    learner = make_learner(other_organization)
    session = APIClient()
    session.force_login(admin_user)
    url = f"/api/v1/organizations/{organization.pk}/learners/{learner.pk}/"
    assert session.get(url).status_code == 404


def test_the_terms_of_use_apply_to_tokens(organization):
    newcomer = make_member(organization, role="ADMIN", cgu_accepted=False)
    client = token_client(make_token(newcomer, organization)[1])
    response = client.get(learners_url(organization))
    assert response.status_code == 403
    assert response.json()["code"] == "CGU_NOT_ACCEPTED"
    assert response.json()["meta"]["url"] == "/cgu/"
    me = client.get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["cgu_accepted"] is False


def test_a_closed_space_refuses_its_tokens(organization, admin_user, admin_client):
    organization.archived_at = timezone.now()
    organization.save(update_fields=["archived_at"])
    response = admin_client.get(learners_url(organization))
    assert response.status_code == 403
    assert response.json()["code"] == "ORGANIZATION_ARCHIVED"


def test_a_member_token_of_an_administrator_acts_as_a_member(organization, admin_user):
    _, secret = make_token(admin_user, organization, role=Membership.Role.MEMBER)
    client = token_client(secret)
    assert client.get(learners_url(organization)).status_code == 200
    response = client.get(f"/api/v1/organizations/{organization.pk}/imports/")
    assert (response.status_code, response.json()["code"]) == (403, "FORBIDDEN")


def test_a_demoted_administrator_s_token_loses_its_rights_at_once(organization, admin_user):
    other_admin = make_member(organization, role=Membership.Role.ADMIN)
    client = token_client(make_token(admin_user, organization)[1])
    imports = f"/api/v1/organizations/{organization.pk}/imports/"
    assert client.get(imports).status_code == 200
    membership = Membership.objects.get(user=admin_user, organization=organization)
    membership_change_role(actor=other_admin, membership=membership, role="MEMBER")
    assert client.get(imports).status_code == 403
    assert client.get(learners_url(organization)).status_code == 200
    me = client.get("/api/v1/me/").json()
    assert [o["role"] for o in me["organizations"]] == ["MEMBER"]
    assert me["token"]["role"] == "ADMIN"
    membership_change_role(actor=other_admin, membership=membership, role="ADMIN")
    assert client.get(imports).status_code == 200


def test_a_removed_member_s_token_stops_at_once(organization, member_user, member_client):
    assert member_client.get(learners_url(organization)).status_code == 200
    Membership.objects.filter(user=member_user).update(disabled_at=timezone.now())
    response = member_client.get(learners_url(organization))
    assert response.status_code == 401
    assert response.json()["meta"] == {"reason": "MEMBERSHIP_ENDED"}


def test_me_with_a_token_names_its_organisation_and_role(
    organization, other_organization, admin_user
):
    from organizations.services import membership_create

    membership_create(user=admin_user, organization=other_organization, role="MEMBER")
    token, secret = make_token(admin_user, organization, role="MEMBER")
    body = token_client(secret).get("/api/v1/me/").json()
    assert body["id"] == admin_user.pk and body["cgu_accepted"] is True
    assert [(o["id"], o["role"]) for o in body["organizations"]] == [(organization.pk, "MEMBER")]
    assert body["token"]["id"] == token.pk and body["token"]["prefix"] == token.prefix
    session = APIClient()
    session.force_login(admin_user)
    body = session.get("/api/v1/me/").json()
    assert {(o["id"], o["role"]) for o in body["organizations"]} == {
        (organization.pk, "ADMIN"),
        (other_organization.pk, "MEMBER"),
    }
    assert body["token"] is None


def test_every_use_of_a_token_is_dated(organization, admin_user):
    token, secret = make_token(admin_user, organization)
    token_client(secret).get("/api/v1/me/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
