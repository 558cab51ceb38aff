from .current import resolve_current_membership
from .selectors import membership_list_for_user


def current_organization(request):
    """The header's organisation name and switcher."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    membership = resolve_current_membership(request)
    return {
        "current_membership": membership,
        "current_organization": membership.organization if membership else None,
        # Lazy: evaluated only by templates that show the switcher.
        "user_memberships": membership_list_for_user(user=request.user),
    }
