"""Back-office writes on user accounts that are recorded in the audit log.

They live here, not in `accounts`, because the audit log and the memberships belong to
`organizations` and `accounts` imports nothing from it; deleting a user ends their
memberships, so it answers to the last-administrator rule. The back office builds and
validates the user with its forms (`accounts.forms`); these save and record.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..audit import Action, OnBehalfOf, audit_record
from ..errors import LastAdministratorError
from ..models import Membership
from .memberships import active_admin_ids, lock_organizations, membership_ended_run_hooks

# Flags whose new value is worth keeping in the log (booleans, nothing personal).
_FLAGS = ("is_active", "is_staff", "is_superuser")


@transaction.atomic
def user_save(
    *,
    actor: User,
    user: User,
    changed_fields: Iterable[str],
    on_behalf_of: str = OnBehalfOf.STAFF,
) -> User:
    """Save a user whose fields a back-office form has set, and record it: a new user
    (no id yet) as created, an existing one as changed with the names of the fields
    (and the new value of the permission flags); nothing changed, nothing recorded."""
    if user.pk is None:
        user.save()
        audit_record(
            actor=actor, on_behalf_of=on_behalf_of, action=Action.USER_CREATED, target=user
        )
        return user
    fields = sorted(set(changed_fields))
    if not fields:
        return user
    if "is_active" in fields and not user.is_active:
        # A deactivated account administers nothing: the last administrator rule holds.
        _check_not_last_administrator(user)
    user.save()
    details = {"fields": fields} | {flag: getattr(user, flag) for flag in _FLAGS if flag in fields}
    audit_record(
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=Action.USER_CHANGED,
        target=user,
        details=details,
    )
    return user


@transaction.atomic
def user_password_changed(*, actor: User, user: User, on_behalf_of: str = OnBehalfOf.STAFF) -> None:
    """Record a password set (or password sign-in disabled) by Django's back-office
    password form, which hashes and saves it itself; called in the same transaction."""
    audit_record(
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=Action.USER_PASSWORD_CHANGED,
        target=user,
        details={"usable_password": user.has_usable_password()},
    )


def _check_not_last_administrator(user: User) -> list[Membership]:
    """The person's active memberships, under the locks of their organisations;
    LastAdministratorError if they are the last administrator of one of them."""
    # The account's row first: a membership being added for it meanwhile (its foreign key
    # check locks that row) waits, so the memberships read below are all there are.
    User.objects.select_for_update().filter(pk=user.pk).first()
    organization_ids = list(
        Membership.objects.filter(user=user, disabled_at__isnull=True).values_list(
            "organization_id", flat=True
        )
    )
    lock_organizations(organization_ids)
    memberships = list(
        Membership.objects.filter(user=user, disabled_at__isnull=True).order_by("pk")
    )
    for membership in memberships:
        if membership.is_admin and active_admin_ids(membership.organization_id) <= {membership.pk}:
            raise LastAdministratorError(
                meta={
                    "organization_id": membership.organization_id,
                    "membership_id": membership.pk,
                }
            )
    return memberships


@transaction.atomic
def user_delete(*, actor: User, user: User, on_behalf_of: str = OnBehalfOf.STAFF) -> None:
    """Delete an account and its memberships; LastAdministratorError if it is the last
    active administrator of an organisation (appoint another one first).

    Each organisation the person belongs to records the end of their membership; the
    log keeps the user's id, not their name or address.
    """
    memberships = _check_not_last_administrator(user)
    ended_at = timezone.now()
    for membership in memberships:
        # Ended first, so that what the person owned there (their campaigns) passes to
        # an administrator who stays.
        membership.disabled_at = ended_at
        membership.save(update_fields=["disabled_at"])
        audit_record(
            actor=actor,
            on_behalf_of=on_behalf_of,
            action=Action.MEMBERSHIP_REMOVED,
            target=membership,
            details={"user_id": user.pk, "role": membership.role, "user_deleted": True},
        )
        membership_ended_run_hooks(membership=membership, actor=actor, on_behalf_of=on_behalf_of)
    audit_record(
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=Action.USER_DELETED,
        target=user,
        details={"organization_ids": sorted({m.organization_id for m in memberships})},
    )
    user.delete()
