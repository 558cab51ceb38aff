"""The import rules of siecle.md applied by the reader: skips, per-student errors, UAI."""

import io
from datetime import date

from students.siecle import (
    EMPTY,
    INE_UNIQUE,
    LEFT_SCHOOL,
    NO_DIVISION,
    NO_INE,
    UAI_MISMATCHED,
    Learner,
    ReadResult,
    SiecleError,
    read_siecle,
)
from tests.students.siecle_factory import SELF, UAI, siecle_xml, student

TODAY = date(2026, 9, 15)


def read(data: bytes, uai: str = UAI, **kwargs) -> ReadResult:
    return read_siecle(io.BytesIO(data), uai=uai, today=kwargs.pop("today", TODAY), **kwargs)


def codes(result: ReadResult) -> list[str]:
    return [error.code for error in result.errors]


def test_reads_a_student_into_a_learner_with_every_field():
    data = siecle_xml(
        [
            student(
                ID_NATIONAL="1234567890A",
                NOM_USAGE="MARTIN",
                PRENOM3="Anne",
                CODE_SEXE="2",
                CODE_STATUT="AP",
                division="4E2",
            )
        ]
    )

    result = read(data)

    assert result.is_valid, result.errors
    assert result.learners == [
        Learner(
            ine="1234567890A",
            last_name="DUPONT",
            preferred_last_name="MARTIN",
            first_name="Léa",
            middle_name="Zoé",
            third_name="Anne",
            sex="F",
            birthdate=date(2011, 12, 31),
            birth_country_code="100",
            birth_province_code="075",
            birth_city_code="75056",
            birth_city="PARIS",
            mef_code="10010012110",
            status="AP",
            division="4E2",
            line=6,
        )
    ]
    assert result.uai == UAI
    assert result.export_date == date(2026, 9, 1)
    assert result.student_count == 1
    assert result.skipped == {LEFT_SCHOOL: 0, NO_INE: 0, NO_DIVISION: 0}


def test_sex_code_1_is_male_and_2_is_female():
    data = siecle_xml([student(ID_NATIONAL="1A", CODE_SEXE="1"), student(ID_NATIONAL="2B")])

    assert [learner.sex for learner in read(data).learners] == ["M", "F"]


def test_absent_empty_and_self_closed_optional_fields_are_empty_strings():
    data = siecle_xml(
        [
            student(ID_NATIONAL="1A", NOM_USAGE=None, PRENOM2=None, PRENOM3=None),
            student(ID_NATIONAL="2B", NOM_USAGE="", PRENOM2="", PRENOM3=""),
            student(ID_NATIONAL="3C", NOM_USAGE=SELF, PRENOM2=SELF, PRENOM3=SELF),
        ]
    )

    learners = read(data).learners

    assert [(x.preferred_last_name, x.middle_name, x.third_name) for x in learners] == [
        ("", "", "")
    ] * 3


def test_absent_empty_and_self_closed_required_fields_are_all_missing():
    for value in (None, "", SELF, "   "):
        result = read(siecle_xml([student(NOM_DE_FAMILLE=value)]))
        assert codes(result) == ["LAST_NAME_REQUIRED"], value


def test_text_fields_are_trimmed():
    data = siecle_xml([student(NOM_DE_FAMILLE="  DUPONT \n", PRENOM="\tLéa ")])

    learner = read(data).learners[0]

    assert (learner.last_name, learner.first_name) == ("DUPONT", "Léa")


# --- Skips ------------------------------------------------------------------------------


def test_student_who_left_before_the_export_date_is_skipped():
    data = siecle_xml(
        [student(ID_NATIONAL="1A", DATE_SORTIE="15/07/2026"), student(ID_NATIONAL="2B")]
    )

    result = read(data)

    assert result.is_valid
    assert [learner.ine for learner in result.learners] == ["2B"]
    assert result.skipped[LEFT_SCHOOL] == 1


def test_student_leaving_on_the_export_date_is_skipped():
    data = siecle_xml([student(ID_NATIONAL="1A", DATE_SORTIE="01/09/2026"), student()])

    assert read(data).skipped[LEFT_SCHOOL] == 1


def test_student_with_a_future_leaving_date_is_kept():
    data = siecle_xml([student(DATE_SORTIE="02/09/2026")])

    result = read(data)

    assert len(result.learners) == 1
    assert result.skipped[LEFT_SCHOOL] == 0


def test_leaving_date_is_compared_to_today_when_the_file_has_no_export_date():
    data = siecle_xml(
        [student(ID_NATIONAL="1A", DATE_SORTIE="10/09/2026"), student(ID_NATIONAL="2B")],
        export_date=None,
    )

    assert read(data, today=date(2026, 9, 9)).skipped[LEFT_SCHOOL] == 0
    assert read(data, today=date(2026, 9, 10)).skipped[LEFT_SCHOOL] == 1


def test_unreadable_leaving_date_keeps_the_student():
    data = siecle_xml([student(DATE_SORTIE="demain")])

    assert len(read(data).learners) == 1


def test_student_without_ine_is_skipped():
    data = siecle_xml([student(ID_NATIONAL=None), student(ID_NATIONAL=SELF), student()])

    result = read(data)

    assert result.is_valid
    assert result.skipped[NO_INE] == 2
    assert len(result.learners) == 1


def test_student_without_a_class_is_skipped():
    data = siecle_xml(
        [
            student(ID_NATIONAL="1A", division=None),
            student(ID_NATIONAL="2B", structures=[("LATIN", "G")]),
            student(ID_NATIONAL="3C", structures=[("Inactifs", "D"), ("LATIN", "G")]),
            student(ID_NATIONAL="4D"),
        ]
    )

    result = read(data)

    assert result.is_valid
    assert result.skipped[NO_DIVISION] == 3
    assert [learner.ine for learner in result.learners] == ["4D"]


def test_group_listed_before_the_class_does_not_hide_the_class():
    data = siecle_xml([student(structures=[("LATIN", "G"), ("ESP-LV2", "G"), ("3B", "D")])])

    assert read(data).learners[0].division == "3B"


def test_inactive_pseudo_class_before_the_real_class_is_ignored():
    data = siecle_xml([student(structures=[("Inactifs", "D"), ("5C", "D")])])

    assert read(data).learners[0].division == "5C"


def test_a_student_matching_several_skip_reasons_is_counted_once():
    data = siecle_xml([student(ID_NATIONAL=None, DATE_SORTIE="01/01/2026", division=None)])

    result = read(data)

    assert result.skipped == {LEFT_SCHOOL: 1, NO_INE: 0, NO_DIVISION: 0}


def test_skipped_students_are_not_checked():
    data = siecle_xml(
        [
            student(ID_NATIONAL="1A", DATE_SORTIE="01/01/2026", PRENOM=None),
            student(ID_NATIONAL=None, DATE_NAISS=None),
            student(ID_NATIONAL="3C", division=None, CODE_SEXE=None),
            student(ID_NATIONAL="4D"),
        ]
    )

    assert read(data).is_valid


def test_structures_are_joined_to_students_by_eleve_id_not_by_order():
    data = siecle_xml(
        [
            student(eleve_id="7", ID_NATIONAL="1A", structures=[("6A", "D")]),
            student(eleve_id="3", ID_NATIONAL="2B", structures=[("3F", "D")]),
        ],
        structures_reversed=True,
    )

    result = read(data)

    assert {learner.ine: learner.division for learner in result.learners} == {
        "1A": "6A",
        "2B": "3F",
    }


def test_nested_last_year_schooling_is_not_read_as_the_students_own():
    last_year = (
        "<SCOLARITE_AN_DERNIER><CODE_MEF>99999999999</CODE_MEF>"
        "<CODE_STRUCTURE>OLD</CODE_STRUCTURE></SCOLARITE_AN_DERNIER>"
    )
    before = student(ID_NATIONAL="1A", CODE_MEF=None)
    before["inner"] = last_year
    after = student(ID_NATIONAL="2B", inner=last_year)

    result = read(siecle_xml([before, after]))

    assert [learner.mef_code for learner in result.learners] == ["", "10010012110"]
    assert [learner.division for learner in result.learners] == ["4A", "4A"]


def test_empty_when_every_student_is_skipped():
    data = siecle_xml([student(ID_NATIONAL=None), student(division=None)])

    result = read(data)

    assert codes(result) == [EMPTY]
    assert result.errors[0].meta["students"] == 2
    assert result.learners == []


def test_empty_when_there_is_no_student_at_all():
    assert codes(read(siecle_xml([]))) == [EMPTY]


# --- Per-student errors -----------------------------------------------------------------


def test_duplicate_ine_is_found_after_trimming_and_upper_casing():
    data = siecle_xml(
        [
            student(ID_NATIONAL="1234567890a"),
            student(ID_NATIONAL="  1234567890A "),
            student(ID_NATIONAL="2222222222B"),
        ]
    )

    result = read(data)

    assert codes(result) == [INE_UNIQUE]
    assert result.errors[0].meta == {
        "ine": "1234567890A",
        "last_name": "DUPONT",
        "first_name": "Léa",
        "line": 7,
        "first_line": 6,
    }


def test_ine_is_stored_trimmed_and_upper_cased():
    assert read(siecle_xml([student(ID_NATIONAL=" 123456789ab ")])).learners[0].ine == (
        "123456789AB"
    )


def test_a_student_who_left_does_not_count_as_a_duplicate():
    data = siecle_xml([student(DATE_SORTIE="01/06/2026"), student()])

    assert read(data).is_valid


def test_last_name_and_first_name_are_required():
    data = siecle_xml([student(NOM_DE_FAMILLE="", PRENOM=None)])

    result = read(data)

    assert codes(result) == ["LAST_NAME_REQUIRED", "FIRST_NAME_REQUIRED"]
    assert result.errors[0].meta["field"] == "NOM_DE_FAMILLE"
    assert result.errors[1].meta["field"] == "PRENOM"
    assert result.learners == []


def test_birthdate_is_required():
    result = read(siecle_xml([student(DATE_NAISS=SELF)]))

    assert codes(result) == ["BIRTHDATE_REQUIRED"]


def test_sex_code_is_required():
    result = read(siecle_xml([student(CODE_SEXE=None)]))

    assert codes(result) == ["SEX_CODE_REQUIRED"]
    assert "value" not in result.errors[0].meta


def test_sex_code_other_than_1_or_2_is_reported_as_required_with_the_value_read():
    result = read(siecle_xml([student(CODE_SEXE="3")]))

    assert codes(result) == ["SEX_CODE_REQUIRED"]
    assert result.errors[0].meta["value"] == "3"


def test_birth_city_code_is_required_for_students_born_in_france():
    data = siecle_xml(
        [
            student(ID_NATIONAL="1A", CODE_COMMUNE_INSEE_NAISS=SELF),
            student(ID_NATIONAL="2B", CODE_PAYS="132", CODE_COMMUNE_INSEE_NAISS=None),
            student(
                ID_NATIONAL="3C", CODE_DEPARTEMENT_NAISS="02A", CODE_COMMUNE_INSEE_NAISS="2A004"
            ),
        ]
    )

    result = read(data)

    assert codes(result) == ["BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT"]
    assert result.errors[0].meta["ine"] == "1A"
    assert [learner.birth_city_code for learner in result.learners] == ["", "2A004"]


def test_mojibake_and_replacement_characters_in_names_are_detected():
    for field, value in (
        ("NOM_DE_FAMILLE", "DUPONTÃ©"),
        ("PRENOM", "HÃ©lÃ¨ne"),
        ("NOM_USAGE", "Lâ€™HOMME"),
        ("PRENOM2", "Zo\ufffd"),
        ("PRENOM3", "AnaÃ¯s"),
        ("PRENOM", "JÃ\x89RÃ\x94ME"),
    ):
        result = read(siecle_xml([student(**{field: value})]))
        assert codes(result) == ["INVALID_CHAR_DETECTED"], value
        assert result.errors[0].meta["field"] == field
        assert result.errors[0].meta["reason"] == "ENCODING"
        # C1 controls (Windows bytes read as Latin-9) are spelled out, as "[U+0089]".
        assert result.errors[0].meta["value"] == value.replace("\x89", "[U+0089]").replace(
            "\x94", "[U+0094]"
        )


def test_accented_names_are_not_taken_for_mojibake():
    names = ("ÉLOÏSE", "Maÿlis", "LŒWENBRUCK", "Lætitia", "MÜLLER", "JOSÉ\u00a0MARIA", "N'DIAYE")
    data = siecle_xml([student(ID_NATIONAL=str(i), PRENOM=name) for i, name in enumerate(names)])

    result = read(data)

    assert result.is_valid, result.errors
    assert [learner.first_name for learner in result.learners] == list(names)


def test_every_error_of_every_student_is_collected_with_names_and_lines():
    data = siecle_xml(
        [
            student(ID_NATIONAL="1A", DATE_NAISS="2011-12-31", CODE_SEXE=None),
            student(ID_NATIONAL="2B"),
            student(ID_NATIONAL="3C", PRENOM=None, CODE_COMMUNE_INSEE_NAISS=None),
        ]
    )

    result = read(data)

    assert [(e.code, e.meta["ine"], e.meta["line"]) for e in result.errors] == [
        ("INVALID_BIRTHDATE_FORMAT", "1A", 6),
        ("SEX_CODE_REQUIRED", "1A", 6),
        ("FIRST_NAME_REQUIRED", "3C", 8),
        ("BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT", "3C", 8),
    ]
    assert result.errors[0].meta["last_name"] == "DUPONT"
    assert [learner.ine for learner in result.learners] == ["2B"]


def test_errors_serialise_to_code_and_meta():
    error = SiecleError("INE_UNIQUE", {"ine": "1A", "line": 3})

    assert error.to_dict() == {"code": "INE_UNIQUE", "meta": {"ine": "1A", "line": 3}}


# --- UAI --------------------------------------------------------------------------------


def test_file_of_another_school_reports_only_uai_mismatched():
    data = siecle_xml([student(PRENOM=None), student()], uai="0751234J")

    result = read(data, uai="0750654D")

    assert [error.to_dict() for error in result.errors] == [
        {"code": UAI_MISMATCHED, "meta": {"file_uai": "0751234J", "uai": "0750654D"}}
    ]
    assert result.learners == []


def test_uai_is_compared_trimmed_and_upper_cased():
    data = siecle_xml(uai=" 0750654d ")

    assert read(data, uai="0750654D ").is_valid


def test_missing_uai_is_uai_mismatched():
    for data in (siecle_xml(uai=None), siecle_xml(uai=SELF)):
        result = read(data)
        assert codes(result) == [UAI_MISMATCHED]
        assert result.errors[0].meta["file_uai"] == ""


def test_file_without_parametres_is_uai_mismatched():
    data = (
        siecle_xml().replace(b"<PARAMETRES>", b"<NOTHING>").replace(b"</PARAMETRES>", b"</NOTHING>")
    )

    assert codes(read(data)) == [UAI_MISMATCHED]


def test_uai_mismatch_stops_reading_before_the_rest_of_a_broken_file():
    data = siecle_xml(uai="0751234J")[:-30]

    assert codes(read(data)) == [UAI_MISMATCHED]
