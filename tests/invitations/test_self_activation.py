"""/demande-administration-sco/: each answer, the invitation to the official address only,
the data-protection notice, the rate limits per IP and per UAI."""

import html
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import F
from django.test import override_settings

from invitations.models import Invitation
from organizations.models import Organization
from organizations.services import organization_archive
from tests.factories import UserFactory, audit_rows, make_organization, make_uai
from tests.invitations.helpers import accept, link_in

pytestmark = pytest.mark.django_db

URL = "/demande-administration-sco/"
NOT_RECOGNISED = "UAI non reconnu."


def age_invitations(minutes=16):
    """As if the last e-mails had left `minutes` ago (past the cooldown of 15)."""
    Invitation.objects.update(last_sent_at=F("last_sent_at") - timedelta(minutes=minutes))


@pytest.fixture
def ask(client, on_commit):
    def ask(uai, first_name="Anne", last_name="Roux", ip="192.0.2.10", **extra):
        with on_commit():
            response = client.post(
                URL,
                {"uai": uai, "first_name": first_name, "last_name": last_name, **extra},
                REMOTE_ADDR=ip,
            )
        return response, html.unescape(response.content.decode())

    return ask


def test_the_page_asks_uai_and_names_and_says_what_happens_to_them(client):
    response = client.get(URL)
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "<h1>Activez ou récupérez votre espace Pix Orga</h1>" in body
    for label in ("UAI de l'établissement", "Votre prénom", "Votre nom"):
        assert label in body
    assert "Données personnelles" in body
    assert "30 jours au plus" in body
    assert "adresse officielle de l'établissement" in body


def test_the_sign_in_page_links_to_it(client):
    body = html.unescape(client.get("/compte/login/").content.decode())
    assert f'href="{URL}"' in body
    assert "Activez ou récupérez votre espace Pix Orga" in body


def test_every_field_is_required(ask):
    response, body = ask("", first_name="", last_name="")
    assert response.status_code == 400
    assert body.count("Ce champ est obligatoire.") == 3
    assert mail.outbox == []


def test_a_malformed_uai_is_refused_with_its_format(ask):
    response, body = ask("075065")
    assert response.status_code == 400
    assert "7 chiffres suivis d'une lettre" in body
    assert mail.outbox == []


def test_an_administrator_invitation_goes_to_the_official_address_naming_who_asked(
    ask, organization, client
):
    response, body = ask(f"  {organization.uai.lower()} ", first_name="Anne", last_name="Roux")
    assert response.status_code == 200
    assert "Invitation envoyée à l'établissement" in body
    assert "c***@a***.fr" in body
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == (organization.official_email, "ADMIN")
    (message,) = mail.outbox
    assert message.to == [organization.official_email]
    assert "Anne Roux a demandé une invitation administrateur" in message.body
    assert "Anne Roux" in message.alternatives[0][0]
    # Its link makes whoever opens it the school's administrator.
    user = UserFactory()
    client.force_login(user)
    assert accept(client, link_in(message)).status_code == 302
    assert user.memberships.get().role == "ADMIN"


def test_an_address_typed_by_the_requester_is_never_used(ask, organization):
    ask(organization.uai, email="attacker@evil.example", official_email="attacker@evil.example")
    assert [message.to for message in mail.outbox] == [[organization.official_email]]


def test_the_requester_is_told_when_the_school_already_has_administrators(
    ask, organization, admin_user
):
    response, body = ask(organization.uai)
    assert response.status_code == 200
    assert "déjà au moins un administrateur" in body
    assert admin_user.email not in body
    assert admin_user.last_name not in body
    assert [message.to for message in mail.outbox] == [[organization.official_email]]


def test_a_deactivated_administrator_is_not_counted(ask, organization, admin_user):
    admin_user.is_active = False
    admin_user.save(update_fields=["is_active"])
    response, body = ask(organization.uai)
    assert response.status_code == 200
    assert "Invitation envoyée à l'établissement" in body
    assert "déjà au moins un administrateur" not in body


def test_an_unknown_uai_and_an_archived_organisation_get_the_same_answer(ask):
    archived = make_organization()
    organization_archive(actor=None, organization=archived)
    unknown_response, unknown = ask(make_uai(1234567))
    archived_response, closed = ask(archived.uai)
    assert unknown_response.status_code == archived_response.status_code
    for body in (unknown, closed):
        assert NOT_RECOGNISED in body
        assert archived.name not in body
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_no_official_e_mail_on_file_points_to_support(ask):
    school = make_organization(type=Organization.Type.SCO_1D, official_email="")
    response, body = ask(school.uai)
    assert response.status_code == 409
    assert "Aucune adresse électronique officielle" in body
    assert "support Pix" in body
    assert NOT_RECOGNISED not in body
    assert mail.outbox == []


def test_asking_again_after_the_cooldown_reuses_the_pending_invitation(ask, organization):
    ask(organization.uai)
    age_invitations()
    ask(organization.uai, first_name="Paul", last_name="Durand")
    invitation = Invitation.objects.get()
    assert invitation.send_count == 2
    assert "Paul Durand" in mail.outbox[-1].body


def test_a_self_activation_is_recorded_for_the_system_without_names(ask, organization):
    ask(organization.uai)
    invitation = Invitation.objects.get()
    assert audit_rows(action="invitation.sent") == [
        (
            "invitation.sent",
            None,
            "SYSTEM",
            organization.pk,
            "invitations.invitation",
            invitation.pk,
            {
                "invitation_id": invitation.pk,
                "role": "ADMIN",
                "send_count": 1,
                "reused": False,
                "source": "self_activation",
            },
        )
    ]


# --- Rate limits --------------------------------------------------------------------------


def test_a_school_s_mailbox_cannot_be_flooded(ask, organization, settings):
    settings.SELF_ACTIVATION_RATE_LIMITS = {"ip": "100/h", "uai": "3/h"}
    for number in range(3):
        age_invitations()
        response, _ = ask(organization.uai, ip=f"192.0.2.{number}")
        assert response.status_code == 200
    age_invitations()
    # From yet another address, and typed differently: the same school.
    response, body = ask(f" {organization.uai.lower()}", ip="198.51.100.7")
    assert response.status_code == 429
    assert "Trop de demandes en peu de temps" in body
    assert len(mail.outbox) == 3
    # Another school is not concerned.
    other = make_organization()
    assert ask(other.uai, ip="198.51.100.7")[0].status_code == 200


def test_one_address_cannot_go_through_school_after_school(ask, settings):
    settings.SELF_ACTIVATION_RATE_LIMITS = {"ip": "3/h", "uai": "100/h"}
    schools = [make_organization() for _ in range(4)]
    for school in schools[:3]:
        assert ask(school.uai)[0].status_code == 200
    response, body = ask(schools[3].uai)
    assert response.status_code == 429
    assert "Trop de demandes" in body
    assert len(mail.outbox) == 3
    # Unknown UAIs count too (they are how one would look for schools).
    assert ask(make_uai(1234567))[0].status_code == 429
    # Another address is not concerned.
    assert ask(schools[3].uai, ip="198.51.100.7")[0].status_code == 200


def test_the_default_limits_stop_a_flood(ask, organization):
    statuses = []
    for number in range(10):
        age_invitations()  # each request past the cooldown of the one before
        statuses.append(ask(organization.uai, ip=f"192.0.2.{number}")[0].status_code)
    assert statuses.count(200) == 3
    assert statuses[3:] == [429] * 7
    assert len(mail.outbox) == 3


def test_a_cache_that_is_down_does_not_break_the_page(ask, organization, caplog):
    # Nothing listens on this port (in the range kept for this app's tests).
    dead_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6415/0",
        }
    }
    with override_settings(CACHES=dead_cache):
        response, body = ask(organization.uai)
    assert response.status_code == 200
    assert "Invitation envoyée" in body
    assert len(mail.outbox) == 1
    assert "rate limit not checked: the cache is unreachable" in caplog.text


# --- What the requester is told about the e-mail (real commits) --------------------------


@pytest.mark.django_db(transaction=True)
def test_the_requester_is_told_the_invitation_left(client, organization):
    response = client.post(URL, {"uai": organization.uai, "first_name": "A", "last_name": "B"})
    body = html.unescape(response.content.decode())
    assert "Invitation envoyée à l'établissement" in body
    assert "pas encore envoyée" not in body
    assert Invitation.objects.get().delivery == "SENT"


@pytest.mark.django_db(transaction=True)
def test_the_requester_is_told_when_the_invitation_is_not_sent_yet(
    client, organization, broker_down
):
    response = client.post(URL, {"uai": organization.uai, "first_name": "A", "last_name": "B"})
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "L'invitation est enregistrée mais pas encore envoyée" in body
    assert Invitation.objects.get().delivery == "NOT_QUEUED"
