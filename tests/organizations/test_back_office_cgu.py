"""Publishing the terms of use from the back office: staff only, audited, never in the
past, and a published version is never edited or deleted."""

import datetime

import pytest
from django.utils import timezone

from organizations.models import AuditLog, CguVersion
from organizations.selectors import cgu_version_current
from organizations.services import cgu_version_publish
from tests.factories import current_cgu

pytestmark = pytest.mark.django_db

VERSIONS = "/backoffice/organizations/cguversion/"


def version_data(when: datetime.datetime, **changes) -> dict:
    local = timezone.localtime(when)
    return {
        "effective_at_0": local.strftime("%d/%m/%Y"),
        "effective_at_1": local.strftime("%H:%M:%S"),
        "text_fr": "Conditions, version du back office.",
        "text_en": "Terms, back-office version.",
    } | changes


def test_staff_publish_a_version_which_then_applies(staff_client, staff):
    # The form's dates stop at the second: the previous version is a little older.
    previous = cgu_version_publish(
        actor=None, text_fr="Avant.", effective_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = staff_client.post(f"{VERSIONS}add/", version_data(timezone.now()))
    assert response.status_code == 302, response.context["adminform"].form.errors
    version = CguVersion.objects.get(text_fr="Conditions, version du back office.")
    assert version != previous
    assert cgu_version_current() == version
    row = AuditLog.objects.get(action="cgu.published", actor=staff)
    assert (row.on_behalf_of, row.target_id, row.details["english"]) == ("STAFF", version.pk, True)
    listing = staff_client.get(VERSIONS)
    assert [(v.pk, v.in_force) for v in listing.context["cl"].result_list][:2] == [
        (version.pk, True),
        (previous.pk, False),
    ]


def test_a_date_in_the_past_is_refused_in_the_form(staff_client):
    count = CguVersion.objects.count()
    response = staff_client.post(
        f"{VERSIONS}add/", version_data(timezone.now() - datetime.timedelta(days=2))
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["effective_at"]
    assert errors == [
        "Une nouvelle version des conditions d'utilisation s'applique maintenant ou plus "
        "tard, pas dans le passé."
    ]
    assert CguVersion.objects.count() == count
    assert not AuditLog.objects.filter(action="cgu.published", actor__isnull=False).exists()


def test_a_date_before_the_latest_version_is_refused(staff_client):
    later = timezone.now() + datetime.timedelta(days=10)
    cgu_version_publish(actor=None, text_fr="Programmée.", effective_at=later)
    response = staff_client.post(
        f"{VERSIONS}add/", version_data(later - datetime.timedelta(days=1))
    )
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["effective_at"]
    assert error.startswith(
        "Une nouvelle version des conditions d'utilisation s'applique après la dernière"
    )
    assert timezone.localtime(later).strftime("%d/%m/%Y") in error


def test_a_published_version_is_never_edited_or_deleted(staff_client):
    version = current_cgu()
    url = f"{VERSIONS}{version.pk}/change/"
    page = staff_client.get(url)
    assert page.status_code == 200
    assert 'name="text_fr"' not in page.content.decode()
    assert staff_client.post(url, version_data(timezone.now(), text_fr="x")).status_code == 403
    assert staff_client.post(f"{VERSIONS}{version.pk}/delete/", {"post": "yes"}).status_code == 403
    version.refresh_from_db()
    assert version.text_fr != "x"


def test_a_school_administrator_cannot_publish(client, admin_user):
    client.force_login(admin_user)
    count = CguVersion.objects.count()
    response = client.post(f"{VERSIONS}add/", version_data(timezone.now()))
    assert "/backoffice/login/" in response["Location"]
    assert CguVersion.objects.count() == count
