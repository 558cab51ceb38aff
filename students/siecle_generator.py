"""Realistic SIECLE "Élèves sans adresses" exports, for tests, benchmarks and demos.

Pure Python (no Django), deterministic for a given seed, and streaming: the document is
written student by student, so 50,000 students never sit in memory at once.

The files look like the real exports where the reader is concerned: ISO-8859-15 by
default (accents, `œ`), about 2.5 KB per student with many children the reader ignores,
a nested `SCOLARITE_AN_DERNIER` holding its own `CODE_MEF`/`CODE_STRUCTURE`, self-closed
empty elements, births in Corsica (2A/2B) and abroad (`CODE_PAYS` ≠ 100, no commune
code), usage names, groups sometimes listed before the class, students who left (a
`DATE_SORTIE` before the export date, structure `Inactifs` or their old class), leaving
dates in the future, students without INE and students without a class.
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

ZIP_NAME = "ExportXML_ElevesSansAdresses.zip"
XML_NAME = "ElevesSansAdresses.xml"

# Python codec name -> name written in the XML declaration.
ENCODINGS = {
    "iso-8859-15": "ISO-8859-15",
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",  # UTF-8 with a byte order mark
    "windows-1252": "windows-1252",
    "iso-8859-1": "ISO-8859-1",
}


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


LAST_NAMES = _names(
    "MARTIN|BERNARD|DUBOIS|THOMAS|ROBERT|RICHARD|PETIT|DURAND|LEROY|MOREAU|SIMON|LAURENT|"
    "LEFÈVRE|MICHEL|GARCÍA|DAVID|BERTRAND|ROUX|VINCENT|FOURNIER|MOREL|GIRARD|ANDRÉ|"
    "MERCIER|DUPONT|LAMBERT|BONNET|FRANÇOIS|MARTINEZ|LEGRAND|GARNIER|FAURE|CHEVALIER|"
    "GUÉRIN|MÜLLER|NGUYEN|N'DIAYE|LE GOFF|DE LA FONTAINE|CŒUR|BŒUF|LŒWENBRUCK|"
    "PIERRE-LOUIS|DA SILVA|ÉTIENNE|BÉNÉTEAU|O'CONNOR|SANTOS|TRAORÉ|BENOÎT|HÉBERT|GAUTHIER|"
    "PERRIN|CARON"
)
FIRST_NAMES_F = _names(
    "Léa|Chloé|Emma|Inès|Zoé|Jade|Louise|Maëlys|Anaïs|Noémie|Héloïse|Lætitia|Chloë|"
    "Célestine|Anaëlle|Maÿlis|Manon|Camille|Sarah|Clémence|Aïcha|Éloïse|Océane|Bérénice|"
    "Gaëlle|Ophélie"
)
FIRST_NAMES_M = _names(
    "Lucas|Hugo|Théo|Mathéo|Loïc|Jérôme|François|Clément|Benoît|Aurélien|Maël|Timothée|"
    "Joël|Noël|Raphaël|Gaël|Noé|Jules|Adam|Léo|Nathan|Enzo|Anthonin|Bastien|Élie|Côme|"
    "Aurèle"
)
# (department code as SIECLE writes it, INSEE commune code, city)
FRENCH_CITIES = (
    ("075", "75056", "PARIS"),
    ("069", "69123", "LYON"),
    ("013", "13055", "MARSEILLE"),
    ("031", "31555", "TOULOUSE"),
    ("059", "59350", "LILLE"),
    ("033", "33063", "BORDEAUX"),
    ("044", "44109", "NANTES"),
    ("067", "67482", "STRASBOURG"),
    ("035", "35238", "RENNES"),
    ("006", "06088", "NICE"),
    ("093", "93066", "SAINT-DENIS"),
    ("974", "97411", "SAINT-DENIS"),
    ("02A", "2A004", "AJACCIO"),
    ("02B", "2B033", "BASTIA"),
    ("02A", "2A247", "PORTO-VECCHIO"),
    ("076", "76351", "LE HAVRE"),
    ("064", "64445", "PAU"),
)
# (INSEE country code, city)
FOREIGN_CITIES = (
    ("132", "LONDRES"),
    ("134", "MADRID"),
    ("139", "PORTO"),
    ("109", "MÜNCHEN"),
    ("350", "CASABLANCA"),
    ("352", "ALGER"),
    ("351", "TUNIS"),
    ("127", "ROMA"),
    ("404", "MONTRÉAL"),
)
# (MEF code, level label, class prefix, birth year offset from the school year)
LEVELS = (
    ("10010012110", "6EME", "6", 11),
    ("10110001110", "5EME", "5", 12),
    ("10210001110", "4EME", "4", 13),
    ("10310019110", "3EME", "3", 14),
)
GROUPS = ("LATIN", "ESP-LV2", "ALL-LV2", "CHORALE", "GREC", "EURO-ANG", "ATELIER-SC")
OPTIONS = ("030201", "030601", "020700", "061300", "100100", "022300")


@dataclass
class GeneratedExport:
    """What a generated file holds, to check a reader against."""

    students: int = 0
    learners: int = 0
    skipped: dict[str, int] = field(
        default_factory=lambda: {"LEFT_SCHOOL": 0, "NO_INE": 0, "NO_DIVISION": 0}
    )
    export_date: date | None = None
    uai: str = ""
    encoding: str = ""


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _el(tag: str, value: str | None, indent: str = "      ") -> str:
    """One element: `None` comes out self-closed, "" as an empty pair (both mean empty)."""
    if value is None:
        return f"{indent}<{tag}/>\n"
    if value == "":
        return f"{indent}<{tag}></{tag}>\n"
    return f"{indent}<{tag}>{escape(value)}</{tag}>\n"


class _Student:
    __slots__ = (
        "division",
        "elenoet",
        "eleve_id",
        "group_first",
        "groups",
        "inactive",
        "ine",
        "left",
        "left_date",
        "level",
    )


def write_siecle(
    out: BinaryIO,
    *,
    students: int,
    uai: str = "0750654D",
    seed: int = 0,
    encoding: str = "iso-8859-15",
    school_year: int = 2026,
    export_date: date | None = None,
) -> GeneratedExport:
    """Write an export of `students` students to the binary stream `out`.

    Returns the counts a correct reader finds: every student is valid, and the
    skipped ones are counted by reason (`LEFT_SCHOOL`, `NO_INE`, `NO_DIVISION`).
    """
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {sorted(ENCODINGS)}")
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    export_date = export_date or date(school_year, 9, 1)
    stats = GeneratedExport(export_date=export_date, uai=uai, encoding=ENCODINGS[encoding])
    # Characters the encoding cannot hold come out as "?", as SIECLE does.
    text = io.TextIOWrapper(
        out, encoding=encoding, errors="replace", newline="\n", write_through=False
    )
    text.write(f'<?xml version="1.0" encoding="{ENCODINGS[encoding]}"?>\n')
    text.write('<BEE_ELEVES VERSION="3.1">\n')
    text.write(
        "  <PARAMETRES>\n"
        f"    <UAJ>{escape(uai)}</UAJ>\n"
        f"    <ANNEE_SCOLAIRE>{school_year}</ANNEE_SCOLAIRE>\n"
        f"    <DATE_EXPORT>{_fmt(export_date)}</DATE_EXPORT>\n"
        f"    <HORODATAGE>{_fmt(export_date)} 08:12:45</HORODATAGE>\n"
        "  </PARAMETRES>\n"
        "  <DONNEES>\n"
        "  <ELEVES>\n"
    )
    per_class = 28
    records: list[_Student] = []
    ine_base = rng.randrange(10**8, 9 * 10**8)
    buffer: list[str] = []
    for index in range(students):
        record = _Student()
        record.eleve_id = str(1_000_000 + index)
        record.elenoet = str(20_000 + index)
        level = LEVELS[(index // per_class) % len(LEVELS)]
        record.level = level
        class_number = index // (per_class * len(LEVELS))
        record.division = f"{level[2]}{chr(ord('A') + class_number % 26)}"
        if class_number >= 26:
            record.division += str(class_number // 26)
        record.groups = rng.sample(GROUPS, rng.choice((0, 0, 1, 1, 2, 3)))
        record.group_first = bool(record.groups) and rng.random() < 0.3
        roll = rng.random()
        record.left = roll < 0.03
        record.inactive = False
        record.left_date = None
        if record.left:
            record.left_date = export_date - timedelta(days=rng.randrange(0, 300))
            # Some leavers are moved to the pseudo-class, others keep their old class.
            record.inactive = rng.random() < 0.5
        elif roll < 0.05:
            record.left_date = export_date + timedelta(days=rng.randrange(1, 200))
        no_ine = 0.05 <= roll < 0.06
        no_division = 0.06 <= roll < 0.07
        if no_division:
            record.division = None
            record.inactive = rng.random() < 0.5
        record.ine = None if no_ine else f"{ine_base + index * 7:010d}{chr(65 + index % 26)}"
        stats.students += 1
        if record.left:
            stats.skipped["LEFT_SCHOOL"] += 1
        elif no_ine:
            stats.skipped["NO_INE"] += 1
        elif no_division:
            stats.skipped["NO_DIVISION"] += 1
        else:
            stats.learners += 1
        buffer.append(_eleve(rng, record, school_year, export_date))
        # Only what the structures section needs is kept per student.
        records.append(record)
        if len(buffer) >= 200:
            text.write("".join(buffer))
            buffer.clear()
    text.write("".join(buffer))
    buffer.clear()
    text.write("  </ELEVES>\n  <OPTIONS>\n")
    for record in records:
        buffer.append(_option(rng, record))
        if len(buffer) >= 500:
            text.write("".join(buffer))
            buffer.clear()
    text.write("".join(buffer))
    buffer.clear()
    text.write("  </OPTIONS>\n  <STRUCTURES>\n")
    for record in records:
        buffer.append(_structures(record))
        if len(buffer) >= 500:
            text.write("".join(buffer))
            buffer.clear()
    text.write("".join(buffer))
    text.write("  </STRUCTURES>\n  </DONNEES>\n</BEE_ELEVES>\n")
    text.flush()
    text.detach()
    return stats


def write_siecle_zip(
    out: BinaryIO, *, xml_name: str = XML_NAME, **kwargs: object
) -> GeneratedExport:
    """The same export inside a zip, as SIECLE hands it out (streamed, deflated)."""
    with (
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open(xml_name, "w") as entry,
    ):
        return write_siecle(entry, **kwargs)  # type: ignore[arg-type]


def _eleve(rng: random.Random, s: _Student, school_year: int, export_date: date) -> str:
    female = rng.random() < 0.5
    first_names = FIRST_NAMES_F if female else FIRST_NAMES_M
    last = rng.choice(LAST_NAMES)
    usage = rng.choice(LAST_NAMES) if rng.random() < 0.08 else None
    born = date(school_year - s.level[3], 1, 1) + timedelta(days=rng.randrange(365))
    if rng.random() < 0.08:
        country, city = rng.choice(FOREIGN_CITIES)
        province, commune = "990", None
    else:
        country = "100"
        province, commune, city = rng.choice(FRENCH_CITIES)
    parts = [f'  <ELEVE ELEVE_ID="{s.eleve_id}" ELENOET="{s.elenoet}">\n']
    add = parts.append
    add(_el("ID_NATIONAL", s.ine, "    ") if s.ine else "    <ID_NATIONAL/>\n")
    add(_el("INE_RNIE", s.ine, "    ") if s.ine else "")
    add(_el("ELENOET", s.elenoet, "    "))
    add(_el("ID_ELEVE_ETAB", s.elenoet, "    "))
    add(_el("NOM_DE_FAMILLE", last, "    "))
    add(_el("NOM_USAGE", usage, "    "))
    add(_el("PRENOM", rng.choice(first_names), "    "))
    add(_el("PRENOM2", rng.choice(first_names) if rng.random() < 0.6 else "", "    "))
    add(_el("PRENOM3", rng.choice(first_names) if rng.random() < 0.2 else None, "    "))
    add(_el("DATE_NAISS", _fmt(born), "    "))
    add(_el("DOUBLEMENT", "N", "    "))
    add(_el("DATE_MODIFICATION", _fmt(export_date - timedelta(days=rng.randrange(400))), " " * 4))
    add(_el("CODE_PAYS", country, "    "))
    add(_el("CODE_PAYS_NAT", "100" if country == "100" else country, "    "))
    add(_el("CODE_DEPARTEMENT_NAISS", province, "    "))
    if commune or rng.random() < 0.5:
        add(_el("CODE_COMMUNE_INSEE_NAISS", commune, "    "))
    add(_el("VILLE_NAISS", city, "    "))
    add(_el("CODE_MOTIF_SORTIE", "06" if s.left else None, "    "))
    add(_el("CODE_REGIME", rng.choice(("0", "2", "3")), "    "))
    add(_el("DATE_ENTREE", _fmt(date(school_year - rng.randrange(4), 9, 1)), "    "))
    if s.left_date:
        add(_el("DATE_SORTIE", _fmt(s.left_date), "    "))
    add(_el("CODE_SEXE", "2" if female else "1", "    "))
    add(_el("ADHESION_TRANSPORT", rng.choice(("0", "1")), "    "))
    add(_el("CODE_MEF", s.level[0], "    "))
    add(_el("CODE_STATUT", "ST", "    "))
    add(_el("ACCEPTE_SMS", "0", "    "))
    add(_el("TEL_PORTABLE", None, "    "))
    add(_el("MEL", None, "    "))
    add(_el("CODE_PROVENANCE", rng.choice(("1", "2", "3")), "    "))
    add(_el("ID_ELEVE_ETAB_PRECEDENT", None, "    "))
    add(_el("MONTANT_BOURSE", "", "    "))
    add(_el("CODE_ETAT_BOURSE", None, "    "))
    add(_el("TAUX_BOURSE", None, "    "))
    add(_el("PROFESSION_SOCIALE", rng.choice(("23", "33", "48", "54", "62")), "    "))
    previous_level = LEVELS[max(0, LEVELS.index(s.level) - 1)]
    add(
        "    <SCOLARITE_AN_DERNIER>\n"
        f"      <CODE_MEF>{previous_level[0]}</CODE_MEF>\n"
        f"      <CODE_STRUCTURE>{previous_level[2]}{chr(65 + rng.randrange(6))}"
        "</CODE_STRUCTURE>\n"
        f"      <CODE_RNE>0{rng.randrange(100000, 999999)}X</CODE_RNE>\n"
        "      <SIGLE>CLG</SIGLE>\n"
        "      <DENOM_PRINC>COLLEGE</DENOM_PRINC>\n"
        f"      <DENOM_COMPL>{escape(rng.choice(LAST_NAMES))} - {city}</DENOM_COMPL>\n"
        f"      <LL_COMMUNE_INSEE>{escape(city)}</LL_COMMUNE_INSEE>\n"
        f"      <CODE_COMMUNE_INSEE>{commune or '75111'}</CODE_COMMUNE_INSEE>\n"
        "      <CODE_ACADEMIE>01</CODE_ACADEMIE>\n"
        f"      <LL_ACADEMIE>{escape('PARIS')}</LL_ACADEMIE>\n"
        "      <CODE_MODALITE_ELECT>S</CODE_MODALITE_ELECT>\n"
        "    </SCOLARITE_AN_DERNIER>\n"
    )
    add(
        "    <CODE_COMMUNE_INSEE_RESID/>\n"
        "    <LIBELLE_ETAB_ORIGINE>COLLÈGE PUBLIC</LIBELLE_ETAB_ORIGINE>\n"
        f"    <DATE_DEBUT_SCOLARITE>{_fmt(date(school_year - 3, 9, 1))}"
        "</DATE_DEBUT_SCOLARITE>\n"
        "    <CONTRAT_APPRENTISSAGE/>\n"
        "    <INFO_SANTE></INFO_SANTE>\n"
        f"    <CODE_NIVEAU>{s.level[1]}</CODE_NIVEAU>\n"
        f"    <LIBELLE_NIVEAU>{s.level[1]} GENERALE</LIBELLE_NIVEAU>\n"
        "    <COMMENTAIRE>Suivi : cœur de l'équipe &amp; vie scolaire</COMMENTAIRE>\n"
        "  </ELEVE>\n"
    )
    return "".join(parts)


def _option(rng: random.Random, s: _Student) -> str:
    chosen = rng.sample(OPTIONS, 2)
    body = "".join(
        "      <OPTIONS_ELEVE>\n"
        f"      <NUM_OPTION>{rank}</NUM_OPTION>\n"
        "      <CODE_MODALITE_ELECT>S</CODE_MODALITE_ELECT>\n"
        f"      <CODE_MATIERE>{code}</CODE_MATIERE>\n"
        "      </OPTIONS_ELEVE>\n"
        for rank, code in enumerate(chosen, 1)
    )
    return (
        f"  <OPTION ELEVE_ID={quoteattr(s.eleve_id)} ELENOET={quoteattr(s.elenoet)}>\n"
        f"{body}  </OPTION>\n"
    )


def _structure(code: str, kind: str) -> str:
    return (
        "    <STRUCTURE>\n"
        f"      <CODE_STRUCTURE>{escape(code)}</CODE_STRUCTURE>\n"
        f"      <TYPE_STRUCTURE>{kind}</TYPE_STRUCTURE>\n"
        "    </STRUCTURE>\n"
    )


def _structures(s: _Student) -> str:
    groups = "".join(_structure(code, "G") for code in s.groups)
    if s.inactive:
        division = _structure("Inactifs", "D")
    elif s.division:
        division = _structure(s.division, "D")
    else:
        division = ""
    body = groups + division if s.group_first else division + groups
    return (
        f'  <STRUCTURES_ELEVE ELEVE_ID="{s.eleve_id}" ELENOET="{s.elenoet}">\n'
        f"{body}  </STRUCTURES_ELEVE>\n"
    )
