"""The import rules of siecle.md, applied to the compact rows the parse collected.

A row is (line, ELEVE_ID, *the ELEVE's direct children in FIELDS order), stripped, ""
when absent. Students are skipped (counted by reason; the first ones without INE or
class also named) or checked, every error of every student reported in file order
through `ReadResult.add_error` (which counts them all and keeps the first ones); the
students without error become Learners.
"""

from __future__ import annotations

import re
from datetime import date

from .characters import INVISIBLE as _INVISIBLE
from .characters import invisible_characters, make_visible
from .records import (
    BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT,
    BIRTHDATE_REQUIRED,
    EMPTY,
    ENCODING,
    FIRST_NAME_REQUIRED,
    FORMAT,
    INE_UNIQUE,
    INVALID_BIRTHDATE_FORMAT,
    INVALID_CHAR_DETECTED,
    INVISIBLE,
    LAST_NAME_REQUIRED,
    LEFT_SCHOOL,
    NO_DIVISION,
    NO_INE,
    NONEXISTENT_DATE,
    SEX_CODE_REQUIRED,
    Learner,
    ReaderLimits,
    ReadResult,
    SiecleError,
    SkippedStudent,
)

# The direct children of ELEVE we read, in the order of a row.
FIELDS = (
    "ID_NATIONAL",
    "NOM_DE_FAMILLE",
    "NOM_USAGE",
    "PRENOM",
    "PRENOM2",
    "PRENOM3",
    "DATE_NAISS",
    "CODE_SEXE",
    "CODE_PAYS",
    "CODE_DEPARTEMENT_NAISS",
    "CODE_COMMUNE_INSEE_NAISS",
    "VILLE_NAISS",
    "CODE_MEF",
    "CODE_STATUT",
    "DATE_SORTIE",
)
FIELD_INDEX = {tag: index for index, tag in enumerate(FIELDS)}
(
    INE,  # public: the parse upper-cases it
    _LAST,
    _USAGE,
    _FIRST,
    _MIDDLE,
    _THIRD,
    _BIRTH,
    _SEX,
    _COUNTRY,
    _PROVINCE,
    _CITY_CODE,
    _CITY,
    _MEF,
    _STATUS,
    _LEFT,
) = range(len(FIELDS))
# Values repeated across students share one string (codes, dates, first names).
# (index, whether the value is shared) for each field, for the parse.
SHARED = tuple((index, index not in (INE, _LAST)) for index in range(len(FIELDS)))
_NAMES = ((_LAST, "NOM_DE_FAMILLE"), (_USAGE, "NOM_USAGE"), (_FIRST, "PRENOM"))
_NAMES += ((_MIDDLE, "PRENOM2"), (_THIRD, "PRENOM3"))

_DATE = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})")
_SEXES = {"1": "M", "2": "F"}
FRANCE = "100"

# Mojibake: UTF-8 bytes read as Latin-9/Latin-1/windows-1252 ("Ã©" for "é", three
# characters starting with "â€" for a curly apostrophe). That is a lead character
# (Â-ß for 2-byte sequences, à-ï for 3-byte ones) followed by what a continuation byte
# (0x80-0xBF) becomes in those encodings. Letters that legitimately follow an accented
# capital in a name never are such characters; the no-break space only counts after
# Â/Ã, so that "JOSÉ\xa0MARIA" is not taken for mojibake. C1 control characters and
# U+FFFD (undecodable bytes) never belong in a name either.
_CONTINUATION = "\u00a1-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"  # noqa: RUF001 - on purpose
_MOJIBAKE_PATTERN = (
    f"[\ufffd\u0080-\u009f]|[\u00c2-\u00df][{_CONTINUATION}]|[ÂÃ]\u00a0"
    f"|[\u00e0-\u00ef][{_CONTINUATION}\u00a0][{_CONTINUATION}\u00a0]"
)
_MOJIBAKE = re.compile(_MOJIBAKE_PATTERN)
# One search per name for both (names are nearly always clean); which one matched is
# only looked at for the rare name that fails. C1 controls are in both: they count as
# mojibake (Windows bytes read as Latin-9), the likelier cause and the other advice.
_SUSPECT = re.compile(f"{_MOJIBAKE_PATTERN}|{_INVISIBLE.pattern}")


def parse_date(value: str) -> date | None:
    """DD/MM/YYYY as a real date, else None."""
    return read_date(value)[0]


def read_date(value: str) -> tuple[date | None, str | None]:
    """(the date, None), or (None, FORMAT) when not written DD/MM/YYYY, or (None,
    NONEXISTENT_DATE) when written so but not a day of the calendar (31/02/2015)."""
    match = _DATE.fullmatch(value)
    if not match:
        return None, FORMAT
    day, month, year = match.groups()
    try:
        return date(int(year), int(month), int(day)), None
    except ValueError:
        return None, NONEXISTENT_DATE


def clip(value: str, limit: int) -> str:
    """`value`, cut to `limit` characters (the last one "…") when longer: what an error
    or a skipped student keeps of a value from the file, so that one hostile value does
    not weigh megabytes in every page and file that shows it."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _name_error(value: str, tag: str, who: dict, limit: int) -> SiecleError:
    """INVALID_CHAR_DETECTED for a name `_SUSPECT` matched; the value is stored with its
    invisible characters spelled out, so that no export or page carries them."""
    meta = {**who, "field": tag, "value": clip(make_visible(value), limit)}
    if _MOJIBAKE.search(value):
        meta["reason"] = ENCODING
    else:
        meta["reason"] = INVISIBLE
        meta["characters"] = invisible_characters(value)
    return SiecleError(INVALID_CHAR_DETECTED, meta)


def _skipped(reason: str, line: int, values: list, division: str, limit: int) -> SkippedStudent:
    last_name, first_name = values[_LAST], values[_FIRST]
    if _SUSPECT.search(last_name) or _SUSPECT.search(first_name):
        last_name, first_name = make_visible(last_name), make_visible(first_name)
    return SkippedStudent(
        reason, line, clip(last_name, limit), clip(first_name, limit), clip(division, limit)
    )


def apply_rules(
    rows: list[tuple],
    divisions: dict[str, str],
    reference: date,
    result: ReadResult,
    limits: ReaderLimits | None = None,
) -> None:
    """Skip, check and convert `rows` into `result` (emptied as it goes, to save memory).

    `reference` is the export date (or the import date): a DATE_SORTIE on or before it
    means the student left. `limits` says how many skipped students are named and how
    long a kept value may be.
    """
    limits = limits or ReaderLimits()
    chars = limits.max_meta_chars
    named = result.skipped_students
    first_line_of: dict[str, int] = {}
    kept = 0
    for position in range(len(rows)):
        line, eleve_id, *values = rows[position]
        rows[position] = None  # the Learner shares the strings: the row can go now
        left = parse_date(values[_LEFT]) if values[_LEFT] else None
        # An unreadable DATE_SORTIE is ignored: the student is kept (and checked).
        if left is not None and left <= reference:
            result.skipped[LEFT_SCHOOL] += 1  # counted only: they are gone
            continue
        ine = values[INE]
        division = divisions.get(eleve_id)
        if not ine or not division:
            # Named (the first ones), so that the school can correct them in SIECLE.
            reason = NO_DIVISION if ine else NO_INE
            result.skipped[reason] += 1
            if len(named) < limits.max_named_skipped:
                named.append(_skipped(reason, line, values, division or "", chars))
            continue
        kept += 1
        errors: list[SiecleError] = []
        suspects = [
            (index, tag)
            for index, tag in _NAMES
            if values[index] and _SUSPECT.search(values[index])
        ]
        # Each error names the student and where it is in the file; with the invisible
        # characters of their names spelled out, in every error about them.
        last_name, first_name = values[_LAST], values[_FIRST]
        if suspects:
            last_name, first_name = make_visible(last_name), make_visible(first_name)
        # `clip` hands a value within the limit back as is: no copy for real names.
        who = {
            "ine": clip(ine, chars),
            "last_name": clip(last_name, chars),
            "first_name": clip(first_name, chars),
            "line": line,
        }
        if ine in first_line_of:
            errors.append(SiecleError(INE_UNIQUE, {**who, "first_line": first_line_of[ine]}))
        else:
            first_line_of[ine] = line
        if not values[_LAST]:
            errors.append(SiecleError(LAST_NAME_REQUIRED, {**who, "field": "NOM_DE_FAMILLE"}))
        if not values[_FIRST]:
            errors.append(SiecleError(FIRST_NAME_REQUIRED, {**who, "field": "PRENOM"}))
        birthdate = None
        if not values[_BIRTH]:
            errors.append(SiecleError(BIRTHDATE_REQUIRED, {**who, "field": "DATE_NAISS"}))
        else:
            birthdate, reason = read_date(values[_BIRTH])
            if birthdate is None:
                value = clip(make_visible(values[_BIRTH]), chars)
                meta = {**who, "field": "DATE_NAISS", "value": value, "reason": reason}
                errors.append(SiecleError(INVALID_BIRTHDATE_FORMAT, meta))
        # Rule for a code other than 1 or 2: the sex is then unknown, which is what
        # SEX_CODE_REQUIRED means; the value is kept in the meta to say what was read.
        sex = _SEXES.get(values[_SEX])
        if sex is None:
            meta = {**who, "field": "CODE_SEXE"}
            if values[_SEX]:
                meta["value"] = clip(make_visible(values[_SEX]), chars)
            errors.append(SiecleError(SEX_CODE_REQUIRED, meta))
        if values[_COUNTRY] == FRANCE and not values[_CITY_CODE]:
            meta = {**who, "field": "CODE_COMMUNE_INSEE_NAISS", "country": FRANCE}
            errors.append(SiecleError(BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT, meta))
        for index, tag in suspects:
            errors.append(_name_error(values[index], tag, who, chars))
        if errors:
            for error in errors:
                result.add_error(error)
        else:
            result.learners.append(
                Learner(
                    ine,
                    values[_LAST],
                    values[_USAGE],
                    values[_FIRST],
                    values[_MIDDLE],
                    values[_THIRD],
                    sex,
                    birthdate,
                    values[_COUNTRY],
                    values[_PROVINCE],
                    values[_CITY_CODE],
                    values[_CITY],
                    values[_MEF],
                    values[_STATUS],
                    division,
                    line,
                )
            )
    if not kept:
        meta = {"students": result.student_count, "skipped": dict(result.skipped)}
        result.add_error(SiecleError(EMPTY, meta))
