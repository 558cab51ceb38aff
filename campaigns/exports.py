"""The campaign's results as CSV, for a spreadsheet: `;` between cells (what French
spreadsheet software expects), UTF-8 with a byte-order mark (so that Excel reads the
accents), every cell quoted, dates DD/MM/YYYY in Paris time.

The school's name, the campaign's name and its code are on every line, so that the
exports of several classes still say where each line comes from once pasted together.
A cell that a spreadsheet would take for a formula (starting with =, +, -, @, a tab or
a carriage return: names and external ids are typed by people) gets a leading
apostrophe, which spreadsheets show as text and do not evaluate.

Rows are produced one at a time from a database cursor: the response streams, and a
campaign of 2,000 students never sits whole in memory.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import pgettext

from students.selectors import learner_divisions

from .models import Campaign, Participation
from .selectors import participation_list

BOM = "\ufeff"
DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PARIS = ZoneInfo("Europe/Paris")
_UNSAFE_IN_FILE_NAME = re.compile(r"[^\w-]+")


def neutralise(value: str) -> str:
    """The cell as a spreadsheet will show it, never run it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def paris_date(value: datetime.datetime | None) -> str:
    return timezone.localtime(value, PARIS).strftime("%d/%m/%Y") if value else ""


def export_header(campaign: Campaign) -> list[str]:
    header = [
        pgettext("export column", "School"),
        pgettext("export column", "Campaign"),
        pgettext("export column", "Code"),
        pgettext("export column", "Last name"),
        pgettext("export column", "First name"),
        pgettext("export column", "Class"),
    ]
    if campaign.external_id_label:
        header.append(campaign.external_id_label)
    header += [
        pgettext("export column", "Status"),
        pgettext("export column", "Started on"),
        pgettext("export column", "Shared on"),
    ]
    return header


def export_rows(campaign: Campaign) -> Iterator[list[str]]:
    """One row per student who joined (their current participation)."""
    participations = participation_list(
        campaign=campaign, division_order=learner_divisions(organization=campaign.organization)
    )
    organization_name = campaign.organization.name
    participation: Participation
    for participation in participations.iterator(chunk_size=1000):
        learner = participation.learner
        row = [
            organization_name,
            campaign.name,
            campaign.code,
            learner.display_last_name,
            learner.first_name,
            learner.division,
        ]
        if campaign.external_id_label:
            row.append(participation.external_id)
        row += [
            str(participation.get_status_display()),
            paris_date(participation.created_at),
            paris_date(participation.shared_at),
        ]
        yield row


class _Line:
    """A file-like object whose `write` hands back the line csv.writer formatted."""

    def write(self, value: str) -> str:
        return value


def export_lines(campaign: Campaign) -> Iterator[str]:
    """The CSV file, line by line: the byte-order mark and the header first."""
    writer = csv.writer(_Line(), delimiter=DELIMITER, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    yield BOM + writer.writerow([neutralise(cell) for cell in export_header(campaign)])
    for row in export_rows(campaign):
        yield writer.writerow([neutralise(cell) for cell in row])


def export_file_name(campaign: Campaign, now: datetime.datetime | None = None) -> str:
    """`<campaign name>_<date>_<time>.csv`, the name reduced to letters, digits, - and _."""
    stamp = timezone.localtime(now or timezone.now(), PARIS).strftime("%Y-%m-%d_%H-%M")
    name = _UNSAFE_IN_FILE_NAME.sub("_", campaign.name).strip("_")[:100] or "campagne"
    return f"{name}_{stamp}.csv"
