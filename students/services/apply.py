"""Writing an import's validated rows into the learners table, set-based.

Called by `import_apply` inside its transaction, with the organisation's row locked, so
the "current list" the rows are compared with cannot change underneath. Two paths with
the same outcome:

- PostgreSQL: COPY the stored CSV into a temporary table, then a handful of statements
  (counts, cross-school relink, one `INSERT … ON CONFLICT`, one `UPDATE` for the
  students no longer in the file); no statement per student.
- elsewhere (SQLite, the zero-configuration default): batched
  `bulk_create(update_conflicts=True)` and batched updates.

The account link (`user_id`) is never in an update: an import cannot lose it. A newly
created learner may get one (the student changed school, see `siecle.md`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.utils import timezone

from students.models import Learner

from .rows import ROW_FIELDS, rows_read, rows_stream

# Refreshed from the file on every import; never user_id, created_at.
UPDATED_FIELDS = tuple(name for name in ROW_FIELDS if name != "ine")
BATCH = 500
# The steps reported to `progress`, in order, on both paths.
STEPS = ("loaded", "relinked", "upserted", "disabled")

Progress = Callable[[str], object]


def _no_progress(step: str) -> None:
    pass


def learners_write(
    *,
    organization_id: int,
    rows_path: str,
    rows_sha256: str,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Upsert the rows, disable the absent, relink; returns the counts.

    {"created", "updated", "reenabled", "disabled"}: `updated` counts the students that
    were already active (their data refreshed), `reenabled` the disabled ones that are
    back. Must run inside a transaction holding the organisation's row lock.
    `progress(step)` is called after each of STEPS.
    """
    progress = progress or _no_progress
    if _use_copy():
        return _write_postgresql(organization_id, rows_path, rows_sha256, progress)
    rows = rows_read(rows_path, rows_sha256)
    progress("loaded")
    return learners_write_portable(organization_id=organization_id, rows=rows, progress=progress)


def _use_copy() -> bool:
    return connection.vendor == "postgresql"


# --- PostgreSQL ------------------------------------------------------------------------


def _column(name: str) -> str:
    return f"{name} {'date' if name == 'birthdate' else 'text'} NOT NULL"


# ON COMMIT DROP, and dropped at the end anyway: inside a larger transaction (tests, the
# command) a second import must not find it there.
_CREATE_TEMP = f"""
CREATE TEMPORARY TABLE import_rows (
    {", ".join(_column(name) for name in ROW_FIELDS)}, link_user_id bigint
) ON COMMIT DROP
"""
_COLUMNS = ", ".join(ROW_FIELDS)
_NOT_NULL = ", ".join(name for name in ROW_FIELDS if name != "birthdate")
# CSV: an unquoted empty field would be NULL; FORCE_NOT_NULL makes it the empty string.
_COPY = (
    f"COPY import_rows ({_COLUMNS}) FROM STDIN "
    f"WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL ({_NOT_NULL}))"
)
# Before any write: how many are new, already active, disabled and coming back.
_COUNTS = """
SELECT count(*), count(l.id), count(l.id) FILTER (WHERE l.disabled)
FROM import_rows t
LEFT JOIN students_learner l ON l.organization_id = %(org)s AND l.ine = t.ine
"""
# A student new to this school whose INE and birth date match a student of another
# school linked to an account gets that account, unless the account already belongs to
# a student of this school (siecle.md). The match is the most recently updated one, and
# only then is its account checked: an account taken here means no link, never a fall
# back to an older match (the portable path, _relink_candidates, does the same). One new
# learner per account: the smallest INE gets it.
_RELINK = """
UPDATE import_rows AS t SET link_user_id = chosen.user_id
FROM (
    SELECT DISTINCT ON (newest.user_id) newest.ine, newest.user_id
    FROM (
        SELECT DISTINCT ON (n.ine) n.ine, o.user_id
        FROM import_rows n
        JOIN students_learner o
          ON o.ine = n.ine AND o.birthdate = n.birthdate AND o.user_id IS NOT NULL
         AND o.organization_id <> %(org)s
        WHERE NOT EXISTS (
                SELECT 1 FROM students_learner e
                WHERE e.organization_id = %(org)s AND e.ine = n.ine)
        ORDER BY n.ine, o.updated_at DESC, o.id DESC
    ) AS newest
    WHERE NOT EXISTS (
            SELECT 1 FROM students_learner x
            WHERE x.organization_id = %(org)s AND x.user_id = newest.user_id)
    ORDER BY newest.user_id, newest.ine
) AS chosen
WHERE t.ine = chosen.ine
"""
_SET = ", ".join(f"{name} = EXCLUDED.{name}" for name in UPDATED_FIELDS)
_OLD = ", ".join(f"students_learner.{name}" for name in UPDATED_FIELDS)
_NEW = ", ".join(f"EXCLUDED.{name}" for name in UPDATED_FIELDS)
# Rows whose values did not change are left alone (no dead tuple, no new updated_at).
# Column names are interpolated from ROW_FIELDS (constants); every value is a parameter.
_UPSERT = f"""
INSERT INTO students_learner (
    organization_id, {_COLUMNS}, disabled, user_id, created_at, updated_at
)
SELECT %(org)s, {", ".join("t." + name for name in ROW_FIELDS)}, false, t.link_user_id,
       %(now)s, %(now)s
FROM import_rows t
ON CONFLICT (organization_id, ine) DO UPDATE SET
    {_SET}, disabled = false, updated_at = EXCLUDED.updated_at
WHERE ({_OLD}, students_learner.disabled) IS DISTINCT FROM ({_NEW}, false)
"""  # noqa: S608 - the names come from ROW_FIELDS, the values are parameters
# SIECLE learners only: a learner made from an account (no INE) is never the file's.
_DISABLE = """
UPDATE students_learner AS l SET disabled = true, updated_at = %(now)s
WHERE l.organization_id = %(org)s AND NOT l.disabled AND l.source = 'SIECLE'
  AND NOT EXISTS (SELECT 1 FROM import_rows t WHERE t.ine = l.ine)
"""


def _write_postgresql(
    organization_id: int, rows_path: str, rows_sha256: str, progress: Progress
) -> dict[str, int]:
    params = {"org": organization_id, "now": timezone.now()}
    with connection.cursor() as cursor:
        cursor.execute(_CREATE_TEMP)
        with cursor.copy(_COPY) as copy:
            for chunk in rows_stream(rows_path, rows_sha256):
                copy.write(chunk)
        # The index serves the joins on INE (and refuses a duplicate, which the reader
        # already reports). A fresh temporary table has no statistics: without them the
        # planner guesses a handful of rows and picks nested loops over 50,000.
        cursor.execute("CREATE UNIQUE INDEX ON import_rows (ine)")
        cursor.execute("ANALYZE import_rows")
        progress("loaded")
        cursor.execute(_COUNTS, params)
        total, matched, matched_disabled = cursor.fetchone()
        cursor.execute(_RELINK, params)
        progress("relinked")
        cursor.execute(_UPSERT, params)
        progress("upserted")
        cursor.execute(_DISABLE, params)
        disabled = cursor.rowcount
        progress("disabled")
        cursor.execute("DROP TABLE import_rows")
    return {
        "created": total - matched,
        "updated": matched - matched_disabled,
        "reenabled": matched_disabled,
        "disabled": disabled,
    }


# --- Portable (SQLite) -------------------------------------------------------------------


def learners_write_portable(
    *, organization_id: int, rows: list[dict[str, Any]], progress: Progress | None = None
) -> dict[str, int]:
    """The same writes with the ORM, in batches: for SQLite (and tested on PostgreSQL)."""
    progress = progress or _no_progress
    now = timezone.now()
    existing = {
        values[0]: values
        for values in Learner.objects.filter(
            organization_id=organization_id, source=Learner.Source.SIECLE
        ).values_list("ine", "id", "disabled", *UPDATED_FIELDS)
    }
    counts = {"created": 0, "updated": 0, "reenabled": 0, "disabled": 0}
    to_write: list[Learner] = []
    new_rows = []
    for row in rows:
        current = existing.get(row["ine"])
        if current is None:
            counts["created"] += 1
            new_rows.append(row)
            continue
        counts["reenabled" if current[2] else "updated"] += 1
        unchanged = not current[2] and all(
            current[3 + index] == row[name] for index, name in enumerate(UPDATED_FIELDS)
        )
        if not unchanged:
            to_write.append(Learner(organization_id=organization_id, **row, updated_at=now))
    links = _relink_candidates(organization_id, new_rows)
    progress("relinked")
    to_write.extend(
        Learner(
            organization_id=organization_id,
            **row,
            user_id=links.get(row["ine"]),
            created_at=now,
            updated_at=now,
        )
        for row in new_rows
    )
    Learner.objects.bulk_create(
        to_write,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["organization", "ine"],
        update_fields=[*UPDATED_FIELDS, "disabled", "updated_at"],
    )
    progress("upserted")
    in_file = {row["ine"] for row in rows}
    absent = [values[1] for ine, values in existing.items() if not values[2] and ine not in in_file]
    for start in range(0, len(absent), BATCH):
        Learner.objects.filter(pk__in=absent[start : start + BATCH]).update(
            disabled=True, updated_at=now
        )
    counts["disabled"] = len(absent)
    progress("disabled")
    return counts


def _relink_candidates(organization_id: int, new_rows: list[dict[str, Any]]) -> dict[str, int]:
    """INE -> account for new learners, by the rule of _RELINK above: the newest match of
    each INE, dropped when its account is already linked here; then one INE per account."""
    birthdates = {row["ine"]: row["birthdate"] for row in new_rows}
    matches: dict[str, list[tuple]] = defaultdict(list)
    ines = list(birthdates)
    for start in range(0, len(ines), BATCH):
        for ine, birthdate, user_id, updated_at, pk in (
            Learner.objects.filter(ine__in=ines[start : start + BATCH], user__isnull=False)
            .exclude(organization_id=organization_id)
            .values_list("ine", "birthdate", "user_id", "updated_at", "id")
        ):
            if birthdates[ine] == birthdate:
                matches[ine].append((updated_at, pk, user_id))
    if not matches:
        return {}
    taken = set(
        Learner.objects.filter(organization_id=organization_id, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    # (updated_at, id) descending, as the SQL's ORDER BY.
    best = {ine: max(found)[2] for ine, found in matches.items()}
    links: dict[str, int] = {}
    for ine in sorted(best):
        user_id = best[ine]
        if user_id not in taken:
            taken.add(user_id)
            links[ine] = user_id
    return links
