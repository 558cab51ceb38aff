"""The student list: search, class filter, sort, pagination, empty state, query count."""

import datetime
import re

import pytest

from tests.factories import UserFactory, make_learner

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    """Last names in the table, in order."""
    body = response.content.decode()
    table = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in body else ""
    return re.findall(r"<tr>\s*<td>([^<]+?)(?: <span|</td>)", table)


@pytest.fixture
def signed_in(client, member_user):
    client.force_login(member_user)
    return client


def test_list_shows_active_students_with_birth_date_class_and_account(signed_in, organization):
    account = UserFactory(username="lea.martin", email=None)
    make_learner(
        organization,
        last_name="MARTIN",
        first_name="Léa",
        birthdate=datetime.date(2012, 5, 17),
        division="4E1",
        user=account,
    )
    make_learner(organization, last_name="PARTI", disabled=True)
    response = signed_in.get("/eleves/")
    body = response.content.decode()
    assert names(response) == ["MARTIN"]
    assert "17/05/2012" in body
    assert "4E1" in body
    assert "lea.martin" in body
    assert "1 élève" in body
    assert "PARTI" not in body


def test_preferred_last_name_is_shown_first(signed_in, organization):
    make_learner(organization, last_name="DURAND", preferred_last_name="DUPONT")
    response = signed_in.get("/eleves/")
    assert names(response) == ["DUPONT"]
    assert "DURAND" in response.content.decode()


@pytest.mark.parametrize("query", ["eloise", "ÉLOÏSE", "loewenbruck", "Lœwen", "dupont-eloise"])
def test_search_ignores_accents_and_case(signed_in, organization, query):
    make_learner(
        organization, last_name="LŒWENBRÜCK", first_name="Éloïse", preferred_last_name="DUPONT"
    )
    make_learner(organization, last_name="MARTIN", first_name="Hugo")
    response = signed_in.get("/eleves/", {"q": query})
    assert names(response) == ["DUPONT"]


def test_search_by_ine(signed_in, organization):
    make_learner(organization, last_name="ALPHA", ine="1234567890A")
    make_learner(organization, last_name="BRAVO")
    assert names(signed_in.get("/eleves/", {"q": "1234567890a"})) == ["ALPHA"]


def test_search_with_no_match_says_so(signed_in, organization):
    make_learner(organization)
    response = signed_in.get("/eleves/", {"q": "zzz"})
    assert "Aucun élève ne correspond à votre recherche." in response.content.decode()
    assert "0 élève" in response.content.decode()


def test_filter_by_one_or_several_classes(signed_in, organization):
    make_learner(organization, last_name="ALPHA", division="4E1")
    make_learner(organization, last_name="BRAVO", division="4E2")
    make_learner(organization, last_name="CHARLIE", division="3E1")
    assert names(signed_in.get("/eleves/?classe=4E1")) == ["ALPHA"]
    assert names(signed_in.get("/eleves/?classe=4E1&classe=4E2")) == ["ALPHA", "BRAVO"]
    # A class that no longer exists is ignored, the others still filter.
    assert names(signed_in.get("/eleves/?classe=4E2&classe=GONE")) == ["BRAVO"]
    body = signed_in.get("/eleves/?classe=4E1").content.decode()
    assert re.search(r'value="4E1" id="classe-\d+" checked', body)
    assert not re.search(r'value="4E2" id="classe-\d+" checked', body)


def test_sort_by_name_or_class(signed_in, organization):
    make_learner(organization, last_name="ALPHA", division="6B")
    make_learner(organization, last_name="BRAVO", division="10A")
    make_learner(organization, last_name="CHARLIE", division="6A")
    assert names(signed_in.get("/eleves/")) == ["ALPHA", "BRAVO", "CHARLIE"]
    assert names(signed_in.get("/eleves/?tri=classe")) == ["BRAVO", "CHARLIE", "ALPHA"]


def test_fifty_students_a_page_keeping_the_filters(signed_in, organization):
    for number in range(120):
        make_learner(organization, last_name=f"NOM{number:03d}", division="4A")
    response = signed_in.get("/eleves/?classe=4A")
    assert len(names(response)) == 50
    body = response.content.decode()
    assert "120 élèves" in body
    assert "?classe=4A&amp;page=3" in body
    last = signed_in.get("/eleves/?classe=4A&page=3")
    assert names(last) == [f"NOM{number:03d}" for number in range(100, 120)]
    # Out of range: the last page.
    assert names(signed_in.get("/eleves/?page=99")) == names(last)


def test_empty_list_invites_the_admin_to_import(client, admin_user, member_user):
    client.force_login(admin_user)
    body = client.get("/eleves/").content.decode()
    assert "Aucun élève pour l'instant" in body
    assert "Importer la liste des élèves" in body
    client.force_login(member_user)
    body = client.get("/eleves/").content.decode()
    assert "Aucun élève pour l'instant" in body
    assert "/eleves/import/" not in body


def test_list_page_in_english(signed_in, organization):
    make_learner(organization)
    signed_in.post("/i18n/setlang/", {"language": "en", "next": "/"})  # saves the preference
    body = signed_in.get("/eleves/").content.decode()
    assert "1 student" in body
    assert "Birth date" in body


@pytest.mark.parametrize("search", ["", "?q=martin&classe=4A&tri=classe"])
def test_query_count_does_not_depend_on_the_number_of_students(
    client, admin_user, organization, django_assert_max_num_queries, search
):
    client.force_login(admin_user)
    client.get("/eleves/")  # the first request stores the current organisation in the session

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/eleves/{search}").status_code == 200
        return len(queries)

    for number in range(5):
        make_learner(organization, division=f"4{number}", user=UserFactory())
    few = count_queries()
    for number in range(115):
        make_learner(organization, division=f"4{number % 7}", user=UserFactory())
    many = count_queries()
    assert few == many
    with django_assert_max_num_queries(few):
        client.get(f"/eleves/{search}")
