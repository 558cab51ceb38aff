"""UAI: the national identifier of a French school, 7 digits and a check letter."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The check letter is this alphabet's letter at index (7-digit number mod 23).
CHECK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_UAI_SHAPE = re.compile(r"[0-9]{7}[A-Z]")


def normalize_uai(value: str | None) -> str:
    """Trim and upper-case; the stored, compared and displayed form."""
    return (value or "").strip().upper()


def uai_check_letter(digits: str) -> str:
    return CHECK_LETTERS[int(digits) % 23]


def validate_uai(value: str) -> None:
    if not _UAI_SHAPE.fullmatch(value or ""):
        raise ValidationError(
            _("A UAI is 7 digits followed by a letter, for example 0750654D."),
            code="uai_format",
        )
    if value[7] != uai_check_letter(value[:7]):
        raise ValidationError(
            _("The check letter of UAI %(uai)s is wrong: please check the UAI."),
            code="uai_check_letter",
            params={"uai": value},
        )
