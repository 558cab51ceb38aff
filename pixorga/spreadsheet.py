"""CSV files for a spreadsheet, the one writer of the project's exports (a campaign's
results, `campaigns.exports`; the one-time passwords of a class,
`students.account_views`): `;` between cells (what French spreadsheet software
expects), UTF-8 with a byte-order mark (so that Excel reads the accents), every cell
quoted, CRLF line ends.

A cell that a spreadsheet would take for a formula (starting with =, +, -, @, a tab or
a carriage return: names and external ids are typed by people) gets a leading
apostrophe, which spreadsheets show as text and do not evaluate.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

BOM = "\ufeff"
DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """The cell as a spreadsheet will show it, never run it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class _Line:
    """A file-like object whose `write` hands back the line csv.writer formatted."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """The file, line by line (for a streamed answer): the byte-order mark and the
    header first, every cell neutralised."""
    writer = csv.writer(_Line(), delimiter=DELIMITER, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    yield BOM + writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])
