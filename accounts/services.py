"""Writes on accounts. Views, commands and tests go through these."""

import secrets

from django.db import IntegrityError, transaction

from accounts.models import User

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
    password: str,
    language: str = "fr",
    must_change_password: bool = False,
) -> User:
    """An account that signs in with an identifier and no e-mail (a student): the
    identifier is `identifier_base`, else `identifier_base-2`, `-3`… the first one free
    (case-insensitively). Each try is a savepoint: an identifier taken meanwhile by
    another sign-up makes this one try the next, never fail."""
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
