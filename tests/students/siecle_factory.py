"""Small SIECLE documents for the reader's tests, written field by field.

    siecle_xml([student(ine="1234567890A"), student(PRENOM=None)])

A field set to None is absent, SELF is self-closed (`<PRENOM/>`), "" is an empty pair.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Iterator
from xml.sax.saxutils import escape

SELF = object()
UAI = "0750654D"

_DEFAULTS = {
    "ID_NATIONAL": "1234567890A",
    "NOM_DE_FAMILLE": "DUPONT",
    "NOM_USAGE": SELF,
    "PRENOM": "Léa",
    "PRENOM2": "Zoé",
    "PRENOM3": "",
    "DATE_NAISS": "31/12/2011",
    "CODE_PAYS": "100",
    "CODE_DEPARTEMENT_NAISS": "075",
    "CODE_COMMUNE_INSEE_NAISS": "75056",
    "VILLE_NAISS": "PARIS",
    "CODE_SEXE": "2",
    "CODE_MEF": "10010012110",
    "CODE_STATUT": "ST",
}


def student(eleve_id: str | None = None, division: str | None = "4A", **fields) -> dict:
    """One ELEVE: fields by their XML tag; `division=None` gives no structure at all.

    `structures=[("LATIN", "G"), ("4A", "D")]` lists the structures in that order;
    `inner="<X>..</X>"` adds raw XML inside the ELEVE (after the fields).
    """
    values = dict(_DEFAULTS)
    structures = fields.pop("structures", None)
    inner = fields.pop("inner", "")
    values.update(fields)
    if structures is None:
        structures = [(division, "D")] if division else []
    return {"id": eleve_id, "fields": values, "structures": structures, "inner": inner}


def _element(tag: str, value) -> str:
    if value is None:
        return ""
    if value is SELF:
        return f"<{tag}/>"
    return f"<{tag}>{escape(value)}</{tag}>"


def siecle_text(
    students: list[dict],
    *,
    uai: str | None = UAI,
    export_date: str | None = "01/09/2026",
    declaration: str | None = "UTF-8",
    prolog: str = "",
    structures_reversed: bool = False,
) -> str:
    """The document as text, one ELEVE per line (its line is 6 + its index)."""
    parts = []
    if declaration is not None:
        parts.append(f'<?xml version="1.0" encoding="{declaration}"?>\n')
    else:
        parts.append("\n")
    parts.append(prolog)
    parts.append('<BEE_ELEVES VERSION="3.1">\n')
    parameters = _element("UAJ", uai) + _element("DATE_EXPORT", export_date)
    parts.append(f"<PARAMETRES>{parameters}<ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE></PARAMETRES>\n")
    parts.append("<DONNEES>\n<ELEVES>\n")
    for index, spec in enumerate(students):
        eleve_id = spec["id"] or str(1000 + index)
        body = "".join(_element(tag, value) for tag, value in spec["fields"].items())
        parts.append(
            f'<ELEVE ELEVE_ID="{eleve_id}" ELENOET="{index}">{body}{spec["inner"]}</ELEVE>\n'
        )
    parts.append('</ELEVES>\n<OPTIONS><OPTION ELEVE_ID="1000"/></OPTIONS>\n<STRUCTURES>\n')
    order = list(enumerate(students))
    for index, spec in reversed(order) if structures_reversed else order:
        eleve_id = spec["id"] or str(1000 + index)
        body = "".join(
            f"<STRUCTURE><CODE_STRUCTURE>{escape(code)}</CODE_STRUCTURE>"
            f"<TYPE_STRUCTURE>{kind}</TYPE_STRUCTURE></STRUCTURE>"
            for code, kind in spec["structures"]
        )
        parts.append(f'<STRUCTURES_ELEVE ELEVE_ID="{eleve_id}">{body}</STRUCTURES_ELEVE>\n')
    parts.append("</STRUCTURES>\n</DONNEES>\n</BEE_ELEVES>\n")
    return "".join(parts)


def siecle_xml(students: list[dict] | None = None, *, encoding: str = "utf-8", **kwargs) -> bytes:
    """The document as bytes in `encoding` (a Python codec), declared accordingly."""
    if students is None:
        students = [student()]
    labels = {"utf-8": "UTF-8", "iso-8859-15": "ISO-8859-15", "cp1252": "windows-1252"}
    kwargs.setdefault("declaration", labels.get(encoding, encoding))
    return siecle_text(students, **kwargs).encode(encoding)


def zipped(*entries: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


# --- Adversarial shapes: bulk where a reader keeping the tree would hold it ----------------

# shape -> (where the bulk goes, what opens it, the unit repeated, what closes it)
_ANCHOR_ELEVES = b"<ELEVES>\n"
# 64 KB that deflate cannot shrink much (its window is 32 KB): zips at a ratio of ~17.
_rng = random.Random(0)
_VARIED = b"".join(b"<Y>%s</Y>" % _rng.choice((b"a", b"b", b"c", b"d")) for _ in range(8192))
_SHAPES = {
    # Below ELEVES, but not students: depth 4 and more.
    "wide": (_ANCHOR_ELEVES, b"<X>", b"<Y/>", b"</X>"),
    "deep": (_ANCHOR_ELEVES, b"<D>" * 100, b"<Y/>", b"</D>" * 100),
    "wide_varied": (_ANCHOR_ELEVES, b"<X>", _VARIED, b"</X>"),
    # One student with millions of children, or of grandchildren.
    "eleve": (_ANCHOR_ELEVES, b'<ELEVE ELEVE_ID="9">', b"<Y/>", b"</ELEVE>"),
    "eleve_grandchildren": (
        _ANCHOR_ELEVES,
        b'<ELEVE ELEVE_ID="9"><SCOLARITE_AN_DERNIER>',
        b"<Y/>",
        b"</SCOLARITE_AN_DERNIER></ELEVE>",
    ),
    "structures": (
        b"<STRUCTURES>\n",
        b'<STRUCTURES_ELEVE ELEVE_ID="9">',
        b"<STRUCTURE/>",
        b"</STRUCTURES_ELEVE>",
    ),
    "parametres": (b"</PARAMETRES>", b"", b"<Y/>", b""),
    # One start tag with millions of attributes (libxml2 builds them all at once).
    "attributes": (_ANCHOR_ELEVES, b"<X", None, b"/>"),
    # Text on the open path, in runs too short for the tag guard (comments are dropped).
    "text": (_ANCHOR_ELEVES, b"<X>", b"x" * 100_000 + b"<!---->", b"</X>"),
    # And "deep_wide": siblings at each of 100 nested levels.
}


def adversarial_parts(shape: str, size: int) -> Iterator[bytes]:
    """A valid one-student document with about `size` more bytes of `shape` (_SHAPES).

    Generated as it is read (with PartsStream), so that a test process holds none of it.
    """
    document = siecle_text([student()]).encode()
    anchor, opening, unit, closing = _SHAPES["wide" if shape == "deep_wide" else shape]
    at = document.index(anchor) + (0 if anchor.startswith(b"</") else len(anchor))
    yield document[:at]
    if shape == "deep_wide":  # siblings at each of 100 levels
        for _level in range(100):
            yield from _repeat(b"<Y/>", size // 100)
            yield b"<D>"
        yield b"</D>" * 100
    elif shape == "attributes":
        yield opening
        for start in range(0, size // 10, 10_000):
            yield b"".join(b' a%d=""' % index for index in range(start, start + 10_000))
        yield closing
    else:
        yield opening
        yield from _repeat(unit, size)
        yield closing
    yield document[at:]


def _repeat(unit: bytes, size: int) -> Iterator[bytes]:
    """`unit` repeated over about `size` bytes, in parts of about 64 KB."""
    count, per_part = size // len(unit), max(1, 65_536 // len(unit))
    for _ in range(count // per_part):
        yield unit * per_part
    yield unit * (count % per_part)


class PartsStream(io.RawIOBase):
    """A forward-only binary stream over generated parts: nothing is held but a part."""

    def __init__(self, parts) -> None:
        self._parts = iter(parts)
        self._pending = b""
        self.consumed = 0  # bytes handed out

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            self._pending = next(self._parts, None)
            if self._pending is None:
                self._pending = b""
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        self.consumed += size
        return size
