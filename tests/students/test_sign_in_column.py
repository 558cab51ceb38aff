"""The student list's "Connexion" column and filter (how each student signs in), on the
list, the student's page and the API; e-mail addresses masked for members."""

import re

import pytest

from students.models import Learner
from students.selectors import learner_list
from tests.factories import make_learner, make_student

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    body = response.content.decode()
    table = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in body else ""
    return re.findall(
        r"<tr>\s*<td>(?:<a [^>]*>)?(?:<bdi>)?([^<]+?)(?:</bdi>)?(?:</a>)?(?: <span|</td>)", table
    )


def row_of(response, last_name: str) -> str:
    body = response.content.decode()
    for row in (part.split("</tr>", 1)[0] for part in body.split("<tr>")[1:]):
        if f"<bdi>{last_name}</bdi>" in row.split("</td>", 1)[0]:
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
    raise AssertionError(f"no row for {last_name}")


@pytest.fixture
def four_ways(organization):
    """One student per way of signing in."""
    make_learner(organization, last_name="AUCUN", first_name="Ana")
    make_learner(
        organization, last_name="IDENT", first_name="Ian", user=make_student(username="ian.ident")
    )
    make_learner(
        organization,
        last_name="COURRIEL",
        first_name="Cléo",
        user=make_student(email="cleo.courriel@famille.example"),
    )
    make_learner(
        organization,
        last_name="ESPACE",
        first_name="Eva",
        user=make_student(username="eva.espace", gar_id="GAR-123"),
    )
    return organization


def test_the_column_says_how_each_student_signs_in(client, admin_user, four_ways):
    client.force_login(admin_user)
    response = client.get("/eleves/")
    assert '<th scope="col">Connexion</th>' in response.content.decode()
    assert row_of(response, "AUCUN").endswith("Pas encore de compte")
    assert row_of(response, "IDENT").endswith("Identifiant ian.ident")
    assert row_of(response, "COURRIEL").endswith("Adresse e-mail cleo.courriel@famille.example")
    # The ENT first: the account has an identifier too, but signs in through the ENT.
    assert row_of(response, "ESPACE").endswith("ENT")


def test_a_member_sees_the_identifier_whole_and_the_email_masked(client, member_user, four_ways):
    client.force_login(member_user)
    response = client.get("/eleves/")
    assert row_of(response, "IDENT").endswith("Identifiant ian.ident")
    assert row_of(response, "COURRIEL").endswith("Adresse e-mail c***@f***.example")
    assert "cleo.courriel" not in response.content.decode()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["aucun"], ["AUCUN"]),
        (["identifiant"], ["IDENT"]),
        (["email"], ["COURRIEL"]),
        (["ent"], ["ESPACE"]),
        (["aucun", "ent"], ["AUCUN", "ESPACE"]),
        (["identifiant", "inconnu"], ["IDENT"]),  # an unknown value is ignored
        ([], ["AUCUN", "COURRIEL", "ESPACE", "IDENT"]),
    ],
)
def test_the_filter_keeps_the_chosen_ways(client, member_user, four_ways, values, expected):
    client.force_login(member_user)
    response = client.get("/eleves/", {"connexion": values})
    assert names(response) == expected
    body = response.content.decode()
    for value in ("aucun", "identifiant", "email", "ent"):
        checked = f'value="{value}" id="connexion-{value}" checked' in body
        assert checked == (value in values), value


def test_the_filter_combines_with_the_class_and_shows_the_reset(client, member_user, organization):
    make_learner(organization, last_name="ALPHA", division="4A")
    make_learner(organization, last_name="BRAVO", division="4B")
    make_learner(organization, last_name="CHARLIE", division="4A", user=make_student())
    client.force_login(member_user)
    response = client.get("/eleves/", {"connexion": "aucun", "classe": "4A"})
    assert names(response) == ["ALPHA"]
    assert 'href="/eleves/">Réinitialiser' in response.content.decode()


def test_pagination_links_keep_the_sign_in_filter_and_the_sort(client, member_user, organization):
    for n in range(55):
        make_learner(organization, last_name=f"NOM{n:02d}")
    make_learner(organization, last_name="LIE", user=make_student())
    client.force_login(member_user)
    response = client.get("/eleves/", {"connexion": "aucun", "tri": "classe"})
    body = response.content.decode()
    assert "55 élèves" in body
    assert 'href="?connexion=aucun&amp;tri=classe&amp;page=2"' in body
    second = client.get("/eleves/", {"connexion": "aucun", "tri": "classe", "page": 2})
    assert len(names(second)) == 5 and "LIE" not in names(second)


@pytest.mark.parametrize("count", [3, 60])
def test_the_list_makes_the_same_queries_for_3_or_60_students(
    client, member_user, organization, django_assert_num_queries, count
):
    for n in range(count):
        user = None
        if n % 3 == 1:
            user = make_student()
        elif n % 3 == 2:
            user = make_student(email=f"eleve{n}@famille.example")
        make_learner(organization, last_name=f"NOM{n:02d}", division="4A", user=user)
    client.force_login(member_user)
    client.get("/eleves/")  # the session and the current organisation settle
    # The same number whatever the count: the accounts and how they sign in come with the
    # page's one query of learners (a join and a CASE), not one query per student.
    with django_assert_num_queries(7):
        response = client.get("/eleves/", {"connexion": ["aucun", "identifiant", "email"]})
    assert response.status_code == 200


def test_the_students_page_says_how_they_sign_in(client, member_user, admin_user, organization):
    learner = make_learner(
        organization, last_name="COURRIEL", user=make_student(email="cleo@famille.example")
    )
    client.force_login(member_user)
    body = client.get(f"/eleves/{learner.pk}/").content.decode()
    assert re.search(r'id="learner-sign-in">.*Adresse e-mail.*c\*\*\*@f\*\*\*\.example', body)
    client.force_login(admin_user)
    body = client.get(f"/eleves/{learner.pk}/").content.decode()
    assert "cleo@famille.example" in body


def test_the_column_in_english(client, organization):
    from organizations.models import Membership
    from tests.factories import make_member

    person = make_member(organization, role=Membership.Role.ADMIN, language="en")
    make_learner(organization, last_name="AUCUN")
    make_learner(organization, last_name="IDENT", user=make_student(username="ian.ident"))
    client.force_login(person)
    response = client.get("/eleves/")
    body = response.content.decode()
    assert '<th scope="col">Sign-in</th>' in body
    assert row_of(response, "AUCUN").endswith("No account yet")
    assert row_of(response, "IDENT").endswith("Identifier ian.ident")


def test_the_selector_annotates_the_way_and_filters_on_several(organization):
    make_learner(organization, last_name="AUCUN")
    make_learner(
        organization, last_name="ESPACE", user=make_student(username="eva.espace", gar_id="GAR-9")
    )
    rows = {
        learner.last_name: learner.sign_in for learner in learner_list(organization=organization)
    }
    assert rows == {"AUCUN": "none", "ESPACE": "ent"}
    only = learner_list(organization=organization, sign_in=["ent"])
    assert [learner.last_name for learner in only] == ["ESPACE"]
    assert Learner.objects.count() == 2


def test_the_api_gives_the_ent_too(organization, admin_user):
    from rest_framework.test import APIClient

    make_learner(organization, last_name="ESPACE", user=make_student(username="eva", gar_id="G1"))
    api = APIClient()
    api.force_login(admin_user)
    response = api.get(f"/api/v1/organizations/{organization.pk}/learners/", {"sign_in": "ent"})
    assert response.status_code == 200, response.content
    assert response.json()["results"][0]["account"] == {"sign_in": "ent", "identifier": "eva"}
