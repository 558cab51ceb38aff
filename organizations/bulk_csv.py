"""Reading the back office's CSV file of organisations to create: bytes in, lines out.

The file comes from a spreadsheet: UTF-8 (with or without BOM) or Windows-1252 (Excel's
"CSV" on a French Windows), separated by semicolons (French Excel), commas or tabs, with a
header row naming the columns in French or English, in any order:

    nom;type;uai;email;gere_eleves
    Collège Victor Hugo;SCO;0750654D;ce.0750654d@ac-paris.fr;oui

Only `nom` (name) and `type` are required columns. A problem with the file as a whole
(encoding, header, size) is a `BulkFileError`; a line that cannot be read as a row keeps
its number and an error, so that the result names every line. What the values mean is
checked by `organizations.services.bulk`.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from pixorga.errors import AppError

MAX_BYTES = 2 * 1024 * 1024
# About 5 queries and a few milliseconds a line (organization_create, audited): 2,000
# lines stay well within a request (measured: 1,000 in 8 s on a loaded 2-core machine).
MAX_LINES = 2000

# Canonical column → header spellings accepted, once normalised (see `_normalise`).
COLUMNS = {
    "name": {"name", "nom", "nometablissement", "organisation", "organization"},
    "type": {"type"},
    "uai": {"uai", "rne", "codeuai"},
    "email": {"email", "mail", "courriel", "officialemail", "emailofficiel", "adresseofficielle"},
    "managing_students": {
        "managingstudents",
        "ismanagingstudents",
        "gereeleves",
        "gereleseleves",
        "gestioneleves",
    },
}
REQUIRED = ("name", "type")
EXPECTED_HEADER = "nom;type;uai;email;gere_eleves"


class BulkFileError(AppError):
    """The file cannot be read at all; meta: `reason` (and the columns concerned)."""

    code = "BULK_FILE_INVALID"
    default_message = _("This file cannot be read.")
    status = 400


@dataclass(frozen=True)
class CsvLine:
    number: int  # the line in the file, the header being line 1
    values: dict[str, str] = field(default_factory=dict)
    error: str = ""  # set when the line cannot be read as a row


def read_organizations_csv(data: bytes) -> list[CsvLine]:
    if len(data) > MAX_BYTES:
        raise BulkFileError(
            _("This file is over %(size)s MB: split it into several files.")
            % {"size": MAX_BYTES // (1024 * 1024)},
            meta={"reason": "too_large"},
        )
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        raise BulkFileError(
            _("This file is empty. Its first line names the columns: %(header)s.")
            % {"header": EXPECTED_HEADER},
            meta={"reason": "empty"},
        )
    columns = _columns(header)
    lines = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue  # blank lines, often left at the end by spreadsheets
        if len(lines) >= MAX_LINES:
            raise BulkFileError(
                _("This file has over %(count)s lines: split it into several files.")
                % {"count": MAX_LINES},
                meta={"reason": "too_many_lines"},
            )
        lines.append(_line(reader.line_num, row, columns))
    return lines


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        raise BulkFileError(
            _("This file is in UTF-16 (“Unicode text”): save it as CSV (UTF-8) instead."),
            meta={"reason": "encoding"},
        )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Not UTF-8: Windows-1252, what Excel writes for "CSV (separator: semicolon)" on a
    # French Windows. Five of its bytes mean nothing: such a file is something else.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise BulkFileError(
            _("The encoding of this file is not recognised: save it as CSV (UTF-8)."),
            meta={"reason": "encoding"},
        ) from None


def _normalise(header_cell: str) -> str:
    decomposed = unicodedata.normalize("NFD", header_cell.strip().lower())
    return "".join(char for char in decomposed if char.isascii() and char.isalnum())


def _columns(header: list[str]) -> list[str | None]:
    """The canonical column of each header cell (None for an empty trailing cell)."""
    spellings = {spelling: name for name, names in COLUMNS.items() for spelling in names}
    columns, unknown = [], []
    for cell in header:
        if not cell.strip():
            columns.append(None)
            continue
        name = spellings.get(_normalise(cell))
        if name is None:
            unknown.append(cell.strip())
        columns.append(name)
    if unknown:
        raise BulkFileError(
            _("Unknown columns: %(columns)s. The expected columns are: %(header)s.")
            % {"columns": ", ".join(unknown), "header": EXPECTED_HEADER},
            meta={"reason": "unknown_columns", "columns": unknown},
        )
    named = [name for name in columns if name]
    twice = sorted({name for name in named if named.count(name) > 1})
    missing = [name for name in REQUIRED if name not in named]
    if twice or missing:
        raise BulkFileError(
            _("The first line must name each column once, at least nom and type: %(header)s.")
            % {"header": EXPECTED_HEADER},
            meta={"reason": "header", "missing": missing, "repeated": twice},
        )
    return columns


def _line(number: int, row: list[str], columns: list[str | None]) -> CsvLine:
    extra = [cell for cell in row[len(columns) :] if cell.strip()]
    if extra:
        return CsvLine(
            number=number,
            error=str(
                _("This line has %(found)s values, the first line names %(expected)s columns.")
                % {"found": len(row), "expected": len(columns)}
            ),
        )
    # Short lines are padded: a spreadsheet drops empty cells at the end of a row.
    cells = [*row, *[""] * (len(columns) - len(row))]
    return CsvLine(
        number=number,
        values={name: cell.strip() for name, cell in zip(columns, cells, strict=False) if name},
    )
