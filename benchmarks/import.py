"""How long an import of a school's students takes in the worker, next to a plain baseline.

    .venv/bin/python benchmarks/import.py [--students 3000 50000]

Needs PostgreSQL: DATABASE_URL (default postgres://pixorga:pixorga@127.0.0.1:5432/pixorga_bench;
the database is created if missing, then migrated). Generates ISO-8859-15 exports zipped
as SIECLE hands them out, then for each size, each run in a fresh child process (so that
the peak RSS is that run's, VmHWM):

- import: upload (what the web request does: hash and store the file), then what the worker
  does, timed: validate (read, check, preview, store the validated rows) and apply
  (COPY, counts, relink, upsert, disable) for a new school; then the same file again
  (every student already there: the yearly re-import).
- baseline: the same zip streamed through a plain `lxml.etree.iterparse` that extracts the
  same fields (and the class from STRUCTURES_ELEVE), then a plain COPY of those rows
  into a temporary table: the least an import can do.

Targets: 3,000 students from upload to IMPORTED under 1.5 s of worker time; 50,000 within
2x the baseline; worker peak RSS under 250 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import DEFAULT_DATABASE_URL, ensure_database  # noqa: E402 (after sys.path)
from students.siecle.rules import FIELDS as READER_FIELDS  # noqa: E402

# The baseline reads the same ELEVE children as the reader (its leaving date aside).
FIELDS = tuple(tag for tag in READER_FIELDS if tag != "DATE_SORTIE")


def peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def setup_django(media_root: str) -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["MEDIA_ROOT"] = media_root
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pixorga.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"  # nothing is enqueued anyway
    import django

    django.setup()


# --- Child: the import through the services --------------------------------------------


def run_import(path: str, uai: str, media_root: str) -> dict:
    setup_django(media_root)
    from django.core.files import File
    from django.db import connection

    from organizations.models import Organization
    from organizations.services import organization_create
    from students import services
    from students.models import Import, Learner

    Learner.objects.filter(organization__uai=uai).delete()
    Import.objects.filter(organization__uai=uai).delete()
    organization = Organization.objects.filter(uai=uai).first() or organization_create(
        name=f"Benchmark {uai}", type="SCO", uai=uai, official_email="bench@ac-test.fr"
    )
    rss_start = peak_rss_mb()
    runs = []
    for label in ("new school", "re-import"):
        started = time.perf_counter()
        with open(path, "rb") as upload:
            import_ = services.import_upload(
                organization=organization,
                user=None,
                uploaded_file=File(upload, name=os.path.basename(path)),
                enqueue=False,
            )
        uploaded = time.perf_counter()
        import_ = services.import_validate(import_id=import_.pk)
        validated = time.perf_counter()
        assert import_.status == Import.Status.VALIDATED, import_.errors[:3]
        import_ = services.import_confirm(import_=import_, user=None, enqueue=False)
        confirmed = time.perf_counter()
        import_ = services.import_apply(import_id=import_.pk)
        applied = time.perf_counter()
        assert import_.status == Import.Status.IMPORTED, import_.errors[:3]
        runs.append(
            {
                "run": label,
                "learners": import_.preview["learners"],
                "counts": {k: v for k, v in import_.counts.items() if k != "skipped"},
                "upload": uploaded - started,
                "validate": validated - uploaded,
                "apply": applied - confirmed,
                "worker": (validated - uploaded) + (applied - confirmed),
            }
        )
    connection.close()
    return {"runs": runs, "rss_start_mb": rss_start, "rss_peak_mb": peak_rss_mb()}


# --- Child: the baseline ---------------------------------------------------------------


def run_baseline(path: str, media_root: str) -> dict:
    setup_django(media_root)
    from django.db import connection
    from lxml import etree

    rss_start = peak_rss_mb()
    started = time.perf_counter()
    rows: list[list] = []
    division_of: dict[str, str] = {}
    with zipfile.ZipFile(path) as archive, archive.open(archive.namelist()[0]) as xml:
        # OPTION is not read, only cleared: otherwise the section stays in memory.
        for _event, element in etree.iterparse(
            xml, events=("end",), tag=("ELEVE", "OPTION", "STRUCTURES_ELEVE")
        ):
            if element.tag == "ELEVE":
                values = dict.fromkeys(FIELDS, "")
                for child in element:
                    if child.tag in values:
                        values[child.tag] = (child.text or "").strip()
                rows.append([element.get("ELEVE_ID"), *values.values()])
            elif element.tag == "STRUCTURES_ELEVE":
                for structure in element:
                    if structure.findtext("TYPE_STRUCTURE") == "D":
                        division_of[element.get("ELEVE_ID")] = structure.findtext("CODE_STRUCTURE")
                        break
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    for row in rows:
        row.append(division_of.get(row[0], ""))
    parsed = time.perf_counter()
    columns = ", ".join(f"c{index} text" for index in range(len(FIELDS) + 2))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE baseline ({columns})")
        with cursor.copy("COPY baseline FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute("DROP TABLE baseline")
    copied = time.perf_counter()
    connection.close()
    return {
        "rows": len(rows),
        "parse": parsed - started,
        "copy": copied - parsed,
        "total": copied - started,
        "rss_start_mb": rss_start,
        "rss_peak_mb": peak_rss_mb(),
    }


# --- Parent ----------------------------------------------------------------------------


def child(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        cwd=ROOT,
        env=os.environ,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"child {args} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[3000, 50000])
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        kind, *rest = options.child
        result = run_import(*rest) if kind == "import" else run_baseline(*rest)
        print(json.dumps(result))
        return

    from students.siecle_generator import write_siecle_zip

    ensure_database()
    url = os.environ["DATABASE_URL"]
    print(f"PostgreSQL: {url.rsplit('@', 1)[-1]}   Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as work:
        media_root = os.path.join(work, "media")
        for number, students in enumerate(options.students):
            uai = "0999" + f"{number:03d}"
            from organizations.uai import uai_check_letter

            uai += uai_check_letter(uai)
            path = os.path.join(work, f"export_{students}.zip")
            with open(path, "wb") as output:
                write_siecle_zip(output, students=students, uai=uai, seed=students)
            with zipfile.ZipFile(path) as archive:
                inflated = archive.infolist()[0].file_size
            size = os.path.getsize(path)
            imported = child("import", path, uai, media_root)
            baseline = child("baseline", path, media_root)
            print(
                f"\n== {students:,} students: zip {size / 1e6:.1f} MB "
                f"(XML {inflated / 1e6:.1f} MB, ISO-8859-15)"
            )
            for run in imported["runs"]:
                print(
                    f"  {run['run']:<11} learners {run['learners']:>6,}  "
                    f"upload {run['upload']:6.3f} s | validate {run['validate']:6.3f} s  "
                    f"apply {run['apply']:6.3f} s  worker {run['worker']:6.3f} s  "
                    f"{run['learners'] / run['worker']:>8,.0f} students/s   {run['counts']}"
                )
            print(
                f"  worker peak RSS {imported['rss_peak_mb']:.0f} MB "
                f"(Django loaded: {imported['rss_start_mb']:.0f} MB)"
            )
            print(
                f"  baseline    rows     {baseline['rows']:>6,}  "
                f"iterparse {baseline['parse']:6.3f} s + COPY {baseline['copy']:6.3f} s "
                f"= {baseline['total']:6.3f} s"
                f"   peak RSS {baseline['rss_peak_mb']:.0f} MB"
            )
            first = imported["runs"][0]
            ratio = first["worker"] / baseline["total"]
            checks = [f"worker / baseline = {ratio:.2f}x"]
            if students <= 3000:
                checks.append(f"under 1.5 s: {'yes' if first['worker'] < 1.5 else 'NO'}")
            else:
                checks.append(f"within 2x: {'yes' if ratio <= 2 else 'NO'}")
            checks.append(f"RSS under 250 MB: {'yes' if imported['rss_peak_mb'] < 250 else 'NO'}")
            print("  " + "; ".join(checks))


if __name__ == "__main__":
    main()
