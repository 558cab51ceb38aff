"""Following a campaign: its page (code and link, settings, per-class numbers naming who
has not started, participants filtered), the printable sheet of a class, the student's
page, and deleted participations hidden everywhere."""

import re

import pytest

from campaigns.selectors import campaign_class_summary
from campaigns.services import (
    campaign_create_per_class,
    campaign_delete,
    participation_delete,
)
from tests.factories import UserFactory, make_campaign, make_learner, make_participation

pytestmark = pytest.mark.django_db


def participant_names(page: str) -> list[str]:
    table = page.split('id="participants-table"', 1)
    if len(table) == 1:
        return []
    return [
        f"{first} {last}"
        for last, first in re.findall(
            r'<td><a href="/eleves/\d+/"><bdi>([^<]+)</bdi> <bdi>([^<]+)</bdi></a></td>', table[1]
        )
    ]


@pytest.fixture
def followed(campaign):
    learners = campaign.organization.learners_by_name
    make_participation(campaign, learners["Léa"], shared=True)
    make_participation(campaign, learners["Hugo"])
    make_participation(campaign, learners["Noé"], shared=True)
    # Zoé left the school after joining: she still counts in her class.
    make_participation(campaign, learners["Zoé"])
    return campaign


def test_the_page_shows_the_code_the_link_and_the_settings(client, campaign, member_user):
    client.force_login(member_user)
    page = client.get(f"/campagnes/{campaign.pk}/").content.decode()
    assert f'id="campaign-code-value">{campaign.code}</span>' in page
    assert f'data-copy="{campaign.code}"' in page
    assert f"http://testserver/parcours/{campaign.code}/" in page
    assert "http://testserver/code/" in page
    assert "js/campaign_code.js" in page
    assert "Évaluation" in page  # the type's label


def test_the_landing_text_is_shown_sanitised(client, school, member_user):
    campaign = make_campaign(
        school, owner=member_user, landing_text="**Bienvenue** <script>alert(1)</script>"
    )
    client.force_login(member_user)
    page = client.get(f"/campagnes/{campaign.pk}/").content.decode()
    assert "<strong>Bienvenue</strong> &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_per_class_numbers_name_who_has_not_started(followed):
    rows = {
        row.division: (row.students, row.joined, row.shared, row.not_started_count)
        for row in campaign_class_summary(campaign=followed)
    }
    # 6A: Léa, Éloïse, Hugo, and Zoé who left but joined; 6B: Noé, Inès; 5A: Jules.
    assert rows == {"6A": (4, 3, 1, 1), "6B": (2, 1, 1, 1), "5A": (1, 0, 0, 1)}
    summary = campaign_class_summary(campaign=followed)
    assert [row.division for row in summary] == ["6A", "6B", "5A"]
    assert [[learner.first_name for learner in row.not_started] for row in summary] == [
        ["Éloïse"],
        ["Inès"],
        ["Jules"],
    ]


def test_the_page_shows_the_summary(client, followed, member_user):
    client.force_login(member_user)
    page = client.get(f"/campagnes/{followed.pk}/").content.decode()
    six_a = page.split('data-division="6A"', 1)[1].split("</tr>", 1)[0]
    assert re.search(r"<td>4</td>\s*<td>3</td>\s*<td>1</td>", six_a)
    assert "<bdi>DUPONT</bdi> <bdi>Éloïse</bdi>" in six_a
    assert f'href="/campagnes/{followed.pk}/fiche/6A/"' in six_a
    assert "4 élèves ont rejoint la campagne, 2 ont envoyé leurs résultats." in page


def test_a_class_campaign_summarises_its_class_and_its_movers(school, admin_user):
    six_a, _ = campaign_create_per_class(
        actor=admin_user,
        organization=school,
        on_behalf_of="ADMIN",
        divisions=["6A", "6B"],
        name="Rentrée",
        type="ASSESSMENT",
    )
    lea = school.learners_by_name["Léa"]
    make_participation(six_a, lea)
    lea.division = "5A"
    lea.save()
    rows = {
        row.division: (row.students, row.joined, row.not_started_count)
        for row in campaign_class_summary(campaign=six_a)
    }
    assert rows == {"6A": (2, 0, 2), "5A": (1, 1, 0)}


def test_participants_are_filtered_by_class_status_and_name(client, followed, member_user):
    client.force_login(member_user)
    url = f"/campagnes/{followed.pk}/"
    assert participant_names(client.get(url).content.decode()) == [
        "Hugo BERNARD",
        "Zoé FAURE",
        "Léa MARTIN",
        "Noé PETIT",
    ]
    assert participant_names(client.get(url + "?classe=6B").content.decode()) == ["Noé PETIT"]
    shared = client.get(url + "?statut=SHARED").content.decode()
    assert participant_names(shared) == ["Léa MARTIN", "Noé PETIT"]
    assert participant_names(client.get(url + "?q=lea").content.decode()) == ["Léa MARTIN"]
    nobody = client.get(url + "?q=personne").content.decode()
    assert 'id="participants-no-match"' in nobody
    # Unknown values are ignored.
    assert len(participant_names(client.get(url + "?classe=9Z&statut=X").content.decode())) == 4


def test_the_owner_sees_delete_links_a_member_does_not(client, followed, member_user, admin_user):
    from tests.factories import make_member

    client.force_login(member_user)
    assert "/participations/" in client.get(f"/campagnes/{followed.pk}/").content.decode()
    client.force_login(make_member(followed.organization))
    page = client.get(f"/campagnes/{followed.pk}/").content.decode()
    assert "/participations/" not in page
    assert f'href="/campagnes/{followed.pk}/modifier/"' not in page


def test_deleting_a_participation_asks_first_and_hides_it_everywhere(client, followed, member_user):
    lea = followed.organization.learners_by_name["Léa"]
    participation = followed.participations.get(learner=lea)
    client.force_login(member_user)
    url = f"/campagnes/{followed.pk}/participations/{participation.pk}/supprimer/"
    page = client.get(url).content.decode()
    assert "<bdi>Léa</bdi> <bdi>MARTIN</bdi>" in page
    response = client.post(url)
    assert response["Location"] == f"/campagnes/{followed.pk}/"
    page = client.get(f"/campagnes/{followed.pk}/").content.decode()
    assert "Léa MARTIN" not in participant_names(page)
    csv = b"".join(client.get(f"/campagnes/{followed.pk}/export.csv").streaming_content)
    assert b"MARTIN" not in csv
    assert followed.name not in client.get(f"/eleves/{lea.pk}/").content.decode()
    assert client.post(url).status_code == 404


def test_the_sheet_lists_the_class_with_the_code_and_identifiers(client, school, member_user):
    lea = school.learners_by_name["Léa"]
    lea.user = UserFactory(email=None, username="lea.martin1705")
    lea.save()
    hugo = school.learners_by_name["Hugo"]
    hugo.user = UserFactory(email="hugo@example.fr")
    hugo.save()
    campaign = make_campaign(school, owner=member_user, title="Rentrée des 6e")
    client.force_login(member_user)
    page = client.get(f"/campagnes/{campaign.pk}/fiche/6A/").content.decode()
    assert f'id="code-sheet-code">{campaign.code}</p>' in page
    assert "http://testserver/code/" in page
    assert "Rentrée des 6e — classe 6A" in page
    students = page.split('id="code-sheet-students"', 1)[1]
    assert re.findall(r"<td><bdi>([^<]+)</bdi></td>\s*<td><bdi>([^<]+)</bdi></td>", students) == [
        ("BERNARD", "Hugo"),
        ("DUPONT", "Éloïse"),
        ("MARTIN", "Léa"),
    ]
    assert "<bdi>lea.martin1705</bdi>" in students
    assert "hugo@example.fr" not in page  # e-mail addresses are not printed
    assert "FAURE" not in students  # Zoé left
    assert "3 élèves de 6A" in page
    assert "pixorga-no-print" in page


def test_the_sheet_of_a_class_campaign_is_only_for_its_class(client, school, admin_user):
    six_a, _ = campaign_create_per_class(
        actor=admin_user,
        organization=school,
        on_behalf_of="ADMIN",
        divisions=["6A", "6B"],
        name="Rentrée",
        type="ASSESSMENT",
    )
    client.force_login(admin_user)
    assert client.get(f"/campagnes/{six_a.pk}/fiche/6A/").status_code == 200
    assert client.get(f"/campagnes/{six_a.pk}/fiche/6B/").status_code == 404
    assert client.get(f"/campagnes/{six_a.pk}/fiche/9Z/").status_code == 404


def test_a_class_name_with_a_space_or_a_slash_has_its_sheet(client, school, member_user):
    make_learner(school, division="2NDE 3/B", first_name="Ana", last_name="SILVA")
    campaign = make_campaign(school, owner=member_user)
    client.force_login(member_user)
    response = client.get(f"/campagnes/{campaign.pk}/fiche/2NDE%203/B/")
    assert response.status_code == 200
    assert "SILVA" in response.content.decode()


def test_the_students_page_lists_their_participations(client, school, followed, member_user):
    lea = school.learners_by_name["Léa"]
    hidden = make_campaign(school, name="Supprimée")
    make_participation(hidden, lea)
    campaign_delete(actor=hidden.owner, campaigns=[hidden], on_behalf_of="MEMBER")
    other = make_campaign(school, name="Autre")
    deleted = make_participation(other, lea)
    participation_delete(actor=other.owner, participation=deleted, on_behalf_of="MEMBER")
    client.force_login(member_user)
    page = client.get(f"/eleves/{lea.pk}/").content.decode()
    assert "<bdi>MARTIN</bdi> <bdi>Léa</bdi>" in page
    assert f'href="/campagnes/{followed.pk}/"' in page
    assert "Résultats envoyés" in page
    assert "Supprimée" not in page and "Autre" not in page


def test_the_students_page_of_someone_who_left_says_so(client, school, member_user):
    zoe = school.learners_by_name["Zoé"]
    client.force_login(member_user)
    page = client.get(f"/eleves/{zoe.pk}/").content.decode()
    assert 'id="learner-disabled"' in page
    assert 'id="learner-no-participation"' in page


def test_the_students_page_is_for_members_of_their_school(
    client, school, outsider_user, admin_user
):
    lea = school.learners_by_name["Léa"]
    client.force_login(outsider_user)
    assert client.get(f"/eleves/{lea.pk}/").status_code == 404
    client.force_login(admin_user)
    assert client.get(f"/eleves/{lea.pk + 1000}/").status_code == 404
    client.logout()
    assert client.get(f"/eleves/{lea.pk}/").status_code == 302
