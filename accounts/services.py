"""Writes on accounts. Views, commands and tests go through these."""

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
    *, identifier_base: str, first_name: str, last_name: str, password: str, language: str = "fr"
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
                )
        except IntegrityError:
            continue
    raise RuntimeError(f"no free identifier after {IDENTIFIER_MAX_SUFFIX} tries")
