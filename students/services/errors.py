"""The import's own error codes (beyond the reader's) and how every code is worded.

Errors are stored as {code, meta} and rendered in the reader's language when shown:
the reader's codes by `students.siecle_messages.render_error`, ours here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from pixorga.errors import AppError
from students.siecle_messages import render_error

# --- Codes (part of the product's contract: never rename) ---------------------------
# A newer import was validated or applied since: this one can no longer be confirmed.
IMPORT_OUTDATED = "IMPORT_OUTDATED"
# Stopped before its end: no progress for 10 minutes (a worker died), a task that never
# started (see maintenance), or the task's time limit.
IMPORT_INTERRUPTED = "IMPORT_INTERRUPTED"
# An unexpected error; the transaction rolled back, the list is unchanged.
IMPORT_FAILED = "IMPORT_FAILED"
# An unexpected error while checking the file (not the file's fault): upload it again.
VALIDATION_FAILED = "VALIDATION_FAILED"
# Neither confirmed nor cancelled within 24 hours: its file is deleted.
IMPORT_ABANDONED = "IMPORT_ABANDONED"
# The stored file disappeared before the worker could read it.
FILE_MISSING = "FILE_MISSING"
# A value longer than the column that stores it (meta: INE, names, line, field, max_length).
FIELD_TOO_LONG = "FIELD_TOO_LONG"
# The organisation's space was closed (archived) after the confirmation: nothing written.
ORGANIZATION_ARCHIVED = "ORGANIZATION_ARCHIVED"
# Refusals of an action (not stored on the import).
IMPORT_NOT_ALLOWED = "IMPORT_NOT_ALLOWED"
IMPORT_NOT_CONFIRMABLE = "IMPORT_NOT_CONFIRMABLE"
IMPORT_NOT_CANCELLABLE = "IMPORT_NOT_CANCELLABLE"

# What went wrong with the import's processing, not in the file: correcting it in SIECLE
# would not help (importing the same file again may).
PROCESS_ERRORS = frozenset(
    {
        IMPORT_OUTDATED,
        IMPORT_INTERRUPTED,
        IMPORT_FAILED,
        VALIDATION_FAILED,
        IMPORT_ABANDONED,
        FILE_MISSING,
        ORGANIZATION_ARCHIVED,
    }
)

MESSAGES = {
    IMPORT_OUTDATED: _(
        "A more recent import of your students was checked or applied since this one: "
        "it can no longer be confirmed. Import the latest file again if needed."
    ),
    IMPORT_INTERRUPTED: _("The import was interrupted. Please import the file again."),
    IMPORT_FAILED: _(
        "The import failed because of an unexpected error; your student list is unchanged. "
        "Please import the file again, and contact support if the problem persists."
    ),
    IMPORT_ABANDONED: _(
        "This import was not confirmed within 24 hours and its file was deleted. "
        "Please import the file again."
    ),
    VALIDATION_FAILED: _("Checking the file failed. Please import the file again."),
    FILE_MISSING: _("The received file could not be found. Please import the file again."),
    ORGANIZATION_ARCHIVED: _("This school's space is closed: the import was not applied."),
    FIELD_TOO_LONG: _(
        "The student with INE %(ine)s (%(last_name)s %(first_name)s, line %(line)s) has a "
        "value too long in %(field)s: at most %(max_length)s characters."
    ),
    IMPORT_NOT_ALLOWED: _("Your organisation does not import its students from SIECLE."),
    IMPORT_NOT_CONFIRMABLE: _("This import is not waiting for a confirmation."),
    IMPORT_NOT_CANCELLABLE: _("This import can no longer be cancelled."),
}


# --- A waiting import replaced, a mass deactivation (issue 10, items 6 and 7) ----------
# A newer file was uploaded for the organisation before this one was confirmed: it ended
# CANCELLED (meta: `replaced_by`, the newer import's id). Also the refusal to confirm it.
IMPORT_REPLACED = "IMPORT_REPLACED"
# Confirming would disable more than a fifth of the active students and the person did
# not tick that they understood (meta: `disabled`, `active`, `classes`). Not stored.
MASS_DEACTIVATION_NOT_ACKNOWLEDGED = "MASS_DEACTIVATION_NOT_ACKNOWLEDGED"

PROCESS_ERRORS = PROCESS_ERRORS | {IMPORT_REPLACED}
MESSAGES.update(
    {
        IMPORT_REPLACED: _(
            "A more recent file was sent after this one, which was set aside: only the "
            "latest file can be imported. Your student list is unchanged."
        ),
        MASS_DEACTIVATION_NOT_ACKNOWLEDGED: _(
            "This import would disable %(disabled)s of your %(active)s active students. "
            "Tick the box saying that you understand before confirming, or cancel and "
            "send the export of the whole school."
        ),
    }
)


def errors_are_in_the_file(errors: Iterable[Mapping[str, Any]]) -> bool:
    """True when the errors are the file's own (to be corrected in SIECLE)."""
    codes = [error.get("code", "") for error in errors]
    return bool(codes) and not any(code in PROCESS_ERRORS for code in codes)


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def error_message(code: str, meta: Mapping[str, Any] | None = None) -> str:
    """The sentence for any import error code, in the active language."""
    if code in MESSAGES:
        params = _Params({key: value for key, value in (meta or {}).items() if value is not None})
        return str(MESSAGES[code]) % params
    return render_error(code, meta or {})


def errors_for_display(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Stored errors with their sentence: [{"code", "meta", "message"}]."""
    return [
        {
            "code": error.get("code", ""),
            "meta": error.get("meta") or {},
            "message": error_message(error.get("code", ""), error.get("meta") or {}),
        }
        for error in errors
    ]


class ImportActionError(AppError):
    """An action on an import was refused; `code` says why (see MESSAGES)."""

    code = IMPORT_FAILED
    status = 409

    def __init__(self, meta: Mapping[str, Any] | None = None) -> None:
        super().__init__(meta=meta)

    @property
    def message(self) -> str:
        return error_message(self.code, self.meta)


class ImportNotAllowedError(ImportActionError):
    code = IMPORT_NOT_ALLOWED


class ImportOutdatedError(ImportActionError):
    code = IMPORT_OUTDATED


class ImportNotConfirmableError(ImportActionError):
    code = IMPORT_NOT_CONFIRMABLE


class ImportNotCancellableError(ImportActionError):
    code = IMPORT_NOT_CANCELLABLE


class ImportReplacedError(ImportActionError):
    code = IMPORT_REPLACED


class MassDeactivationNotAcknowledgedError(ImportActionError):
    code = MASS_DEACTIVATION_NOT_ACKNOWLEDGED
