"""Small SIECLE exports written student by student, for the import's precise cases.

    siecle_xml(uai, [pupil("1234567890A", "DUPONT", "Léa", division="4A")])

Larger, realistic files come from students.siecle_generator.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape


def pupil(
    ine: str | None,
    last_name: str = "DUPONT",
    first_name: str = "Léa",
    *,
    division: str | None = "4A",
    birthdate: str = "31/12/2011",
    sex: str = "2",
    preferred_last_name: str = "",
    country: str = "100",
    city_code: str = "75056",
    left_on: str | None = None,
    mef: str = "10210001110",
) -> dict:
    return {
        "ine": ine,
        "last_name": last_name,
        "first_name": first_name,
        "division": division,
        "birthdate": birthdate,
        "sex": sex,
        "preferred_last_name": preferred_last_name,
        "country": country,
        "city_code": city_code,
        "left_on": left_on,
        "mef": mef,
    }


def _el(tag: str, value: str | None) -> str:
    if value is None:
        return ""
    if value == "":
        return f"<{tag}/>"
    return f"<{tag}>{escape(value)}</{tag}>"


def siecle_xml(
    uai: str,
    pupils: list[dict],
    *,
    export_date: str = "01/09/2026",
    encoding: str = "ISO-8859-15",
) -> bytes:
    """An "Élèves sans adresses" export in `encoding`, one ELEVE per pupil."""
    eleves, structures = [], []
    for index, p in enumerate(pupils):
        eleve_id = str(5000 + index)
        fields = "".join(
            (
                _el("ID_NATIONAL", p["ine"] or ""),
                _el("NOM_DE_FAMILLE", p["last_name"]),
                _el("NOM_USAGE", p["preferred_last_name"]),
                _el("PRENOM", p["first_name"]),
                _el("PRENOM2", ""),
                _el("DATE_NAISS", p["birthdate"]),
                _el("CODE_PAYS", p["country"]),
                _el("CODE_DEPARTEMENT_NAISS", "075" if p["country"] == "100" else "990"),
                _el("CODE_COMMUNE_INSEE_NAISS", p["city_code"]),
                _el("VILLE_NAISS", "PARIS"),
                _el("DATE_SORTIE", p["left_on"]),
                _el("CODE_SEXE", p["sex"]),
                _el("CODE_MEF", p["mef"]),
                _el("CODE_STATUT", "ST"),
            )
        )
        eleves.append(f'<ELEVE ELEVE_ID="{eleve_id}">{fields}</ELEVE>\n')
        if p["division"]:
            structures.append(
                f'<STRUCTURES_ELEVE ELEVE_ID="{eleve_id}"><STRUCTURE>'
                f"<CODE_STRUCTURE>{escape(p['division'])}</CODE_STRUCTURE>"
                "<TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>\n"
            )
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<BEE_ELEVES VERSION="3.1">\n'
        f"<PARAMETRES><UAJ>{escape(uai)}</UAJ><DATE_EXPORT>{export_date}</DATE_EXPORT>"
        "</PARAMETRES>\n<DONNEES>\n<ELEVES>\n"
        + "".join(eleves)
        + "</ELEVES>\n<STRUCTURES>\n"
        + "".join(structures)
        + "</STRUCTURES>\n</DONNEES>\n</BEE_ELEVES>\n"
    )
    return text.encode(encoding)


def zipped(xml: bytes, name: str = "ElevesSansAdresses.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, xml)
    return buffer.getvalue()
