"""How class names sort, for every module that lists them (selectors, the preview).

Neutral on purpose: it imports nothing, so reads (students.selectors) and writes
(students.services) both use it without one pulling the other in.
"""

from __future__ import annotations

import re


def natural_key(text: str) -> tuple:
    """ "6A" < "6B" < "10A": numbers compared as numbers."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", text)
        if part
    )
