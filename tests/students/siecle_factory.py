"""Small SIECLE documents for the reader's tests, written field by field.

    siecle_xml([student(ine="1234567890A"), student(PRENOM=None)])

A field set to None is absent, SELF is self-closed (`<PRENOM/>`), "" is an empty pair.
"""

from __future__ import annotations

import io
import zipfile
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
