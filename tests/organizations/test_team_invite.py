"""`/equipe/inviter/`: the text area, the confirmation step (what will be sent, the
reminder that members see the students' results), the sending and its outcome; invalid
addresses named and nothing sent; the limits as the page words them."""

import pytest
from django.core import mail
from django.test import override_settings

from invitations import limits
from invitations.models import Invitation
from organizations.models import AuditLog
from tests.factories import UserFactory
from tests.invitations.helpers import accept, link_in, send
from tests.invitations.team_helpers import install_clock
from tests.invitations.test_team_limits import DEAD_CACHE
from tests.organizations.team_helpers import messages_of, page_text, post_invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_the_form_is_one_text_area_with_its_hint(admin_client):
    page = page_text(admin_client.get("/equipe/inviter/"))
    assert "<h1>Inviter des membres</h1>" in page
    assert "<textarea" in page
    assert "Adresses e-mail des personnes à inviter" in page
    assert (
        "Jusqu'à 50 adresses, séparées par des virgules, des points-virgules, des espaces ou "
        "des retours à la ligne." in page
    )
    assert "novalidate" in page


def test_checking_shows_what_will_be_sent_and_the_reminder_sends_nothing(
    admin_client, organization, member_user
):
    send(organization, "pending@ac-test.fr")
    mail.outbox.clear()
    response = post_invite(
        admin_client,
        f"Paul@ac-test.fr; {member_user.email.upper()}\nlea@ac-test.fr, paul@ac-test.fr",
        step="check",
    )
    page = page_text(response)
    assert response.status_code == 200
    assert "<h1>Confirmer les invitations</h1>" in page
    assert "Les membres voient les résultats de vos élèves" in page
    assert "voit la liste des élèves et les résultats de toutes les campagnes" in page
    new = page.split('data-testid="plan-new"')[1].split("</ul>")[0]
    assert new == "><li>paul@ac-test.fr</li><li>lea@ac-test.fr</li>"
    members = page.split('data-testid="plan-members"')[1].split("</ul>")[0]
    assert member_user.email in members
    assert "Rôle : automatique" in page
    assert "Inviter (2 e-mails)" in page
    # The addresses go on, checked and lower-cased, in the form's hidden field.
    assert f'name="emails" value="paul@ac-test.fr {member_user.email} lea@ac-test.fr"' in page
    assert mail.outbox == []
    assert Invitation.objects.count() == 1


def test_sending_invites_and_says_how_many_were_sent(admin_client, organization, member_user):
    response = post_invite(admin_client, f"paul@ac-test.fr lea@ac-test.fr {member_user.email}")
    assert (response.status_code, response["Location"]) == (302, "/equipe/")
    assert messages_of(response) == [
        "2 invitations envoyées.",
        f"Déjà membre de l'équipe, pas d'invitation : {member_user.email}.",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["lea@ac-test.fr", "paul@ac-test.fr"]
    assert set(Invitation.objects.values_list("role", flat=True)) == {"AUTO"}
    assert AuditLog.objects.filter(action="invitation.sent", on_behalf_of="ADMIN").count() == 2
    # The team page then lists them.
    page = page_text(admin_client.get("/equipe/"))
    assert "paul@ac-test.fr" in page and "lea@ac-test.fr" in page


def test_a_pending_invitation_is_sent_again_with_a_new_link(
    admin_client, organization, monkeypatch
):
    clock = install_clock(monkeypatch)
    _, old_link = send(organization, "paul@ac-test.fr")
    clock.advance(minutes=5)
    response = post_invite(admin_client, "paul@ac-test.fr")
    assert messages_of(response) == [
        "1 invitation envoyée.",
        "Déjà invitée, invitation renvoyée avec un nouveau lien (le précédent ne fonctionne "
        "plus) : paul@ac-test.fr.",
    ]
    assert link_in(mail.outbox[-1]) != old_link
    assert Invitation.objects.get().send_count == 2


def test_when_everyone_is_already_a_member_there_is_nothing_to_send(
    admin_client, admin_user, member_user
):
    page = page_text(post_invite(admin_client, member_user.email, step="check"))
    assert "Il n'y a aucune invitation à envoyer." in page
    assert "Inviter (" not in page
    response = post_invite(admin_client, f"{member_user.email} {admin_user.email}")
    assert messages_of(response)[0] == "Aucune invitation n'a été envoyée."
    assert mail.outbox == []


def test_changing_the_addresses_brings_them_back_in_the_text_area(admin_client):
    page = page_text(post_invite(admin_client, "paul@ac-test.fr lea@ac-test.fr", step="edit"))
    assert "<h1>Inviter des membres</h1>" in page
    assert "paul@ac-test.fr lea@ac-test.fr</textarea>" in page
    assert 'role="alert"' not in page


# --- Refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize("step", ["check", "send"])
def test_every_invalid_address_is_named_and_nothing_is_sent(admin_client, step):
    response = post_invite(
        admin_client, "paul@ac-test.fr, lea@ac-test; jean.ac-test.fr marc@ac-test.fr", step=step
    )
    page = page_text(response)
    assert response.status_code == 400
    assert (
        "Ces 2 adresses ne sont pas des adresses e-mail valides : lea@ac-test, "
        "jean.ac-test.fr. Corrigez-les ou retirez-les : rien n'a été envoyé." in page
    )
    assert 'role="alert"' in page
    assert 'aria-invalid="true"' in page
    # What was typed stays, to be corrected.
    assert "paul@ac-test.fr, lea@ac-test; jean.ac-test.fr marc@ac-test.fr</textarea>" in page
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_one_invalid_address_is_worded_in_the_singular(admin_client):
    page = page_text(post_invite(admin_client, "paul@ac-test.fr lea@", step="check"))
    assert "Cette adresse n'est pas une adresse e-mail valide : lea@." in page


def test_more_than_fifty_addresses_are_refused(admin_client):
    text = "\n".join(f"prof{n}@ac-test.fr" for n in range(51))
    response = post_invite(admin_client, text, step="check")
    assert response.status_code == 400
    assert (
        "Vous avez saisi 51 adresses : invitez-en 50 au plus à la fois. Rien n'a été envoyé."
        in page_text(response)
    )
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("text", ["", "  ,; \n "])
def test_an_empty_text_area_asks_for_an_address(admin_client, text):
    response = post_invite(admin_client, text, step="check")
    assert response.status_code == 400
    assert "Saisissez au moins une adresse e-mail." in page_text(response)


def test_the_hourly_limit_is_worded_on_the_form_and_nothing_is_sent(admin_client, organization):
    limits.team_invitations_consume(organization_id=organization.pk, count=199)
    response = post_invite(admin_client, "paul@ac-test.fr lea@ac-test.fr")
    assert response.status_code == 429
    assert (
        "Votre organisation peut envoyer au plus 200 invitations par heure : rien n'a été "
        "envoyé. Vous pouvez encore en envoyer 1 maintenant, les autres plus tard."
        in page_text(response)
    )
    assert Invitation.objects.count() == 0


def test_with_the_cache_down_the_form_says_to_try_again_and_nothing_is_sent(admin_client):
    with override_settings(CACHES=DEAD_CACHE):
        response = post_invite(admin_client, "paul@ac-test.fr")
    assert response.status_code == 503
    page = page_text(response)
    assert "Les invitations ne peuvent pas partir pour le moment" in page
    assert "paul@ac-test.fr</textarea>" in page
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_an_invitation_from_the_team_page_makes_a_member(admin_client, organization):
    post_invite(admin_client, "paul@ac-test.fr")
    link = link_in(mail.outbox[-1])
    # Whoever holds the link, on another account (as a shared mailbox allows).
    teacher = UserFactory(email="paul.autre@ac-test.fr")
    admin_client.force_login(teacher)
    assert accept(admin_client, link).status_code == 302
    assert teacher.memberships.get(organization=organization).role == "MEMBER"
