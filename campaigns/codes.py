"""Campaign codes: 9 characters, 6 letters then 3 digits, drawn by a cryptographic
generator from alphabets without look-alike characters (no I, L, O, 0 or 1), so that a
code read aloud or copied from a board is typed right. About 14 billion codes: a
collision is rare, and the services retry on one (`campaigns.services.codes`).

Plain Python, no Django: the model's check constraint, the services and the code entry
page (next issue) share these.
"""

from __future__ import annotations

import re
import secrets

LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"
DIGITS = "23456789"
LETTER_COUNT = 6
DIGIT_COUNT = 3
CODE_LENGTH = LETTER_COUNT + DIGIT_COUNT
# Also the database's check constraint (portable: SQLite has REGEXP through Django).
CODE_PATTERN = rf"^[{LETTERS}]{{{LETTER_COUNT}}}[{DIGITS}]{{{DIGIT_COUNT}}}$"
_CODE = re.compile(CODE_PATTERN)
_IGNORED = re.compile(r"\s+")


def generate_code() -> str:
    """A new random code (`secrets`, not `random`: a code must not be guessable)."""
    return "".join(secrets.choice(LETTERS) for _ in range(LETTER_COUNT)) + "".join(
        secrets.choice(DIGITS) for _ in range(DIGIT_COUNT)
    )


def normalize_code(text: str) -> str:
    """What a student typed, as a code: upper case, spaces removed."""
    return _IGNORED.sub("", text or "").upper()


def is_valid_code(text: str) -> bool:
    return bool(_CODE.match(text or ""))
