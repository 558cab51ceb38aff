"""Who may do what on every Élèves URL: anonymous, member, administrator, outsider."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from organizations.current import SESSION_KEY
from organizations.models import Membership, Organization
from organizations.services import membership_create, membership_disable
from students import services
from students.models import Import, Learner
from tests.factories import UserFactory, make_learner, make_member, make_organization
from tests.students.xml_helpers import pupil, siecle_xml

pytestmark = pytest.mark.django_db

Status = Import.Status


@pytest.fixture
def validated_import(organization, admin_user):
    import_ = services.import_upload(
        organization=organization,
        user=admin_user,
        uploaded_file=ContentFile(siecle_xml(organization.uai, [pupil("1111111111A")]), "e.xml"),
        enqueue=False,
    )
    return services.import_validate(import_id=import_.pk)


def import_urls(import_: Import) -> list[tuple[str, str]]:
    return [
        ("get", f"/eleves/import/{import_.pk}/"),
        ("get", f"/eleves/import/{import_.pk}/etat.json"),
        ("post", f"/eleves/import/{import_.pk}/confirmer/"),
        ("post", f"/eleves/import/{import_.pk}/annuler/"),
    ]


def all_urls(import_: Import) -> list[tuple[str, str]]:
    pages = [("get", "/eleves/"), ("get", "/eleves/import/"), ("post", "/eleves/import/")]
    return [*pages, *import_urls(import_)]


def test_anonymous_is_sent_to_sign_in_everywhere(client, validated_import):
    for method, url in all_urls(validated_import):
        response = getattr(client, method)(url)
        if url.endswith(".json"):
            # The live panel's poll after the session ended: a code, not the sign-in page.
            assert response.status_code == 401, url
            assert response.json()["code"] == "NOT_AUTHENTICATED"
            continue
        assert response.status_code == 302, url
        assert response["Location"].startswith("/compte/login/?next="), url


def test_member_sees_the_list_but_no_import(client, organization, member_user, validated_import):
    make_learner(organization, last_name="VISIBLE")
    client.force_login(member_user)
    response = client.get("/eleves/")
    assert response.status_code == 200
    assert "VISIBLE" in response.content.decode()
    assert "/eleves/import/" not in response.content.decode()
    assert client.get("/eleves/import/").status_code == 403
    assert client.post("/eleves/import/").status_code == 403
    for method, url in import_urls(validated_import):
        assert getattr(client, method)(url).status_code == 403, url
    poll = client.get(f"/eleves/import/{validated_import.pk}/etat.json")
    assert poll.json() == {
        "code": "FORBIDDEN",
        "message": "Vous n’avez pas les droits nécessaires pour cette action.",  # noqa: RUF001
        "meta": {},
    }
    validated_import.refresh_from_db()
    assert validated_import.status == Status.VALIDATED


def test_admin_reaches_every_page(client, organization, admin_user, validated_import):
    client.force_login(admin_user)
    response = client.get("/eleves/")
    assert response.status_code == 200
    assert 'href="/eleves/import/"' in response.content.decode()
    assert client.get("/eleves/import/").status_code == 200
    assert client.get(f"/eleves/import/{validated_import.pk}/").status_code == 200
    assert client.get(f"/eleves/import/{validated_import.pk}/etat.json").status_code == 200
    response = client.post(f"/eleves/import/{validated_import.pk}/annuler/")
    assert response.status_code == 302
    validated_import.refresh_from_db()
    assert validated_import.status == Status.CANCELLED


def test_outsider_never_sees_this_organizations_students_or_imports(
    client, organization, outsider_user, validated_import
):
    make_learner(organization, last_name="SECRET")
    client.force_login(outsider_user)
    response = client.get("/eleves/")
    assert response.status_code == 200  # their own (empty) list
    assert "SECRET" not in response.content.decode()
    response = client.get("/eleves/import/")
    assert response.status_code == 200  # their own import page
    assert validated_import.file_name not in response.content.decode()
    # Not found, exactly as a missing id: an outsider cannot tell that the import exists.
    for method, url in import_urls(validated_import):
        assert getattr(client, method)(url).status_code == 404, url
    poll = client.get(f"/eleves/import/{validated_import.pk}/etat.json")
    missing = client.get("/eleves/import/987654/etat.json")
    assert (
        poll.json()
        == missing.json()
        == {
            "code": "NOT_FOUND",
            "message": "Cette page n’existe pas.",  # noqa: RUF001
            "meta": {},
        }
    )
    validated_import.refresh_from_db()
    assert validated_import.status == Status.VALIDATED
    assert client.session[SESSION_KEY] != organization.pk


def test_unknown_import_is_not_found(client, admin_user):
    client.force_login(admin_user)
    missing = Import(pk=987654)
    for method, url in import_urls(missing):
        assert getattr(client, method)(url).status_code == 404, url


def test_disabled_membership_makes_the_import_not_found(client, organization, validated_import):
    person = UserFactory()
    elsewhere = make_organization()
    membership_create(user=person, organization=elsewhere, role=Membership.Role.ADMIN)
    membership_create(user=person, organization=organization, role=Membership.Role.ADMIN)
    membership_disable(membership=Membership.objects.get(user=person, organization=organization))
    client.force_login(person)
    client.get("/eleves/")
    for method, url in import_urls(validated_import):
        assert getattr(client, method)(url).status_code == 404, url
    assert client.session[SESSION_KEY] == elsewhere.pk
    validated_import.refresh_from_db()
    assert validated_import.status == Status.VALIDATED


def test_admin_of_an_organization_that_does_not_import_gets_a_clear_refusal(client):
    university = make_organization(type=Organization.Type.SUP, uai=None, official_email="")
    admin = make_member(university, role=Membership.Role.ADMIN)
    client.force_login(admin)
    response = client.get("/eleves/import/")
    assert response.status_code == 403
    assert "n'importe pas ses élèves depuis SIECLE" in response.content.decode()
    assert client.post("/eleves/import/").status_code == 403
    assert "/eleves/import/" not in client.get("/eleves/").content.decode()


def test_link_to_an_import_of_another_of_my_schools_switches_to_it(
    client, organization, validated_import
):
    person = UserFactory()
    elsewhere = make_organization()
    membership_create(user=person, organization=elsewhere, role=Membership.Role.ADMIN)
    membership_create(user=person, organization=organization, role=Membership.Role.ADMIN)
    client.force_login(person)
    client.get("/eleves/")
    assert client.session[SESSION_KEY] == elsewhere.pk
    assert client.get(f"/eleves/import/{validated_import.pk}/").status_code == 200
    assert client.session[SESSION_KEY] == organization.pk


def test_member_here_and_admin_elsewhere_cannot_act_on_this_import(
    client, organization, validated_import
):
    person = UserFactory()
    elsewhere = make_organization()
    membership_create(user=person, organization=elsewhere, role=Membership.Role.ADMIN)
    membership_create(user=person, organization=organization, role=Membership.Role.MEMBER)
    client.force_login(person)
    client.get("/eleves/")
    assert client.session[SESSION_KEY] == elsewhere.pk
    for method, url in import_urls(validated_import):
        assert getattr(client, method)(url).status_code == 403, url
        # Refused: still working in the school they were in.
        assert client.session[SESSION_KEY] == elsewhere.pk, url
    validated_import.refresh_from_db()
    assert validated_import.status == Status.VALIDATED


def test_state_changes_without_a_csrf_token_are_refused(
    organization, admin_user, validated_import, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    xml = siecle_xml(organization.uai, [pupil("2222222222B")])
    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            client.post("/eleves/import/", {"file": SimpleUploadedFile("e.xml", xml)}),
            client.post(f"/eleves/import/{validated_import.pk}/confirmer/"),
            client.post(f"/eleves/import/{validated_import.pk}/annuler/"),
        ]
    assert [response.status_code for response in responses] == [403, 403, 403]
    assert list(Import.objects.values_list("pk", "status")) == [
        (validated_import.pk, Status.VALIDATED)
    ]
    assert not Learner.objects.exists()
    # The same requests with the page's token go through.
    token = client.get(f"/eleves/import/{validated_import.pk}/").context["csrf_token"]
    response = client.post(
        f"/eleves/import/{validated_import.pk}/annuler/", {"csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302


def test_state_changes_refuse_get(client, admin_user, validated_import):
    client.force_login(admin_user)
    assert client.get(f"/eleves/import/{validated_import.pk}/confirmer/").status_code == 405
    assert client.get(f"/eleves/import/{validated_import.pk}/annuler/").status_code == 405


def test_back_office_shows_learners_and_imports_read_only(client, organization, validated_import):
    staff = UserFactory(is_staff=True, is_superuser=True)
    learner = make_learner(organization, last_name="VISIBLE")
    client.force_login(staff)
    assert "VISIBLE" in client.get("/backoffice/students/learner/").content.decode()
    assert client.get(f"/backoffice/students/learner/{learner.pk}/change/").status_code == 200
    assert "e.xml" in client.get("/backoffice/students/import/").content.decode()
    page = client.get(f"/backoffice/students/import/{validated_import.pk}/change/")
    assert page.status_code == 200
    assert client.get("/backoffice/students/import/add/").status_code == 403


def test_back_office_cannot_delete_learners_or_imports(client, organization, validated_import):
    """Learners are disabled, never deleted; deleting an import would orphan its files."""
    staff = UserFactory(is_staff=True, is_superuser=True)
    learner = make_learner(organization)
    client.force_login(staff)
    for url in (
        f"/backoffice/students/learner/{learner.pk}/delete/",
        f"/backoffice/students/import/{validated_import.pk}/delete/",
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"post": "yes"}).status_code == 403, url
    for model, pk in (("learner", learner.pk), ("import", validated_import.pk)):
        changelist = f"/backoffice/students/{model}/"
        assert "delete_selected" not in client.get(changelist).content.decode()
        client.post(changelist, {"action": "delete_selected", "_selected_action": [pk]})
    assert Learner.objects.filter(pk=learner.pk).exists()
    assert Import.objects.filter(pk=validated_import.pk).exists()


def archive(organization: Organization) -> None:
    organization.archived_at = timezone.now()
    organization.save(update_fields=["archived_at"])


def test_import_of_an_archived_school_is_refused_while_working_in_an_open_one(
    client, organization, validated_import, django_capture_on_commit_callbacks
):
    """Admin of both: the closed school's import can be neither seen nor acted upon, and
    the session stays in the open school."""
    person = UserFactory()
    open_school = make_organization()
    membership_create(user=person, organization=open_school, role=Membership.Role.ADMIN)
    membership_create(user=person, organization=organization, role=Membership.Role.ADMIN)
    archive(organization)
    client.force_login(person)
    client.get("/eleves/")
    assert client.session[SESSION_KEY] == open_school.pk
    with django_capture_on_commit_callbacks(execute=True):
        for method, url in import_urls(validated_import):
            response = getattr(client, method)(url)
            assert response.status_code == 403, url
            if url.endswith("etat.json"):
                assert response.json()["code"] == "ORGANIZATION_ARCHIVED"
                assert validated_import.file_name not in response.content.decode()
            else:
                assert "organizations/space_closed.html" in [t.name for t in response.templates]
                assert response.context["organization"] == organization
            assert client.session[SESSION_KEY] == open_school.pk, url
    validated_import.refresh_from_db()
    assert validated_import.status == Status.VALIDATED
    assert validated_import.confirmed_at is None
    assert not Learner.objects.exists()


def test_confirmed_import_of_an_archived_school_cannot_be_cancelled_or_viewed(
    client, organization, admin_user, validated_import
):
    services.import_confirm(import_=validated_import, user=admin_user, enqueue=False)
    open_school = make_organization()
    membership_create(user=admin_user, organization=open_school, role=Membership.Role.ADMIN)
    archive(organization)
    client.force_login(admin_user)
    for method, url in import_urls(validated_import):
        assert getattr(client, method)(url).status_code == 403, url
    validated_import.refresh_from_db()
    assert validated_import.status == Status.IMPORTING
    assert validated_import.apply_started_at is None


def test_link_to_an_open_schools_import_while_working_in_a_closed_one_opens_it(
    client, organization, validated_import
):
    """The rules apply to the import's organisation, not to the current (closed) one:
    the poll answers without moving the person; the page opens the import and makes its
    school the current one."""
    person = UserFactory()
    closed_school = make_organization()
    membership_create(user=person, organization=closed_school, role=Membership.Role.ADMIN)
    membership_create(user=person, organization=organization, role=Membership.Role.ADMIN)
    archive(closed_school)
    client.force_login(person)
    session = client.session
    session[SESSION_KEY] = closed_school.pk
    session.save()

    poll = client.get(f"/eleves/import/{validated_import.pk}/etat.json")
    assert poll.status_code == 200
    assert poll.json()["status"] == Status.VALIDATED
    assert client.session[SESSION_KEY] == closed_school.pk

    page = client.get(f"/eleves/import/{validated_import.pk}/")
    assert page.status_code == 200
    assert client.session[SESSION_KEY] == organization.pk
    validated_import.refresh_from_db()
    assert validated_import.status == Status.VALIDATED
