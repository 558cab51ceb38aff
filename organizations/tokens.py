"""Personal access tokens of the JSON API: made on the account page, used by scripts.

A token is made by a person for one of their memberships, with a role no higher than
theirs there and a lifetime of at most a year (90 days unless they choose). The secret,
`pxo_` and 43 random characters (256 bits), is shown once; only its SHA-256 is stored,
so a copy of the database opens nothing. It is looked up by that hash: the lookup's
timing depends on the hash, which says nothing about other tokens' secrets.

At every request (`api_token_authenticate`) a token is refused when it is unknown
(`TOKEN_INVALID`), revoked, its membership ended or its account deactivated
(`TOKEN_REVOKED`, `meta.reason`), or expired (`TOKEN_EXPIRED`). Then the person acts as
themselves, within the token's scope: `user.api_token` is set, and every guarded lookup
(`organizations.guards.membership_get_for_role`) reaches only the token's membership,
with the lower of the token's role and the membership's current role. A demoted
administrator's token therefore loses its administrator rights at the next request, and
the terms of use, the closed space and every other rule apply as on the pages. Every
change made through a token is recorded with it (`organizations.audit.audit_record`
reads `actor.api_token`).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from pixorga.errors import AppError

from .audit import Action, audit_record
from .guards import ROLE_RANK
from .models import ApiToken, Membership

TOKEN_PREFIX = "pxo_"  # noqa: S105 - the visible start of every token, not a secret
# What the account page shows of a token: "pxo_" and 8 characters of the secret.
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
DEFAULT_LIFETIME_DAYS = 90
MAX_LIFETIME_DAYS = 365
NAME_MAX_LENGTH = 100
# `last_used_at` is written at most once a minute per token: a script paging through a
# list must not turn every read into a write.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)

# Error codes (never renamed: scripts test them).
TOKEN_INVALID = "TOKEN_INVALID"  # noqa: S105
TOKEN_EXPIRED = "TOKEN_EXPIRED"  # noqa: S105
TOKEN_REVOKED = "TOKEN_REVOKED"  # noqa: S105


# --- Refusals ---------------------------------------------------------------------------


class ApiTokenError(AppError):
    """A token could not be made as asked (the account page's form shows the sentence)."""

    status = 400
    field: str | None = None


class ApiTokenRoleTooHighError(ApiTokenError):
    code = "API_TOKEN_ROLE_TOO_HIGH"
    default_message = _("A token cannot have a higher role than yours in this organisation.")
    field = "role"


class ApiTokenLifetimeError(ApiTokenError):
    code = "API_TOKEN_LIFETIME_INVALID"
    default_message = _("A token lasts from 1 to %(max_days)s days.")
    field = "lifetime_days"


class ApiTokenNameError(ApiTokenError):
    code = "API_TOKEN_NAME_INVALID"
    default_message = _("Give the token a name of at most %(max_length)s characters.")
    field = "name"


class ApiTokenNotMemberError(ApiTokenError):
    code = "API_TOKEN_NOT_A_MEMBER"
    default_message = _("You are not a member of this organisation.")
    field = "organization_id"


class TokenRefusedError(AppError):
    """The token of a request is not (or no longer) valid: 401, whatever it asked."""

    status = 401


class TokenInvalidError(TokenRefusedError):
    code = TOKEN_INVALID
    default_message = _(
        "This API token is not valid: check that it was copied whole, or make a new one "
        "on your account page."
    )


class TokenExpiredError(TokenRefusedError):
    """meta: `expired_at` (ISO 8601)."""

    code = TOKEN_EXPIRED
    default_message = _("This API token has expired: make a new one on your account page.")


class TokenRevokedError(TokenRefusedError):
    """meta: `reason` — REVOKED, MEMBERSHIP_ENDED or ACCOUNT_DISABLED."""

    code = TOKEN_REVOKED
    default_message = _("This API token no longer works: make a new one on your account page.")
    MESSAGES = {
        "REVOKED": _("This API token was revoked: make a new one on your account page."),
        "MEMBERSHIP_ENDED": _(
            "This API token was made for a membership of an organisation that has ended: "
            "it no longer works."
        ),
        "ACCOUNT_DISABLED": _("The account this API token belongs to is deactivated."),
    }

    def __init__(self, reason: str) -> None:
        super().__init__(self.MESSAGES[reason], meta={"reason": reason})


# --- Reads ------------------------------------------------------------------------------


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The person's tokens, every organisation, newest first, with their organisation."""
    return (
        ApiToken.objects.filter(membership__user=user)
        .select_related("membership__organization")
        .order_by("-created_at", "-id")
    )


def api_token_get_for_owner(*, user: User, token_id: int) -> ApiToken:
    """One of the person's own tokens (Http404 for anyone else's, as for a missing id)."""
    token = api_token_list_for_user(user=user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    return token


def api_token_state(token: ApiToken, *, now: datetime.datetime | None = None) -> str:
    """ACTIVE, REVOKED, MEMBERSHIP_ENDED or EXPIRED (what the account page shows)."""
    now = now or timezone.now()
    if token.revoked_at is not None:
        return "REVOKED"
    if token.membership.disabled_at is not None:
        return "MEMBERSHIP_ENDED"
    if token.expires_at <= now:
        return "EXPIRED"
    return "ACTIVE"


def api_token_authenticate(secret: str) -> ApiToken:
    """The token a request presents, checked, with its membership, organisation and
    account loaded; `token.membership.user.api_token` is the token (the scope the guards
    apply). Raises a TokenRefusedError. Two queries at most: the lookup and, once a
    minute, the last-used date."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        raise TokenInvalidError
    token = (
        ApiToken.objects.select_related("membership__user", "membership__organization")
        .filter(key_hash=token_hash(secret))
        .first()
    )
    if token is None:
        raise TokenInvalidError
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRevokedError("REVOKED")
    if token.membership.disabled_at is not None:
        raise TokenRevokedError("MEMBERSHIP_ENDED")
    if not token.membership.user.is_active:
        raise TokenRevokedError("ACCOUNT_DISABLED")
    if token.expires_at <= now:
        raise TokenExpiredError(meta={"expired_at": token.expires_at.isoformat()})
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION)
        ).update(last_used_at=now)
        token.last_used_at = now
    token.membership.user.api_token = token
    return token


# --- Writes -----------------------------------------------------------------------------


@transaction.atomic
def api_token_create(
    *,
    user: User,
    organization_id: int,
    name: str,
    role: str,
    lifetime_days: int = DEFAULT_LIFETIME_DAYS,
) -> tuple[ApiToken, str]:
    """A new token for the person's active membership of that organisation; returns it
    with its secret, which is never readable again.

    Refusals: ApiTokenNotMemberError, ApiTokenRoleTooHighError (a role above the
    person's there), ApiTokenLifetimeError (not 1 to 365 days), ApiTokenNameError."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise ApiTokenNameError(meta={"max_length": NAME_MAX_LENGTH})
    if not isinstance(lifetime_days, int) or not 1 <= lifetime_days <= MAX_LIFETIME_DAYS:
        raise ApiTokenLifetimeError(meta={"max_days": MAX_LIFETIME_DAYS})
    if role not in ROLE_RANK:
        raise ApiTokenRoleTooHighError
    # Locked: a demotion committing meanwhile is seen before the token is made.
    membership = (
        Membership.objects.select_for_update()
        .select_related("organization")
        .filter(user=user, organization_id=organization_id, disabled_at__isnull=True)
        .first()
    )
    if membership is None:
        raise ApiTokenNotMemberError(meta={"organization_id": organization_id})
    if ROLE_RANK[role] > ROLE_RANK[membership.role]:
        raise ApiTokenRoleTooHighError(meta={"role": role, "membership_role": membership.role})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        membership=membership,
        name=name,
        role=role,
        prefix=secret[:PREFIX_LENGTH],
        key_hash=token_hash(secret),
        created_at=now,
        expires_at=now + datetime.timedelta(days=lifetime_days),
    )
    audit_record(
        actor=user,
        on_behalf_of=membership.role,
        action=Action.API_TOKEN_CREATED,
        organization=membership.organization,
        target=token,
        details={
            "membership_id": membership.pk,
            "role": role,
            "lifetime_days": lifetime_days,
            "prefix": token.prefix,
        },
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """The token stops working at once (its row stays). Revoking twice changes nothing."""
    current = (
        ApiToken.objects.select_for_update(of=("self",))
        .select_related("membership__organization")
        .get(pk=token.pk)
    )
    if current.membership.user_id != actor.pk:
        raise Http404
    if current.revoked_at is None:
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            on_behalf_of=current.membership.role,
            action=Action.API_TOKEN_REVOKED,
            organization=current.membership.organization,
            target=current,
            details={"prefix": current.prefix},
        )
    token.revoked_at = current.revoked_at
    return current
