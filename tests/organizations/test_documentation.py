"""`/documentation/`: who sees it, what the guides say, that every button they quote is a
real one, and that the troubleshooting kit explains exactly the codes students are shown."""

import itertools
import re
from html import unescape
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.utils import translation

import campaigns.services.joining  # noqa: F401 - registers its StudentJoinError subclass
from campaigns.errors import CampaignError
from campaigns.join_errors import StudentJoinError
from campaigns.troubleshooting import BUTTONS, troubleshooting_kit
from campaigns.views.student import refusal
from pixorga.documentation import LABELS
from tests.factories import UserFactory, link_learner, make_campaign, make_learner, make_student

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTATION = ROOT / "templates" / "pages" / "documentation.html"


def page_of(client, user) -> str:
    client.force_login(user)
    response = client.get("/documentation/")
    assert response.status_code == 200
    return unescape(response.content.decode())


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | subclasses(sub)
    return found


def codes_shown_to_students() -> set[str]:
    """Every code a student's refusal can show, from the error classes: a sign-in refusal
    has one code per sign-in method (`CODES`), the others their `code`."""
    codes = set()
    for cls in subclasses(StudentJoinError) | subclasses(CampaignError):
        if not cls.__dict__.get("shown_to_students", cls.shown_to_students):
            continue
        if getattr(cls, "CODES", None):
            codes |= set(cls.CODES.values())
        elif "code" in cls.__dict__:
            codes.add(cls.code)
    return codes


# --- Who sees it ----------------------------------------------------------------------------


def test_documentation_sends_anonymous_people_to_sign_in(client):
    response = client.get("/documentation/")
    assert response.status_code == 302
    assert response["Location"] == "/compte/login/?next=/documentation/"


def test_documentation_is_open_to_administrators_and_members(client, admin_user, member_user):
    for user in (admin_user, member_user):
        assert "Dépannage : les codes des élèves" in page_of(client, user)


def test_documentation_is_open_to_a_member_of_another_school_in_their_own_space(
    client, outsider_user, other_organization
):
    page = page_of(client, outsider_user)
    assert other_organization.name in page


def test_documentation_refuses_people_of_no_organisation(client, db):
    client.force_login(UserFactory())
    assert client.get("/documentation/").status_code == 403


def test_documentation_refuses_a_student(client, organization):
    student = make_student(username="lea.martin1705")
    link_learner(make_learner(organization), student)
    client.force_login(student)
    assert client.get("/documentation/").status_code == 403


def test_documentation_asks_for_the_terms_of_use_first(client, organization):
    from tests.factories import make_member

    newcomer = make_member(organization, cgu_accepted=False)
    client.force_login(newcomer)
    response = client.get("/documentation/")
    assert response.status_code == 302
    assert response["Location"].startswith("/cgu/")


# --- The guides -----------------------------------------------------------------------------


def test_documentation_gives_the_siecle_export_path_and_says_the_zip_can_be_sent(
    client, member_user
):
    page = text_of(page_of(client, member_user))
    siecle_menu = "Base élèves établissement › Exportations › En XML › Élèves sans adresses"  # noqa: RUF001
    assert siecle_menu in page
    assert "ExportXML_ElevesSansAdresses.zip" in page
    assert "Envoyez-la telle quelle à Pix Orga : inutile de la décompresser" in page


def test_documentation_describes_the_import_departed_students_and_errors(client, member_user):
    page = text_of(page_of(client, member_user))
    assert "Cliquez sur « Confirmer l'import »" in page
    assert "le tableau « Par classe »" in page
    assert "sont désactivés, pas supprimés" in page
    assert "en tableur (CSV)" in page


def test_documentation_describes_inviting_campaigns_per_class_and_joining(client, member_user):
    page = text_of(page_of(client, member_user))
    assert "clique sur « Inviter un membre »" in page
    assert "« Inviter (2 e-mails) »" in page
    assert "cliquez sur « Créer une campagne par classe »" in page
    assert "« Fiche de la 4E2 »" in page
    assert "L'élève ouvre l'adresse /code/" in page
    assert "clique sur « Créer mon compte sans adresse e-mail »" in page
    assert "jean.dupont0512" in page


def test_every_menu_link_leads_to_a_heading_of_the_page(client, member_user):
    page = page_of(client, member_user)
    menu = re.search(r'<nav class="fr-sidemenu.*?</nav>', page, re.S).group(0)
    anchors = re.findall(r'href="#([\w-]+)"', menu)
    assert len(anchors) == 8
    for anchor in anchors:
        assert re.search(rf'<h2 id="{anchor}"', page), anchor


def test_headings_go_down_one_level_at_a_time(client, member_user):
    page = page_of(client, member_user)
    main = page[page.index('<main id="content"') :]
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", main)]
    assert levels[0] == 1
    for previous, level in itertools.pairwise(levels):
        assert level <= previous + 1, levels


# Where each label the guides quote is shown: the page (template or module) the guide's
# step is about. A new label needs its line here.
LABEL_SOURCES = {
    "accept_invitation": "templates/invitations/email/body.html",
    "create_account": "templates/invitations/accept_signed_out.html",
    "sign_in": "templates/invitations/accept_signed_out.html",
    "accept": "templates/invitations/accept.html",
    "accept_cgu": "templates/legal/cgu.html",
    "self_activation": "templates/account/login.html",
    "students": "templates/partials/header.html",
    "import": "templates/students/learner_list.html",
    "siecle_file": "students/forms.py",
    "by_class": "templates/students/_import_panel.html",
    "confirm_import": "templates/students/_import_panel.html",
    "cancel": "templates/students/_import_panel.html",
    "see_students": "templates/students/_import_panel.html",
    "import_history": "templates/students/import_page.html",
    "import_a_file": "templates/students/_import_panel.html",
    "team": "templates/partials/header.html",
    "invite_member": "templates/organizations/team/team.html",
    "invite_addresses": "organizations/forms.py",
    "continue": "templates/organizations/team/invite.html",
    "confirm_invitations": "templates/organizations/team/invite_confirm.html",
    "pending_invitations": "templates/organizations/team/team.html",
    "resend": "templates/organizations/team/team.html",
    "campaigns": "templates/partials/header.html",
    "per_class": "templates/campaigns/list.html",
    "campaign_name": "campaigns/forms.py",
    "title_shown": "campaigns/forms.py",
    "create_campaigns": "templates/campaigns/form.html",
    "copy_code": "templates/campaigns/_code.html",
    "copy_link": "templates/campaigns/_code.html",
    "follow_up": "templates/campaigns/_summary.html",
    "print": "templates/campaigns/sheet.html",
    "export": "templates/campaigns/detail.html",
    "unarchive": "templates/campaigns/detail.html",
    "i_have_a_code": "templates/home.html",
    "campaign_code": "campaigns/student_forms.py",
    "go": "templates/campaigns/student/code.html",
    "start": "templates/campaigns/student/landing.html",
    "sign_up_without_email": "templates/campaigns/student/landing.html",
    "sign_up_with_email": "templates/campaigns/student/landing.html",
    "is_this_you": "templates/campaigns/student/confirm.html",
    "link_and_create": "templates/campaigns/student/sign_up_password.html",
    "link": "templates/campaigns/student/confirm.html",
    "identifier": "templates/campaigns/student/account_created.html",
    "login_field": "accounts/forms.py",
    "send_results": "templates/campaigns/student/campaign.html",
    "password": "templates/students/learner_detail.html",
    "identifier_and_password": "templates/students/learner_detail.html",
    "generate": "templates/students/passwords_confirm.html",
    "print_cards": "templates/students/passwords_result.html",
    "download_csv": "templates/students/passwords_result.html",
    "choose_password": "templates/account/choose_password.html",
    "unlink": "templates/students/learner_detail.html",
}
# The kit's buttons (`campaigns.troubleshooting.BUTTONS`): on the student's page.
BUTTON_SOURCES = {
    "unlink": "templates/students/learner_detail.html",
    "password": "templates/students/learner_detail.html",
}


def test_every_quoted_label_is_a_message_of_the_page_it_is_about():
    """The guides quote buttons, links and fields through LABELS (the kit through
    BUTTONS): each must be the very message of the page the guide's step is about, or the
    guide names a button that is not there (being the message of some other page is not
    enough)."""
    assert set(LABEL_SOURCES) == set(LABELS)
    assert set(BUTTON_SOURCES) == set(BUTTONS)
    missing = [
        (key, source)
        for labels, sources in ((LABELS, LABEL_SOURCES), (BUTTONS, BUTTON_SOURCES))
        for key, source in sources.items()
        if f'"{labels[key]}"' not in (ROOT / source).read_text(encoding="utf-8")
    ]
    assert missing == []


def test_every_quoted_label_is_on_the_page_in_french(client, member_user):
    page = page_of(client, member_user)
    with translation.override("fr"):
        missing = [
            key
            for key, message in LABELS.items()
            if f"« {translation.gettext(message)} »" not in page
        ]
    assert missing == []


def test_the_whole_documentation_is_in_english_for_a_person_who_chose_english(client, member_user):
    member_user.language = "en"
    member_user.save(update_fields=["language"])
    page = text_of(page_of(client, member_user))
    assert "Troubleshooting: the students' codes" in page
    assert "clicks “Invite a member”" in page
    assert "The student reads:" in page
    assert "Dépannage" not in page


# --- The troubleshooting kit ----------------------------------------------------------------


def test_the_kit_explains_exactly_the_codes_students_are_shown():
    kit = [trouble.code for trouble in troubleshooting_kit()]
    assert len(kit) == len(set(kit))
    assert set(kit) == codes_shown_to_students()
    assert {"R11", "R12", "R13", "R31", "R32", "R33", "R70", "R90", "STUDENT_NOT_FOUND"} <= set(kit)


# The refusals no student ever reads: the campaign pages' own (the school's side), the
# page twins' service originals (CAMPAIGN_DELETED, CAMPAIGN_ARCHIVED are shown through
# join_errors, same codes), and STUDENT_NOT_LINKED (a redirect to the form). Reviewed: a
# class leaves the kit only by being added here.
NEVER_SHOWN_TO_STUDENTS = {
    "CampaignOwnerNotMemberError",
    "CampaignUnknownClassError",
    "CampaignNoClassError",
    "CampaignNameTooLongError",
    "MultipleSendingsFrozenError",
    "CampaignAlreadyArchivedError",
    "CampaignNotArchivedError",
    "CampaignDeletedError",
    "CampaignCodeUnavailableError",
    "CampaignClosedError",
    "StudentNotLinkedError",
}


def test_only_the_reviewed_refusals_are_left_out_of_the_kit():
    left_out = {
        cls.__name__
        for cls in subclasses(StudentJoinError) | subclasses(CampaignError)
        if not cls.__dict__.get("shown_to_students", cls.shown_to_students)
    }
    assert left_out == NEVER_SHOWN_TO_STUDENTS


def test_a_new_campaign_refusal_needs_a_kit_entry():
    """Shown to students unless it says otherwise: a new class without an entry makes the
    kit's test fail."""
    import gc

    class NewRefusalError(CampaignError):
        code = "NEW_REFUSAL_OF_THE_TEST"

    try:
        assert "NEW_REFUSAL_OF_THE_TEST" in codes_shown_to_students()
        kit = {trouble.code for trouble in troubleshooting_kit()}
        assert kit != codes_shown_to_students()
    finally:
        del NewRefusalError
        gc.collect()
    assert "NEW_REFUSAL_OF_THE_TEST" not in codes_shown_to_students()


def test_the_kit_covers_what_the_participation_pages_can_show():
    kit = {trouble.code for trouble in troubleshooting_kit()}
    assert {
        "PARTICIPATION_ALREADY_SHARED",
        "PARTICIPATION_EXTERNAL_ID_REQUIRED",
        "PARTICIPATION_EXTERNAL_ID_INVALID",
        "PARTICIPATION_EXTERNAL_ID_TOO_LONG",
        "CAMPAIGN_OTHER_CLASS",
        "LEARNER_DISABLED",
    } <= kit


def test_the_page_has_an_entry_per_code_with_what_the_student_reads(client, member_user):
    page = page_of(client, member_user)
    entries = re.findall(r'<section [^>]*id="code-([\w]+)"', page)
    with translation.override("fr"):
        kit = troubleshooting_kit()
        assert entries == [trouble.code for trouble in kit]
        for trouble in kit:
            section = page[page.index(f'id="code-{trouble.code}"') :]
            section = section[: section.index("</section>")]
            assert trouble.title in section
            assert trouble.message in section
            assert "Pourquoi :" in section and "Que faire :" in section


def test_the_masked_sign_in_of_the_example_is_the_pages_own(client, member_user):
    page = text_of(page_of(client, member_user))
    assert "avec l'identifiant j***.d***0512" in page
    assert "avec l'adresse e-mail j***@e***.fr" in page


@pytest.mark.parametrize(
    "trouble",
    [trouble for trouble in troubleshooting_kit() if trouble.code != "STUDENT_NOT_FOUND"],
    ids=lambda trouble: trouble.code,
)
def test_each_refusal_page_shows_its_code(trouble, db):
    request = RequestFactory().get("/code/")
    request.user = UserFactory()
    request.session = {}
    body = refusal(request, trouble.error).content.decode()
    found = re.search(r'data-testid="refusal-code">([^<]+)<', body)
    assert found and found.group(1).strip().endswith(trouble.code)


def test_no_match_shows_its_code_under_the_form(client, organization):
    campaign = make_campaign(organization)
    make_learner(organization, first_name="Léa", last_name="MARTIN")
    response = client.post(
        f"/parcours/{campaign.code}/inscription/",
        {
            "first_name": "Zoé",
            "last_name": "Durand",
            "birth_day": "1",
            "birth_month": "1",
            "birth_year": "2012",
        },
    )
    assert response.status_code == 400
    assert re.search(
        r'data-testid="refusal-code">[^<]*STUDENT_NOT_FOUND<', response.content.decode()
    )


def test_the_kit_s_french_wording(client, member_user):
    page = re.sub(r"\s+", " ", page_of(client, member_user))
    assert "Aucun élève de votre liste (ou plusieurs) n'a cette date de naissance" in page
    assert (
        "il est alors automatiquement associé à votre liste (même INE et même date de naissance)"
    ) in page
    assert "vérifiez ses nom et prénom et sa date de naissance" in page
    assert "pas encore, avec un identifiant, avec une adresse e-mail ou par l'ENT" in page
    assert "résultats envoyés compris, sont supprimées" in page
    for old in ("Aucun élève unique", "de lui-même", "vérifiez ses noms"):
        assert old not in page
