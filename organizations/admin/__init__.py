"""Back office for organisations, memberships, the terms of use and the audit log.

Every edit goes through `organizations.services`, with the staff member as actor on
behalf of STAFF, so that it is audited and answers to the same rules as the pages.
Fields that carry a rule are read-only here: a membership's user, organisation, role
and end date change only through the actions (promote, make member, remove), which call
the membership services and show the last-administrator refusal as an error message;
an organisation is archived and unarchived through actions, never deleted; a version
of the terms of use is published, never edited.
"""

from .audit_log import AuditLogAdmin, OrganizationIdFilter
from .base import AppErrorsAsMessages, audit_log_url
from .cgu import CguVersionAdmin
from .memberships import MembershipAdmin
from .organizations import OrganizationAdmin

__all__ = [
    "AppErrorsAsMessages",
    "AuditLogAdmin",
    "CguVersionAdmin",
    "MembershipAdmin",
    "OrganizationAdmin",
    "OrganizationIdFilter",
    "audit_log_url",
]
