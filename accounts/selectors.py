"""Reads on accounts."""

from allauth.account.internal.userkit import filter_users_by_email
from django.db.models import Exists, OuterRef, QuerySet

from .models import AuthenticationMethod, User


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


def gar_method_exists(user_ref: str = "pk") -> Exists:
    """Whether the user at `user_ref` (a field path of the queried model) has a GAR
    method: annotated as `has_gar_method`, `User.sign_in_methods` costs no query."""
    return Exists(
        AuthenticationMethod.objects.filter(
            user_id=OuterRef(user_ref), provider=AuthenticationMethod.Provider.GAR
        )
    )


def users_with_sign_in_methods(queryset: QuerySet[User] | None = None) -> QuerySet[User]:
    """Users whose `sign_in_methods` are read without a query per user."""
    queryset = User.objects.all() if queryset is None else queryset
    return queryset.annotate(has_gar_method=gar_method_exists())


def authentication_method_get(*, provider: str, external_id: str) -> AuthenticationMethod | None:
    """The method with this provider's id, with its account (one query)."""
    return (
        AuthenticationMethod.objects.select_related("user")
        .filter(provider=provider, external_id=external_id)
        .first()
    )
