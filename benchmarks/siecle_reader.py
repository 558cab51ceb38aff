"""How fast and how lean the SIECLE reader is, next to a plain lxml iterparse.

    .venv/bin/python benchmarks/siecle_reader.py [--students 3000 50000] [--repeat 3]

Generates exports (ISO-8859-15, as SIECLE writes them) into a temporary directory, then
for each file measures, each run in a fresh child process so that runs do not pollute
each other's memory:
- the reader: read_siecle() on the file (no upload limit), all rules applied;
- the baseline: `for _, element in etree.iterparse(path): element.clear()`, the least a
  streaming parse of the same file can do.
Time is the best of --repeat runs; RSS is the child's peak (VmHWM), and its growth over
the interpreter with lxml and the reader imported. No Django needed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

UAI = "0750654D"


def _peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM belongs to the current memory image; ru_maxrss
    would also count the parent's peak, inherited through fork and exec."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(kind: str, path: str) -> dict:
    """Runs in the child process: one measurement, reported as JSON on stdout."""
    from lxml import etree

    from students.siecle import ReaderLimits, read_siecle

    before = _peak_rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    if kind == "baseline":
        elements = 0
        for _event, element in etree.iterparse(path, events=("end",)):
            element.clear()
            elements += 1
        detail = f"{elements} elements"
    else:
        with open(path, "rb") as fileobj:
            result = read_siecle(fileobj, uai=UAI, limits=ReaderLimits(max_upload_bytes=None))
        if not result.is_valid:
            raise SystemExit(f"unexpected errors: {result.errors[:3]}")
        detail = f"{len(result.learners)} learners of {result.student_count} students"
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = _peak_rss_mb()
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak_mb": peak,
        "growth_mb": peak - before,
        "detail": detail,
    }


def run_child(kind: str, path: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--measure", kind, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return json.loads(completed.stdout)


def best_of(kinds: tuple[str, ...], path: Path, repeat: int) -> list[dict]:
    """Runs alternate between kinds, so that a busy machine slows them alike."""
    runs: dict[str, list[dict]] = {kind: [] for kind in kinds}
    for _ in range(repeat):
        for kind in kinds:
            runs[kind].append(run_child(kind, path))
    return [
        {
            **min(runs[kind], key=lambda run: run["seconds"]),
            "peak_mb": max(run["peak_mb"] for run in runs[kind]),
        }
        for kind in kinds
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[3000, 50000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return

    from lxml import etree

    from students.siecle_generator import XML_NAME, write_siecle_zip

    print(
        f"Python {sys.version.split()[0]}, lxml {etree.__version__}, "
        f"libxml2 {'.'.join(map(str, etree.LIBXML_VERSION))}, {os.cpu_count()} CPUs; "
        f"best of {args.repeat} runs (wall clock, and CPU time of the child)"
    )
    with tempfile.TemporaryDirectory() as directory:
        for students in args.students:
            zip_path = Path(directory) / f"export_{students}.zip"
            with zip_path.open("wb") as output:
                write_siecle_zip(output, students=students, seed=students)
            xml_path = Path(directory) / f"export_{students}.xml"
            with (
                zipfile.ZipFile(zip_path) as archive,
                archive.open(XML_NAME) as entry,
                xml_path.open("wb") as output,
            ):
                shutil.copyfileobj(entry, output)
            reader, baseline = best_of(("reader", "baseline"), xml_path, args.repeat)
            print(f"\n{students} students, ISO-8859-15 .xml, {_size(xml_path)}")
            print(f"  reader     {_figures(reader)}")
            print(f"  iterparse  {_figures(baseline)}")
            print(
                f"  ratio reader / iterparse: {reader['seconds'] / baseline['seconds']:.2f} "
                f"(CPU time: {reader['cpu'] / baseline['cpu']:.2f})"
            )
            (zipped,) = best_of(("reader",), zip_path, args.repeat)
            print(f"{students} students, .zip, {_size(zip_path)} (inflated while read)")
            print(f"  reader     {_figures(zipped)}")


def _size(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.1f} MB"


def _figures(run: dict) -> str:
    return (
        f"{run['seconds']:6.2f} s (CPU {run['cpu']:5.2f} s)  peak RSS {run['peak_mb']:4.0f} MB "
        f"(+{run['growth_mb']:.0f} MB over the imports)  {run['detail']}"
    )


if __name__ == "__main__":
    main()
