"""The terms of use as people meet them: the organisation space sends whoever has not
accepted the version in force to /cgu/, which records the acceptance and goes back, or
signs the person out; exempt pages stay reachable; a person of no organisation is told
how to get in."""

from urllib.parse import quote

import pytest
from django.utils.html import escape

from organizations.models import CguAcceptance, CguVersion
from organizations.selectors import cgu_version_current
from organizations.services import cgu_version_publish
from students.models import Import
from tests.factories import UserFactory, current_cgu
from tests.organizations.back_office import messages_of

pytestmark = pytest.mark.django_db

CHANGED = "Les conditions d'utilisation ont changé"


def to_cgu(next_url: str) -> str:
    return f"/cgu/?next={quote(next_url, safe='')}"


def accept(client, version, next_url="/equipe/"):
    return client.post(
        "/cgu/", {"decision": "accept", "version_id": str(version.pk), "next": next_url}
    )


def test_a_member_who_has_not_accepted_is_sent_to_the_terms_then_back(
    client, organization, newcomer
):
    client.force_login(newcomer)
    response = client.get("/equipe/?tri=nom")
    assert (response.status_code, response["Location"]) == (302, to_cgu("/equipe/?tri=nom"))

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert escape(cgu_version_current().text_fr.split("\n")[0]) in html
    assert "Accepter et continuer" in html
    assert "Refuser et quitter" in html
    assert CHANGED not in html  # a first acceptance, not a change
    assert 'name="next" value="/equipe/?tri=nom"' in html

    accepted = accept(client, cgu_version_current(), next_url="/equipe/?tri=nom")
    assert (accepted.status_code, accepted["Location"]) == (302, "/equipe/?tri=nom")
    assert client.get("/equipe/?tri=nom").status_code == 200
    assert CguAcceptance.objects.filter(user=newcomer).count() == 1


def test_accepting_again_records_nothing_more(client, newcomer):
    client.force_login(newcomer)
    version = cgu_version_current()
    accept(client, version)
    accept(client, version)
    assert CguAcceptance.objects.filter(user=newcomer, version=version).count() == 1
    page = client.get("/cgu/").content.decode()
    assert "Vous avez accepté cette version le" in page
    assert "Accepter et continuer" not in page


def test_next_never_leads_to_another_site(client, newcomer):
    client.force_login(newcomer)
    response = accept(client, cgu_version_current(), next_url="https://evil.example/equipe/")
    assert response["Location"] == "/"


def test_a_new_version_asks_again_and_says_the_terms_changed(client, organization, member_user):
    client.force_login(member_user)
    assert client.get("/equipe/").status_code == 200
    new = cgu_version_publish(actor=None, text_fr="Version deux des conditions.")
    response = client.get("/equipe/")
    assert response["Location"] == to_cgu("/equipe/")
    page = client.get(response["Location"]).content.decode()
    assert CHANGED in page
    assert "Version deux des conditions." in page
    accept(client, new)
    assert client.get("/equipe/").status_code == 200


def test_declining_signs_the_person_out_and_records_nothing(client, newcomer):
    client.force_login(newcomer)
    response = client.post("/cgu/", {"decision": "refuse", "next": "/equipe/"}, follow=True)
    assert response.redirect_chain[0] == ("/", 302)
    assert not response.wsgi_request.user.is_authenticated
    assert messages_of(response) == [
        "Vous avez refusé les conditions d'utilisation : vous avez été déconnecté. Vous "
        "pourrez vous reconnecter quand vous souhaiterez les accepter."
    ]
    assert not CguAcceptance.objects.filter(user=newcomer).exists()
    assert client.get("/equipe/")["Location"].startswith("/compte/login/")


def test_a_version_replaced_while_reading_is_not_accepted(client, newcomer):
    client.force_login(newcomer)
    shown = cgu_version_current()
    newer = cgu_version_publish(actor=None, text_fr="Conditions remplacées entre-temps.")
    for version_id in (str(shown.pk), "pas-un-nombre", "999999"):
        response = client.post(
            "/cgu/",
            {"decision": "accept", "version_id": version_id, "next": "/equipe/"},
            follow=True,
        )
        assert response.redirect_chain == [(to_cgu("/equipe/"), 302)]
        assert messages_of(response) == [
            "Les conditions d'utilisation ont changé pendant votre lecture : lisez la "
            "nouvelle version avant de l'accepter."
        ]
        assert "Conditions remplacées entre-temps." in response.content.decode()
    assert not CguAcceptance.objects.filter(user=newcomer).exists()
    accept(client, newer)
    assert CguAcceptance.objects.get(user=newcomer).version == newer


def test_the_text_is_in_the_person_s_language_else_french(client, newcomer):
    client.force_login(newcomer)
    cgu_version_publish(actor=None, text_fr="Texte français.", text_en="English text.")
    # The person's language, as they chose it (Accept-Language is never read).
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/cgu/").content.decode()
    assert '<div class="fr-mb-4w" lang="en" data-testid="cgu-text"><p>English text.</p>' in english
    assert "Accept and continue" in english
    cgu_version_publish(actor=None, text_fr="Seulement en français.")
    fallback = client.get("/cgu/").content.decode()
    assert 'lang="fr" data-testid="cgu-text"><p>Seulement en français.</p>' in fallback


def test_the_text_is_never_rendered_as_html(client, newcomer):
    client.force_login(newcomer)
    cgu_version_publish(actor=None, text_fr='Article 1.\n\n<script>alert("x")</script>')
    page = client.get("/cgu/").content.decode()
    assert "<p>Article 1.</p>" in page
    assert "&lt;script&gt;" in page
    assert '<script>alert("x")</script>' not in page


def test_json_views_refuse_with_the_code(client, organization, newcomer):
    import_ = Import.objects.create(organization=organization, created_by=newcomer, file_name="e")
    client.force_login(newcomer)
    response = client.get(f"/eleves/import/{import_.pk}/etat.json")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "CGU_NOT_ACCEPTED"
    assert body["meta"] == {"version_id": cgu_version_current().pk, "url": "/cgu/"}
    assert "conditions d'utilisation" in body["message"]


def test_exempt_pages_are_reachable_without_accepting(client, newcomer):
    # Static files are served by WhiteNoise before any view, so no guard can reach them.
    client.force_login(newcomer)
    for url in ("/cgu/", "/compte/profil/", "/mentions-legales/", "/donnees-personnelles/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get("/healthz").status_code in (200, 503)  # never a redirect
    assert client.get("/").status_code == 302  # to the space, which then asks for the terms


def test_the_terms_page_asks_anonymous_people_to_sign_in(client):
    response = client.get("/cgu/")
    assert response["Location"].startswith("/compte/login/?next=/cgu/")


def test_before_any_version_the_space_stays_closed_and_the_page_says_why(client, member_user):
    CguAcceptance.objects.all().delete()
    CguVersion.objects.all().delete()
    client.force_login(member_user)
    assert client.get("/equipe/")["Location"] == to_cgu("/equipe/")
    page = client.get("/cgu/").content.decode()
    assert "n'ont pas encore été publiées" in page
    assert "Accepter et continuer" not in page
    response = client.post("/cgu/", {"decision": "accept", "version_id": "1"})
    assert response.status_code == 302
    assert not CguAcceptance.objects.exists()


# --- A person of no organisation ----------------------------------------------------------


def test_a_person_of_no_organisation_is_told_how_to_get_in(client):
    current_cgu()
    client.force_login(UserFactory())
    response = client.get("/equipe/")
    assert response.status_code == 403
    assert "organizations/no_organization.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "sur invitation de son administrateur" in html
    assert "/demande-administration-sco/" in html


@pytest.mark.urls("tests.organizations.urls_for_tests")
def test_json_views_tell_a_person_of_no_organisation_with_a_code(client):
    client.force_login(UserFactory())
    response = client.get("/membre.json")
    assert response.status_code == 403
    assert response.json()["code"] == "NO_ORGANIZATION"
