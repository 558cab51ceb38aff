"""The requester's names on /demande-administration-sco/: they are written into a real
e-mail to the school's official mailbox, so only what a name holds is accepted (letters
of any script, spaces, hyphens, apostrophes; 60 characters at most), and the e-mail's
HTML isolates them (`<bdi>`)."""

import html

import pytest
from django.core import mail

from invitations.models import Invitation

pytestmark = pytest.mark.django_db

URL = "/demande-administration-sco/"


@pytest.fixture
def ask(client, on_commit, organization):
    def ask(first_name="Anne", last_name="Roux"):
        with on_commit():
            response = client.post(
                URL,
                {"uai": organization.uai, "first_name": first_name, "last_name": last_name},
            )
        return response, html.unescape(response.content.decode())

    return ask


@pytest.mark.parametrize(
    ("first_name", "last_name"),
    [
        ("Anne-Sophie", "D'Arcy"),
        ("Jean Marie", "N\u2019Diaye"),
        ("Éloïse", "Ørsted"),
        ("محمد", "العلي"),
        ("Ілля", "Ковальчук"),
        ("美咲", "佐藤"),
    ],
)
def test_names_of_any_script_with_hyphens_and_apostrophes_are_accepted(ask, first_name, last_name):
    response, body = ask(first_name, last_name)
    assert response.status_code == 200, body
    invitation = Invitation.objects.get()
    assert (invitation.requester_first_name, invitation.requester_last_name) == (
        first_name,
        last_name,
    )
    assert f"{first_name} {last_name} a demandé" in mail.outbox[0].body


def test_an_accent_typed_as_a_separate_mark_is_composed(ask):
    assert ask("E\u0301lise", "  Roux   Durand ")[0].status_code == 200
    invitation = Invitation.objects.get()
    assert invitation.requester_first_name == "Élise"
    assert invitation.requester_last_name == "Roux Durand"


@pytest.mark.parametrize(
    "lure",
    [
        "https://pix-orga.example/reset",
        "pix.example",
        "Appelez le 0612345678",
        "support@pix.example",
        "Support Pix : écrivez-nous",
        "Anne/Roux",
        "Anne_Roux",
        "<b>Anne</b>",
        "- ' -",
    ],
)
@pytest.mark.parametrize(
    ("field", "named"), [("first_name", "Votre prénom"), ("last_name", "Votre nom")]
)
def test_a_name_carrying_more_than_a_name_is_refused_naming_the_field(ask, lure, field, named):
    response, body = ask(**{field: lure})
    assert response.status_code == 400
    assert (
        f"{named} ne peut contenir que des lettres, des espaces, des traits d'union et des "
        "apostrophes"
    ) in body
    assert mail.outbox == []
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("character", "code_point"),
    [
        ("\u202e", "U+202E"),  # right-to-left override
        ("\u200b", "U+200B"),  # zero-width space
        ("\u2066", "U+2066"),  # left-to-right isolate
        ("\u00ad", "U+00AD"),  # soft hyphen
        ("\u3164", "U+3164"),  # Hangul filler, drawn blank
        ("\n", "U+000A"),
    ],
)
def test_an_invisible_character_is_refused_and_named(ask, character, code_point):
    response, body = ask(last_name=f"Rou{character}x")
    assert response.status_code == 400
    assert f"Votre nom contient un caractère invisible ({code_point})" in body
    assert mail.outbox == []


@pytest.mark.parametrize(("field", "named"), [("first_name", "prénom"), ("last_name", "nom")])
def test_a_name_is_sixty_characters_at_most(ask, field, named):
    response, body = ask(**{field: "A" * 61})
    assert response.status_code == 400
    assert f"Votre {named} doit compter 60 caractères au plus." in body
    assert mail.outbox == []
    assert ask(**{field: "A" * 60})[0].status_code == 200


def test_the_e_mail_s_html_isolates_the_requester_s_name(ask, organization):
    ask("محمد", "العلي")
    html_body = mail.outbox[0].alternatives[0][0]
    assert "<bdi>محمد العلي</bdi> a demandé" in html_body
    assert f"<bdi>{organization.name}</bdi>" in html_body
