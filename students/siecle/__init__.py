"""The SIECLE reader: a pure parser (no Django) of the "Élèves sans adresses" export.

    result = read_siecle(fileobj, uai="0750654D")
    if result.is_valid:
        ...  # result.learners

See docs/architecture.md and the modules: records (codes, limits, records), source
(upload, zip, encoding, prolog checks), reader (the parse) and rules (the import rules).
"""

from .reader import PROGRESS_STEP, read_siecle
from .records import (
    ALL_CODES,
    BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT,
    BIRTHDATE_REQUIRED,
    EMPTY,
    ENCODING_NOT_SUPPORTED,
    FATAL_CODES,
    FIRST_NAME_REQUIRED,
    INE_UNIQUE,
    INVALID_BIRTHDATE_FORMAT,
    INVALID_CHAR_DETECTED,
    INVALID_FILE,
    LAST_NAME_REQUIRED,
    LEFT_SCHOOL,
    NO_DIVISION,
    NO_INE,
    PAYLOAD_TOO_LARGE,
    SEX_CODE_REQUIRED,
    SKIP_REASONS,
    STUDENT_CODES,
    UAI_MISMATCHED,
    Learner,
    ReaderLimits,
    ReadResult,
    SiecleError,
    SkippedStudent,
)
from .rules import parse_date

__all__ = [
    "ALL_CODES",
    "BIRTHDATE_REQUIRED",
    "BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT",
    "EMPTY",
    "ENCODING_NOT_SUPPORTED",
    "FATAL_CODES",
    "FIRST_NAME_REQUIRED",
    "INE_UNIQUE",
    "INVALID_BIRTHDATE_FORMAT",
    "INVALID_CHAR_DETECTED",
    "INVALID_FILE",
    "LAST_NAME_REQUIRED",
    "LEFT_SCHOOL",
    "NO_DIVISION",
    "NO_INE",
    "PAYLOAD_TOO_LARGE",
    "PROGRESS_STEP",
    "SEX_CODE_REQUIRED",
    "SKIP_REASONS",
    "STUDENT_CODES",
    "UAI_MISMATCHED",
    "Learner",
    "ReadResult",
    "ReaderLimits",
    "SiecleError",
    "SkippedStudent",
    "parse_date",
    "read_siecle",
]
