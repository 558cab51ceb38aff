"""The CSV export: streamed, `;`, UTF-8 with a byte-order mark, every cell quoted, the
school, campaign and code on every line, dates in Paris time, formulas neutralised, and
read back by Python's csv module as a spreadsheet would."""

import csv
import datetime
import io

import pytest

from campaigns.exports import export_file_name
from campaigns.models import Participation
from pixorga.spreadsheet import neutralise
from tests.factories import make_campaign, make_learner, make_participation

pytestmark = pytest.mark.django_db

HEADER = [
    "Établissement",
    "Campagne",
    "Code",
    "Nom",
    "Prénom",
    "Classe",
    "Statut",
    "Commencée le",
    "Partagée le",
]


def download(client, campaign) -> bytes:
    response = client.get(f"/campagnes/{campaign.pk}/export.csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content)


def read(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_export_reads_back_with_accents_and_paris_dates(client, school, member_user):
    campaign = make_campaign(school, owner=member_user, name="Évaluation – 6ᵉ")  # noqa: RUF001
    lea = school.learners_by_name["Léa"]
    participation = make_participation(campaign, lea, shared=True)
    # 23:30 in UTC on 31 August is already 1 September in Paris.
    late = datetime.datetime(2025, 8, 31, 23, 30, tzinfo=datetime.UTC)
    Participation.objects.filter(pk=participation.pk).update(created_at=late, shared_at=late)
    make_participation(campaign, school.learners_by_name["Jules"])
    client.force_login(member_user)
    rows = read(download(client, campaign))
    assert rows == [
        HEADER,
        [
            "Collège Jean Moulin",
            "Évaluation – 6ᵉ",  # noqa: RUF001
            campaign.code,
            "MARTIN",
            "Léa",
            "6A",
            "Résultats envoyés",
            "01/09/2025",
            "01/09/2025",
        ],
        [
            "Collège Jean Moulin",
            "Évaluation – 6ᵉ",  # noqa: RUF001
            campaign.code,
            "LEROY",
            "Jules",
            "5A",
            "En cours",
            rows[2][7],
            "",
        ],
    ]


def test_every_cell_is_quoted_and_separated_by_semicolons(client, campaign, member_user):
    make_participation(campaign, campaign.organization.learners_by_name["Léa"])
    client.force_login(member_user)
    lines = download(client, campaign).decode("utf-8-sig").split("\r\n")
    assert lines[0] == ";".join(f'"{cell}"' for cell in HEADER)
    assert lines[1].startswith('"Collège Jean Moulin";"Évaluation de rentrée";')
    assert lines[1].count('";"') == len(HEADER) - 1
    assert lines[2] == ""


def test_the_external_id_column_has_its_label(client, school, member_user):
    campaign = make_campaign(
        school, owner=member_user, external_id_label="Numéro ENT", external_id_type="TEXT"
    )
    make_participation(campaign, school.learners_by_name["Léa"], external_id="AB-12")
    client.force_login(member_user)
    header, row = read(download(client, campaign))
    assert header[6] == "Numéro ENT"
    assert row[6] == "AB-12"
    assert header[7:] == HEADER[6:]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formulas_are_neutralised(client, school, member_user, start):
    campaign = make_campaign(
        school,
        owner=member_user,
        name=f"{start}SUM(A1)",
        external_id_label=f"{start}cmd",
        external_id_type="TEXT",
    )
    learner = make_learner(school, division="6A", last_name=f'{start}HYPERLINK("x")')
    # Typed by the student (trimmed at join): "-" or "@" first remain, tabs do not.
    make_participation(campaign, learner, external_id="@SUM(1+1)")
    client.force_login(member_user)
    header, row = read(download(client, campaign))
    assert header[6] == f"'{start}cmd"
    assert row[1] == f"'{start}SUM(A1)"
    assert row[3] == f'\'{start}HYPERLINK("x")'
    assert row[6] == "'@SUM(1+1)"


def test_neutralise_leaves_ordinary_text_alone():
    assert neutralise("Léa") == "Léa"
    assert neutralise("") == ""
    assert neutralise("a=b") == "a=b"


def test_the_file_is_named_after_the_campaign_and_the_time(client, campaign, member_user):
    client.force_login(member_user)
    response = client.get(f"/campagnes/{campaign.pk}/export.csv")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "%C3%89valuation_de_rentr%C3%A9e_" in disposition  # filename*=utf-8''…
    noon = datetime.datetime(2025, 9, 3, 10, 15, tzinfo=datetime.UTC)
    assert export_file_name(campaign, noon) == "Évaluation_de_rentrée_2025-09-03_12-15.csv"
    campaign.name = "../../etc/passwd; rm"
    assert export_file_name(campaign, noon) == "etc_passwd_rm_2025-09-03_12-15.csv"


def test_only_the_current_participation_of_each_student_is_exported(client, school, member_user):
    from campaigns.services import participation_start

    campaign = make_campaign(school, owner=member_user, multiple_sendings=True)
    first = make_participation(campaign, school.learners_by_name["Léa"], shared=True)
    participation_start(campaign=campaign, user=first.user, learner=first.learner)
    client.force_login(member_user)
    rows = read(download(client, campaign))
    assert [row[6] for row in rows[1:]] == ["En cours"]


def test_an_empty_campaign_exports_its_header(client, campaign, member_user):
    client.force_login(member_user)
    assert read(download(client, campaign)) == [HEADER]
