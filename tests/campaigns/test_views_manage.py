"""Creating, changing, archiving and deleting through the pages: every field error with
its code, the per-class form, the confirmation before deleting, the refusals worded."""

import html

import pytest

from campaigns.models import Campaign
from campaigns.services import campaign_archive
from tests.factories import audit_rows, make_campaign, make_member, make_participation

pytestmark = pytest.mark.django_db


def valid(person, **changes):
    data = {
        "name": "Évaluation de rentrée",
        "type": "ASSESSMENT",
        "owner": person.pk,
        "title": "",
        "landing_text": "",
        "external_id_label": "",
        "external_id_type": "",
    }
    return data | changes


def field_errors(response) -> dict[str, list[tuple[str, str]]]:
    form = response.context["form"]
    return {
        field: [(error.code, " ".join(error.messages)) for error in errors]
        for field, errors in form.errors.as_data().items()
    }


def test_a_member_creates_a_campaign_and_lands_on_its_page(client, school, member_user):
    client.force_login(member_user)
    page = client.get("/campagnes/nouvelle/").content.decode()
    assert 'value="ASSESSMENT" checked' in page
    assert f'<option value="{member_user.pk}" selected' in page
    assert '<option value="6A">6A</option>' in page
    response = client.post("/campagnes/nouvelle/", valid(member_user, target_division="6B"))
    campaign = Campaign.objects.get()
    assert response["Location"] == f"/campagnes/{campaign.pk}/"
    assert (campaign.owner, campaign.target_division) == (member_user, "6B")
    assert [row[:3] for row in audit_rows(action="campaign.created")] == [
        ("campaign.created", member_user.pk, "MEMBER")
    ]


@pytest.mark.parametrize(
    ("changes", "field", "code", "message"),
    [
        ({"name": "  "}, "name", "required", "Donnez un nom à la campagne."),
        (
            {"name": "N" * 256},
            "name",
            "max_length",
            "255 caractères au plus (ce texte en a 256).",
        ),
        ({"type": ""}, "type", "required", "Choisissez à quoi sert la campagne."),
        (
            {"type": "QUIZ"},
            "type",
            "invalid_choice",
            "Choisissez l'un des deux types de campagne.",
        ),
        ({"owner": ""}, "owner", "required", "Choisissez le propriétaire de la campagne."),
        (
            {"owner": 999999},
            "owner",
            "invalid_choice",
            "Le propriétaire doit être un membre actif de votre organisation.",
        ),
        (
            {"target_division": "3Z"},
            "target_division",
            "invalid_choice",
            "Cette classe n'est pas dans votre liste d'élèves.",
        ),
        (
            {"title": "T" * 51},
            "title",
            "max_length",
            "50 caractères au plus (ce texte en a 51).",
        ),
        (
            {"landing_text": "L" * 5001},
            "landing_text",
            "max_length",
            "5000 caractères au plus (ce texte en a 5001).",
        ),
        (
            {"external_id_label": "I" * 256, "external_id_type": "TEXT"},
            "external_id_label",
            "max_length",
            "255 caractères au plus (ce texte en a 256).",
        ),
        (
            {"external_id_label": "Numéro d'élève"},
            "external_id_type",
            "required",
            "Dites si l'identifiant est une adresse e-mail ou un texte libre.",
        ),
        (
            {"external_id_label": "Numéro", "external_id_type": "PHONE"},
            "external_id_type",
            "invalid_choice",
            "Choisissez une adresse e-mail ou un texte libre.",
        ),
    ],
)
def test_each_field_error_is_shown_under_its_field_with_its_code(
    client, school, member_user, changes, field, code, message
):
    client.force_login(member_user)
    response = client.post("/campagnes/nouvelle/", valid(member_user, **changes))
    assert response.status_code == 200
    assert field_errors(response) == {field: [(code, message)]}
    page = html.unescape(response.content.decode())
    assert message in page
    assert 'role="alert"' in page
    assert not Campaign.objects.exists()


def test_a_removed_member_offered_as_owner_is_refused_by_the_service(
    client, school, member_user, admin_user
):
    """Between the page and the answer the chosen owner left: the form still offers them
    (built before), the service refuses, and the refusal sits under the field."""
    from campaigns.forms import CampaignForm
    from organizations.selectors import membership_list_for_organization

    leaving = make_member(school)
    memberships = list(membership_list_for_organization(organization_id=school.pk))
    form = CampaignForm(valid(member_user, owner=leaving.pk), memberships=memberships)
    assert form.is_valid()
    from campaigns.errors import CampaignOwnerNotMemberError

    form.add_service_error(CampaignOwnerNotMemberError())
    assert [(e.code, e.message) for e in form.errors.as_data()["owner"]] == [
        (
            "CAMPAIGN_OWNER_NOT_MEMBER",
            "Le propriétaire doit être un membre actif de votre organisation.",
        )
    ]


def test_one_campaign_per_class_with_every_class_ticked_by_default(client, school, admin_user):
    client.force_login(admin_user)
    page = client.get("/campagnes/nouvelle/par-classe/").content.decode()
    for division in ("6A", "6B", "5A"):
        assert f'value="{division}" id="division-' in page
    classes = page.split('id="campaign-classes"', 1)[1].split("</fieldset>", 1)[0]
    assert classes.count(" checked>") == 3
    data = valid(admin_user, name="Rentrée", divisions=["6A", "5A"])
    response = client.post("/campagnes/nouvelle/par-classe/", data)
    assert response["Location"] == "/campagnes/"
    assert sorted(Campaign.objects.values_list("name", "target_division")) == [
        ("Rentrée – 5A", "5A"),  # noqa: RUF001 - the en dash of the names
        ("Rentrée – 6A", "6A"),  # noqa: RUF001
    ]
    page = html.unescape(client.get("/campagnes/").content.decode())
    assert "2 campagnes créées, une par classe, chacune avec son code." in page


def test_one_campaign_per_class_refusals(client, school, admin_user):
    client.force_login(admin_user)
    response = client.post("/campagnes/nouvelle/par-classe/", valid(admin_user))
    assert field_errors(response) == {
        "divisions": [("required", "Choisissez au moins une classe.")]
    }
    response = client.post(
        "/campagnes/nouvelle/par-classe/", valid(admin_user, divisions=["6A", "3Z"])
    )
    assert field_errors(response) == {
        "divisions": [("invalid_choice", "La classe 3Z n'est pas dans votre liste d'élèves.")]
    }
    response = client.post(
        "/campagnes/nouvelle/par-classe/", valid(admin_user, name="N" * 253, divisions=["6A"])
    )
    assert field_errors(response) == {
        "name": [
            (
                "CAMPAIGN_NAME_TOO_LONG",
                "Avec le nom de la classe ajouté (6A), le nom dépasserait 255 caractères : "
                "raccourcissez-le.",
            )
        ]
    }
    assert not Campaign.objects.exists()


def test_one_campaign_per_class_without_classes_says_where_they_come_from(
    client, organization, admin_user
):
    client.force_login(admin_user)
    response = client.get("/campagnes/nouvelle/par-classe/")
    assert 'id="per-class-unavailable"' in html.unescape(response.content.decode())
    assert 'href="/eleves/import/"' in html.unescape(response.content.decode())


def test_the_owner_changes_the_settings(client, campaign, member_user):
    client.force_login(member_user)
    page = client.get(f"/campagnes/{campaign.pk}/modifier/").content.decode()
    assert 'name="type"' not in page and 'name="target_division"' not in page
    data = valid(member_user, name="Nouveau nom", multiple_sendings="on")
    response = client.post(f"/campagnes/{campaign.pk}/modifier/", data)
    assert response["Location"] == f"/campagnes/{campaign.pk}/"
    campaign.refresh_from_db()
    assert (campaign.name, campaign.multiple_sendings) == ("Nouveau nom", True)
    assert audit_rows(action="campaign.changed")[0][6] == {"fields": ["multiple_sendings", "name"]}


def test_once_someone_joined_multiple_sendings_cannot_change(client, campaign, member_user):
    make_participation(campaign, campaign.organization.learners_by_name["Léa"])
    client.force_login(member_user)
    page = client.get(f"/campagnes/{campaign.pk}/modifier/").content.decode()
    assert (
        'name="multiple_sendings" disabled' in page
        or "disabled" in page.split('name="multiple_sendings"')[1].split(">")[0]
    )
    assert "Des élèves ont déjà rejoint la campagne : ce choix ne peut plus changer." in page
    client.post(f"/campagnes/{campaign.pk}/modifier/", valid(member_user, multiple_sendings="on"))
    campaign.refresh_from_db()
    assert campaign.multiple_sendings is False


def test_archive_and_unarchive_from_the_page(client, campaign, member_user):
    client.force_login(member_user)
    client.post(f"/campagnes/{campaign.pk}/archiver/")
    page = html.unescape(client.get(f"/campagnes/{campaign.pk}/").content.decode())
    assert 'id="campaign-archived"' in page
    assert "La campagne est archivée : elle n'accepte plus de nouveaux participants." in page
    # A second archive (another tab) is a clear message, not an error page.
    response = client.post(f"/campagnes/{campaign.pk}/archiver/", follow=True)
    assert "Cette campagne est déjà archivée." in html.unescape(response.content.decode())
    client.post(f"/campagnes/{campaign.pk}/desarchiver/")
    campaign.refresh_from_db()
    assert campaign.archived_at is None
    response = client.post(f"/campagnes/{campaign.pk}/desarchiver/", follow=True)
    assert "Cette campagne n'est pas archivée." in html.unescape(response.content.decode())


def test_archived_campaigns_leave_the_active_list(client, campaign, member_user):
    campaign_archive(actor=member_user, campaign=campaign, on_behalf_of="MEMBER")
    client.force_login(member_user)
    assert campaign.name not in client.get("/campagnes/").content.decode()
    assert campaign.name in client.get("/campagnes/?etat=archivees").content.decode()


def test_deleting_asks_first_then_hides_the_campaigns(client, school, member_user):
    first = make_campaign(school, owner=member_user, name="Première")
    second = make_campaign(school, owner=member_user, name="Seconde")
    client.force_login(member_user)
    query = f"?campagne={first.pk}&campagne={second.pk}"
    page = client.get("/campagnes/supprimer/" + query).content.decode()
    assert "Supprimer ces 2 campagnes ?" in page
    assert "Première" in page and "Seconde" in page
    first.refresh_from_db()
    assert first.deleted_at is None
    response = client.post("/campagnes/supprimer/", {"campagne": [first.pk, second.pk]})
    assert response["Location"] == "/campagnes/"
    assert Campaign.objects.filter(deleted_at__isnull=True).count() == 0
    assert len(audit_rows(action="campaign.deleted")) == 2
    assert client.get(f"/campagnes/{first.pk}/").status_code == 404


def test_a_member_deletes_only_when_owning_every_selected_campaign(
    client, school, member_user, admin_user
):
    mine = make_campaign(school, owner=member_user)
    theirs = make_campaign(school, owner=admin_user)
    client.force_login(member_user)
    response = client.post("/campagnes/supprimer/", {"campagne": [mine.pk, theirs.pk]})
    assert response.status_code == 403
    assert Campaign.objects.filter(deleted_at__isnull=True).count() == 2
    # An administrator deletes any.
    client.force_login(admin_user)
    client.post("/campagnes/supprimer/", {"campagne": [mine.pk, theirs.pk]})
    assert Campaign.objects.filter(deleted_at__isnull=True).count() == 0


def test_a_selection_with_another_schools_campaign_is_not_found(
    client, school, campaign, other_organization, admin_user
):
    elsewhere = make_campaign(other_organization)
    client.force_login(admin_user)
    response = client.post("/campagnes/supprimer/", {"campagne": [campaign.pk, elsewhere.pk]})
    assert response.status_code == 404
    assert Campaign.objects.filter(deleted_at__isnull=True).count() == 2


def test_deleting_nothing_says_to_tick_first(client, campaign, member_user):
    client.force_login(member_user)
    response = client.get("/campagnes/supprimer/", follow=True)
    assert "Cochez d'abord les campagnes à supprimer." in html.unescape(response.content.decode())
