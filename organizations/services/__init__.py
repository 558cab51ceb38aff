"""Writes on organisations, memberships and (audited back-office edits of) users.

Views, the back office, commands, tasks and tests go through these; each records what
it changed in the audit log (`organizations.audit`), in its own transaction.
"""

from ..errors import AlreadyMemberError, LastAdministratorError, MembershipNotActiveError
from .bulk import BulkLineResult, organization_bulk_create
from .cgu import cgu_accept, cgu_check_effective_at, cgu_version_publish
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
    organization_save,
    organization_unarchive,
)
from .users import user_delete, user_password_changed, user_save

__all__ = [
    "AlreadyMemberError",
    "BulkLineResult",
    "LastAdministratorError",
    "MembershipNotActiveError",
    "cgu_accept",
    "cgu_check_effective_at",
    "cgu_version_publish",
    "membership_change_role",
    "membership_create",
    "membership_disable",
    "membership_leave",
    "membership_remove",
    "organization_archive",
    "organization_bulk_create",
    "organization_create",
    "organization_save",
    "organization_unarchive",
    "user_delete",
    "user_password_changed",
    "user_save",
]
