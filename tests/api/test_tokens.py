"""Personal access tokens: made for one membership with a role no higher than the
person's, shown once, stored hashed, 90 days by default and a year at most, revoked."""

import datetime
import hashlib

import pytest
from django.http import Http404
from django.utils import timezone

from organizations.models import ApiToken, AuditLog, Membership
from organizations.services import membership_change_role
from organizations.tokens import (
    ApiTokenLifetimeError,
    ApiTokenNameError,
    ApiTokenNotMemberError,
    ApiTokenRoleTooHighError,
    TokenExpiredError,
    TokenInvalidError,
    TokenRevokedError,
    api_token_authenticate,
    api_token_create,
    api_token_get_for_owner,
    api_token_revoke,
    api_token_state,
)
from tests.api.conftest import expire, make_token
from tests.factories import audit_rows, make_member

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_as_a_hash_and_shown_only_at_creation(organization, admin_user):
    token, secret = make_token(admin_user, organization)
    assert secret.startswith("pxo_") and len(secret) == 4 + 43
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert stored.prefix == secret[:12]


def test_a_token_lasts_90_days_unless_chosen_and_a_year_at_most(organization, admin_user):
    token, _ = make_token(admin_user, organization)
    assert token.expires_at - token.created_at == datetime.timedelta(days=90)
    longest, _ = make_token(admin_user, organization, lifetime_days=365)
    assert longest.expires_at - longest.created_at == datetime.timedelta(days=365)
    for days in (0, 366, -1):
        with pytest.raises(ApiTokenLifetimeError):
            make_token(admin_user, organization, lifetime_days=days)


def test_a_member_cannot_make_an_administrator_token(organization, member_user):
    with pytest.raises(ApiTokenRoleTooHighError) as refused:
        make_token(member_user, organization, role=Membership.Role.ADMIN)
    assert refused.value.code == "API_TOKEN_ROLE_TOO_HIGH"
    assert not ApiToken.objects.exists()


def test_an_administrator_may_make_a_member_token(organization, admin_user):
    token, _ = make_token(admin_user, organization, role=Membership.Role.MEMBER)
    assert token.role == Membership.Role.MEMBER


def test_no_token_for_an_organisation_one_is_not_a_member_of(
    organization, other_organization, admin_user
):
    with pytest.raises(ApiTokenNotMemberError):
        api_token_create(
            user=admin_user,
            organization_id=other_organization.pk,
            name="x",
            role=Membership.Role.MEMBER,
        )


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_token_needs_a_name(organization, admin_user, name):
    with pytest.raises(ApiTokenNameError):
        make_token(admin_user, organization, name=name)


def test_creation_and_revocation_are_audited_without_the_secret(organization, admin_user):
    token, secret = make_token(admin_user, organization)
    api_token_revoke(actor=admin_user, token=token)
    api_token_revoke(actor=admin_user, token=token)  # twice: nothing more
    rows = audit_rows(target_type="organizations.apitoken")
    assert [row[0] for row in rows] == ["api_token.created", "api_token.revoked"]
    created = rows[0]
    assert created[1:4] == (admin_user.pk, "ADMIN", organization.pk)
    assert created[6]["role"] == "ADMIN" and created[6]["lifetime_days"] == 90
    assert secret not in str(list(AuditLog.objects.values_list("details", flat=True)))


def test_authentication_refuses_unknown_revoked_expired_and_ended_tokens(organization, admin_user):
    with pytest.raises(TokenInvalidError):
        api_token_authenticate("pxo_" + "a" * 43)
    with pytest.raises(TokenInvalidError):
        api_token_authenticate("not-a-token")

    revoked, secret = make_token(admin_user, organization)
    api_token_revoke(actor=admin_user, token=revoked)
    with pytest.raises(TokenRevokedError) as refused:
        api_token_authenticate(secret)
    assert refused.value.meta == {"reason": "REVOKED"}

    expired, secret = make_token(admin_user, organization)
    expire(expired)
    with pytest.raises(TokenExpiredError):
        api_token_authenticate(secret)


def test_a_token_dies_with_its_membership_even_when_the_person_comes_back(organization, admin_user):
    other_admin = make_member(organization, role=Membership.Role.ADMIN)
    member = make_member(organization)
    token, secret = make_token(member, organization)
    membership = Membership.objects.get(user=member, organization=organization)
    membership.disabled_at = timezone.now()
    membership.save(update_fields=["disabled_at"])
    with pytest.raises(TokenRevokedError) as refused:
        api_token_authenticate(secret)
    assert refused.value.meta == {"reason": "MEMBERSHIP_ENDED"}
    Membership.objects.create(user=member, organization=organization, role="MEMBER")
    with pytest.raises(TokenRevokedError):
        api_token_authenticate(secret)
    token.refresh_from_db()
    assert api_token_state(token) == "MEMBERSHIP_ENDED"
    assert other_admin  # the organisation keeps an administrator


def test_a_deactivated_account_s_tokens_stop(organization, member_user):
    _, secret = make_token(member_user, organization)
    member_user.is_active = False
    member_user.save(update_fields=["is_active"])
    with pytest.raises(TokenRevokedError) as refused:
        api_token_authenticate(secret)
    assert refused.value.meta == {"reason": "ACCOUNT_DISABLED"}


def test_last_use_is_written_at_most_once_a_minute(organization, admin_user):
    token, secret = make_token(admin_user, organization)
    assert token.last_used_at is None
    first = api_token_authenticate(secret).last_used_at
    assert first is not None
    assert api_token_authenticate(secret).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    assert api_token_authenticate(secret).last_used_at > first


def test_the_token_keeps_its_role_but_the_membership_s_current_role_caps_it(
    organization, admin_user
):
    other_admin = make_member(organization, role=Membership.Role.ADMIN)
    token, secret = make_token(admin_user, organization)
    membership = Membership.objects.get(user=admin_user, organization=organization)
    membership_change_role(actor=other_admin, membership=membership, role="MEMBER")
    token = api_token_authenticate(secret)
    assert token.role == "ADMIN"  # its own role; the guards apply the lower one
    assert token.membership.role == "MEMBER"


def test_only_the_owner_finds_or_revokes_their_token(organization, admin_user, member_user):
    token, _ = make_token(admin_user, organization)
    with pytest.raises(Http404):
        api_token_get_for_owner(user=member_user, token_id=token.pk)
    with pytest.raises(Http404):
        api_token_revoke(actor=member_user, token=token)
    assert api_token_get_for_owner(user=admin_user, token_id=token.pk) == token
