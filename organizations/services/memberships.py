"""Writes on memberships: join, change a role, remove a member, leave, end.

The rule that spans rows — an organisation keeps at least one active administrator —
is a read-then-write, so every service that can take a role away (demote, remove, leave,
disable, and deleting a user in `users.py`) first locks the organisation's row
(`select_for_update`), then reads the membership and the active administrators afresh.
Two administrators demoting or removing each other at once are thus serialised: the
second one reads what the first committed and is refused. Adding a member or an
administrator takes no lock: it can only make the rule easier to keep.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User

from ..audit import Action, OnBehalfOf, audit_record
from ..errors import AlreadyMemberError, LastAdministratorError, MembershipNotActiveError
from ..models import Membership, Organization

Role = Membership.Role


@transaction.atomic
def membership_create(
    *,
    user: User,
    organization: Organization,
    role: str = Role.MEMBER,
    actor: User | None = None,
    on_behalf_of: str | None = None,
) -> Membership:
    """Add a person to an organisation; AlreadyMemberError if already an active member.

    Without an actor (commands, the demo seed) the audit row is on behalf of SYSTEM.
    """
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    # The organisation's row first, as every membership change takes it: an invitation's
    # acceptance (which holds it) and staff adding the same person then wait on each other
    # in line, instead of one holding the row and the other the unique index (a deadlock).
    lock_organizations([organization.pk])
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, organization=organization, role=role)
    except IntegrityError as exc:
        if Membership.objects.filter(
            user=user, organization=organization, disabled_at__isnull=True
        ).exists():
            raise AlreadyMemberError(meta={"organization_id": organization.pk}) from exc
        raise
    audit_record(
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=Action.MEMBERSHIP_CREATED,
        target=membership,
        details={"user_id": user.pk, "role": role},
    )
    return membership


@transaction.atomic
def membership_change_role(
    *,
    actor: User,
    membership: Membership,
    role: str,
    on_behalf_of: str = OnBehalfOf.ADMIN,
) -> Membership:
    """Give an active member another role, as an administrator of the organisation or as
    platform staff (`on_behalf_of=STAFF`).

    Refusals: PermissionDenied (the actor is not, or no longer, an administrator there /
    not staff), MembershipNotActiveError, LastAdministratorError (demoting the last
    one). The same role again changes nothing and records nothing. Returns the
    membership as saved (and updates the one given).
    """
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    current, admin_ids = _lock_and_read(membership)
    _check_authority(actor=actor, organization_id=current.organization_id, as_=on_behalf_of)
    _check_active(current)
    if current.role == role:
        return current
    if role != Role.ADMIN:
        _keep_an_administrator(current, admin_ids)
    previous, current.role = current.role, role
    current.save(update_fields=["role"])
    audit_record(
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=Action.MEMBERSHIP_ROLE_CHANGED,
        target=current,
        details={"user_id": current.user_id, "from": previous, "to": role},
    )
    membership.role = current.role
    return current


@transaction.atomic
def membership_remove(
    *, actor: User, membership: Membership, on_behalf_of: str = OnBehalfOf.ADMIN
) -> Membership:
    """End someone's membership, as an administrator there or as platform staff.

    Same refusals as `membership_change_role`; the last administrator cannot be removed.
    The row is kept with its end date (`disabled_at`): the person may join again later.
    """
    current, admin_ids = _lock_and_read(membership)
    _check_authority(actor=actor, organization_id=current.organization_id, as_=on_behalf_of)
    return _end(
        membership,
        current,
        admin_ids,
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=Action.MEMBERSHIP_REMOVED,
    )


@transaction.atomic
def membership_leave(*, user: User, membership: Membership) -> Membership:
    """End one's own membership (recorded on behalf of the role one had). PermissionDenied
    for someone else's membership; the last administrator cannot leave."""
    current, admin_ids = _lock_and_read(membership)
    if current.user_id != user.pk:
        raise PermissionDenied("one leaves only one's own membership")
    return _end(
        membership,
        current,
        admin_ids,
        actor=user,
        on_behalf_of=OnBehalfOf.ADMIN if current.is_admin else OnBehalfOf.MEMBER,
        action=Action.MEMBERSHIP_LEFT,
    )


@transaction.atomic
def membership_disable(
    *, membership: Membership, actor: User | None = None, on_behalf_of: str | None = None
) -> Membership:
    """End a membership without a person's decision behind it (a command, a task; SYSTEM
    when there is no actor). The last-administrator rule holds here too."""
    current, admin_ids = _lock_and_read(membership)
    return _end(
        membership,
        current,
        admin_ids,
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=Action.MEMBERSHIP_DISABLED,
    )


@transaction.atomic
def membership_promote_on_invitation(
    *, membership: Membership, actor: User, details: dict | None = None
) -> Membership:
    """Make an active member an administrator because they accepted an administrator
    invitation (`invitations`): the link is the authority, checked by the caller, so no
    administrator's decision is asked for here, unlike `membership_change_role`.

    Only ever raises a role, so the last-administrator rule cannot be broken; the
    organisation's row is still locked, as for every role change, so that it serialises
    with them. Already an administrator: nothing changes, nothing is recorded. Recorded as
    `membership.role_changed` by the person themselves, in the capacity they receive.
    PermissionDenied for someone else's membership.
    """
    current, _admin_ids = _lock_and_read(membership)
    if current.user_id != actor.pk:
        raise PermissionDenied("an invitation promotes the person who accepts it")
    _check_active(current)
    if current.role != Role.ADMIN:
        previous, current.role = current.role, Role.ADMIN
        current.save(update_fields=["role"])
        audit_record(
            actor=actor,
            on_behalf_of=OnBehalfOf.ADMIN,
            action=Action.MEMBERSHIP_ROLE_CHANGED,
            target=current,
            details={"user_id": current.user_id, "from": previous, "to": Role.ADMIN}
            | dict(details or {}),
        )
    membership.role = current.role
    return current


# --- What other apps do when a membership ends ---------------------------------------
# `organizations` imports none of the apps built on it, yet what a person owned in the
# organisation (their campaigns) must pass to someone else in the transaction that ends
# their membership, under the organisation's lock. Those apps register a function here
# from their AppConfig.ready() (campaigns: `campaigns.services.ownership`); `_end` calls
# each with the ended membership, the actor and the capacity recorded for the change.
MembershipEndedHook = Callable[..., None]
_membership_ended_hooks: list[MembershipEndedHook] = []


def membership_ended_run_hooks(
    *, membership: Membership, actor: User | None, on_behalf_of: str | None
) -> None:
    """What the other apps do once `membership` has ended (in the caller's transaction,
    under the organisation's lock): every way of ending one calls this."""
    for hook in _membership_ended_hooks:
        hook(membership=membership, actor=actor, on_behalf_of=on_behalf_of)


def on_membership_ended(hook: MembershipEndedHook) -> MembershipEndedHook:
    """Register `hook(*, membership, actor, on_behalf_of)`, once (ready() may run twice)."""
    if hook not in _membership_ended_hooks:
        _membership_ended_hooks.append(hook)
    return hook


# --- The rule and its lock -----------------------------------------------------------


def lock_organizations(organization_ids) -> None:
    """Lock these organisations' rows, always in id order so that two transactions
    locking several never wait on each other in a circle."""
    list(
        Organization.objects.select_for_update()
        .filter(pk__in=organization_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def active_admin_ids(organization_id: int) -> set[int]:
    """The ids of the organisation's active administrator memberships whose account can
    sign in (a deactivated account administers nothing). Meaningful for a rule only once
    the organisation's row is locked (see `lock_organizations`)."""
    return set(
        Membership.objects.filter(
            organization_id=organization_id,
            role=Role.ADMIN,
            disabled_at__isnull=True,
            user__is_active=True,
        ).values_list("pk", flat=True)
    )


def _lock_and_read(membership: Membership) -> tuple[Membership, set[int]]:
    lock_organizations([membership.organization_id])
    # Read after the lock: in READ COMMITTED each statement sees what the transaction
    # that held the lock before us committed, not the caller's possibly stale object.
    current = Membership.objects.get(pk=membership.pk)
    return current, active_admin_ids(current.organization_id)


def _keep_an_administrator(membership: Membership, admin_ids: set[int]) -> None:
    if membership.pk in admin_ids and len(admin_ids) == 1:
        raise LastAdministratorError(
            meta={"organization_id": membership.organization_id, "membership_id": membership.pk}
        )


def _check_active(membership: Membership) -> None:
    if membership.disabled_at is not None:
        raise MembershipNotActiveError(meta={"membership_id": membership.pk})


def _check_authority(*, actor: User, organization_id: int, as_: str) -> None:
    """Changing someone else's membership is for the organisation's administrators and
    for platform staff; checked under the lock, so a just-demoted administrator is out."""
    if as_ == OnBehalfOf.STAFF:
        if not (actor.is_staff and actor.is_active):
            raise PermissionDenied("not platform staff")
    elif as_ == OnBehalfOf.ADMIN:
        if not Membership.objects.filter(
            user=actor, organization_id=organization_id, role=Role.ADMIN, disabled_at__isnull=True
        ).exists():
            raise PermissionDenied("not an administrator of this organisation")
    else:
        raise PermissionDenied(f"{as_} cannot change someone else's membership")


def _end(
    given: Membership,
    current: Membership,
    admin_ids: set[int],
    *,
    actor: User | None,
    on_behalf_of: str | None,
    action: str,
) -> Membership:
    _check_active(current)
    _keep_an_administrator(current, admin_ids)
    current.disabled_at = timezone.now()
    current.save(update_fields=["disabled_at"])
    audit_record(
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=action,
        target=current,
        details={"user_id": current.user_id, "role": current.role},
    )
    membership_ended_run_hooks(membership=current, actor=actor, on_behalf_of=on_behalf_of)
    given.disabled_at = current.disabled_at
    return current
