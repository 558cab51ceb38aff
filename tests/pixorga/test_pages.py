"""The shared layout, the home page, the legal pages, and the team and documentation pages
(owner / member / outsider / anonymous). The team page itself:
tests/organizations/test_team_*.py."""

from html import unescape

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LEGAL_PAGES = ["/mentions-legales/", "/donnees-personnelles/", "/accessibilite/"]


# --- Layout ---------------------------------------------------------------------------


def test_layout_has_landmarks_skip_links_and_the_page_language(client):
    page = client.get("/").content.decode()
    assert '<html lang="fr"' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    for landmark in ('role="banner"', 'role="main"', 'role="contentinfo"', 'class="fr-skiplinks"'):
        assert landmark in page
    assert 'href="#content"' in page
    assert 'id="content"' in page


def test_layout_loads_the_design_system_from_our_own_static_files(client):
    page = client.get("/").content.decode()
    assert '/static/dsfr/dist/dsfr/dsfr.min.css"' in page
    assert '/static/dsfr/dist/dsfr/dsfr.module.min.js"' in page
    assert "cdn" not in page.lower()


def test_footer_links_the_three_legal_pages(client):
    page = client.get("/").content.decode()
    for path in LEGAL_PAGES:
        assert f'href="{path}"' in page


@pytest.mark.parametrize("path", LEGAL_PAGES)
def test_legal_pages_are_public_and_marked_as_placeholders(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Texte provisoire" in response.content.decode()


def test_members_see_the_navigation_and_their_organisation(client, organization, member_user):
    client.force_login(member_user)
    page = client.get("/campagnes/").content.decode()
    assert organization.name in page
    for path in ("/campagnes/", "/eleves/", "/equipe/", "/documentation/"):
        assert f'href="{path}"' in page
    assert 'href="/campagnes/" aria-current="page"' in page


def test_the_switcher_appears_for_people_in_several_organisations(
    client, organization, other_organization, member_user
):
    from organizations.services import membership_create

    client.force_login(member_user)
    assert 'id="organization-switcher"' not in client.get("/campagnes/").content.decode()
    membership_create(user=member_user, organization=other_organization)
    page = client.get("/campagnes/").content.decode()
    assert 'id="organization-switcher"' in page
    assert other_organization.name in page


def test_anonymous_people_get_no_organisation_navigation(client):
    page = client.get("/").content.decode()
    assert 'href="/equipe/"' not in page
    assert "/compte/login/" in page


def test_anonymous_home_offers_sign_in_and_i_have_a_code(client):
    page = client.get("/").content.decode()
    assert 'href="/compte/login/"' in page
    assert 'href="/compte/signup/"' in page
    assert 'href="/code/"' in page
    assert "J'ai un code" in unescape(page)


def test_signed_in_person_without_organisation_is_told_so(client):
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 200
    assert "organizations/no_organization.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert "invitation" in body
    assert "/demande-administration-sco/" in body


def test_the_whole_page_switches_to_english(client):
    client.cookies["django_language"] = "en"
    page = client.get("/").content.decode()
    assert '<html lang="en"' in page
    assert "I have a code" in page
    assert "Legal notice" in page


# --- Team and documentation -----------------------------------------------------------


@pytest.mark.parametrize("path", ["/equipe/", "/documentation/"])
def test_organisation_pages_send_anonymous_people_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/compte/login/?next={path}"


@pytest.mark.parametrize("path", ["/equipe/", "/documentation/"])
def test_organisation_pages_refuse_people_without_organisation(client, path):
    client.force_login(UserFactory())
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/equipe/", "/documentation/"])
def test_organisation_pages_are_open_to_members_and_administrators(
    client, path, admin_user, member_user
):
    for user in (admin_user, member_user):
        client.force_login(user)
        assert client.get(path).status_code == 200
