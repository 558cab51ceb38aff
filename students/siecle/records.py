"""The reader's vocabulary: error codes, skip reasons, limits, the records it returns, and
Fatal, the exception that stops it on a file-level problem."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

# --- Error codes (part of the product's contract: never rename) ---------------------
# File-level, fatal: reported alone, with no learner.
INVALID_FILE = "INVALID_FILE"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
ENCODING_NOT_SUPPORTED = "ENCODING_NOT_SUPPORTED"
UAI_MISMATCHED = "UAI_MISMATCHED"
# Per student, all collected.
INE_UNIQUE = "INE_UNIQUE"
LAST_NAME_REQUIRED = "LAST_NAME_REQUIRED"
FIRST_NAME_REQUIRED = "FIRST_NAME_REQUIRED"
BIRTHDATE_REQUIRED = "BIRTHDATE_REQUIRED"
INVALID_BIRTHDATE_FORMAT = "INVALID_BIRTHDATE_FORMAT"
SEX_CODE_REQUIRED = "SEX_CODE_REQUIRED"
BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT = "BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT"
INVALID_CHAR_DETECTED = "INVALID_CHAR_DETECTED"
# Whole file: no student left once the skipped ones are set aside.
EMPTY = "EMPTY"

FATAL_CODES = frozenset({INVALID_FILE, PAYLOAD_TOO_LARGE, ENCODING_NOT_SUPPORTED, UAI_MISMATCHED})
STUDENT_CODES = (
    INE_UNIQUE,
    LAST_NAME_REQUIRED,
    FIRST_NAME_REQUIRED,
    BIRTHDATE_REQUIRED,
    INVALID_BIRTHDATE_FORMAT,
    SEX_CODE_REQUIRED,
    BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT,
    INVALID_CHAR_DETECTED,
)
ALL_CODES = (*sorted(FATAL_CODES), *STUDENT_CODES, EMPTY)

# --- Why a student was set aside (counted, not errors) ------------------------------
LEFT_SCHOOL = "LEFT_SCHOOL"  # DATE_SORTIE on or before the export date
NO_INE = "NO_INE"  # no ID_NATIONAL
NO_DIVISION = "NO_DIVISION"  # no type-D structure other than "Inactifs"
# A student matching several reasons is counted once, under the first of this order.
SKIP_REASONS = (LEFT_SCHOOL, NO_INE, NO_DIVISION)

# --- Reasons given in the meta of INVALID_FILE (diagnostics, not product codes) -----
EMPTY_FILE = "EMPTY_FILE"
NOT_XML = "NOT_XML"
MALFORMED = "MALFORMED"  # syntax error, truncated document, undefined entity, bad char
DOCTYPE = "DOCTYPE"  # DOCTYPE / entity declarations are refused before parsing
GZIP = "GZIP"
NOT_SIECLE = "NOT_SIECLE"  # well-formed XML whose root is not BEE_ELEVES
ZIP_CORRUPT = "ZIP_CORRUPT"
ZIP_ENCRYPTED = "ZIP_ENCRYPTED"
ZIP_XML_COUNT = "ZIP_XML_COUNT"  # zero or several .xml entries
ZIP_TOO_LARGE = "ZIP_TOO_LARGE"  # inflated size or compression ratio over the limits
# An entry named absolutely, with a drive or going up (`../../x.xml`): not an export's.
UNSAFE_ENTRY_NAME = "UNSAFE_ENTRY_NAME"
# An element far larger than a SIECLE export's: a student (or their structures, or the
# PARAMETRES) over MAX_RECORD_BYTES, a tag over MAX_TAG_BYTES, too much text on the open
# path. Refused so that memory follows the number of students, not the file's shape.
TOO_COMPLEX = "TOO_COMPLEX"
TOO_MANY_STUDENTS = "TOO_MANY_STUDENTS"  # more ELEVE (or STRUCTURES_ELEVE) than max_students
DUPLICATE_PARAMETRES = "DUPLICATE_PARAMETRES"  # a second PARAMETRES: which UAJ would count?

# --- Reasons given in the meta of some per-student errors -----------------------------
# INVALID_BIRTHDATE_FORMAT: not written DD/MM/YYYY, or written so but not a day of the
# calendar (31/02/2015, 00/01/2015).
FORMAT = "FORMAT"
NONEXISTENT_DATE = "NONEXISTENT_DATE"
# INVALID_CHAR_DETECTED: U+FFFD or mojibake (the file read in the wrong encoding), or
# characters that cannot be seen (characters.py).
ENCODING = "ENCODING"
INVISIBLE = "INVISIBLE"

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReaderLimits:
    """Size and count limits; `None` means no limit.

    The web passes its settings (SIECLE_MAX_*); the command line passes
    `max_upload_bytes=None` and keeps the inflation limits.
    """

    max_upload_bytes: int | None = 20 * MiB
    max_inflated_bytes: int | None = 200 * MiB
    # Real exports deflate 15-30x (repeated tag names); the generator's 25x. Deflate
    # tops out near 1030x, where zip bombs live: 100 leaves 3x headroom for honest files
    # and stops a bomb after inflating at most 100x its compressed size. Archives under
    # `ratio_floor_bytes` once inflated are never refused for their ratio.
    max_ratio: int | None = 100
    ratio_floor_bytes: int = 1 * MiB
    # One school's export: a big lycée has 2,000-4,000 students. Memory and time follow
    # the number of students (~0.3-2 KB each), which a file of empty `<ELEVE/>` could
    # otherwise push to millions.
    max_students: int | None = 100_000
    # What the result keeps in memory of a file with errors: the first errors in file
    # order (every one is still counted by code, and handed to `on_error` as it is
    # found), and the first students set aside for having no INE or no class, named.
    # A file read in the wrong encoding has an error per accented name: 10,000 for a
    # lycée, hundreds of thousands at the reader's cap.
    max_kept_errors: int = 200
    max_named_skipped: int = 200
    # The longest string kept in an error's meta or a skipped student's name (real names
    # are at most 100 characters; longer values are cut, marked with "…").
    max_meta_chars: int = 255


class Learner(NamedTuple):
    """One student to import. Absent optional text fields are empty strings.

    A NamedTuple: compact (a tuple), immutable, and usable as a row for bulk inserts.
    """

    ine: str
    last_name: str
    preferred_last_name: str
    first_name: str
    middle_name: str
    third_name: str
    sex: str  # "M" | "F"
    birthdate: date
    birth_country_code: str
    birth_province_code: str
    birth_city_code: str
    birth_city: str
    mef_code: str
    status: str
    division: str
    line: int


@dataclass(slots=True)
class SiecleError:
    """A problem found in the file: a stable code and JSON-serialisable metadata.

    The sentence shown to a person is rendered from them at display time
    (students.siecle_messages.render_error).
    """

    code: str
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "meta": dict(self.meta)}


class SkippedStudent(NamedTuple):
    """A student set aside for having no INE or no class, named so that the school can
    correct them in SIECLE (leavers are only counted). Names with their invisible
    characters spelled out; `division` is "" when the student has none."""

    reason: str  # NO_INE | NO_DIVISION
    line: int
    last_name: str
    first_name: str
    division: str

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


def _no_skips() -> dict[str, int]:
    return dict.fromkeys(SKIP_REASONS, 0)


@dataclass(slots=True)
class ReadResult:
    """What the reader found. `learners` is only meant to be imported when `is_valid`.

    Errors go through `add_error`: each is counted by code (`error_counts`), handed to
    `on_error` when given (the import writes the complete list to a file as it goes),
    and kept in `errors` while fewer than `max_kept_errors` are, in file order. So
    memory does not follow the number of errors.
    """

    learners: list[Learner] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=_no_skips)
    errors: list[SiecleError] = field(default_factory=list)
    error_counts: dict[str, int] = field(default_factory=dict)
    # The first students skipped for NO_INE or NO_DIVISION (max_named_skipped).
    skipped_students: list[SkippedStudent] = field(default_factory=list)
    encoding: str | None = None  # as declared, normalised: "ISO-8859-15", "UTF-8", ...
    uai: str | None = None  # PARAMETRES/UAJ, trimmed and upper-cased
    export_date: date | None = None  # PARAMETRES/DATE_EXPORT when readable
    student_count: int = 0  # ELEVE elements seen
    max_kept_errors: int = 200
    on_error: Callable[[SiecleError], object] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.errors and not self.error_counts:  # built with its errors
            for error in self.errors:
                self.error_counts[error.code] = self.error_counts.get(error.code, 0) + 1

    def add_error(self, error: SiecleError) -> None:
        self.error_counts[error.code] = self.error_counts.get(error.code, 0) + 1
        if len(self.errors) < self.max_kept_errors:
            self.errors.append(error)
        if self.on_error is not None:
            self.on_error(error)

    @property
    def error_count(self) -> int:
        """Every error found, kept or not."""
        return sum(self.error_counts.values())

    @property
    def is_valid(self) -> bool:
        return not self.error_counts

    def counts(self) -> dict[str, Any]:
        return {
            "students": self.student_count,
            "learners": len(self.learners),
            "skipped": dict(self.skipped),
            "errors": self.error_count,
        }


class Fatal(Exception):
    """A file-level problem: the reader stops and reports this error alone."""

    def __init__(self, code: str, **meta: object) -> None:
        super().__init__(code)
        self.error = SiecleError(code, dict(meta))


def invalid(reason: str, **meta: object) -> Fatal:
    """INVALID_FILE, with `reason` saying what is wrong (a diagnostic, not a product code)."""
    return Fatal(INVALID_FILE, reason=reason, **meta)
