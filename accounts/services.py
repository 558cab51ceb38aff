"""Writes on accounts. Views, commands and tests go through these."""

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
