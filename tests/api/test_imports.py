"""`organizations/<id>/imports/`: upload, poll, confirm (with the mass-deactivation
acknowledgement), cancel — the page's services and refusals, answered in JSON, audited
with the token named. Tasks run eagerly here; test_nightly_worker.py uses a real worker."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from students.models import Import, Learner
from tests.api.conftest import make_token, token_client
from tests.factories import audit_rows, make_ine, make_learner, make_organization
from tests.students.xml_helpers import pupil, siecle_xml

pytestmark = pytest.mark.django_db

Status = Import.Status


def imports_url(organization, suffix=""):
    return f"/api/v1/organizations/{organization.pk}/imports/{suffix}"


def upload(client, organization, content: bytes, name="ElevesSansAdresses.xml"):
    return client.post(
        imports_url(organization),
        {"file": SimpleUploadedFile(name, content, content_type="text/xml")},
        format="multipart",
    )


def a_file(organization, count=3, division="4A") -> bytes:
    return siecle_xml(
        organization.uai, [pupil(make_ine(), f"NOM{n}", division=division) for n in range(count)]
    )


@pytest.fixture
def uploaded(organization, admin_client, django_capture_on_commit_callbacks):
    """An upload through the API, checked by the (eager) validation once committed."""

    def run(content: bytes):
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(admin_client, organization, content)
        assert response.status_code == 201, response.json()
        return response.json()

    return run


def test_the_nightly_flow_upload_poll_confirm(
    organization, admin_user, admin_client, uploaded, django_capture_on_commit_callbacks
):
    created = uploaded(a_file(organization, count=3))
    assert created["status"] == "UPLOADED" and created["file_name"] == "ElevesSansAdresses.xml"
    state = admin_client.get(imports_url(organization, f"{created['id']}/")).json()
    assert state["status"] == "VALIDATED" and state["progress"] == 100
    assert state["preview"]["created"] == 3
    assert state["preview"]["mass_deactivation"]["needs_acknowledgement"] is False
    assert (state["final"], state["errors"], state["error_count"]) == (False, [], 0)

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = admin_client.post(imports_url(organization, f"{created['id']}/confirm/"))
    assert confirmed.status_code == 202
    assert confirmed.json()["status"] == "IMPORTING"
    done = admin_client.get(imports_url(organization, f"{created['id']}/")).json()
    assert (done["status"], done["final"], done["counts"]["created"]) == ("IMPORTED", True, 3)
    assert Learner.objects.filter(organization=organization).count() == 3
    assert done["confirmed_by_id"] == admin_user.pk

    history = admin_client.get(imports_url(organization)).json()
    assert [row["id"] for row in history] == [created["id"]]
    assert history[0]["status"] == "IMPORTED" and "preview" not in history[0]


def test_changes_made_with_a_token_are_audited_with_the_token(
    organization, admin_user, uploaded, admin_client, django_capture_on_commit_callbacks
):
    created = uploaded(a_file(organization))
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(imports_url(organization, f"{created['id']}/confirm/"))
    token = admin_user.memberships.get().api_tokens.get()
    rows = audit_rows(target_type="students.import")
    assert [row[0] for row in rows] == ["import.uploaded", "import.confirmed"]
    for row in rows:
        assert row[1:3] == (admin_user.pk, "ADMIN")
        assert row[6]["api_token_id"] == token.pk
        assert row[6]["api_token"] == token.prefix


def test_a_file_with_errors_is_polled_to_its_errors(organization, admin_client, uploaded):
    content = siecle_xml(organization.uai, [pupil(make_ine(), birthdate="31/02/2011")])
    created = uploaded(content)
    state = admin_client.get(imports_url(organization, f"{created['id']}/")).json()
    assert state["status"] == "VALIDATION_ERROR" and state["final"] is True
    assert state["error_count"] == 1
    error = state["errors"][0]
    assert error["code"] == "INVALID_BIRTHDATE_FORMAT"
    assert error["message"] and error["meta"]["reason"] == "NONEXISTENT_DATE"
    assert state["error_counts"] == {"INVALID_BIRTHDATE_FORMAT": 1}


def test_a_file_of_another_school_is_refused_with_its_code(organization, admin_client, uploaded):
    other = make_organization()
    created = uploaded(a_file(other))
    state = admin_client.get(imports_url(organization, f"{created['id']}/")).json()
    assert state["status"] == "VALIDATION_ERROR"
    assert state["errors"][0]["code"] == "UAI_MISMATCHED"


def test_a_mass_deactivation_needs_the_acknowledgement(
    organization, admin_client, uploaded, django_capture_on_commit_callbacks
):
    for _ in range(10):
        make_learner(organization, division="6A", ine=make_ine(), mef_code="")
    created = uploaded(a_file(organization, count=2, division="3B"))
    url = imports_url(organization, f"{created['id']}/confirm/")
    refused = admin_client.post(url, {"acknowledge_mass_deactivation": False}, format="json")
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "MASS_DEACTIVATION_NOT_ACKNOWLEDGED"
    assert (body["meta"]["disabled"], body["meta"]["active"], body["meta"]["classes"]) == (
        10,
        10,
        ["6A"],
    )
    assert "10" in body["message"]
    assert Import.objects.get(pk=created["id"]).status == Status.VALIDATED
    with django_capture_on_commit_callbacks(execute=True):
        accepted = admin_client.post(url, {"acknowledge_mass_deactivation": True}, format="json")
    assert accepted.status_code == 202
    assert Import.objects.get(pk=created["id"]).status == Status.IMPORTED


def test_confirming_a_replaced_import_is_refused(organization, admin_client, uploaded):
    first = uploaded(a_file(organization))
    second = uploaded(a_file(organization))
    refused = admin_client.post(imports_url(organization, f"{first['id']}/confirm/"))
    assert refused.status_code == 409
    assert refused.json()["code"] == "IMPORT_REPLACED"
    assert refused.json()["meta"] == {"replaced_by": second["id"]}
    replaced = admin_client.get(imports_url(organization, f"{first['id']}/")).json()
    assert (replaced["status"], replaced["replaced_by"]) == ("CANCELLED", second["id"])


def test_confirming_twice_is_harmless(
    organization, admin_client, uploaded, django_capture_on_commit_callbacks
):
    created = uploaded(a_file(organization))
    url = imports_url(organization, f"{created['id']}/confirm/")
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url).status_code == 202
    again = admin_client.post(url)
    assert again.status_code == 409  # IMPORTED now: nothing to confirm
    assert again.json()["code"] == "IMPORT_NOT_CONFIRMABLE"


def test_cancel_then_cancel_again(organization, admin_client, uploaded):
    created = uploaded(a_file(organization))
    url = imports_url(organization, f"{created['id']}/cancel/")
    cancelled = admin_client.post(url)
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "CANCELLED")
    again = admin_client.post(url)
    assert (again.status_code, again.json()["code"]) == (409, "IMPORT_NOT_CANCELLABLE")


def test_the_confirmation_s_body_is_checked_per_field(organization, admin_client, uploaded):
    created = uploaded(a_file(organization))
    url = imports_url(organization, f"{created['id']}/confirm/")
    wrong = admin_client.post(url, {"acknowledge_mass_deactivation": "maybe"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "VALIDATION_ERROR"
    assert wrong.json()["meta"]["fields"]["acknowledge_mass_deactivation"][0]["code"] == "invalid"
    garbled = admin_client.post(url, "{not json", content_type="application/json")
    assert (garbled.status_code, garbled.json()["code"]) == (400, "PARSE_ERROR")
    text = admin_client.post(url, "yes", content_type="text/plain")
    assert (text.status_code, text.json()["code"]) == (415, "UNSUPPORTED_MEDIA_TYPE")
    assert Import.objects.get(pk=created["id"]).status == Status.VALIDATED


def test_an_upload_without_a_file_names_the_field(organization, admin_client):
    response = admin_client.post(imports_url(organization), {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["meta"]["fields"]["file"][0]["code"] == "required"
    assert not Import.objects.exists()
    json_body = admin_client.post(imports_url(organization), {"file": "x"}, format="json")
    assert json_body.status_code == 415


def test_a_file_over_the_limit_is_413_and_recorded(organization, admin_client, settings):
    settings.SIECLE_MAX_UPLOAD_BYTES = 100
    response = upload(admin_client, organization, b"x" * 101)
    assert response.status_code == 413
    body = response.json()
    import_ = Import.objects.get()
    assert body["code"] == "PAYLOAD_TOO_LARGE"
    assert body["meta"] == {"limit": 100, "size": 101, "import_id": import_.pk}
    assert import_.status == Status.UPLOAD_ERROR


def test_a_body_over_the_request_limit_is_a_json_413(organization, admin_client, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1000
    response = upload(admin_client, organization, b"x" * 2000)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert not Import.objects.exists()


def test_an_organisation_that_does_not_import_is_refused_with_its_code(db):
    school = make_organization(type="SUP", uai=None, official_email="")
    from tests.factories import make_member

    admin = make_member(school, role="ADMIN")
    client = token_client(make_token(admin, school)[1])
    for response in (client.get(imports_url(school)), upload(client, school, b"<x/>")):
        assert response.status_code == 403
        assert response.json()["code"] == "IMPORT_NOT_ALLOWED"


def test_an_import_of_another_school_is_404_under_this_one(
    organization, other_organization, admin_user, admin_client
):
    from organizations.services import membership_create

    membership_create(user=admin_user, organization=other_organization, role="ADMIN")
    theirs = Import.objects.create(organization=other_organization, file_name="x.xml")
    for suffix in ("", "confirm/", "cancel/"):
        url = imports_url(organization, f"{theirs.pk}/{suffix}")
        response = admin_client.post(url) if suffix else admin_client.get(url)
        assert response.status_code == 404, suffix
    assert Import.objects.get(pk=theirs.pk).status == Status.UPLOADED
