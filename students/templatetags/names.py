"""Names shown isolated from the text around them (`<bdi>`).

A name is data from a file or a person: written right to left, or ending with
punctuation, it would otherwise reorder the sentence or the cell it sits in. Invisible
characters are refused at import (students/siecle/characters.py); `<bdi>` keeps what
remains, such as a name in Arabic or Hebrew script, from spilling over its neighbours.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from students.siecle_messages import WHO_WITH_NAME, error_name

register = template.Library()


@register.filter
def bdi(value: Any) -> SafeString:
    """`{{ name|bdi }}`: the value escaped, inside `<bdi>`; for names passed to
    `blocktranslate`, where the markup cannot be written around the variable."""
    return format_html("<bdi>{}</bdi>", value)


@register.filter
def isolate_names(message: Any, meta: Mapping[str, Any] | None) -> SafeString:
    """`{{ error.message|isolate_names:error.meta }}`: the sentence escaped, with the
    student's name inside `<bdi>` where the sentence names them ("DUPONT Léa, line 12",
    found as render_error writes it, so that a name also found elsewhere in the
    sentence is not the one wrapped)."""
    escaped = str(conditional_escape(message))
    if not isinstance(meta, Mapping) or "line" not in meta:
        return mark_safe(escaped)
    name = error_name(meta)
    if name:
        who = conditional_escape(str(WHO_WITH_NAME))
        plain = who % {"name": conditional_escape(name), "line": conditional_escape(meta["line"])}
        isolated = who % {
            "name": format_html("<bdi>{}</bdi>", name),
            "line": conditional_escape(meta["line"]),
        }
        escaped = escaped.replace(plain, isolated, 1)
    return mark_safe(escaped)
