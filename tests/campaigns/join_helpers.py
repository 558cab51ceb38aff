"""Helpers of the students' joining tests: form data, and a page's refusal code."""

import datetime
import html
import re

from django.test import Client

BIRTHDATE = datetime.date(2012, 5, 17)


def identity(first_name="Léa", last_name="Martin", birthdate=BIRTHDATE) -> dict:
    return {
        "first_name": first_name,
        "last_name": last_name,
        "birth_day": str(birthdate.day),
        "birth_month": str(birthdate.month),
        "birth_year": str(birthdate.year),
    }


def refusal_code(response) -> str | None:
    """The code a page shows to give the teacher ("Code à donner à votre professeur : X")."""
    page = response.content.decode()
    found = re.search(r'data-testid="refusal-code">[^:<]*:\s*([A-Z0-9_]+)', page)
    return found.group(1) if found else None


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    """The page's text without tags, spaces collapsed (for sentences that wrap in the HTML)."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body))
