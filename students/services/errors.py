"""The import's own error codes (beyond the reader's) and how every code is worded.

Errors are stored as {code, meta} and rendered in the reader's language when shown:
the reader's codes by `students.siecle_messages.render_error`, ours here.
`import_error_report` groups an import's stored errors by code for its page, with the
advice that fits them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from pixorga.errors import AppError
from students.models import Import
from students.siecle import INVALID_CHAR_DETECTED, STUDENT_CODES
from students.siecle.records import ENCODING
from students.siecle_messages import advice_key, render_advice, render_code_label, render_error

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

# Errors about one student, which name them (INE, names, values): what the detail's
# expiry deletes (students.services.maintenance.imports_expire_details).
PER_STUDENT_CODES = frozenset({*STUDENT_CODES, FIELD_TOO_LONG})

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
# not tick that they understood (meta: `disabled`, `active`, `classes`). A refusal at
# confirmation; stored only when the apply finds it so (the list changed since the
# confirmation, by an import applied meanwhile): the import ends IMPORT_ERROR.
MASS_DEACTIVATION_NOT_ACKNOWLEDGED = "MASS_DEACTIVATION_NOT_ACKNOWLEDGED"

PROCESS_ERRORS = PROCESS_ERRORS | {IMPORT_REPLACED, MASS_DEACTIVATION_NOT_ACKNOWLEDGED}
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


def error_label(code: str) -> str:
    """The short name of a code, as the heading of its errors."""
    if code == FIELD_TOO_LONG:
        return str(_("Value too long"))
    return render_code_label(code)


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


@dataclass(frozen=True)
class ErrorGroup:
    """The errors of one code: how many the file had, and those stored (the first ones)."""

    code: str
    label: str
    count: int
    errors: list[dict[str, Any]]

    @property
    def more(self) -> int:
        """Errors of this code not shown: beyond the stored ones, or whose detail expired."""
        return max(self.count - len(self.errors), 0)

    @property
    def count_text(self) -> str:
        return number_format(self.count, force_grouping=True)

    @property
    def more_text(self) -> str:
        return number_format(self.more, force_grouping=True)


@dataclass(frozen=True)
class ErrorReport:
    """An import's errors as its page shows them: false when it has none."""

    count: int
    groups: list[ErrorGroup]
    # (key, paragraph): what to do next, in the order of the groups.
    advice: list[tuple[str, str]]
    in_the_file: bool  # to correct in SIECLE or in the file, not a processing failure
    per_student: bool  # some errors are about students
    has_file: bool  # the complete list can be downloaded
    expired: bool  # the detail of some errors was deleted (30 days)

    def __bool__(self) -> bool:
        return self.count > 0

    @property
    def count_text(self) -> str:
        return number_format(self.count, force_grouping=True)


def import_error_report(*, import_: Import) -> ErrorReport:
    """The import's errors grouped by code, in the order their first one appears in the
    file (codes left with a count only, once their detail expired, after them)."""
    stored = errors_for_display(import_.errors or [])
    counts = dict(import_.error_counts or {}) or Counter(error["code"] for error in stored)
    by_code: dict[str, list[dict[str, Any]]] = {}
    for error in stored:
        by_code.setdefault(error["code"], []).append(error)
    codes = [*by_code, *sorted(code for code in counts if code not in by_code)]
    groups = [
        ErrorGroup(
            code=code,
            label=error_label(code),
            count=max(counts.get(code, 0), len(by_code.get(code, []))),
            errors=by_code.get(code, []),
        )
        for code in codes
    ]
    return ErrorReport(
        count=max(import_.error_count, sum(group.count for group in groups)),
        groups=groups,
        advice=_advice(groups),
        in_the_file=errors_are_in_the_file({"code": code} for code in codes),
        per_student=any(code in PER_STUDENT_CODES for code in codes),
        has_file=bool(import_.errors_path),
        expired=import_.detail_expired_at is not None and any(group.more for group in groups),
    )


def _advice(groups: list[ErrorGroup]) -> list[tuple[str, str]]:
    """One paragraph per kind of refusal: a file-level code its own (students.
    siecle_messages.ADVICE); errors about students "correct them in SIECLE", except
    accents read wrongly, which come from the file being saved again, not from SIECLE."""
    found: dict[str, str] = {}
    for group in groups:
        if group.code in PER_STUDENT_CODES:
            reasons = {error["meta"].get("reason") for error in group.errors}
            if group.code == INVALID_CHAR_DETECTED and ENCODING in reasons:
                found.setdefault("REENCODED", render_advice("REENCODED"))
            if group.code != INVALID_CHAR_DETECTED or not group.errors or reasons - {ENCODING}:
                found.setdefault("STUDENTS", render_advice("STUDENTS"))
            continue
        meta = group.errors[0]["meta"] if group.errors else {}
        key = advice_key(group.code, meta)
        if key is not None:
            found.setdefault(key, render_advice(key, meta))
    return list(found.items())


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
