"""/rejoindre/: what the link leads to, for each state of the invitation, and the one
generic page for an unknown id or a wrong code."""

import html

import pytest
from django.core import mail
from django.utils import timezone

from invitations.models import Invitation
from invitations.services import invitation_cancel
from organizations.current import SESSION_KEY
from organizations.services import organization_archive
from tests.factories import PASSWORD, UserFactory, current_cgu
from tests.invitations.helpers import accept, accept_path, link_parameters, send

pytestmark = pytest.mark.django_db

INVALID = "Lien d'invitation non valide"


@pytest.fixture
def invitation_link(organization):
    _, link = send(organization)
    return link


def page(client, path):
    response = client.get(path)
    return response, text(response)


def text(response) -> str:
    return html.unescape(response.content.decode())


def main_part(body: str) -> str:
    """The page's own content (the header's forms carry a CSRF token and the address)."""
    return body.split('<main id="content"', 1)[1].split("</main>", 1)[0]


# --- The generic page -------------------------------------------------------------------


def test_a_wrong_code_and_an_unknown_id_get_the_same_page_that_names_nothing(
    client, organization, invitation_link
):
    parameters = link_parameters(invitation_link)
    wrong_code, body = page(client, f"/rejoindre/?invitationId={parameters['invitationId']}&code=x")
    unknown_id, other_body = page(
        client, f"/rejoindre/?invitationId=999999&code={parameters['code']}"
    )
    assert wrong_code.status_code == unknown_id.status_code == 404
    assert main_part(body) == main_part(other_body)
    assert INVALID in body
    assert organization.name not in body
    assert organization.uai not in body


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?invitationId=&code=",
        "?invitationId=abc&code=abc",
        "?invitationId=-1&code=abc",
        "?invitationId=99999999999999999999999&code=abc",
        "?invitationId=1&code=" + "a" * 5000,
    ],
)
def test_a_malformed_link_gets_the_generic_page(client, invitation_link, query):
    response, body = page(client, f"/rejoindre/{query}")
    assert response.status_code == 404
    assert INVALID in body


def test_a_wrong_code_gets_the_generic_page_whatever_the_state(
    client, organization, invitation_link
):
    """Guessing ids must not tell an accepted, cancelled or archived invitation apart."""
    invitation_id = link_parameters(invitation_link)["invitationId"]
    invitation_cancel(invitation=Invitation.objects.get(pk=invitation_id), actor=None)
    organization_archive(actor=None, organization=organization)
    response, body = page(client, f"/rejoindre/?invitationId={invitation_id}&code=guess")
    assert response.status_code == 404
    assert INVALID in body


def test_posting_a_wrong_code_accepts_nothing(client, organization, invitation_link):
    user = UserFactory()
    client.force_login(user)
    parameters = link_parameters(invitation_link) | {"code": "guess"}
    response = client.post("/rejoindre/", parameters)
    assert response.status_code == 404
    assert INVALID in text(response)
    assert not user.memberships.exists()


# --- A valid link -----------------------------------------------------------------------


def test_signed_out_the_page_names_the_organisation_and_offers_to_sign_in_or_up(
    client, organization, invitation_link
):
    response, body = page(client, accept_path(invitation_link))
    assert response.status_code == 200
    assert f"Rejoindre {organization.name} sur Pix Orga" in body
    assert "Vous êtes invité à administrer l'espace Pix Orga" in body
    login = response.context["login_url"]
    signup = response.context["signup_url"]
    assert login.startswith("/compte/login/?next=%2Frejoindre%2F%3FinvitationId%3D")
    assert signup.startswith("/compte/signup/?next=%2Frejoindre%2F%3FinvitationId%3D")
    assert login.replace("&", "&amp;") in body


def test_signed_in_the_page_says_which_account_will_join(client, organization, invitation_link):
    user = UserFactory(first_name="Camille", last_name="Martin", email="camille@ac-test.fr")
    client.force_login(user)
    response, body = page(client, accept_path(invitation_link))
    assert response.status_code == 200
    assert (
        f"Vous allez rejoindre <bdi>{organization.name}</bdi> avec le compte "
        "<bdi>Camille Martin (camille@ac-test.fr)</bdi>."
    ) in body
    assert ">Accepter</button>" in body
    assert "Ce n'est pas vous ?" in body
    assert "Changer de compte" in body
    # Looking is not accepting.
    assert not user.memberships.exists()


def test_switching_account_signs_out_and_comes_back_to_the_link(client, invitation_link):
    client.force_login(UserFactory())
    path = accept_path(invitation_link)
    response = client.post("/compte/logout/", {"next": path})
    assert response.status_code == 302
    assert response["Location"] == path
    response, body = page(client, path)
    assert "_auth_user_id" not in client.session
    assert "Créer un compte" in body


def test_signing_up_from_the_link_comes_back_to_it_and_accepting_lands_in_the_space(
    client, organization, invitation_link
):
    path = accept_path(invitation_link)
    signup_url = page(client, path)[0].context["signup_url"]
    response = client.post(
        signup_url,
        {
            "first_name": "Camille",
            "last_name": "Martin",
            "email": "camille@ac-test.fr",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == path
    response = accept(client, invitation_link)
    assert response.status_code == 302
    assert response["Location"] == "/campagnes/"
    membership = organization.memberships.get(user__email="camille@ac-test.fr")
    assert membership.role == "ADMIN"
    assert client.session[SESSION_KEY] == organization.pk
    # A new account has not accepted the terms of use yet: the space sends it there first,
    # and the message of the acceptance waits for the next page shown.
    version = current_cgu()
    response = client.get("/campagnes/")
    assert response.status_code == 302
    assert response["Location"] == "/cgu/?next=%2Fcampagnes%2F"
    body = text(client.get(response["Location"]))
    assert f"Vous avez rejoint {organization.name} en tant qu'administrateur." in body
    response = client.post(
        "/cgu/", {"decision": "accept", "version_id": version.pk, "next": "/campagnes/"}
    )
    assert response["Location"] == "/campagnes/"
    assert client.get("/campagnes/").status_code == 200


def test_signing_in_from_the_link_comes_back_to_it(client, invitation_link):
    user = UserFactory()
    path = accept_path(invitation_link)
    login_url = page(client, path)[0].context["login_url"]
    response = client.post(login_url, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == path


def test_an_outside_next_address_is_not_followed_after_sign_in(client):
    user = UserFactory()
    response = client.post(
        "/compte/login/?next=https://evil.example/rejoindre/",
        {"login": user.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_posting_signed_out_accepts_nothing_and_shows_the_sign_in_choice(client, invitation_link):
    response = accept(client, invitation_link)
    assert response.status_code == 200
    assert "Créer un compte" in text(response)
    assert Invitation.objects.get().status == "PENDING"


# --- The pages of each state ------------------------------------------------------------


def test_a_link_works_once(client, organization, invitation_link):
    client.force_login(UserFactory())
    assert accept(client, invitation_link).status_code == 302
    other = UserFactory()
    client.force_login(other)
    for response in (client.get(accept_path(invitation_link)), accept(client, invitation_link)):
        body = text(response)
        assert response.status_code == 410
        assert "Invitation déjà acceptée" in body
        assert organization.name in body
    assert not other.memberships.exists()


def test_a_cancelled_invitation_says_so(client, organization, invitation_link):
    invitation_cancel(invitation=Invitation.objects.get(), actor=None)
    response, body = page(client, accept_path(invitation_link))
    assert response.status_code == 410
    assert "Invitation annulée" in body
    assert organization.name in body
    client.force_login(user := UserFactory())
    assert accept(client, invitation_link).status_code == 410
    assert not user.memberships.exists()


def test_a_replaced_link_says_that_a_newer_e_mail_was_sent(client, organization, invitation_link):
    _, newer_link = send(organization)
    response, body = page(client, accept_path(invitation_link))
    assert response.status_code == 410
    assert "Un message plus récent a été envoyé" in body
    client.force_login(user := UserFactory())
    assert accept(client, invitation_link).status_code == 410
    assert not user.memberships.exists()
    # The newer link works.
    assert accept(client, newer_link).status_code == 302
    assert user.memberships.get().organization == organization


def test_the_link_of_an_archived_organisation_says_the_space_is_closed(
    client, organization, invitation_link
):
    # An invitation still pending in a closed space (archived by hand in the database,
    # say): the closed space is what the link says.
    type(organization).objects.filter(pk=organization.pk).update(archived_at=timezone.now())
    response, body = page(client, accept_path(invitation_link))
    assert response.status_code == 403
    assert "Espace fermé" in body
    client.force_login(user := UserFactory())
    assert accept(client, invitation_link).status_code == 403
    assert not user.memberships.exists()


def test_archiving_through_the_service_cancels_the_link(client, organization, invitation_link):
    type(organization).objects.filter(pk=organization.pk).update(archived_at=None)
    organization_archive(actor=None, organization=organization)
    response, _body = page(client, accept_path(invitation_link))
    assert response.status_code == 410


def test_no_page_puts_the_code_anywhere_but_the_forms(
    client, organization, invitation_link, caplog
):
    code = link_parameters(invitation_link)["code"]
    client.get(accept_path(invitation_link).replace(code, code[:-1]))
    client.force_login(UserFactory())
    accept(client, invitation_link)
    accept(client, invitation_link)
    assert code not in caplog.text
    assert all(code not in message.subject for message in mail.outbox)
