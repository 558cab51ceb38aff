"""Cursor (keyset) pagination: a page ends where the next begins, whatever is inserted.

A list is ordered on a unique key — (`sort_name`, id) for students, (-`created_at`, id)
for campaigns — and the cursor holds the last row's values of that key: the next page is
`WHERE key > cursor`, so a row added or removed meanwhile never shifts a page (no row
seen twice, none skipped), and the database reads one page through the list's index
however deep the script has gone, unlike an offset.

    {"results": [...], "next": "https://…/learners/?cursor=…&limit=100", "next_cursor": "…"}

`next` is null on the last page. The cursor is opaque (base64 of the typed key values and
the list's sort, so a cursor of another sort is refused); a damaged one is
`VALIDATION_ERROR` on the field `cursor`. `limit`: 1 to 500, 100 by default.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request

from .errors import field_error

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


class PageQuerySerializer(serializers.Serializer):
    """The two query parameters of every paginated list (also their documentation)."""

    cursor = serializers.CharField(
        required=False, help_text="The `next_cursor` of the previous page.", max_length=2000
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
        default=DEFAULT_LIMIT,
        help_text=f"Rows per page, 1 to {MAX_LIMIT}.",
    )


def page_serializer(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The documented shape of a page of `item`."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "results": item(many=True),
            "next": serializers.URLField(allow_null=True),
            "next_cursor": serializers.CharField(allow_null=True),
        },
    )


def _encode(sort: str, values: Sequence[Any]) -> str:
    typed = []
    for value in values:
        if isinstance(value, datetime.datetime):
            typed.append(["d", value.isoformat()])
        elif isinstance(value, bool) or not isinstance(value, int | str):
            raise TypeError(f"cannot put {type(value).__name__} in a cursor")
        else:
            typed.append(["i" if isinstance(value, int) else "s", value])
    raw = json.dumps({"o": sort, "k": typed}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, sort: str, length: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        if data["o"] != sort or len(data["k"]) != length:
            raise ValueError("another list's cursor")
        values = []
        for kind, value in data["k"]:
            if kind == "d":
                values.append(datetime.datetime.fromisoformat(value))
            elif (kind == "i" and type(value) is int) or (kind == "s" and type(value) is str):
                values.append(value)
            else:
                raise ValueError(f"unknown value {kind!r}")
        return values
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError) as error:
        raise field_error(
            "cursor",
            "invalid",
            _("This cursor is not valid for this list: start again from the first page."),
        ) from error


def _after(keys: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows after `values` in the order of `keys` ("-name" descending): the first key
    further on, or equal and the second further on, and so on."""
    condition = Q(pk__in=[])
    for position, key in enumerate(keys):
        equal = {
            name.lstrip("-"): value for name, value in zip(keys[:position], values, strict=False)
        }
        field = key.lstrip("-")
        further = {f"{field}__{'lt' if key.startswith('-') else 'gt'}": values[position]}
        condition |= Q(**equal, **further)
    return condition


def keyset_page(
    request: Request,
    queryset: QuerySet,
    *,
    keys: Sequence[str],
    sort: str,
    serialize: Callable[[list], list],
    query: dict[str, Any],
) -> dict[str, Any]:
    """One page of `queryset` (which must be ordered by exactly `keys`, the last one
    unique). `query` holds the validated `cursor` and `limit`."""
    limit = query.get("limit") or DEFAULT_LIMIT
    cursor = query.get("cursor")
    if cursor:
        queryset = queryset.filter(_after(keys, _decode(cursor, sort, len(keys))))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        last = rows[-1]
        next_cursor = _encode(sort, [_value(last, key) for key in keys])
    return {
        "results": serialize(rows),
        "next": _next_url(request, next_cursor, limit) if next_cursor else None,
        "next_cursor": next_cursor,
    }


def _value(row: Any, key: str) -> Any:
    """The row's value of a key: an attribute, an annotation, or a related field."""
    for part in key.lstrip("-").split("__"):
        row = getattr(row, part)
    return row


def _next_url(request: Request, cursor: str, limit: int) -> str:
    params = request.query_params.copy()
    params["cursor"] = cursor
    params["limit"] = str(limit)
    return request.build_absolute_uri(request.path) + "?" + params.urlencode()
