"""Writes on organisations, memberships and (audited back-office edits of) users.

Views, the back office, commands, tasks and tests go through these; each records what
it changed in the audit log (`organizations.audit`), in its own transaction.
"""

from ..errors import AlreadyMemberError, LastAdministratorError, MembershipNotActiveError
from .memberships import (
    membership_change_role,
    membership_create,
    membership_disable,
    membership_leave,
    membership_remove,
)
from .organizations import (
    organization_archive,
    organization_create,
    organization_reopen,
    organization_save,
)
from .users import user_delete, user_password_changed, user_save

__all__ = [
    "AlreadyMemberError",
    "LastAdministratorError",
    "MembershipNotActiveError",
    "membership_change_role",
    "membership_create",
    "membership_disable",
    "membership_leave",
    "membership_remove",
    "organization_archive",
    "organization_create",
    "organization_reopen",
    "organization_save",
    "user_delete",
    "user_password_changed",
    "user_save",
]
