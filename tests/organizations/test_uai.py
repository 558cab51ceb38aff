import pytest
from django.core.exceptions import ValidationError

from organizations.models import Organization
from organizations.uai import normalize_uai, validate_uai
from tests.factories import make_organization


def test_reference_uai_is_valid():
    validate_uai("0750654D")  # raises if not


@pytest.mark.parametrize("value", ["0750654E", "0750654A", "0750655D"])
def test_wrong_check_letter_is_refused(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_uai(value)
    assert excinfo.value.code == "uai_check_letter"


@pytest.mark.parametrize("value", ["075065D", "07506540D", "0750654", "", "A750654D", "07506 4D"])
def test_wrong_length_or_shape_is_refused(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_uai(value)
    assert excinfo.value.code == "uai_format"


def test_lower_case_is_refused_by_the_strict_check_but_normalised_on_input():
    with pytest.raises(ValidationError):
        validate_uai("0750654d")
    assert normalize_uai("0750654d") == "0750654D"


def test_spaces_around_are_trimmed_on_input():
    assert normalize_uai("  0750654d \n") == "0750654D"


@pytest.mark.django_db
def test_organization_stores_normalised_uai():
    organization = make_organization(uai=" 0750654d ")
    organization.refresh_from_db()
    assert organization.uai == "0750654D"


@pytest.mark.django_db
def test_organization_with_wrong_check_letter_is_not_created():
    with pytest.raises(ValidationError) as excinfo:
        make_organization(uai="0750654E")
    assert "uai" in excinfo.value.error_dict
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_uai_is_unique_whatever_its_case():
    make_organization(uai="0750654D")
    with pytest.raises(ValidationError) as excinfo:
        make_organization(uai="0750654d")
    assert "uai" in excinfo.value.error_dict


@pytest.mark.django_db
def test_school_needs_uai_and_official_email():
    with pytest.raises(ValidationError) as excinfo:
        make_organization(uai=None, official_email="")
    assert set(excinfo.value.error_dict) == {"uai", "official_email"}


@pytest.mark.django_db
def test_higher_education_needs_no_uai_and_does_not_manage_students():
    organization = make_organization(type=Organization.Type.SUP, uai=None, official_email="")
    assert organization.uai is None
    assert organization.is_managing_students is False


@pytest.mark.django_db
def test_secondary_school_manages_students_by_default():
    assert make_organization().is_managing_students is True
