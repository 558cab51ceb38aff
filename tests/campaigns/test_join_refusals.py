"""Each refusal of the reconciliation, with its code and its own sentence: R11-R13 and
R31-R33 name the other account's sign-in, masked, and offer to sign in with it; R70 and
R90 offer to sign out; the check order is product.md's."""

import pytest

from accounts.models import User
from campaigns.join_errors import (
    AccountLinkedToAnotherLearnerError,
    AccountOfAnotherStudentError,
    LinkedInAnotherSchoolError,
    LinkedInThisSchoolError,
    mask_email,
    mask_identifier,
)
from campaigns.reconciliation import check_can_link
from campaigns.services.joining import learner_link
from tests.campaigns.join_helpers import BIRTHDATE, identity, refusal_code, signed_in, text
from tests.factories import (
    add_gar_method,
    audit_rows,
    link_learner,
    make_learner,
    make_organization,
    make_student,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lea(school):
    learner = school.learners_by_name["Léa"]
    learner.birthdate = BIRTHDATE
    learner.save()
    return learner


@pytest.fixture
def student():
    return make_student(first_name="Léa", last_name="Martin")


def other_account(method: str) -> User:
    """An account that signs in by e-mail, by identifier, or through the ENT."""
    if method == "EMAIL":
        return make_student(email="jean.dupont@exemple.fr", username=None)
    if method == "IDENTIFIER":
        return make_student(username="jean.dupont0512")
    return make_student(username="jean.dupont0512", gar_id="gar-7f3a")


def reconcile(client, campaign, **overrides):
    return client.post(f"/parcours/{campaign.code}/eleve/", identity(**overrides))


MASKED = {"EMAIL": "j***@e***.fr", "IDENTIFIER": "j***.d***0512", "ENT": ""}


@pytest.mark.parametrize(
    ("method", "code", "sentence"),
    [
        ("EMAIL", "R31", "qui se connecte avec l'adresse e-mail j***@e***.fr"),
        ("IDENTIFIER", "R32", "qui se connecte avec l'identifiant j***.d***0512"),
        ("ENT", "R33", "qui se connecte par l'ENT"),
    ],
)
def test_a_learner_linked_here_to_another_account_is_refused_r3x(
    campaign, lea, student, method, code, sentence
):
    link_learner(lea, other_account(method))
    response = reconcile(signed_in(student), campaign)
    shown = text(response)
    assert response.status_code == 403
    assert refusal_code(response) == code
    assert "Dans la liste de cet établissement, votre nom est déjà associé" in shown
    assert sentence in shown
    # Never the whole login.
    assert "jean.dupont" not in shown
    # Offers to sign in with that account (signing this one out first).
    if method == "ENT":
        assert "Me déconnecter, puis passer par l'ENT" in shown
    else:
        assert "Me déconnecter et me connecter avec ce compte" in shown
    assert f'value="/compte/login/?next=%2Fparcours%2F{campaign.code}%2F"' in (
        response.content.decode()
    )
    lea.refresh_from_db()
    assert lea.user.username != student.username


@pytest.mark.parametrize(
    ("method", "code", "sentence"),
    [
        ("EMAIL", "R11", "il se connecte avec l'adresse e-mail j***@e***.fr"),
        ("IDENTIFIER", "R12", "il se connecte avec l'identifiant j***.d***0512"),
        ("ENT", "R13", "il se connecte par l'ENT"),
    ],
)
def test_a_learner_whose_ine_is_linked_in_another_school_is_refused_r1x(
    campaign, lea, student, method, code, sentence
):
    former = make_organization(name="Collège d'avant")
    make_learner(former, ine=lea.ine, birthdate=lea.birthdate, user=other_account(method))
    response = reconcile(signed_in(student), campaign)
    shown = text(response)
    assert refusal_code(response) == code
    assert "Vous avez déjà un compte, créé dans un autre établissement" in shown
    assert sentence in shown
    lea.refresh_from_db()
    assert lea.user_id is None


def test_r70_this_account_already_has_another_learner_of_this_school(campaign, lea, student):
    hugo = campaign.organization.learners_by_name["Hugo"]
    with pytest.raises(AccountLinkedToAnotherLearnerError):
        check_can_link(learner=lea, user=link_learner(hugo, student).user)
    # Through the pages: matched, then linked to Hugo in another tab, then "Associer".
    hugo.user = None
    hugo.save()
    client = signed_in(student)
    reconcile(client, campaign)
    link_learner(hugo, student)
    response = client.post(f"/parcours/{campaign.code}/associer/")
    assert refusal_code(response) == "R70"
    assert "Déconnectez-vous, puis recommencez avec votre propre compte." in text(response)
    assert "Me déconnecter et recommencer" in text(response)
    lea.refresh_from_db()
    assert lea.user_id is None


def test_r90_the_account_belongs_to_another_student_elsewhere(campaign, lea, student):
    elsewhere = make_organization()
    make_learner(elsewhere, birthdate=BIRTHDATE.replace(year=2010), user=student)
    response = reconcile(signed_in(student), campaign)
    assert refusal_code(response) == "R90"
    assert "ni votre INE ni votre date de naissance" in text(response)
    lea.refresh_from_db()
    assert lea.user_id is None


def test_no_r90_when_the_learner_elsewhere_shares_the_ine_or_the_birth_date(lea, student):
    make_learner(make_organization(), birthdate=lea.birthdate, user=student)
    check_can_link(learner=lea, user=student)
    learner_made_from_account = make_learner(make_organization(), user=make_student())
    check_can_link(learner=lea, user=learner_made_from_account.user)


def test_the_check_order_is_r3x_then_r1x_then_r70_then_r90(campaign, lea, student):
    school = campaign.organization
    # Every condition at once: the learner's own link (R3x) is said first.
    make_learner(make_organization(), birthdate=BIRTHDATE.replace(year=2010), user=student)
    link_learner(school.learners_by_name["Hugo"], student)
    make_learner(make_organization(), ine=lea.ine, birthdate=lea.birthdate, user=make_student())
    link_learner(lea, make_student())
    with pytest.raises(LinkedInThisSchoolError):
        check_can_link(learner=lea, user=student)
    lea.user = None
    with pytest.raises(LinkedInAnotherSchoolError):
        check_can_link(learner=lea, user=student)
    lea.ine = "0000000000Z"
    with pytest.raises(AccountLinkedToAnotherLearnerError):
        check_can_link(learner=lea, user=student)
    school.learners_by_name["Hugo"].user = None
    school.learners_by_name["Hugo"].save()
    with pytest.raises(AccountOfAnotherStudentError):
        check_can_link(learner=lea, user=student)


def test_the_link_service_checks_again_under_the_lock(campaign, lea, student):
    # Matched a moment ago; another account took the learner since.
    link_learner(lea, other_account("IDENTIFIER"))
    with pytest.raises(LinkedInThisSchoolError) as refusal:
        learner_link(user=student, organization=campaign.organization, learner_id=lea.pk)
    assert refusal.value.code == "R32"
    assert refusal.value.meta == {"method": "IDENTIFIER", "login": "j***.d***0512"}
    assert not audit_rows(action="learner.linked")


def test_an_account_signs_in_through_the_ent_first_then_its_identifier_then_its_e_mail():
    both = make_student(username="lea.martin1705", email="lea@exemple.fr")
    assert both.sign_in_methods == ["IDENTIFIER", "EMAIL"]
    add_gar_method(both, "gar-1")
    assert both.sign_in_methods == ["ENT", "IDENTIFIER", "EMAIL"]


@pytest.mark.parametrize(
    ("login", "masked"),
    [
        ("jean.dupont0512", "j***.d***0512"),
        ("lea.martin1705-2", "l***.m***1705-2"),
        ("eleve", "e***"),
    ],
)
def test_identifiers_are_masked_to_their_initials_and_day_and_month(login, masked):
    assert mask_identifier(login) == masked


def test_e_mail_addresses_are_masked_to_their_initials():
    assert mask_email("jean.dupont@exemple.fr") == "j***@e***.fr"
    assert mask_email("lea@ac-paris.gouv.fr") == "l***@a***.fr"
