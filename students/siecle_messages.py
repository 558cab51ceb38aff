"""The sentences for the SIECLE reader's error codes, rendered at display time.

Errors are stored as {code, meta}; the sentence is rendered when shown, in the
reader's language (English msgids, French catalogue). Per-student sentences name the
INE, the student and the line of the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from students.siecle import records
from students.siecle.characters import make_visible

MESSAGES = {
    records.INVALID_FILE: _(
        "The file is not a valid SIECLE export: send the XML file or the zip archive "
        "that contains it."
    ),
    records.PAYLOAD_TOO_LARGE: _("The file exceeds the maximum allowed size (%(limit)s)."),
    records.ENCODING_NOT_SUPPORTED: _(
        "The file encoding (%(encoding)s) is not supported: use UTF-8, ISO-8859-15, "
        "ISO-8859-1 or windows-1252."
    ),
    records.UAI_MISMATCHED: _(
        "The UAI of the SIECLE file (%(file_uai)s) does not match your school's (%(uai)s)."
    ),
    records.INE_UNIQUE: _(
        "The INE %(ine)s appears several times in the file (%(who)s; first seen line "
        "%(first_line)s)."
    ),
    records.LAST_NAME_REQUIRED: _("The student with INE %(ine)s (%(who)s) has no last name."),
    records.FIRST_NAME_REQUIRED: _("The student with INE %(ine)s (%(who)s) has no first name."),
    records.BIRTHDATE_REQUIRED: _("The student with INE %(ine)s (%(who)s) has no birth date."),
    records.INVALID_BIRTHDATE_FORMAT: _(
        "The student with INE %(ine)s (%(who)s) has a birth date that is not a valid "
        'DD/MM/YYYY date: "%(value)s".'
    ),
    records.SEX_CODE_REQUIRED: _(
        "The student with INE %(ine)s (%(who)s) has no sex code (1 or 2)."
    ),
    records.BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT: _(
        "The student with INE %(ine)s (%(who)s) was born in France but has no INSEE code "
        "for their city of birth."
    ),
    records.INVALID_CHAR_DETECTED: _(
        "The student with INE %(ine)s (%(who)s) has an invalid character in their "
        '%(field_label)s (%(field)s): "%(value)s". The file was probably saved with the '
        "wrong encoding."
    ),
    records.EMPTY: _("Students must have an INE and a class."),
}

# Variants chosen from the meta.
UAI_MISSING = _("The SIECLE file has no UAI; it should be your school's (%(uai)s).")
SEX_CODE_INVALID = _(
    'The student with INE %(ine)s (%(who)s) has an invalid sex code "%(value)s" (1 or 2 expected).'
)
BIRTHDATE_NONEXISTENT = _(
    "The student with INE %(ine)s (%(who)s) has an impossible birth date: %(value)s does not exist."
)
INVISIBLE_CHARACTERS = _(
    "The student with INE %(ine)s (%(who)s) has invisible characters (%(characters)s) in "
    'their %(field_label)s (%(field)s): "%(value)s". They make a name look unlike what it '
    "is: correct it in SIECLE."
)
# The name fields, as the sentences name them (after "their").
FIELD_LABELS = {
    "NOM_DE_FAMILLE": pgettext_lazy("SIECLE field", "last name"),
    "NOM_USAGE": pgettext_lazy("SIECLE field", "usage name"),
    "PRENOM": pgettext_lazy("SIECLE field", "first name"),
    "PRENOM2": pgettext_lazy("SIECLE field", "second first name"),
    "PRENOM3": pgettext_lazy("SIECLE field", "third first name"),
}
UNKNOWN = _("Unknown error (%(code)s).")
# Megabytes of 1,048,576 bytes, as people say "20 Mo" for the 20 MiB upload limit.
MEGABYTES = _("%(size)s MB")
WHO_WITH_NAME = _("%(name)s, line %(line)s")
WHO_LINE_ONLY = _("line %(line)s")

# INVALID_FILE's meta["reason"] -> a second sentence saying what is wrong.
INVALID_FILE_DETAILS = {
    records.MALFORMED: _("The XML is malformed or incomplete (line %(line)s)."),
    records.DOCTYPE: _("Document type declarations (DOCTYPE) are not accepted."),
    records.GZIP: _("Gzip-compressed files are not accepted."),
    records.NOT_SIECLE: _("The XML is not a SIECLE students export (BEE_ELEVES)."),
    records.ZIP_XML_COUNT: _("The zip archive must contain exactly one XML file."),
    records.ZIP_TOO_LARGE: _("The zip archive is too large once uncompressed."),
    records.ZIP_ENCRYPTED: _("The zip archive is password-protected."),
    records.ZIP_CORRUPT: _("The zip archive is damaged."),
    records.UNSAFE_ENTRY_NAME: _(
        'The zip archive holds an entry whose name leads out of the archive ("%(name)s"), '
        "which a SIECLE export never does: send the file as SIECLE produced it."
    ),
    records.EMPTY_FILE: _("The file is empty."),
    records.TOO_COMPLEX: _("One of the file's elements is far larger than in a SIECLE export."),
    records.TOO_MANY_STUDENTS: _(
        "The file holds more than %(limit)s students: it is not the export of a single school."
    ),
    records.DUPLICATE_PARAMETRES: _(
        "The file has several PARAMETRES sections (line %(line)s), whereas a SIECLE export "
        "has only one."
    ),
}

# A short name per code: the heading of its errors on the import page, and what is left
# of them once their detail has expired.
CODE_LABELS = {
    records.INVALID_FILE: _("File not recognised"),
    records.PAYLOAD_TOO_LARGE: _("File too large"),
    records.ENCODING_NOT_SUPPORTED: _("Encoding not supported"),
    records.UAI_MISMATCHED: _("File of another school"),
    records.INE_UNIQUE: _("INE present several times"),
    records.LAST_NAME_REQUIRED: _("Last name missing"),
    records.FIRST_NAME_REQUIRED: _("First name missing"),
    records.BIRTHDATE_REQUIRED: _("Birth date missing"),
    records.INVALID_BIRTHDATE_FORMAT: _("Invalid birth date"),
    records.SEX_CODE_REQUIRED: _("Sex missing or invalid"),
    records.BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT: _("INSEE code of the city of birth missing"),
    records.INVALID_CHAR_DETECTED: _("Invalid or invisible characters in a name"),
    records.EMPTY: _("No student to import"),
}

# What to do next, one paragraph per kind of refusal (`render_advice`). A file-level
# refusal is not the students' fault: each says what to send instead.
# SIECLE's menus, named as SIECLE shows them (in French); the quotation marks follow the
# language.
EXPORT_PATH = _("Base élèves établissement › Exportations › En XML › “Élèves sans adresses”")  # noqa: RUF001
ADVICE = {
    # Not the export the import reads: a PNG, a CSV, another XML, an odd archive.
    "WHICH_EXPORT": _(
        "Send the SIECLE export of your students: in SIECLE, open %(path)s, then send the "
        "file it gives you (ExportXML_ElevesSansAdresses.zip) as it is, or the "
        "ElevesSansAdresses.xml file it contains."
    ),
    "EXPORT_AGAIN": _(
        "The file is damaged or incomplete, which happens when a download is cut short or "
        "the file is opened and saved again in another program. Export it from SIECLE "
        "again (%(path)s) and send it without opening it."
    ),
    "NO_PASSWORD": _(
        "Send the archive as SIECLE produced it, without a password, or the "
        "ElevesSansAdresses.xml file it contains."
    ),
    "TOO_LARGE": _(
        "Send the zip archive SIECLE produced (ExportXML_ElevesSansAdresses.zip) rather than "
        "the XML file it contains: it is far smaller. The export of one school, even a "
        "large lycée, fits within the limit; a larger file is not the export of your "
        "students (%(path)s)."
    ),
    "ENCODING": _(
        "The file was saved again in another encoding after its export. Send the file "
        "exactly as SIECLE produced it, without opening it in another program; if it had "
        "to be saved again, save it as UTF-8."
    ),
    "OTHER_SCHOOL": _(
        "This file is the export of another school (UAI %(file_uai)s), not of yours (UAI "
        "%(uai)s). Sign in to SIECLE for your school, UAI %(uai)s, export its students "
        "(%(path)s) and send that file."
    ),
    # The detail expired (no UAI kept) or, for a file without UAI, see WHICH_EXPORT.
    "OTHER_SCHOOL_UNNAMED": _(
        "This file is not the export of your school. Sign in to SIECLE for your school, "
        "export its students (%(path)s) and send that file."
    ),
    "EMPTY": _(
        "No student of the file has both an INE and a class. In SIECLE, check that your "
        "students have their INE and are placed in their classes (divisions), then export "
        "the file again."
    ),
    # Per-student errors.
    "STUDENTS": _("Correct these students in SIECLE, export the file again and import it."),
    "REENCODED": _(
        "Accented letters were read wrongly: the file was most likely opened and saved "
        "again in another program after its export, and there is nothing to correct in "
        "SIECLE for them. Send the file exactly as SIECLE produced it."
    ),
}
# INVALID_FILE's meta["reason"] -> its advice; any other reason: WHICH_EXPORT.
INVALID_FILE_ADVICE = {
    records.MALFORMED: "EXPORT_AGAIN",
    records.ZIP_CORRUPT: "EXPORT_AGAIN",
    records.ZIP_ENCRYPTED: "NO_PASSWORD",
}

SKIP_REASONS = {
    records.LEFT_SCHOOL: _("left the school"),
    records.NO_INE: _("no INE"),
    records.NO_DIVISION: _("no class"),
}


class _Params(dict):
    """Format parameters that never fail: a missing key shows as "?"."""

    def __missing__(self, key: str) -> str:
        return "?"


def error_name(meta: Mapping[str, Any]) -> str:
    """The student's name as the sentences show it ("DUPONT Léa"), "" when unknown."""
    name = " ".join(str(meta.get(key) or "") for key in ("last_name", "first_name")).strip()
    return make_visible(name)


def render_error(code: str, meta: Mapping[str, Any] | None = None) -> str:
    """The sentence for an error, in the active language (lazy strings resolve now).

    Values from the file are shown with their invisible characters spelled out
    ("[U+202E]"), also in errors stored before the reader did so itself.
    """
    meta = meta or {}
    params = _Params(
        {
            key: make_visible(value) if isinstance(value, str) else value
            for key, value in meta.items()
            if value is not None
        }
    )
    params["code"] = code
    if code == records.PAYLOAD_TOO_LARGE and isinstance(meta.get("limit"), int):
        size = meta["limit"] / (1024 * 1024)
        decimals = 0 if size == int(size) else 1
        params["limit"] = str(MEGABYTES) % {"size": number_format(size, decimals)}
    if "line" in meta:
        name = error_name(meta)
        if name:
            params["who"] = str(WHO_WITH_NAME) % {"name": name, "line": meta["line"]}
        else:
            params["who"] = str(WHO_LINE_ONLY) % {"line": meta["line"]}
    if code == records.UAI_MISMATCHED and not meta.get("file_uai"):
        return str(UAI_MISSING) % params
    if code == records.SEX_CODE_REQUIRED and meta.get("value"):
        return str(SEX_CODE_INVALID) % params
    if code == records.INVALID_BIRTHDATE_FORMAT and meta.get("reason") == records.NONEXISTENT_DATE:
        return str(BIRTHDATE_NONEXISTENT) % params
    if code == records.INVALID_CHAR_DETECTED:
        label = FIELD_LABELS.get(meta.get("field"))
        params["field_label"] = str(label) if label is not None else params["field"]
        if meta.get("reason") == records.INVISIBLE:
            characters = meta.get("characters")
            if isinstance(characters, list):
                params["characters"] = ", ".join(str(character) for character in characters)
            return str(INVISIBLE_CHARACTERS) % params
    if code == records.INVALID_FILE:
        if meta.get("reason") == records.TOO_MANY_STUDENTS and isinstance(meta.get("limit"), int):
            params["limit"] = number_format(meta["limit"], force_grouping=True)
        sentence = str(MESSAGES[code])
        detail = INVALID_FILE_DETAILS.get(meta.get("reason"))
        if detail is not None and (meta.get("reason") != records.MALFORMED or "line" in meta):
            sentence = f"{sentence} {str(detail) % params}"
        return sentence
    message = MESSAGES.get(code, UNKNOWN)
    return str(message) % params


def render_skip_reason(reason: str) -> str:
    label = SKIP_REASONS.get(reason)
    return str(label) if label is not None else reason


def render_code_label(code: str) -> str:
    label = CODE_LABELS.get(code)
    return str(label) if label is not None else code


def advice_key(code: str, meta: Mapping[str, Any] | None = None) -> str | None:
    """Which ADVICE paragraph a file-level refusal calls for (None for other codes)."""
    meta = meta or {}
    if code == records.INVALID_FILE:
        return INVALID_FILE_ADVICE.get(meta.get("reason"), "WHICH_EXPORT")
    if code == records.UAI_MISMATCHED:
        if "file_uai" in meta and not meta["file_uai"]:
            return "WHICH_EXPORT"  # no UAI at all: not a complete export
        return (
            "OTHER_SCHOOL" if meta.get("file_uai") and meta.get("uai") else "OTHER_SCHOOL_UNNAMED"
        )
    return {
        records.PAYLOAD_TOO_LARGE: "TOO_LARGE",
        records.ENCODING_NOT_SUPPORTED: "ENCODING",
        records.EMPTY: "EMPTY",
    }.get(code)


def render_advice(key: str, meta: Mapping[str, Any] | None = None) -> str:
    """An ADVICE paragraph in the active language (UAIs from `meta` where it names them)."""
    params = _Params({"path": str(EXPORT_PATH)})
    for name in ("file_uai", "uai"):
        if isinstance((meta or {}).get(name), str):
            params[name] = make_visible(meta[name])
    return str(ADVICE[key]) % params
