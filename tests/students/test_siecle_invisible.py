"""Names holding characters that cannot be seen: refused at validation, spelled out in
errors; and every name shown isolated (`<bdi>`) in the pages."""

import io
import json
import sys
import unicodedata
from datetime import date

import pytest
from django.utils import translation

from students.models import Import, Learner
from students.siecle import read_siecle
from students.siecle.characters import INVISIBLE, invisible_characters, make_visible
from students.siecle_messages import render_error
from tests.factories import make_learner
from tests.students import xml_helpers
from tests.students.siecle_factory import UAI, siecle_xml, student

TODAY = date(2026, 9, 15)
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "DUPONT" + RLO + "AEL" shows as "DUPONTLEA"
NAME_FIELDS = ("NOM_DE_FAMILLE", "NOM_USAGE", "PRENOM", "PRENOM2", "PRENOM3")


def read(students):
    return read_siecle(io.BytesIO(siecle_xml(students)), uai=UAI, today=TODAY)


# --- The reader --------------------------------------------------------------------------


@pytest.mark.parametrize("field", NAME_FIELDS)
@pytest.mark.parametrize(
    ("character", "code_point"),
    [
        (RLO, "U+202E"),
        ("\u202a", "U+202A"),  # LEFT-TO-RIGHT EMBEDDING
        ("\u2067", "U+2067"),  # RIGHT-TO-LEFT ISOLATE
        ("\u200b", "U+200B"),  # ZERO WIDTH SPACE
        ("\u200d", "U+200D"),  # ZERO WIDTH JOINER
        ("\ufeff", "U+FEFF"),  # a byte order mark inside the text
        ("\u00ad", "U+00AD"),  # SOFT HYPHEN
        ("\u3164", "U+3164"),  # HANGUL FILLER, drawn blank
        ("\t", "U+0009"),  # a tab inside a name
        ("\n", "U+000A"),  # a line break inside a name
        ("\x7f", "U+007F"),  # DELETE
    ],
)
def test_name_with_an_invisible_character_is_refused_naming_the_field(field, character, code_point):
    value = f"DU{character}PONT"

    result = read([student(ID_NATIONAL="1234567890A", **{field: value})])

    assert result.learners == []
    assert [error.to_dict() for error in result.errors] == [
        {
            "code": "INVALID_CHAR_DETECTED",
            "meta": {
                "ine": "1234567890A",
                "last_name": make_visible(value) if field == "NOM_DE_FAMILLE" else "DUPONT",
                "first_name": make_visible(value) if field == "PRENOM" else "Léa",
                "line": 6,
                "field": field,
                "value": f"DU[{code_point}]PONT",
                "reason": "INVISIBLE",
                "characters": [code_point],
            },
        }
    ]


def test_name_made_only_of_invisible_characters_is_refused_not_taken_for_empty():
    result = read([student(PRENOM="\u3164\u200b")])

    assert [(error.code, error.meta["characters"]) for error in result.errors] == [
        ("INVALID_CHAR_DETECTED", ["U+3164", "U+200B"])
    ]


def test_each_name_of_a_student_is_reported_and_every_error_spells_their_names_out():
    result = read(
        [
            student(
                ID_NATIONAL="1A",
                NOM_DE_FAMILLE=f"DUPONT{RLO}",
                PRENOM="L\u200bea",
                PRENOM3=f"{RLO}{RLO}ANNE",
                DATE_NAISS=None,
            ),
            student(ID_NATIONAL="2B"),
        ]
    )

    errors = [error.to_dict() for error in result.errors]
    assert [(error["code"], error["meta"].get("field")) for error in errors] == [
        ("BIRTHDATE_REQUIRED", "DATE_NAISS"),
        ("INVALID_CHAR_DETECTED", "NOM_DE_FAMILLE"),
        ("INVALID_CHAR_DETECTED", "PRENOM"),
        ("INVALID_CHAR_DETECTED", "PRENOM3"),
    ]
    assert errors[3]["meta"]["characters"] == ["U+202E"]
    assert errors[3]["meta"]["value"] == "[U+202E][U+202E]ANNE"
    for error in errors:
        assert error["meta"]["last_name"] == "DUPONT[U+202E]"
        assert error["meta"]["first_name"] == "L[U+200B]ea"
    # No error carries the characters themselves: pages, e-mails and exports cannot either.
    assert not INVISIBLE.search(json.dumps(errors, ensure_ascii=False))
    assert [learner.ine for learner in result.learners] == ["2B"]


def test_mojibake_with_an_invisible_character_keeps_the_encoding_advice():
    result = read([student(PRENOM="HÃ©l\u200bÃ¨ne")])

    assert [(error.code, error.meta["reason"]) for error in result.errors] == [
        ("INVALID_CHAR_DETECTED", "ENCODING")
    ]
    assert result.errors[0].meta["value"] == "HÃ©l[U+200B]Ã¨ne"


def test_names_french_schools_write_are_accepted():
    latin9 = "A" + bytes(range(0xA0, 0x100)).decode("iso8859-15").replace("\u00ad", "") + "Z"
    names = ["JOSÉ\u00a0MARIA", "N'DIAYE", "SAINT-ÉTIENNE", "Œdipe", "de LA TOUR", latin9]
    names += ["Zoë-Maëlle", "Ñuñez", "ÆLFRIC", "O’NEILL", "Nguyễn", "Łukasz", "Ağca"]  # noqa: RUF001

    result = read([student(ID_NATIONAL=str(i), PRENOM2=name) for i, name in enumerate(names)])

    assert result.is_valid, result.errors
    assert [learner.middle_name for learner in result.learners] == names


# --- The set of characters ---------------------------------------------------------------


def test_every_control_format_and_separator_character_of_unicode_is_refused():
    """The hand-written ranges (characters.py) hold every Cc, Cf, Zl and Zp character of
    the Unicode version this Python knows; a newer one adding some fails here."""
    categories = {"Cc", "Cf", "Zl", "Zp"}
    missing = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in categories and not INVISIBLE.match(chr(code))
    ]

    assert missing == [], unicodedata.unidata_version


def test_no_letter_digit_punctuation_or_space_is_refused():
    refused = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code))[0] in "LNPSZ"
        and unicodedata.category(chr(code)) not in {"Zl", "Zp"}
        and INVISIBLE.match(chr(code))
    ]

    # Only the letters and the symbol that are drawn blank, on purpose.
    assert refused == ["U+115F", "U+1160", "U+2800", "U+3164", "U+FFA0"]


def test_make_visible_spells_out_each_invisible_character():
    assert make_visible("DUPONT") == "DUPONT"
    assert make_visible(f"A{RLO}B\u200b\U000e0041") == "A[U+202E]B[U+200B][U+E0041]"
    assert invisible_characters(f"{RLO}a{RLO}\u200b") == ["U+202E", "U+200B"]


# --- The sentences -----------------------------------------------------------------------


INVISIBLE_META = {
    "ine": "1234567890A",
    "last_name": "DUPONT",
    "first_name": "L[U+202E]ea",
    "line": 12,
    "field": "PRENOM",
    "value": "L[U+202E]ea",
    "reason": "INVISIBLE",
    "characters": ["U+202E"],
}


def test_invisible_characters_sentence_names_the_field_and_the_character_in_french():
    with translation.override("fr"):
        message = render_error("INVALID_CHAR_DETECTED", INVISIBLE_META)

    assert message == (
        "L'élève ayant pour INE 1234567890A (DUPONT L[U+202E]ea, ligne 12) a des caractères "
        "invisibles (U+202E) dans son prénom (PRENOM) : « L[U+202E]ea ». Ces caractères font "
        "paraître le nom différent de ce qu'il est : corrigez-le dans SIECLE."
    )


def test_invisible_characters_sentence_in_english():
    meta = {**INVISIBLE_META, "field": "NOM_USAGE"}
    with translation.override("en"):
        message = render_error("INVALID_CHAR_DETECTED", meta)

    assert "invisible characters (U+202E) in their usage name (NOM_USAGE)" in message


def test_encoding_sentence_names_the_field_too():
    meta = {**INVISIBLE_META, "field": "PRENOM2", "value": "HÃ©lÃ¨ne", "reason": "ENCODING"}
    with translation.override("fr"):
        message = render_error("INVALID_CHAR_DETECTED", meta)

    assert "dans son deuxième prénom (PRENOM2) : « HÃ©lÃ¨ne »" in message
    assert "mauvais encodage" in message


def test_values_stored_with_the_characters_themselves_are_spelled_out_when_shown():
    """Errors stored before the reader spelled them out (and any other error's values)."""
    meta = {"ine": "1A", "last_name": f"DUPONT{RLO}", "first_name": "Léa", "line": 3}
    meta |= {"field": "PRENOM", "value": f"L{RLO}ea"}
    with translation.override("fr"):
        message = render_error("INVALID_CHAR_DETECTED", meta)

    assert RLO not in message
    assert "DUPONT[U+202E] Léa" in message and "L[U+202E]ea" in message


# --- Through an import, and in the pages ---------------------------------------------------


@pytest.mark.django_db
def test_import_of_a_file_with_a_hidden_override_ends_in_error_and_shows_it_spelled_out(
    client, organization, admin_user, run_import
):
    content = xml_helpers.siecle_xml(
        organization.uai,
        [
            xml_helpers.pupil("1111111111A", f"DUPONT{RLO}TNEM", "Léa"),
            xml_helpers.pupil("2222222222B", "MARTIN", "Hugo"),
        ],
        encoding="UTF-8",
    )

    import_ = run_import(organization, content, user=admin_user)

    assert import_.status == Import.Status.VALIDATION_ERROR
    assert not Learner.objects.exists()
    assert [(error["code"], error["meta"]["value"]) for error in import_.errors] == [
        ("INVALID_CHAR_DETECTED", "DUPONT[U+202E]TNEM")
    ]
    client.force_login(admin_user)
    body = client.get(f"/eleves/import/{import_.pk}/").content.decode()
    assert RLO not in body
    assert "<bdi>DUPONT[U+202E]TNEM Léa</bdi>, ligne 6" in body
    assert "son nom de famille (NOM_DE_FAMILLE)" in body


@pytest.mark.django_db
def test_stored_hostile_names_render_isolated_in_the_student_list(
    client, organization, member_user
):
    make_learner(
        organization,
        last_name=f"{RLO}DIVAD",
        preferred_last_name="<b>EVIL</b>",
        first_name="\u05e9\u05e8\u05d4",  # Sarah, in Hebrew: right to left
    )
    client.force_login(member_user)

    body = client.get("/eleves/").content.decode()

    assert "<bdi>&lt;b&gt;EVIL&lt;/b&gt;</bdi>" in body
    assert f"<bdi>{RLO}DIVAD</bdi>" in body
    assert "<bdi>\u05e9\u05e8\u05d4</bdi>" in body
    assert "<b>EVIL" not in body


@pytest.mark.django_db
def test_the_name_of_who_sent_an_import_renders_isolated(
    client, organization, admin_user, run_import
):
    admin_user.first_name, admin_user.last_name = f"{RLO}ecilA", "<i>X</i>"
    admin_user.save()
    content = xml_helpers.siecle_xml(organization.uai, [xml_helpers.pupil("1111111111A")])
    import_ = run_import(organization, content, user=admin_user, confirm=False)
    client.force_login(admin_user)
    expected = f"<bdi>{RLO}ecilA &lt;i&gt;X&lt;/i&gt;</bdi>"

    history = client.get("/eleves/import/").content.decode()
    detail = client.get(f"/eleves/import/{import_.pk}/").content.decode()

    assert expected in history
    assert expected in detail


def test_error_sentence_is_escaped_and_only_the_named_student_is_isolated():
    from students.templatetags.names import isolate_names

    meta = {"ine": "1A", "last_name": "<i>INE</i>", "first_name": "Léa", "line": 7}
    with translation.override("fr"):
        message = render_error("BIRTHDATE_REQUIRED", meta)
        rendered = isolate_names(message, meta)

    assert rendered == (
        "L&#x27;élève ayant pour INE 1A (<bdi>&lt;i&gt;INE&lt;/i&gt; Léa</bdi>, ligne 7) "
        "n&#x27;a pas de date de naissance."
    )
    assert isolate_names("<b>x</b>", {}) == "&lt;b&gt;x&lt;/b&gt;"
