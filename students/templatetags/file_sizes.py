"""`{{ value|file_size }}`: a number of bytes as a file explorer shows it.

Units of 1,024 named as people read them: Ko / Mo / Go in French, KB / MB / GB in
English (Django's `filesizeformat` writes Kio / Mio in French). One decimal below 10
("1,5 Mo"), none from 10 on ("20 Mo", "356 Ko"); never "1 024 Ko" (that is "1 Mo").
"""

from django import template
from django.utils.formats import number_format
from django.utils.html import avoid_wrapping
from django.utils.translation import gettext, gettext_noop, ngettext

register = template.Library()

STEP = 1024
UNITS = (gettext_noop("%(size)s KB"), gettext_noop("%(size)s MB"), gettext_noop("%(size)s GB"))


def _rounded(value: float) -> tuple[float, int]:
    """The value as it will be shown, and its number of decimals."""
    if round(value, 1) < 10:
        value = round(value, 1)
        return value, 0 if value == int(value) else 1
    return float(round(value)), 0


@register.filter(is_safe=True)
def file_size(value) -> str:
    """The size in the active language, with a non-breaking space before the unit."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return ""
    size = max(size, 0)
    if size < STEP:
        text = ngettext("%(size)s byte", "%(size)s bytes", size)
        return avoid_wrapping(text % {"size": number_format(size, force_grouping=True)})
    amount, unit = size / STEP, 0
    # 1,023.7 KB shows as 1 MB, not "1 024 KB".
    while _rounded(amount)[0] >= STEP and unit < len(UNITS) - 1:
        amount, unit = amount / STEP, unit + 1
    shown, decimals = _rounded(amount)
    number = number_format(shown, decimals, force_grouping=True)
    return avoid_wrapping(gettext(UNITS[unit]) % {"size": number})
