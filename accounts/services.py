"""Writes on accounts. Views, commands and tests go through these."""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AuthenticationMethod, User
from pixorga.errors import AppError

from .language import SUPPORTED


def user_update_profile(*, user: User, first_name: str, last_name: str, language: str) -> User:
    """Change the names and the preferred language shown on the account page."""
    if language not in SUPPORTED:
        raise ValueError(f"Unsupported language {language!r}")
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.language = language
    user.save(update_fields=["first_name", "last_name", "language"])
    return user


def user_set_language(*, user: User, language: str) -> User:
    """Remember the language a signed-in person switched to (applied at their next sign-in)."""
    if language not in SUPPORTED:
        raise ValueError(f"Unsupported language {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


# How many suffixes an identifier tries before giving up: past a few dozen homonyms born
# the same day, something else is wrong.
IDENTIFIER_MAX_SUFFIX = 100


def user_create_with_identifier(
    *,
    identifier_base: str,
    first_name: str,
    last_name: str,
    password: str | None,
    language: str = "fr",
    must_change_password: bool = False,
) -> User:
    """An account that signs in with an identifier and no e-mail (a student): the
    identifier is `identifier_base`, else `identifier_base-2`, `-3`… the first one free
    (case-insensitively). Each try is a savepoint: an identifier taken meanwhile by
    another sign-up makes this one try the next, never fail. `password=None`: an
    unusable password (an account made by the GAR's single sign-on)."""
    if language not in SUPPORTED:
        raise ValueError(f"Unsupported language {language!r}")
    for number in range(1, IDENTIFIER_MAX_SUFFIX + 1):
        identifier = identifier_base if number == 1 else f"{identifier_base}-{number}"
        if User.objects.filter(username__iexact=identifier).exists():
            continue
        try:
            with transaction.atomic():
                return User.objects.create_user(
                    username=identifier,
                    email=None,
                    password=password,
                    first_name=first_name.strip()[:150],
                    last_name=last_name.strip()[:150],
                    language=language,
                    must_change_password=must_change_password,
                )
        except IntegrityError:
            continue
    raise RuntimeError(f"no free identifier after {IDENTIFIER_MAX_SUFFIX} tries")


# A one-time password is read from a sheet and typed by a pupil: letters and digits that
# cannot be taken for one another (no 0/O/o, 1/l/I/i, 2/Z/z, 5/S/s, u/v), lower case but
# for a few capitals that stand apart.
ONE_TIME_PASSWORD_ALPHABET = "abcdefghjkmnpqrtwxyACDEFGHJKLMNPQRTWXY346789"  # noqa: S105
ONE_TIME_PASSWORD_LENGTH = 8


def one_time_password_generate() -> str:
    """8 characters drawn by `secrets` from 44: about 43 bits, for an account whose
    sign-in is rate-limited, and which must be replaced at first sign-in."""
    return "".join(
        secrets.choice(ONE_TIME_PASSWORD_ALPHABET) for _ in range(ONE_TIME_PASSWORD_LENGTH)
    )


def user_set_one_time_password(*, user: User, password: str) -> User:
    """Give the account `password` (stored hashed only, as every password) and oblige its
    owner to choose their own at their next sign-in. The change of hash ends the
    account's open sessions (Django checks it on every request)."""
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return user


def user_choose_new_password(*, user: User, password: str) -> User:
    """The person chose their own password (validated by the form): the obligation ends."""
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    return user


# --- Authentication methods (the GAR) ---------------------------------------------------------
#
# `accounts` imports nothing from `organizations`, where the audit log lives: these are the
# plain writes, and their callers (campaigns.gar.services, the only ones) record each add
# in the same transaction.


class AuthenticationMethodTakenError(AppError):
    """This provider's id already signs another account in."""

    code = "AUTHENTICATION_METHOD_TAKEN"
    status = 409
    default_message = _(
        "This ENT account is already linked to another Pix Orga account. Ask your teacher "
        "(or the school's administrator) for help."
    )


class AuthenticationMethodConflictError(AppError):
    """The account already signs in through this provider with another id."""

    code = "AUTHENTICATION_METHOD_CONFLICT"
    status = 409
    default_message = _(
        "This Pix Orga account is already linked to another ENT account. Ask your teacher "
        "(or the school's administrator) for help."
    )


def _names(first_name: str, last_name: str) -> dict[str, str]:
    return {"first_name": first_name.strip()[:255], "last_name": last_name.strip()[:255]}


@transaction.atomic
def authentication_method_add(
    *, user: User, provider: str, external_id: str, first_name: str, last_name: str
) -> AuthenticationMethod:
    """Let `user` sign in through `provider` with `external_id` (the GAR's IDO), with
    the names it sent. Refused when the id is someone else's
    (AuthenticationMethodTakenError) or the account has another id with this provider
    (AuthenticationMethodConflictError); the same id again only refreshes it. The unique
    constraints settle two adds at once (a savepoint: the refusal, not an error)."""
    if provider not in AuthenticationMethod.Provider.values:
        raise ValueError(f"Unknown provider {provider!r}")
    if not external_id:
        raise ValueError("An authentication method needs the provider's id")
    existing = AuthenticationMethod.objects.filter(provider=provider, external_id=external_id)
    owner = existing.values_list("user_id", flat=True).first()
    if owner is not None and owner != user.pk:
        raise AuthenticationMethodTakenError(meta={"provider": provider})
    if owner == user.pk:
        return authentication_method_touch(
            method=existing.get(), first_name=first_name, last_name=last_name
        )
    if AuthenticationMethod.objects.filter(user=user, provider=provider).exists():
        raise AuthenticationMethodConflictError(meta={"provider": provider})
    try:
        with transaction.atomic():
            return AuthenticationMethod.objects.create(
                user=user,
                provider=provider,
                external_id=external_id,
                last_used_at=timezone.now(),
                **_names(first_name, last_name),
            )
    except IntegrityError as error:
        # Another request added the same id, or another id to this account, meanwhile.
        if AuthenticationMethod.objects.filter(provider=provider, external_id=external_id).exists():
            raise AuthenticationMethodTakenError(meta={"provider": provider}) from error
        raise AuthenticationMethodConflictError(meta={"provider": provider}) from error


@transaction.atomic
def authentication_method_replace_external_id(
    *, method: AuthenticationMethod, external_id: str, first_name: str, last_name: str
) -> AuthenticationMethod:
    """The account now signs in through the provider with `external_id` instead (the GAR
    gave the same student a new IDO). Refused when the new id is someone else's."""
    if (
        AuthenticationMethod.objects.filter(provider=method.provider, external_id=external_id)
        .exclude(pk=method.pk)
        .exists()
    ):
        raise AuthenticationMethodTakenError(meta={"provider": method.provider})
    method.external_id = external_id
    method.last_used_at = timezone.now()
    for field, value in _names(first_name, last_name).items():
        setattr(method, field, value)
    try:
        with transaction.atomic():
            method.save(update_fields=["external_id", "first_name", "last_name", "last_used_at"])
    except IntegrityError as error:
        raise AuthenticationMethodTakenError(meta={"provider": method.provider}) from error
    return method


def authentication_method_touch(
    *, method: AuthenticationMethod, first_name: str, last_name: str
) -> AuthenticationMethod:
    """A sign-in through the method: the names received are kept when they changed, and
    the last use is now. One UPDATE; not audited (as a sign-in is not). The account's own
    names are not touched: the person may have corrected them on the account page, and
    a student's account takes the school's list's names when it is made."""
    names = _names(first_name, last_name)
    method.last_used_at = timezone.now()
    fields = ["last_used_at"]
    for field, value in names.items():
        if getattr(method, field) != value:
            setattr(method, field, value)
            fields.append(field)
    AuthenticationMethod.objects.filter(pk=method.pk).update(
        **{field: getattr(method, field) for field in fields}
    )
    return method
