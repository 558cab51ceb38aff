"""Whatever arrives, the reader answers with a ReadResult and never raises."""

import io
import json
import zipfile
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from students.siecle import ALL_CODES, FATAL_CODES, ReaderLimits, ReadResult, read_siecle
from tests.students.siecle_factory import UAI, siecle_xml, student

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TAGS = (
    "BEE_ELEVES",
    "PARAMETRES",
    "UAJ",
    "DATE_EXPORT",
    "DONNEES",
    "ELEVES",
    "ELEVE",
    "ID_NATIONAL",
    "NOM_DE_FAMILLE",
    "PRENOM",
    "DATE_NAISS",
    "CODE_SEXE",
    "CODE_PAYS",
    "CODE_COMMUNE_INSEE_NAISS",
    "DATE_SORTIE",
    "SCOLARITE_AN_DERNIER",
    "STRUCTURES",
    "STRUCTURES_ELEVE",
    "STRUCTURE",
    "CODE_STRUCTURE",
    "TYPE_STRUCTURE",
    "OPTIONS",
    "X",
)
VALUES = st.one_of(
    st.sampled_from(
        ["", " ", UAI, "1", "2", "3", "100", "D", "G", "Inactifs", "31/12/2011", "31/02/2010"]
    ),
    st.text(max_size=12),
)


def check(result) -> None:
    assert isinstance(result, ReadResult)
    assert all(error.code in ALL_CODES for error in result.errors)
    json.dumps([error.to_dict() for error in result.errors])  # meta is JSON-serialisable
    if any(error.code in FATAL_CODES for error in result.errors):
        assert len(result.errors) == 1
        assert result.learners == []
        return
    kept = result.student_count - sum(result.skipped.values())
    assert 0 <= len(result.learners) <= kept
    assert len({learner.ine for learner in result.learners}) == len(result.learners)
    for learner in result.learners:
        assert learner.ine == learner.ine.strip().upper() != ""
        assert learner.sex in ("M", "F")
        assert learner.division and learner.last_name and learner.first_name


def xml_safe(text: str) -> str:
    return "".join(
        c for c in text if c in "\t\n\r" or " " <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd"
    )


@st.composite
def documents(draw, depth=0):
    element = etree.Element(draw(st.sampled_from(TAGS)))
    if draw(st.booleans()):
        element.set("ELEVE_ID", xml_safe(draw(VALUES)))
    if depth < 4:
        for child in draw(st.lists(documents(depth=depth + 1), max_size=4)):
            element.append(child)
    if len(element) == 0:
        element.text = xml_safe(draw(VALUES))
    return element


# Per field: (valid values, invalid values), mixed with random ones so that every rule is
# exercised and some students still come out as learners.
FIELDS = {
    "ID_NATIONAL": (["1234567890A", " 1234567890a", "2222222222B", "3333333333C"], [""]),
    "NOM_DE_FAMILLE": (["DUPONT", "CŒUR", "MARTIN"], ["DUPONTÃ©"]),
    "PRENOM": (["Léa", "Théo"], ["Zo\ufffd"]),
    "DATE_NAISS": (["31/12/2011", "29/02/2012"], ["2011-12-31", "29/02/2011"]),
    "CODE_SEXE": (["1", "2"], ["3"]),
    "CODE_PAYS": (["100", "132"], [""]),
    "CODE_COMMUNE_INSEE_NAISS": (["75056", "2A004"], [""]),
    "DATE_SORTIE": (["01/01/2027"], ["01/01/2026"]),
    "SCOLARITE_AN_DERNIER": (["x"], [""]),
    "X": (["y"], [""]),
}
IDS = st.sampled_from(["1", "2", "3", " 1 ", ""])


@st.composite
def eleves(draw):
    element = etree.Element("ELEVE")
    if draw(st.integers(0, 5)):
        element.set("ELEVE_ID", draw(IDS))
    for tag, (valid, invalid) in FIELDS.items():
        kind = draw(st.integers(0, 9))
        if kind:
            values = VALUES if kind == 1 else st.sampled_from(invalid if kind == 2 else valid)
            etree.SubElement(element, tag).text = xml_safe(draw(values)) or None
    return element


@st.composite
def structures(draw):
    element = etree.Element("STRUCTURES_ELEVE", ELEVE_ID=draw(IDS))
    for _ in range(draw(st.integers(0, 3))):
        structure = etree.SubElement(element, draw(st.sampled_from(["STRUCTURE"] * 3 + ["X"])))
        code = draw(st.sampled_from(["4A", "4A", "4A", "Inactifs", "", "LATIN"]))
        etree.SubElement(structure, "CODE_STRUCTURE").text = code
        etree.SubElement(structure, "TYPE_STRUCTURE").text = draw(st.sampled_from("DDDG "))
    return element


@st.composite
def siecle_like(draw):
    root = etree.Element("BEE_ELEVES")
    parameters = etree.SubElement(root, "PARAMETRES")
    if draw(st.integers(0, 9)):
        uai = draw(st.sampled_from([UAI, UAI, UAI, f" {UAI.lower()} ", "0751234J", ""]))
        etree.SubElement(parameters, "UAJ").text = xml_safe(uai)
    for tag in draw(st.lists(st.sampled_from(["DATE_EXPORT", "X"]), max_size=2)):
        value = draw(st.one_of(st.just("01/09/2026"), VALUES))
        etree.SubElement(parameters, tag).text = xml_safe(value)
    data = etree.SubElement(root, "DONNEES")
    etree.SubElement(data, "ELEVES").extend(draw(st.lists(eleves(), max_size=6)))
    data.extend(draw(st.lists(documents(depth=2), max_size=2)))
    etree.SubElement(data, "STRUCTURES").extend(draw(st.lists(structures(), max_size=6)))
    if draw(st.booleans()):
        root.insert(draw(st.integers(0, 2)), draw(documents(depth=2)))
    return root


@FAST
@given(siecle_like(), st.sampled_from(["UTF-8", "ISO-8859-15", "windows-1252"]))
def test_random_siecle_like_documents_give_a_consistent_result(root, encoding):
    data = etree.tostring(root, encoding=encoding, xml_declaration=True)

    check(read_siecle(io.BytesIO(data), uai=UAI, today=date(2026, 9, 1)))


@FAST
@given(st.binary(max_size=3000))
def test_random_bytes_give_a_result(data):
    check(read_siecle(io.BytesIO(data), uai=UAI))


@FAST
@given(
    st.sampled_from([b"PK\x03\x04", b"<?xml version='1.0'?>", b"\xef\xbb\xbf<", b"<BEE_ELEVES>"]),
    st.binary(max_size=2000),
)
def test_random_bytes_behind_a_plausible_start_give_a_result(start, data):
    check(read_siecle(io.BytesIO(start + data), uai=UAI))


@FAST
@given(
    documents(),
    st.sampled_from(["UTF-8", "ISO-8859-15", "windows-1252", "ISO-8859-1"]),
    st.booleans(),
)
def test_random_well_formed_documents_give_a_result(root, encoding, in_zip):
    data = etree.tostring(root, encoding=encoding, xml_declaration=True)
    if in_zip:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("ElevesSansAdresses.xml", data)
        data = buffer.getvalue()

    check(read_siecle(io.BytesIO(data), uai=UAI, today=date(2026, 9, 1)))


@FAST
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "ID_NATIONAL": VALUES.map(xml_safe),
                "NOM_DE_FAMILLE": VALUES.map(xml_safe),
                "PRENOM": VALUES.map(xml_safe),
                "DATE_NAISS": VALUES.map(xml_safe),
                "CODE_SEXE": VALUES.map(xml_safe),
                "CODE_PAYS": VALUES.map(xml_safe),
                "DATE_SORTIE": VALUES.map(xml_safe),
            }
        ),
        max_size=6,
    ),
    st.integers(min_value=0, max_value=5000),
)
def test_random_students_and_truncations_give_a_result(fields, cut):
    data = siecle_xml([student(**values) for values in fields])

    check(read_siecle(io.BytesIO(data), uai=UAI))
    check(read_siecle(io.BytesIO(data[:cut]), uai=UAI, limits=ReaderLimits(max_ratio=2)))
