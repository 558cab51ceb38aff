"""The validated rows of an import: written once by the validation, read by the apply.

The validation parses the SIECLE file (the slow part: ~0.1 ms per student in lxml) and
stores what it found as a CSV file, through the storage API, next to the upload: one
line per learner, in the column order of the apply's temporary table, search and sort
names included. The apply streams that file into PostgreSQL's COPY as is (no parse, no Python
per row) or reads it back on SQLite. Its SHA-256 is kept on the import and checked by
the apply; a header line names the columns, so a file written by another version of
the code is refused rather than misread.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage

from students.models import Learner
from students.normalize import learner_search_name, learner_sort_name
from students.siecle import Learner as SiecleLearner

from .errors import FIELD_TOO_LONG

# The columns, in the order of the file and of the apply's temporary table.
ROW_FIELDS = (
    "ine",
    "last_name",
    "preferred_last_name",
    "first_name",
    "middle_name",
    "third_name",
    "search_name",
    "sort_name",
    "sex",
    "birthdate",
    "birth_country_code",
    "birth_province_code",
    "birth_city_code",
    "birth_city",
    "mef_code",
    "status",
    "division",
)
HEADER = (",".join(ROW_FIELDS) + "\n").encode()
CHUNK = 256 * 1024

# Where each stored value comes from, to name it in FIELD_TOO_LONG.
XML_TAGS = {
    "ine": "ID_NATIONAL",
    "last_name": "NOM_DE_FAMILLE",
    "preferred_last_name": "NOM_USAGE",
    "first_name": "PRENOM",
    "middle_name": "PRENOM2",
    "third_name": "PRENOM3",
    "sex": "CODE_SEXE",
    "birth_country_code": "CODE_PAYS",
    "birth_province_code": "CODE_DEPARTEMENT_NAISS",
    "birth_city_code": "CODE_COMMUNE_INSEE_NAISS",
    "birth_city": "VILLE_NAISS",
    "mef_code": "CODE_MEF",
    "status": "CODE_STATUT",
    "division": "CODE_STRUCTURE",
}
# Every column the apply writes that has a length limit, taken from the model: a file
# that validates can never fail at apply for a length (search_name and sort_name are
# TextFields).
MAX_LENGTHS = {
    name: Learner._meta.get_field(name).max_length
    for name in ROW_FIELDS
    if Learner._meta.get_field(name).max_length is not None
}


class RowsCorruptedError(Exception):
    """The stored rows are not what the validation wrote (changed, truncated, old format)."""


def rows_length_errors(learners: Iterable[SiecleLearner]) -> Iterator[dict[str, Any]]:
    """FIELD_TOO_LONG errors, as {code, meta}, one at a time (there may be one per
    student): values that would not fit their column (every column of ROW_FIELDS that
    has a limit)."""
    checks = tuple(MAX_LENGTHS.items())
    for learner in learners:
        for name, limit in checks:
            if len(getattr(learner, name)) > limit:
                meta = {
                    "ine": learner.ine[:40],
                    "last_name": learner.last_name[:100],
                    "first_name": learner.first_name[:100],
                    "line": learner.line,
                    "field": XML_TAGS.get(name, name),
                    "max_length": limit,
                }
                yield {"code": FIELD_TOO_LONG, "meta": meta}


def rows_save(*, learners: Iterable[SiecleLearner], prefix: str) -> tuple[str, str]:
    """Write the learners as CSV to the storage; returns (storage name, SHA-256)."""
    with tempfile.TemporaryFile() as spool:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        text.write(HEADER.decode())
        writer = csv.writer(text, lineterminator="\n")
        writer.writerows(
            (
                learner.ine,
                learner.last_name,
                learner.preferred_last_name,
                learner.first_name,
                learner.middle_name,
                learner.third_name,
                learner_search_name(
                    ine=learner.ine,
                    last_name=learner.last_name,
                    preferred_last_name=learner.preferred_last_name,
                    first_name=learner.first_name,
                    middle_name=learner.middle_name,
                    third_name=learner.third_name,
                ),
                learner_sort_name(
                    last_name=learner.last_name,
                    preferred_last_name=learner.preferred_last_name,
                    first_name=learner.first_name,
                ),
                learner.sex,
                learner.birthdate.isoformat(),
                learner.birth_country_code,
                learner.birth_province_code,
                learner.birth_city_code,
                learner.birth_city,
                learner.mef_code,
                learner.status,
                learner.division,
            )
            for learner in learners
        )
        text.flush()
        text.detach()
        spool.seek(0)
        digest = hashlib.sha256()
        while data := spool.read(CHUNK):
            digest.update(data)
        spool.seek(0)
        name = default_storage.save(f"{prefix}.rows.csv", File(spool, name="rows.csv"))
    return name, digest.hexdigest()


def rows_stream(path: str, expected_sha256: str) -> Iterator[bytes]:
    """The stored CSV in chunks, header first; raises RowsCorruptedError at the end when
    its SHA-256 differs (the caller's transaction then rolls back what it wrote)."""
    digest = hashlib.sha256()
    with default_storage.open(path, "rb") as stored:
        header = stored.readline()
        digest.update(header)
        if header != HEADER:
            raise RowsCorruptedError("unexpected header")
        yield header
        while data := stored.read(CHUNK):
            digest.update(data)
            yield data
    if digest.hexdigest() != expected_sha256:
        raise RowsCorruptedError("checksum mismatch")


def rows_read(path: str, expected_sha256: str) -> list[dict[str, Any]]:
    """The stored rows as dicts of Learner field values (the portable apply)."""
    data = b"".join(rows_stream(path, expected_sha256))
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    next(reader)
    rows = []
    for values in reader:
        row = dict(zip(ROW_FIELDS, values, strict=True))
        row["birthdate"] = date.fromisoformat(row["birthdate"])
        rows.append(row)
    return rows
