"""Reads on accounts."""

from allauth.account.internal.userkit import filter_users_by_email

from .models import User


def user_get_for_login(*, email: str | None = None, username: str | None = None) -> User | None:
    """The one account a typed login names: an e-mail (the account's own address or one of
    its allauth addresses), else an identifier, both whatever their case.

    Sign-in checks the password of this account only, and the sign-in limits count for
    it: one lookup and one password hash, whether or not the account exists. A login that
    looks like an e-mail is taken as one first (an identifier that looks like someone
    else's address cannot shadow it)."""
    if not email and username and "@" in username:
        email = username
    if email:
        users = filter_users_by_email(email, prefer_verified=True, for_login=True)
        if len(users) == 1:
            return users[0]
    if username:
        return User.objects.filter(username__iexact=username).first()
    return None
