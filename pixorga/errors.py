"""The one application error of every app, and the one JSON shape of every JSON answer.

A refusal that a person (or a script) must understand is an `AppError`: a stable `code`
(part of the product's contract: never renamed), a sentence in the active language and
`meta` (ids, limits, values: never rendered blindly). Pages show `message`; JSON views,
the API and commands answer `{"code", "message", "meta"}` (`error_response`).

    class ImportOutdatedError(AppError):
        code = "IMPORT_OUTDATED"
        default_message = _("A more recent import …")

Subclasses whose sentences live in a catalogue of their own (the import's codes) override
`message`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _


class AppError(Exception):
    code: str = "APP_ERROR"
    default_message: Any = _("The request could not be completed.")
    # The HTTP status when a view or the API maps it without a more specific rule.
    status: int = 400

    def __init__(
        self,
        message: str | None = None,
        *,
        meta: Mapping[str, Any] | None = None,
        code: str | None = None,
    ) -> None:
        if code is not None:
            self.code = code
        self.meta: dict[str, Any] = dict(meta or {})
        self._message = message
        super().__init__(self.code)

    @property
    def message(self) -> str:
        if self._message is not None:
            return str(self._message)
        return str(self.default_message) % _Params(self.meta)

    def as_dict(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.meta)


class _Params(dict):
    """`%(name)s` placeholders that `meta` lacks render as "?" rather than raising."""

    def __missing__(self, key: str) -> str:
        return "?"


def error_body(code: str, message: str, meta: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": str(message), "meta": dict(meta or {})}


def error_response(
    code: str, message: str, *, meta: Mapping[str, Any] | None = None, status: int = 400
) -> JsonResponse:
    """Every JSON refusal of the project has this shape: `{"code", "message", "meta"}`."""
    return JsonResponse(error_body(code, message, meta), status=status)


def app_error_response(error: AppError, *, status: int | None = None) -> JsonResponse:
    return JsonResponse(error.as_dict(), status=status or error.status)
