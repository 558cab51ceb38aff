"""The campaign's results as CSV, for a spreadsheet, through the project's one writer
(`pixorga.spreadsheet`): `;` between cells, UTF-8 with a byte-order mark, every cell
quoted, formulas neutralised; dates DD/MM/YYYY in Paris time.

The school's name, the campaign's name and its code are on every line, so that the
exports of several classes still say where each line comes from once pasted together.
Rows are produced one at a time from a database cursor: the response streams, and a
campaign of 2,000 students never sits whole in memory.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import pgettext

from pixorga.spreadsheet import csv_lines
from students.selectors import learner_divisions

from .models import Campaign, Participation
from .selectors import participation_list

__all__ = [
    "export_file_name",
    "export_header",
    "export_lines",
    "export_rows",
    "paris_date",
]

PARIS = ZoneInfo("Europe/Paris")
_UNSAFE_IN_FILE_NAME = re.compile(r"[^\w-]+")


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


def export_lines(campaign: Campaign) -> Iterator[str]:
    """The CSV file, line by line: the byte-order mark and the header first."""
    return csv_lines(export_header(campaign), export_rows(campaign))


def export_file_name(campaign: Campaign, now: datetime.datetime | None = None) -> str:
    """`<campaign name>_<date>_<time>.csv`, the name reduced to letters, digits, - and _."""
    stamp = timezone.localtime(now or timezone.now(), PARIS).strftime("%Y-%m-%d_%H-%M")
    name = _UNSAFE_IN_FILE_NAME.sub("_", campaign.name).strip("_")[:100] or "campagne"
    return f"{name}_{stamp}.csv"
