"""What the import pages say, in both languages: file sizes as a file explorer shows
them (Mo / Ko, MB / KB, units of 1,024), "Import du fichier …", history counts that
agree with their number, and the UAI sentence (UAI is feminine in French)."""

import pytest
from django.template import Context, Template
from django.utils import translation

from students.models import Import
from students.siecle import records
from students.siecle_messages import render_error
from students.templatetags.file_sizes import file_size

NBSP = "\xa0"

SIZES = [
    # bytes, French, English
    (0, "0 octet", "0 bytes"),
    (1, "1 octet", "1 byte"),
    (900, "900 octets", "900 bytes"),
    (1023, "1 023 octets", "1,023 bytes"),
    (1024, "1 Ko", "1 KB"),
    (1536, "1,5 Ko", "1.5 KB"),
    (356 * 1024 + 300, "356 Ko", "356 KB"),
    (1024 * 1024 - 100, "1 Mo", "1 MB"),  # not "1 024 Ko"
    (1_234_567, "1,2 Mo", "1.2 MB"),
    (20 * 1024 * 1024, "20 Mo", "20 MB"),
    (3 * 1024**3, "3 Go", "3 GB"),
]


@pytest.mark.parametrize(("size", "french", "english"), SIZES)
def test_file_size_in_french_and_in_english(size, french, english):
    with translation.override("fr"):
        assert file_size(size) == french.replace(" ", NBSP)
    with translation.override("en"):
        assert file_size(size) == english.replace(" ", NBSP)


def test_file_size_filter_in_a_template_and_on_nonsense():
    template = Template("{% load file_sizes %}{{ size|file_size }}")
    with translation.override("fr"):
        assert template.render(Context({"size": 1536})) == f"1,5{NBSP}Ko"
        assert template.render(Context({"size": None})) == ""
        assert template.render(Context({"size": -5})) == f"0{NBSP}octet"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def an_import(organization, **fields) -> Import:
    values = {
        "file_name": "export.zip",
        "file_size": 1_234_567,
        "status": Import.Status.IMPORTED,
        "counts": {"created": 1, "updated": 0, "reenabled": 0, "disabled": 0},
    }
    values.update(fields)
    return Import.objects.create(organization=organization, **values)


@pytest.mark.django_db
def test_import_page_states_the_size_limit_in_mo(admin_client):
    body = admin_client.get("/eleves/import/").content.decode()
    assert f"Taille maximale : 20{NBSP}Mo." in body
    assert "Mio" not in body


@pytest.mark.django_db
def test_import_detail_is_the_import_of_the_file(admin_client, organization):
    import_ = an_import(organization)
    body = admin_client.get(f"/eleves/import/{import_.pk}/").content.decode()
    assert "<h1>Import du fichier export.zip</h1>" in body
    assert f"(1,2{NBSP}Mo)" in body
    admin_client.post("/i18n/setlang/", {"language": "en", "next": "/"})  # saves the preference
    body = admin_client.get(f"/eleves/import/{import_.pk}/").content.decode()
    assert "<h1>Import of the file export.zip</h1>" in body
    assert f"(1.2{NBSP}MB)" in body


@pytest.mark.django_db
def test_history_counts_agree_with_their_number(admin_client, organization):
    an_import(organization, counts={"created": 0, "updated": 1, "reenabled": 2, "disabled": 1})
    an_import(organization, counts={"created": 3, "updated": 0, "reenabled": 0, "disabled": 25})
    body = admin_client.get("/eleves/import/").content.decode()
    assert "0 ajouté, 1 mis à jour, 2 réactivés, 1 désactivé" in body
    assert "3 ajoutés, 0 mis à jour, 0 réactivé, 25 désactivés" in body
    assert f"(1,2{NBSP}Mo)" in body
    admin_client.post("/i18n/setlang/", {"language": "en", "next": "/"})  # saves the preference
    body = admin_client.get("/eleves/import/").content.decode()
    assert "0 added, 1 updated, 2 re-enabled, 1 disabled" in body


@pytest.mark.django_db
def test_history_of_an_import_with_no_counts_shows_zeros(admin_client, organization):
    an_import(organization, counts={})
    body = admin_client.get("/eleves/import/").content.decode()
    assert "0 ajouté, 0 mis à jour, 0 réactivé, 0 désactivé" in body


def test_the_uai_of_another_school_is_hers_not_his():
    with translation.override("fr"):
        other = render_error(records.UAI_MISMATCHED, {"file_uai": "0750655E", "uai": "0750654D"})
        missing = render_error(records.UAI_MISMATCHED, {"file_uai": "", "uai": "0750654D"})
    assert other == (
        "L'UAI du fichier SIECLE (0750655E) ne correspond pas à celle de votre "
        "établissement (0750654D)."
    )
    assert "il devrait contenir celle de votre établissement (0750654D)" in missing
