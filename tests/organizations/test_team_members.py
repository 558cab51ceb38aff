"""Changing a role, removing a member and leaving from the team page: a confirmation
naming the person (GET changes nothing), the service on POST (audited), the
last-administrator rule refused with a message and nothing changed, and access that ends
at once."""

import pytest

from organizations.models import Membership
from organizations.services import membership_create
from tests.factories import audit_rows, make_member
from tests.organizations.team_helpers import membership_of, messages_of, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def teacher(organization):
    return make_member(organization, first_name="Camille", last_name="Martin")


def role_url(membership):
    return f"/equipe/membres/{membership.pk}/role/"


def remove_url(membership):
    return f"/equipe/membres/{membership.pk}/retirer/"


# --- Changing a role ----------------------------------------------------------------------


def test_the_role_confirmation_names_the_person_and_changes_nothing(
    admin_client, organization, teacher
):
    membership = membership_of(teacher, organization)
    page = page_text(admin_client.get(role_url(membership)))
    assert "<h1>Nommer <bdi>Camille Martin</bdi> administrateur ?</h1>" in page
    assert f"Rôle actuel de <bdi>Camille Martin</bdi> ({teacher.email}) : Membre." in page
    assert 'name="role" value="ADMIN"' in page
    assert membership_of(teacher, organization).role == "MEMBER"
    assert audit_rows(action="membership.role_changed") == []


def test_an_administrator_makes_a_member_administrator_then_member_again(
    admin_client, admin_user, organization, teacher
):
    membership = membership_of(teacher, organization)
    response = admin_client.post(role_url(membership), {"role": "ADMIN"})
    assert (response.status_code, response["Location"]) == (302, "/equipe/")
    assert messages_of(response) == ["Camille Martin est maintenant administrateur."]
    assert membership_of(teacher, organization).role == "ADMIN"
    page = page_text(admin_client.get(role_url(membership)))
    assert "<h1>Nommer <bdi>Camille Martin</bdi> membre ?</h1>" in page
    admin_client.post(role_url(membership), {"role": "MEMBER"})
    assert membership_of(teacher, organization).role == "MEMBER"
    assert audit_rows(action="membership.role_changed") == [
        (
            "membership.role_changed",
            admin_user.pk,
            "ADMIN",
            organization.pk,
            "organizations.membership",
            membership.pk,
            {"user_id": teacher.pk, "from": before, "to": after},
        )
        for before, after in (("MEMBER", "ADMIN"), ("ADMIN", "MEMBER"))
    ]


def test_the_same_form_sent_twice_does_not_undo_itself(admin_client, organization, teacher):
    membership = membership_of(teacher, organization)
    admin_client.post(role_url(membership), {"role": "ADMIN"})
    admin_client.post(role_url(membership), {"role": "ADMIN"})
    assert membership_of(teacher, organization).role == "ADMIN"
    assert len(audit_rows(action="membership.role_changed")) == 1


@pytest.mark.parametrize("role", ["", "OWNER", "admin"])
def test_a_forged_role_is_refused(admin_client, organization, teacher, role):
    membership = membership_of(teacher, organization)
    response = admin_client.post(role_url(membership), {"role": role} if role else {})
    assert response.status_code == 400
    assert "Choisissez le rôle à donner" in page_text(response)
    assert membership_of(teacher, organization).role == "MEMBER"


def test_the_last_administrator_cannot_step_down_and_is_told_why(
    admin_client, admin_user, organization
):
    own = membership_of(admin_user, organization)
    page = page_text(admin_client.get(role_url(own)))
    assert "Vous ne serez plus administrateur" in page
    response = admin_client.post(role_url(own), {"role": "MEMBER"})
    assert response.status_code == 409
    page = page_text(response)
    assert "Une organisation garde toujours au moins un administrateur" in page
    assert "Rien n'a été modifié." in page
    assert membership_of(admin_user, organization).role == "ADMIN"
    assert audit_rows(action="membership.role_changed") == []


def test_an_administrator_steps_down_when_another_one_remains(
    admin_client, admin_user, organization
):
    make_member(organization, role="ADMIN")
    own = membership_of(admin_user, organization)
    assert admin_client.post(role_url(own), {"role": "MEMBER"}).status_code == 302
    assert membership_of(admin_user, organization).role == "MEMBER"
    # Now a member: the administrator's pages are closed to them.
    assert admin_client.get("/equipe/inviter/").status_code == 403


def test_an_administrator_whose_account_is_deactivated_does_not_count(
    admin_user, admin_client, organization
):
    other = make_member(organization, role="ADMIN")
    other.is_active = False
    other.save()
    response = admin_client.post(
        role_url(membership_of(admin_user, organization)), {"role": "MEMBER"}
    )
    assert response.status_code == 409
    assert membership_of(admin_user, organization).role == "ADMIN"


# --- Removing -----------------------------------------------------------------------------


def test_the_removal_confirmation_names_the_person_and_changes_nothing(
    admin_client, organization, teacher
):
    page = page_text(admin_client.get(remove_url(membership_of(teacher, organization))))
    assert "<h1>Retirer <bdi>Camille Martin</bdi> de l'équipe ?</h1>" in page
    assert f"<bdi>Camille Martin</bdi> ({teacher.email}) n'aura plus accès" in page
    assert Membership.objects.get(user=teacher).disabled_at is None


def test_a_removed_member_loses_access_at_once(client, admin_user, organization, teacher):
    client.force_login(teacher)
    assert client.get("/equipe/").status_code == 200
    membership = membership_of(teacher, organization)
    client.force_login(admin_user)
    response = client.post(remove_url(membership))
    assert (response.status_code, response["Location"]) == (302, "/equipe/")
    assert messages_of(response) == [
        f"Camille Martin n'a plus accès à l'espace de {organization.name}."
    ]
    assert teacher.email not in page_text(client.get("/equipe/"))
    assert audit_rows(action="membership.removed") == [
        (
            "membership.removed",
            admin_user.pk,
            "ADMIN",
            organization.pk,
            "organizations.membership",
            membership.pk,
            {"user_id": teacher.pk, "role": "MEMBER"},
        )
    ]
    client.force_login(teacher)
    assert client.get("/equipe/").status_code == 403  # no organisation any more
    # Removed again (a form sent twice): the membership is gone, as for a missing id.
    client.force_login(admin_user)
    assert client.post(remove_url(membership)).status_code == 404


def test_one_s_own_removal_is_leaving(admin_client, admin_user, organization):
    own = membership_of(admin_user, organization)
    response = admin_client.get(remove_url(own))
    assert (response.status_code, response["Location"]) == (302, "/equipe/quitter/")
    admin_client.post(remove_url(own))
    assert membership_of(admin_user, organization).disabled_at is None


# --- Leaving ------------------------------------------------------------------------------


def test_a_member_leaves_after_a_confirmation_and_loses_access_at_once(
    client, organization, member_user, admin_user
):
    client.force_login(member_user)
    page = page_text(client.get("/equipe/quitter/"))
    assert f"<h1>Quitter l'espace de {organization.name} ?</h1>" in page
    assert membership_of(member_user, organization)  # still a member
    response = client.post("/equipe/quitter/")
    assert (response.status_code, response["Location"]) == (302, "/")
    assert messages_of(response) == [f"Vous avez quitté l'espace de {organization.name}."]
    assert client.get("/equipe/").status_code == 403
    assert client.get("/campagnes/").status_code == 403
    (row,) = audit_rows(action="membership.left")
    assert row[:3] == ("membership.left", member_user.pk, "MEMBER")


def test_leaving_one_space_keeps_the_others(client, organization, other_organization, member_user):
    membership_create(user=member_user, organization=other_organization, role="MEMBER")
    client.force_login(member_user)
    client.post("/organisation/changer/", {"organization_id": organization.pk})
    client.post("/equipe/quitter/")
    # The home page and the team page go on to the other space.
    assert client.get("/")["Location"] == "/campagnes/"
    page = page_text(client.get("/equipe/"))
    assert f"{other_organization.name} compte 1 membre." in page


def test_the_last_administrator_cannot_leave_and_is_told_why(
    admin_client, admin_user, organization
):
    response = admin_client.post("/equipe/quitter/")
    assert response.status_code == 409
    page = page_text(response)
    assert "Une organisation garde toujours au moins un administrateur" in page
    assert "Rien n'a été modifié." in page
    assert membership_of(admin_user, organization).disabled_at is None
    assert audit_rows(action="membership.left") == []


def test_an_administrator_leaves_when_another_one_remains(admin_client, admin_user, organization):
    make_member(organization, role="ADMIN")
    assert admin_client.post("/equipe/quitter/").status_code == 302
    assert not Membership.objects.filter(user=admin_user, disabled_at__isnull=True).exists()
