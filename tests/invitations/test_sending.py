"""Sending invitations: the row, the code, the e-mail (recipients, subject, link,
languages), reuse of a pending invitation, refusals and the audit rows."""

import hashlib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from invitations.models import Invitation
from invitations.services import invitation_cancel, invitation_resend, invitation_send
from invitations.services.sending import REPLACED_CODES_KEPT
from organizations.services import organization_archive
from tests.factories import audit_rows, make_staff
from tests.invitations.helpers import link_parameters, send

pytestmark = pytest.mark.django_db

ADMIN, MEMBER, AUTO = Invitation.Role.ADMIN, Invitation.Role.MEMBER, Invitation.Role.AUTO


def test_an_invitation_stores_a_hash_of_a_long_random_code_never_the_code(organization):
    invitation, link = send(organization)
    code = link_parameters(link)["code"]
    assert len(code) >= 43  # 32 random bytes, URL-safe base64: 256 bits
    assert invitation.code_hash == hashlib.sha256(code.encode()).hexdigest()
    stored = " ".join(str(value) for value in Invitation.objects.values_list().get())
    assert code not in stored


def test_the_e_mail_goes_to_the_invited_address_in_french_with_its_link(organization):
    invitation, link = send(organization, "Direction.College@AC-Test.fr ")
    message = mail.outbox[-1]
    assert invitation.email == "direction.college@ac-test.fr"
    assert message.to == ["direction.college@ac-test.fr"]
    assert message.subject == (
        f"[Pix Orga] Invitation à rejoindre l'espace Pix Orga de {organization.name}"
    )
    assert link_parameters(link)["invitationId"] == str(invitation.pk)
    assert link.startswith("http://127.0.0.1:8000/rejoindre/?invitationId=")
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    for part in (message.body, html):
        assert organization.name in part
        assert "en tant qu'administrateur" in part
        assert "Ce lien est à usage unique." in part
        assert "envoyé automatiquement" in part
    assert "Accepter l'invitation" in html
    assert link.replace("&", "&amp;") in html


def test_the_e_mail_is_in_the_invitation_s_language(organization):
    send(organization, "head@school.example", language="en")
    message = mail.outbox[-1]
    assert (
        message.subject
        == f"[Pix Orga] Invitation to join the Pix Orga space of {organization.name}"
    )
    assert "This link can be used only once." in message.body
    assert 'lang="en"' in message.alternatives[0][0]


def test_a_member_invitation_does_not_say_administrator(organization):
    send(organization, "prof@school.example", role=MEMBER)
    assert "administrat" not in mail.outbox[-1].body


def test_a_pending_invitation_is_reused_with_a_new_code(organization):
    first, first_link = send(organization, "prof@school.example", role=MEMBER)
    second, second_link = send(organization, "PROF@school.example", role=MEMBER, language="en")
    assert second.pk == first.pk
    assert Invitation.objects.count() == 1
    assert link_parameters(first_link)["code"] != link_parameters(second_link)["code"]
    assert second.code_hash != first.code_hash
    assert second.replaced_code_hashes == [first.code_hash]
    assert (second.send_count, second.language) == (2, "en")


def test_reusing_never_lowers_the_role_it_offers(organization):
    send(organization, "head@school.example", role=ADMIN)
    invitation, _ = send(organization, "head@school.example", role=MEMBER)
    assert invitation.role == ADMIN
    invitation, _ = send(organization, "prof@school.example", role=MEMBER)
    invitation, _ = send(organization, "prof@school.example", role=AUTO)
    assert invitation.role == AUTO


def test_an_accepted_or_cancelled_invitation_is_not_reused(organization):
    first, _ = send(organization, "prof@school.example")
    invitation_cancel(invitation=first, actor=None)
    second, _ = send(organization, "prof@school.example")
    assert second.pk != first.pk


def test_only_so_many_replaced_codes_are_kept(organization):
    for _ in range(REPLACED_CODES_KEPT + 3):
        invitation, _ = send(organization, "prof@school.example")
    assert len(invitation.replaced_code_hashes) == REPLACED_CODES_KEPT


def test_the_database_refuses_two_pending_invitations_for_one_address(organization):
    send(organization, "prof@school.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            organization=organization, email="prof@school.example", role=MEMBER
        )
    # Not pending: any number.
    Invitation.objects.create(
        organization=organization, email="prof@school.example", role=MEMBER, status="CANCELLED"
    )


def test_the_database_refuses_an_address_not_in_lower_case(organization):
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            organization=organization, email="Prof@school.example", role=MEMBER
        )


def test_no_invitation_to_something_that_is_not_an_e_mail_address(organization):
    with pytest.raises(ValidationError):
        invitation_send(organization=organization, email="ce.0750654D", role=ADMIN, language="fr")
    assert not Invitation.objects.exists()


def test_no_invitation_into_an_archived_organisation(organization):
    organization_archive(actor=None, organization=organization)
    with pytest.raises(Exception) as refused:
        invitation_send(organization=organization, email="a@b.fr", role=ADMIN, language="fr")
    assert refused.value.code == "ORGANIZATION_ARCHIVED"
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_sending_is_recorded_with_ids_only(organization):
    staff = make_staff()
    invitation, _ = send(organization, sent_by=staff, on_behalf_of="STAFF")
    send(organization, sent_by=staff, on_behalf_of="STAFF")
    assert audit_rows(action="invitation.sent") == [
        (
            "invitation.sent",
            staff.pk,
            "STAFF",
            organization.pk,
            "invitations.invitation",
            invitation.pk,
            {
                "invitation_id": invitation.pk,
                "role": "ADMIN",
                "send_count": count,
                "reused": reused,
            },
        )
        for count, reused in ((1, False), (2, True))
    ]
    assert invitation.sent_by == staff


def test_resending_makes_a_new_code_and_refuses_what_is_no_longer_pending(organization, on_commit):
    invitation, _ = send(organization)
    with on_commit():
        invitation_resend(invitation=invitation, actor=None)
    invitation.refresh_from_db()
    assert invitation.send_count == 2
    assert len(mail.outbox) == 2
    invitation_cancel(invitation=invitation, actor=None)
    with pytest.raises(Exception) as refused:
        invitation_resend(invitation=invitation, actor=None)
    assert refused.value.code == "INVITATION_NOT_PENDING"
    with pytest.raises(Exception) as refused:
        invitation_cancel(invitation=invitation, actor=None)
    assert refused.value.code == "INVITATION_NOT_PENDING"
    assert len(mail.outbox) == 2


def test_cancelling_is_recorded(organization):
    staff = make_staff()
    invitation, _ = send(organization)
    invitation_cancel(invitation=invitation, actor=staff, on_behalf_of="STAFF")
    invitation.refresh_from_db()
    assert invitation.status == "CANCELLED"
    assert invitation.cancelled_at is not None
    assert audit_rows(action="invitation.cancelled") == [
        (
            "invitation.cancelled",
            staff.pk,
            "STAFF",
            organization.pk,
            "invitations.invitation",
            invitation.pk,
            {"invitation_id": invitation.pk},
        )
    ]


def test_cancelling_an_organisation_s_pending_invitations_takes_one_update(
    client, organization, other_organization
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from invitations.services import invitations_cancel_pending

    staff = make_staff()
    pending = [send(organization, f"p{n}@school.example")[0] for n in range(3)]
    accepted, _ = send(organization, "done@school.example")
    Invitation.objects.filter(pk=accepted.pk).update(
        status="ACCEPTED", accepted_at=accepted.created_at
    )
    elsewhere, _ = send(other_organization, "p0@school.example")
    with CaptureQueriesContext(connection) as queries:
        count = invitations_cancel_pending(
            organization=organization, actor=staff, reason="organization_archived"
        )
    assert count == 3
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "invitations_invitation"')]
    assert len(updates) == 1
    statuses = dict(Invitation.objects.values_list("pk", "status"))
    assert [statuses[invitation.pk] for invitation in pending] == ["CANCELLED"] * 3
    assert (statuses[accepted.pk], statuses[elsewhere.pk]) == ("ACCEPTED", "PENDING")
    assert audit_rows(action="invitation.pending_cancelled") == [
        (
            "invitation.pending_cancelled",
            staff.pk,
            "STAFF",
            organization.pk,
            "organizations.organization",
            organization.pk,
            {"count": 3, "reason": "organization_archived"},
        )
    ]
    # Nothing left to cancel: nothing recorded; without an actor, the system's.
    assert invitations_cancel_pending(organization=organization, actor=None, reason="x") == 0
    assert invitations_cancel_pending(organization=other_organization, actor=None, reason="x") == 1
    assert audit_rows(action="invitation.pending_cancelled")[-1][1:3] == (None, "SYSTEM")


def test_archiving_an_organisation_cancels_its_pending_invitations(
    organization, other_organization
):
    staff = make_staff()
    pending, _ = send(organization, "head@school.example")
    elsewhere, _ = send(other_organization, "head@school.example")
    organization_archive(actor=staff, organization=organization)
    pending.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (pending.status, elsewhere.status) == ("CANCELLED", "PENDING")
    rows = audit_rows(action="invitation.pending_cancelled")
    assert [(row[1], row[2], row[3], row[6]) for row in rows] == [
        (staff.pk, "STAFF", organization.pk, {"count": 1, "reason": "ORGANIZATION_ARCHIVED"})
    ]
    # Archiving again (already closed) cancels nothing more and records nothing more.
    organization_archive(actor=staff, organization=organization)
    assert len(audit_rows(action="invitation.pending_cancelled")) == 1
