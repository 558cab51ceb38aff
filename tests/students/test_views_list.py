"""The student list: search, class filter, sort, pagination, empty state, query count, and
what a head of school expects at the edges (a class that is gone, page 0, no match, a
match on a second first name)."""

import datetime
import re

import pytest

from tests.factories import UserFactory, make_learner

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    """Last names in the table, in order."""
    body = response.content.decode()
    table = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in body else ""
    return re.findall(
        r"<tr>\s*<td>(?:<a [^>]*>)?(?:<bdi>)?([^<]+?)(?:</bdi>)?(?:</a>)?(?: <span|</td>)", table
    )


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


def test_each_last_name_leads_to_the_students_page(signed_in, organization):
    learner = make_learner(organization, last_name="MARTIN")
    body = signed_in.get("/eleves/").content.decode()
    assert f'<a href="/eleves/{learner.pk}/"><bdi>MARTIN</bdi></a>' in body
    assert signed_in.get(f"/eleves/{learner.pk}/").status_code == 200


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


def test_search_with_no_match_says_so_and_offers_to_clear_the_filters(signed_in, organization):
    make_learner(organization)
    body = signed_in.get("/eleves/", {"q": "zzz"}).content.decode()
    assert "Aucun élève ne correspond à « zzz »." in body
    assert "0 élève" not in body
    assert re.search(
        r'<a [^>]*href="/eleves/" id="students-clear-filters">Effacer les filtres', body
    )
    assert "<tbody>" not in body


def test_no_match_names_the_classes_and_clearing_keeps_the_sort(signed_in, organization):
    make_learner(organization, division="4A")
    body = signed_in.get("/eleves/?q=zzz&classe=4A&tri=classe").content.decode()
    assert "Aucun élève ne correspond à « zzz » dans les classes 4A." in body
    assert 'href="/eleves/?tri=classe" id="students-clear-filters"' in body


def test_the_searched_text_is_escaped_in_the_no_match_message(signed_in, organization):
    make_learner(organization)
    body = signed_in.get("/eleves/", {"q": "<b>zzz</b>"}).content.decode()
    assert "« &lt;b&gt;zzz&lt;/b&gt; »" in body
    assert "<b>zzz</b>" not in body


def test_no_match_in_english(signed_in, organization):
    make_learner(organization)
    signed_in.post("/i18n/setlang/", {"language": "en", "next": "/"})  # saves the preference
    body = signed_in.get("/eleves/", {"q": "zzz"}).content.decode()
    assert "No student matches “zzz”." in body
    assert "Clear the filters" in body


def test_a_match_on_a_second_first_name_shows_that_name(signed_in, organization):
    make_learner(organization, last_name="MARTIN", first_name="Léa", middle_name="Marie-Ève")
    make_learner(organization, last_name="DUPONT", first_name="Hugo", third_name="Maël")
    body = signed_in.get("/eleves/", {"q": "marie"}).content.decode()
    assert (
        '<bdi>Léa</bdi> <span class="fr-text--sm">(2e prénom : <bdi>Marie-Ève</bdi>)</span>' in body
    )
    body = signed_in.get("/eleves/", {"q": "dupont mael"}).content.decode()
    assert '<bdi>Hugo</bdi> <span class="fr-text--sm">(3e prénom : <bdi>Maël</bdi>)</span>' in body


def test_a_match_on_the_shown_names_shows_no_other_first_name(signed_in, organization):
    make_learner(organization, last_name="MARTIN", first_name="Marie", middle_name="Mariette")
    response = signed_in.get("/eleves/", {"q": "mari"})
    assert names(response) == ["MARTIN"]
    assert "2e prénom" not in response.content.decode()
    # And none without a search.
    make_learner(organization, last_name="DUPONT", middle_name="Zoé")
    assert "2e prénom" not in signed_in.get("/eleves/").content.decode()


def test_second_first_name_in_english(signed_in, organization):
    make_learner(organization, first_name="Léa", middle_name="Marie")
    signed_in.post("/i18n/setlang/", {"language": "en", "next": "/"})  # saves the preference
    body = signed_in.get("/eleves/", {"q": "marie"}).content.decode()
    assert "(second first name: <bdi>Marie</bdi>)" in body


def test_filter_by_one_or_several_classes(signed_in, organization):
    make_learner(organization, last_name="ALPHA", division="4E1")
    make_learner(organization, last_name="BRAVO", division="4E2")
    make_learner(organization, last_name="CHARLIE", division="3E1")
    assert names(signed_in.get("/eleves/?classe=4E1")) == ["ALPHA"]
    assert names(signed_in.get("/eleves/?classe=4E1&classe=4E2")) == ["ALPHA", "BRAVO"]
    body = signed_in.get("/eleves/?classe=4E1").content.decode()
    assert re.search(r'value="4E1" id="classe-\d+" checked', body)
    assert not re.search(r'value="4E2" id="classe-\d+" checked', body)
    assert 'id="unknown-classes"' not in body


def test_an_unknown_class_is_named_and_the_other_filters_still_apply(signed_in, organization):
    make_learner(organization, last_name="ALPHA", division="4E1")
    make_learner(organization, last_name="BRAVO", division="4E2")
    response = signed_in.get("/eleves/?classe=4E2&classe=GONE&q=bravo")
    assert names(response) == ["BRAVO"]
    body = response.content.decode()
    assert (
        "La classe GONE ne figure pas dans votre liste d'élèves : "
        "la liste n'est pas filtrée sur cette classe."
    ) in body
    assert "classes : 4E2" in body


def test_only_unknown_classes_show_the_whole_list_and_name_them(signed_in, organization):
    make_learner(organization, last_name="ALPHA", division="4E1")
    response = signed_in.get("/eleves/?classe=OLD&classe=<i>X</i>")
    assert names(response) == ["ALPHA"]
    body = response.content.decode()
    assert "Les classes OLD, &lt;i&gt;X&lt;/i&gt; ne figurent pas dans votre liste" in body
    assert "<i>X</i>" not in body


def test_unknown_class_in_english(signed_in, organization):
    make_learner(organization, division="4E1")
    signed_in.post("/i18n/setlang/", {"language": "en", "next": "/"})  # saves the preference
    body = signed_in.get("/eleves/?classe=GONE").content.decode()
    assert "The class GONE is not in your student list" in body


def test_the_class_filter_lists_classes_in_a_schools_order(signed_in, organization):
    for division, mef in [("TG2", ""), ("5A", "10110001110"), ("6C10", "10010001110")]:
        make_learner(organization, division=division, mef_code=mef)
    make_learner(organization, division="6C2", mef_code="10010001110")
    body = signed_in.get("/eleves/").content.decode()
    assert re.findall(r'name="classe" value="([^"]+)"', body) == ["6C2", "6C10", "5A", "TG2"]


def test_sort_by_name_or_class(signed_in, organization):
    make_learner(organization, last_name="ALPHA", division="6B", mef_code="10010001110")
    make_learner(organization, last_name="BRAVO", division="5A", mef_code="10110001110")
    make_learner(organization, last_name="CHARLIE", division="6A", mef_code="10010001110")
    assert names(signed_in.get("/eleves/")) == ["ALPHA", "BRAVO", "CHARLIE"]
    assert names(signed_in.get("/eleves/?tri=classe")) == ["CHARLIE", "ALPHA", "BRAVO"]
    # An unknown sort is the sort by name.
    assert names(signed_in.get("/eleves/?tri=zzz")) == ["ALPHA", "BRAVO", "CHARLIE"]


def test_sort_by_name_is_french(signed_in, organization):
    for last_name in ["VINCENT", "ÉTIENNE", "BONNET", "BÉNÉTEAU"]:
        make_learner(organization, last_name=last_name)
    make_learner(organization, last_name="ABADIE", preferred_last_name="MOREAU")
    assert names(signed_in.get("/eleves/")) == [
        "BÉNÉTEAU",
        "BONNET",
        "ÉTIENNE",
        "MOREAU",
        "VINCENT",
    ]


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
    # Past the end: the last page. Zero, below or not a number: the first.
    assert names(signed_in.get("/eleves/?page=99")) == names(last)
    first = names(signed_in.get("/eleves/?classe=4A"))
    for page in ["0", "-2", "abc", ""]:
        assert names(signed_in.get(f"/eleves/?classe=4A&page={page}")) == first, page


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
