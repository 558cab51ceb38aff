"""Memory follows the number of students, whatever the file's shape; the structural limits.

The memory tests read generated adversarial documents in child processes and look at their
peak RSS: a reader that kept the tree would hold ~30 bytes per byte of `<Y/>` (250 MB for
the 8 MB documents below, gigabytes for the 60 MB ones).
"""

import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from students.siecle import INVALID_FILE, UAI_MISMATCHED, ReaderLimits, read_siecle
from students.siecle import reader as siecle_reader
from students.siecle import source as siecle_source
from tests.students.siecle_factory import (
    UAI,
    PartsStream,
    adversarial_parts,
    siecle_text,
    siecle_xml,
    student,
)

TODAY = date(2026, 9, 15)
ROOT = Path(__file__).resolve().parents[2]
NO_UPLOAD_LIMIT = ReaderLimits(max_upload_bytes=None)


def read(data: bytes, **kwargs):
    return read_siecle(io.BytesIO(data), uai=UAI, today=TODAY, **kwargs)


def read_parts(parts, **kwargs):
    return read_siecle(PartsStream(parts), uai=UAI, today=TODAY, limits=NO_UPLOAD_LIMIT, **kwargs)


def invalid_meta(result) -> dict:
    assert [error.code for error in result.errors] == [INVALID_FILE], result.errors
    assert result.learners == []
    return result.errors[0].meta


# --- Pruning: what is not a student goes, however wide or deep ----------------------------


@pytest.mark.parametrize("shape", ["wide", "deep", "deep_wide", "wide_varied"])
def test_elements_below_the_sections_are_dropped_and_the_students_still_read(shape):
    result = read_parts(adversarial_parts(shape, 400_000))

    assert result.is_valid, result.errors
    assert [learner.ine for learner in result.learners] == ["1234567890A"]
    assert result.learners[0].division == "4A"


def test_parameters_read_across_the_first_chunk_are_kept_whole():
    # The first chunk fed to the parser is 1,024 bytes: here it ends inside PARAMETRES,
    # after UAJ and DATE_EXPORT. Pruning inside an open PARAMETRES would lose the UAJ.
    plain = siecle_text([student()])
    pad = 1019 - plain.index("<ANNEE_SCOLAIRE>")
    data = siecle_text([student()], prolog="<!--" + "x" * (pad - 8) + "-->\n").encode()
    assert data.index(b"</DATE_EXPORT>") < 1024 < data.index(b"</PARAMETRES>")

    result = read(data)

    assert result.is_valid, result.errors
    assert (result.uai, result.export_date) == (UAI, date(2026, 9, 1))


def test_a_big_but_plausible_student_is_read():
    # Real students have 40-60 children and 1-10 KB: this one has 5,000 more, and 2,000
    # groups. The limits are far above what an export holds.
    inner = "".join(f'<OPTION CODE="{index}">valeur</OPTION>' for index in range(5000))
    groups = [(f"GROUPE{index}", "G") for index in range(2000)] + [("4A", "D")]
    result = read(siecle_xml([student(inner=inner, structures=groups)]))

    assert result.is_valid, result.errors
    assert result.learners[0].division == "4A"


# --- A record too large, a tag too long, too much text --------------------------------------


@pytest.mark.parametrize(
    ("shape", "element", "line"),
    [
        ("eleve", "ELEVE", 6),
        ("eleve_grandchildren", "ELEVE", 6),
        ("structures", "STRUCTURES_ELEVE", 10),
        ("parametres", "PARAMETRES", 3),
    ],
)
def test_a_student_or_parameters_past_the_record_limit_is_refused(shape, element, line):
    stream = PartsStream(adversarial_parts(shape, 60_000_000))

    result = read_siecle(stream, uai=UAI, limits=NO_UPLOAD_LIMIT)

    assert invalid_meta(result) == {
        "reason": "TOO_COMPLEX",
        "element": element,
        "line": line,
        "limit": siecle_reader.MAX_RECORD_BYTES,
    }
    # Refused as soon as the record passes the limit, not at the end of the file.
    assert stream.consumed < siecle_reader.MAX_RECORD_BYTES + 4 * siecle_source.CHUNK


def test_a_tag_past_the_limit_is_refused_before_the_parser_builds_it():
    stream = PartsStream(adversarial_parts("attributes", 60_000_000))

    result = read_siecle(stream, uai=UAI, limits=NO_UPLOAD_LIMIT)

    assert invalid_meta(result) == {"reason": "TOO_COMPLEX", "limit": siecle_source.MAX_TAG_BYTES}
    assert stream.consumed < siecle_source.MAX_TAG_BYTES + 2 * siecle_source.CHUNK


def test_a_tag_or_a_text_under_the_limit_is_read():
    big = "v" * 200_000
    text = siecle_text([student()]).replace("<ELEVES>", f'<ELEVES><X a="{big}"/><Z>{big}</Z>')

    assert read(text.encode()).is_valid


def test_text_held_on_the_open_path_past_the_limit_is_refused():
    # Comments split the text into runs the tag guard accepts; libxml2 joins them.
    result = read_parts(adversarial_parts("text", 3_000_000))

    meta = invalid_meta(result)
    assert (meta["reason"], meta["element"], meta["limit"]) == (
        "TOO_COMPLEX",
        "X",
        siecle_reader.MAX_PATH_TEXT,
    )


def test_the_record_limit_counts_the_utf8_bytes_fed_to_the_parser(monkeypatch):
    # One student of 430 KB in Latin-9, 830 KB once in UTF-8 (each "é" takes 2 bytes).
    inner = "<X>" + "é" * 100 + "</X>"
    data = siecle_xml([student(inner=inner * 4000)], encoding="iso-8859-15")
    assert 400_000 < len(data) < 500_000

    assert read(data).is_valid
    monkeypatch.setattr(siecle_reader, "MAX_RECORD_BYTES", 500_000)
    assert invalid_meta(read(data))["reason"] == "TOO_COMPLEX"


# --- The root --------------------------------------------------------------------------------


def test_a_root_other_than_bee_eleves_is_refused_before_it_is_parsed():
    parts = adversarial_parts("wide", 60_000_000)
    first = next(parts).replace(b"<BEE_ELEVES", b"<ROOT").replace(b"</BEE_ELEVES", b"</ROOT")
    stream = PartsStream([first, *parts])

    result = read_siecle(stream, uai=UAI, limits=NO_UPLOAD_LIMIT)

    assert invalid_meta(result) == {"reason": "NOT_SIECLE"}
    assert stream.consumed < 2 * siecle_source.CHUNK


@pytest.mark.parametrize(
    "root",
    [
        '<BEE_ELEVES xmlns="urn:x" VERSION="3.1">',
        '<b:BEE_ELEVES xmlns:b="urn:x" VERSION="3.1">',
        "<BEE_ELEVES_X>",
        "<BEE>",
    ],
)
def test_a_namespaced_or_other_root_is_not_siecle(root):
    text = siecle_text([student()]).replace('<BEE_ELEVES VERSION="3.1">', root, 1)

    assert invalid_meta(read(text.encode()))["reason"] == "NOT_SIECLE"


def test_a_root_name_cut_by_the_first_chunk_is_read():
    plain = siecle_text([student()])
    for cut in range(1015, 1030):  # "<BEE_ELEVES " cut at every place
        pad = cut - plain.index("<BEE_ELEVES")
        data = siecle_text([student()], prolog="<!--" + "x" * (pad - 8) + "-->\n").encode()
        assert read(data).is_valid, cut


def test_a_file_cut_inside_the_root_name_is_malformed():
    assert invalid_meta(read(b"<?xml version='1.0'?>\n<BEE_ELEV"))["reason"] == "MALFORMED"
    assert invalid_meta(read(b"<BEE_ELEVES"))["reason"] == "MALFORMED"


# --- PARAMETRES, number of students -------------------------------------------------------


def test_a_second_parametres_is_refused_whatever_its_uai():
    for uai in ("0751234J", UAI):
        second = f"<PARAMETRES><UAJ>{uai}</UAJ></PARAMETRES>\n"
        text = siecle_text([student()]).replace("</PARAMETRES>\n", "</PARAMETRES>\n" + second)

        assert invalid_meta(read(text.encode())) == {"reason": "DUPLICATE_PARAMETRES", "line": 4}


def test_when_the_first_parametres_has_another_uai_that_is_what_is_reported():
    second = f"<PARAMETRES><UAJ>{UAI}</UAJ></PARAMETRES>\n"
    text = siecle_text([student()], uai="0751234J").replace(
        "</PARAMETRES>\n", "</PARAMETRES>\n" + second
    )

    result = read(text.encode())

    assert [error.code for error in result.errors] == [UAI_MISMATCHED]


def test_students_past_the_limit_are_refused():
    students = [student(ID_NATIONAL=f"{index:010d}A") for index in range(4)]

    assert len(read(siecle_xml(students[:3]), limits=ReaderLimits(max_students=3)).learners) == 3
    result = read(siecle_xml(students), limits=ReaderLimits(max_students=3))
    assert invalid_meta(result) == {"reason": "TOO_MANY_STUDENTS", "limit": 3}
    assert len(read(siecle_xml(students), limits=ReaderLimits(max_students=None)).learners) == 4


def test_structures_past_the_student_limit_are_refused():
    text = siecle_text([student()])
    extra = "".join(f'<STRUCTURES_ELEVE ELEVE_ID="{index}"/>\n' for index in range(3))
    text = text.replace("<STRUCTURES>\n", "<STRUCTURES>\n" + extra)

    result = read(text.encode(), limits=ReaderLimits(max_students=3))

    assert invalid_meta(result) == {"reason": "TOO_MANY_STUDENTS", "limit": 3}


def test_the_default_student_limit_is_far_above_any_school():
    assert ReaderLimits().max_students == 100_000


# --- Peak memory, in child processes ----------------------------------------------------------

CHILD = """
import io, json, resource, signal, sys, zipfile
# A regression fails here instead of taking gigabytes, or minutes, from the machine.
resource.setrlimit(resource.RLIMIT_AS, (1024 ** 3, 1024 ** 3))
signal.alarm(60)
from students.siecle import ReaderLimits, read_siecle
from tests.students.siecle_factory import UAI, PartsStream, adversarial_parts

def peak_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024

shape, size, packed = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "zip"
if packed:  # a real zip under the ratio and size limits, inflated while read
    upload = io.BytesIO()
    with zipfile.ZipFile(upload, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("ElevesSansAdresses.xml", "w") as entry:
            for part in adversarial_parts(shape, size):
                entry.write(part)
    upload.seek(0)
    limits = ReaderLimits()
else:
    upload = PartsStream(adversarial_parts(shape, size))
    limits = ReaderLimits(max_upload_bytes=None)
before = peak_mb()
result = read_siecle(upload, uai=UAI, limits=limits)
print(json.dumps({
    "before": before,
    "peak": peak_mb(),
    "errors": [error.to_dict() for error in result.errors],
    "learners": len(result.learners),
}))
"""
# id -> (shape, bytes, "xml" | "zip"). Read whole (valid), then refused at a limit.
READ_WHOLE = {
    "wide": ("wide", 8_000_000, "xml"),
    "deep": ("deep", 8_000_000, "xml"),
    "deep_wide": ("deep_wide", 8_000_000, "xml"),
    "wide_zip": ("wide_varied", 8_000_000, "zip"),
}
REFUSED = {
    shape: (shape, 60_000_000, "xml")
    for shape in ("eleve", "eleve_grandchildren", "structures", "parametres", "attributes", "text")
}
# Over the child's own peak once lxml and the reader are imported; the open record alone
# may take ~35 MB (MAX_RECORD_BYTES of `<Y/>`). Keeping the tree: 250 MB to 2 GB.
MAX_GROWTH_MB = 64
MAX_PEAK_MB = 150


@pytest.fixture(scope="module")
def peaks():
    """Every case in its own child process, all at once (VmHWM: the child's own peak;
    ru_maxrss would also count the pytest process's, inherited through fork)."""
    if not os.path.exists("/proc/self/status"):
        pytest.skip("needs Linux /proc for the peak RSS")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = {
        case: subprocess.Popen(
            [sys.executable, "-c", CHILD, shape, str(size), kind],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )
        for case, (shape, size, kind) in {**READ_WHOLE, **REFUSED}.items()
    }
    results = {}
    try:
        for case, child in children.items():
            out, err = child.communicate(timeout=90)
            results[case] = {"returncode": child.returncode, "stderr": err.decode()[-2000:]}
            if child.returncode == 0:
                results[case].update(json.loads(out))
    finally:
        for child in children.values():
            if child.poll() is None:
                child.kill()
                child.wait()
    return results


def assert_lean(run: dict) -> None:
    assert run["returncode"] == 0, run["stderr"]
    assert run["peak"] - run["before"] < MAX_GROWTH_MB, run
    assert run["peak"] < MAX_PEAK_MB, run


@pytest.mark.parametrize("case", READ_WHOLE)
def test_memory_does_not_follow_the_size_of_what_is_not_a_student(peaks, case):
    run = peaks[case]

    assert_lean(run)
    assert (run["errors"], run["learners"]) == ([], 1)


@pytest.mark.parametrize("case", REFUSED)
def test_memory_stays_bounded_until_an_oversized_element_is_refused(peaks, case):
    run = peaks[case]

    assert_lean(run)
    assert [error["meta"]["reason"] for error in run["errors"]] == ["TOO_COMPLEX"]
