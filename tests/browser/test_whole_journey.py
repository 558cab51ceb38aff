"""The whole journey of the school guides, through the pages only, as the people do it: staff
creates a school and sends its invitation; the head of school signs up from the e-mail's
link and accepts the terms of use; imports a generated SIECLE export (a real Celery worker
on Redis checks and applies it) and confirms; invites a teacher, who signs up and joins;
the teacher creates one campaign per class; a student of one class, without an e-mail
address, signs up through the code with a typo in their first name, joins and sends their
results; the teacher sees them as done in the class summary and in the CSV export; the
administrator generates a one-time password for them, with which they sign in and must
choose a new one.

One test on purpose: each step starts from what the previous ones left, as in a school.
"""

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from campaigns.models import Participation
from organizations.models import Membership, Organization
from students.models import Learner
from students.normalize import normalize_match_name
from students.siecle_generator import write_siecle_zip
from tests.browser.steps import (
    back_office_sign_in,
    choose_a_new_password,
    choose_password_and_create_the_account,
    create_one_campaign_per_class,
    fill_identity,
    generate_a_one_time_password,
    import_and_confirm,
    invite_by_email,
    join_from_invitation_with_a_new_account,
    staff_creates_a_school,
    staff_sends_the_administrator_invitation,
    wait_for_message_to,
)
from tests.browser.test_accounts_and_layout import sign_in
from tests.factories import current_cgu, make_staff, make_uai
from tests.students.conftest import celery_worker_thread  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.celery_worker]

UAI = make_uai(2468013)
OFFICIAL_EMAIL = f"ce.{UAI.lower()}@ac-test.fr"
HEAD = {"first_name": "Camille", "last_name": "Martin", "email": "camille.martin@ac-test.fr"}
TEACHER = {"first_name": "Anne", "last_name": "Roux", "email": "anne.roux@ac-test.fr"}
STUDENT_PASSWORD = "Une-phrase-de-passe-2026"
NEW_STUDENT_PASSWORD = "Mon-propre-mot-de-passe-2027"
CAMPAIGN = "Rentrée numérique"


def a_student_to_follow(school: Organization) -> Learner:
    """A student of the list whose birth date no other student shares and whose first name
    is long enough for one wrong letter to be tolerated (pass 2: at most one in four)."""
    learners = list(Learner.objects.filter(organization=school, disabled=False))
    birthdays = [learner.birthdate for learner in learners]
    return next(
        learner
        for learner in sorted(learners, key=lambda learner: learner.pk)
        if learner.division
        and birthdays.count(learner.birthdate) == 1
        and len(normalize_match_name(learner.first_name)) >= 5
        and learner.first_name.isascii()
    )


def with_one_wrong_letter(name: str) -> str:
    return name[:-1] + ("a" if name[-1].lower() != "a" else "e")


@pytest.mark.usefixtures("celery_worker_thread")
def test_a_school_from_its_invitation_to_a_students_one_time_password(
    page: Page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    staff = make_staff()
    current_cgu()

    # Staff creates the school in the back office and sends its administrator invitation.
    back_office_sign_in(page, staff.email)
    staff_creates_a_school(page, name="Collège Simone Veil", uai=UAI, official_email=OFFICIAL_EMAIL)
    school = Organization.objects.get(uai=UAI)
    staff_sends_the_administrator_invitation(page, school)

    # The head of school opens the e-mail's link, signs up and accepts the terms of use.
    join_from_invitation_with_a_new_account(page, wait_for_message_to(OFFICIAL_EMAIL), **HEAD)
    expect(page.get_by_role("banner")).to_contain_text("Collège Simone Veil")
    assert Membership.objects.get(organization=school, user__email=HEAD["email"]).role == "ADMIN"

    # … imports the school's SIECLE export through the page, and confirms.
    export = tmp_path / "ExportXML_ElevesSansAdresses.zip"
    with export.open("wb") as output:
        expected = write_siecle_zip(output, students=60, uai=UAI, seed=21)
    import_and_confirm(page, str(export))
    expect(page.locator("#import-outcome")).to_contain_text(f"{expected.learners} élèves ajoutés")

    # … invites a teacher, who signs up from her e-mail and joins the team.
    invite_by_email(page, TEACHER["email"])
    join_from_invitation_with_a_new_account(page, wait_for_message_to(TEACHER["email"]), **TEACHER)
    assert (
        Membership.objects.get(organization=school, user__email=TEACHER["email"]).role == "MEMBER"
    )

    # The teacher creates one campaign per class and opens the one of a student's class.
    create_one_campaign_per_class(page, name=CAMPAIGN, title="Bienvenue !")
    student = a_student_to_follow(school)
    division = student.division
    page.get_by_role("link", name=f"{CAMPAIGN} – {division}", exact=True).click()  # noqa: RUF001
    code = page.locator("#campaign-code-value").inner_text().strip()
    campaign_url = page.url

    # The student, without an e-mail address, types the code and signs up through it with
    # a typo in their first name.
    page.context.clear_cookies()
    page.goto("/code/")
    page.get_by_label("Code de la campagne").fill(code.lower())
    page.get_by_role("button", name="Valider").click()
    page.get_by_role("link", name="Créer mon compte sans adresse e-mail").click()
    fill_identity(
        page,
        first_name=with_one_wrong_letter(student.first_name),
        last_name=student.display_last_name.title(),
        birthdate=student.birthdate,
    )
    expect(page.locator("#matched-learner")).to_have_text(
        f"{student.first_name} {student.display_last_name}"
    )
    choose_password_and_create_the_account(page, STUDENT_PASSWORD)
    identifier = page.locator("#identifier").inner_text().strip()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Envoyer mes résultats").click()
    expect(page.get_by_text("Vos résultats ont été envoyés à Collège Simone Veil.")).to_be_visible()

    # The teacher sees the student as done in the class summary and in the export.
    page.context.clear_cookies()
    sign_in(page, TEACHER["email"])
    page.goto(campaign_url)
    row = page.locator(f"#class-summary tr[data-division='{division}'] td")
    expect(row.nth(2)).to_have_text("1")  # results sent
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter les résultats (CSV)").click()
    content = download.value.path().read_bytes()
    assert content.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:6] == ["Établissement", "Campagne", "Code", "Nom", "Prénom", "Classe"]
    (line,) = lines[1:]
    assert line[3:7] == [
        student.display_last_name,
        student.first_name,
        division,
        "Résultats envoyés",
    ]

    # The administrator generates a one-time password for the student…
    page.context.clear_cookies()
    sign_in(page, HEAD["email"])
    page.goto(campaign_url)
    page.locator("#participants").get_by_role(
        "link", name=f"{student.display_last_name} {student.first_name}"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(student.first_name)
    one_time_password = generate_a_one_time_password(page)
    expect(page.locator("#passwords-cards [data-identifier]")).to_have_text(identifier)

    # … with which the student signs in, and must first choose their own password.
    page.context.clear_cookies()
    sign_in(page, identifier, one_time_password)
    expect(page).to_have_url(re.compile(r"/compte/nouveau-mot-de-passe/$"))
    page.goto("/mes-parcours/")  # nothing else until then
    choose_a_new_password(page, NEW_STUDENT_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes campagnes")
    expect(page.locator("#my-campaigns")).to_contain_text("Résultats envoyés")

    # Their own password works from then on; the one-time one no longer does.
    page.context.clear_cookies()
    sign_in(page, identifier, one_time_password)
    expect(page.get_by_role("alert")).to_contain_text("Identifiants incorrects")
    sign_in(page, identifier, NEW_STUDENT_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes campagnes")
    participation = Participation.objects.get(learner=student)
    assert participation.status == "SHARED"
    assert participation.user.username == identifier
