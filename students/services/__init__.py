"""Writes on learners and imports. Views, tasks, the command line and tests call these.

The import's steps are in `imports` (the check in `validation`), its state machine (the
one way its status changes) in `states`, the preview in `preview`, the set-based writes
in `apply`, the validated rows file in `rows`, the periodic clean-up in `maintenance`,
the error codes, their sentences and the page's report in `errors`, the complete list
of errors as a file in `error_file`. Helping students' accounts (one-time passwords, the
identifier account made for a learner) is in `student_accounts`; undoing a wrong link
deletes participations, so it is `campaigns.services.learner_dissociate`.
"""

from .apply import learners_write, learners_write_portable
from .error_file import error_file_open
from .errors import (
    FIELD_TOO_LONG,
    FILE_MISSING,
    IMPORT_ABANDONED,
    IMPORT_FAILED,
    IMPORT_INTERRUPTED,
    IMPORT_OUTDATED,
    IMPORT_REPLACED,
    MASS_DEACTIVATION_NOT_ACKNOWLEDGED,
    ORGANIZATION_ARCHIVED,
    VALIDATION_FAILED,
    ImportActionError,
    ImportNotAllowedError,
    ImportNotCancellableError,
    ImportNotConfirmableError,
    ImportOutdatedError,
    ImportReplacedError,
    MassDeactivationNotAcknowledgedError,
    error_message,
    errors_are_in_the_file,
    errors_for_display,
    import_error_report,
)
from .imports import (
    import_apply,
    import_cancel,
    import_confirm,
    import_is_outdated,
    import_replaced_by,
    import_upload,
)
from .maintenance import (
    imports_delete_abandoned_files,
    imports_expire_details,
    imports_reap_stuck,
    imports_resend_queued,
)
from .preview import import_mass_deactivation, import_preview
from .states import ImportTransitionError, import_create, import_state_diagram, import_transition
from .student_accounts import (
    GeneratedPasswords,
    IssuedPassword,
    LearnerNotLinkedError,
    NoPasswordToGenerateError,
    learner_account_create,
    learner_passwords_generate,
)
from .validation import ValidationRunning, import_validate, web_reader_limits

__all__ = [
    "FIELD_TOO_LONG",
    "FILE_MISSING",
    "IMPORT_ABANDONED",
    "IMPORT_FAILED",
    "IMPORT_INTERRUPTED",
    "IMPORT_OUTDATED",
    "IMPORT_REPLACED",
    "MASS_DEACTIVATION_NOT_ACKNOWLEDGED",
    "ORGANIZATION_ARCHIVED",
    "VALIDATION_FAILED",
    "GeneratedPasswords",
    "ImportActionError",
    "ImportNotAllowedError",
    "ImportNotCancellableError",
    "ImportNotConfirmableError",
    "ImportOutdatedError",
    "ImportReplacedError",
    "ImportTransitionError",
    "IssuedPassword",
    "LearnerNotLinkedError",
    "MassDeactivationNotAcknowledgedError",
    "NoPasswordToGenerateError",
    "ValidationRunning",
    "error_file_open",
    "error_message",
    "errors_are_in_the_file",
    "errors_for_display",
    "import_apply",
    "import_cancel",
    "import_confirm",
    "import_create",
    "import_error_report",
    "import_is_outdated",
    "import_mass_deactivation",
    "import_preview",
    "import_replaced_by",
    "import_state_diagram",
    "import_transition",
    "import_upload",
    "import_validate",
    "imports_delete_abandoned_files",
    "imports_expire_details",
    "imports_reap_stuck",
    "imports_resend_queued",
    "learner_account_create",
    "learner_passwords_generate",
    "learners_write",
    "learners_write_portable",
    "web_reader_limits",
]
