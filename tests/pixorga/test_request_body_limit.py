import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from students.models import Import

pytestmark = pytest.mark.django_db


def test_a_body_larger_than_the_largest_upload_is_refused_before_it_is_read(
    client, settings, admin_user
):
    settings.MAX_REQUEST_BODY_BYTES = 4096
    settings.SIECLE_MAX_UPLOAD_BYTES = 2048
    client.force_login(admin_user)
    upload = SimpleUploadedFile("ElevesSansAdresses.xml", b"<x/>" * 5000, "text/xml")
    response = client.post("/eleves/import/", {"file": upload})
    assert response.status_code == 413
    assert "dépasse la taille maximale autorisée" in response.content.decode()
    assert not Import.objects.exists()


def test_anonymous_posts_are_limited_too(client, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1024
    response = client.post("/compte/login/", {"login": "x" * 4000, "password": "y"})
    assert response.status_code == 413


def test_a_body_within_the_limit_goes_through(client, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1024 * 1024
    response = client.post("/compte/login/", {"login": "someone@school.example", "password": "y"})
    assert response.status_code == 200
