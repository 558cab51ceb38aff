"""The complete list of an import's errors, as a CSV file for a spreadsheet.

The import row keeps the first errors and the count per code, which is what its page
shows; a file read in the wrong encoding can hold tens of thousands of errors. The
validation writes every one of them here as the reader finds them (nothing piles up in
memory), then saves the file through the storage API next to the upload; the import
page offers it to the import's administrators (`/eleves/import/<id>/erreurs.csv`).

The file is for people: one line per error (code, INE, names, line, field, value and
the sentence, in the language active while writing: the validation uses the site's,
French), semicolons and UTF-8 with a BOM, which is how spreadsheet software in France
opens accents and columns correctly. A cell that a spreadsheet would take for a formula
is prefixed with an apostrophe. Like the errors on the row, it is deleted 30 days after
the import (students.services.maintenance.imports_expire_details).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Mapping
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from pixorga.spreadsheet import DELIMITER, neutralise
from students.siecle import SiecleError

from .errors import PER_STUDENT_CODES, error_message


def _cell(value: Any) -> str:
    return neutralise("" if value is None else str(value))


class ErrorFile:
    """A CSV being written in a temporary file; `save` stores it, closing discards it.

    with ErrorFile() as error_file:
        result = read_siecle(..., on_error=error_file.add)
        path = error_file.save(prefix=...) if error_file.per_student else ""
    """

    def __init__(self) -> None:
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        # "utf-8-sig" writes the BOM once, first.
        self._text = io.TextIOWrapper(self._spool, encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._text, delimiter=DELIMITER, lineterminator="\r\n")
        self._writer.writerow(
            [
                _("Code"),
                _("INE"),
                _("Last name"),
                _("First name"),
                _("Line"),
                _("Field"),
                _("Value"),
                _("Message"),
            ]
        )
        self.rows = 0
        # Rows about one student: the ones worth a file. A file-level error (not an
        # export, another school's file) comes alone and is said in full on the page.
        self.per_student = 0

    def __enter__(self) -> ErrorFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def add(self, error: SiecleError | Mapping[str, Any]) -> None:
        """One error (the reader's, or a {code, meta} dict), as a line."""
        if isinstance(error, SiecleError):
            code, meta = error.code, error.meta
        else:
            code, meta = error.get("code", ""), error.get("meta") or {}
        self._writer.writerow(
            [
                _cell(code),
                _cell(meta.get("ine")),
                _cell(meta.get("last_name")),
                _cell(meta.get("first_name")),
                _cell(meta.get("line")),
                _cell(meta.get("field")),
                _cell(meta.get("value")),
                _cell(error_message(code, meta)),
            ]
        )
        self.rows += 1
        if code in PER_STUDENT_CODES:
            self.per_student += 1

    def save(self, *, prefix: str) -> str:
        """Store the file as `<prefix>.errors.csv` (the storage may pick a free name);
        returns its storage name."""
        self._text.flush()
        self._spool.seek(0)
        return default_storage.save(f"{prefix}.errors.csv", File(self._spool, name="errors.csv"))

    def close(self) -> None:
        self._text.close()  # closes the temporary file too, which deletes it


def error_file_open(path: str):
    """The stored file, opened for reading (FileNotFoundError when it is gone)."""
    return default_storage.open(path, "rb")
