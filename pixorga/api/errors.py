"""Every refusal of the API in the project's one shape, `{"code", "message", "meta"}`.

`exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"]) maps, with the same codes as
the pages (`organizations.permissions`):

    AppError (a guard's or a service's refusal)   its code, its status, its meta
                                                  (`meta.field` when it is about a field)
    Http404, DRF's NotFound                        NOT_FOUND, 404 (another school's ids too)
    PermissionDenied (Django's or DRF's)           FORBIDDEN, 403
    a session request without its CSRF token       CSRF_FAILED, 403
    no credentials                                 NOT_AUTHENTICATED, 401
    a token refused                                TOKEN_INVALID / TOKEN_EXPIRED /
                                                   TOKEN_REVOKED, 401
    DRF's ValidationError, a form's errors         VALIDATION_ERROR, 400, `meta.fields`:
                                                   {field: [{"code", "message"}]}
    a body that is not JSON                        PARSE_ERROR, 400
    too many requests                              RATE_LIMITED, 429, `meta.retry_after`
    a body over the limit                          PAYLOAD_TOO_LARGE, 413
    a method, a media type                         METHOD_NOT_ALLOWED 405,
                                                   NOT_ACCEPTABLE 406, UNSUPPORTED_MEDIA_TYPE 415

Anything else is a bug: logged with its traceback and answered `SERVER_ERROR`, 500, in
the same shape, so that a script never has to parse an HTML page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from pixorga.errors import AppError, error_body

logger = logging.getLogger(__name__)

NOT_FOUND = "NOT_FOUND"
FORBIDDEN = "FORBIDDEN"
CSRF_FAILED = "CSRF_FAILED"
NOT_AUTHENTICATED = "NOT_AUTHENTICATED"
VALIDATION_ERROR = "VALIDATION_ERROR"
PARSE_ERROR = "PARSE_ERROR"
RATE_LIMITED = "RATE_LIMITED"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
SERVER_ERROR = "SERVER_ERROR"
# The key of errors that are about no single field (Django's forms use the same).
NON_FIELD = "__all__"


class FieldErrors(exceptions.ValidationError):
    """A form's (or our own) errors per field, already as `{field: [{"code", "message"}]}`:
    the API words them exactly as the page does."""

    def __init__(self, fields: Mapping[str, list[dict[str, str]]]) -> None:
        self.fields = {name: list(errors) for name, errors in fields.items()}
        super().__init__(detail="invalid")


def form_errors(form) -> FieldErrors:
    """A bound, invalid Django form's errors with their codes and sentences."""
    return FieldErrors(
        {
            name: [
                {"code": error["code"] or "invalid", "message": error["message"]}
                for error in errors
            ]
            for name, errors in form.errors.get_json_data().items()
        }
    )


def field_error(field: str, code: str, message: str) -> FieldErrors:
    return FieldErrors({field: [{"code": code, "message": str(message)}]})


def _drf_fields(detail: Any, prefix: str = "") -> dict[str, list[dict[str, str]]]:
    """DRF's error details (a list, or fields mapped to lists, nested for lists and
    objects) flattened into dotted field names: `divisions.2`."""
    if isinstance(detail, Mapping):
        found: dict[str, list[dict[str, str]]] = {}
        for key, value in detail.items():
            name = NON_FIELD if key in ("non_field_errors", NON_FIELD) else str(key)
            found |= _drf_fields(value, f"{prefix}.{name}" if prefix else name)
        return found
    if isinstance(detail, list) and not all(isinstance(item, str) for item in detail):
        found = {}
        for index, item in enumerate(detail):
            found |= _drf_fields(item, f"{prefix}.{index}" if prefix else str(index))
        return found
    items = detail if isinstance(detail, list) else [detail]
    if not items:
        return {}
    # ErrorDetail is a str carrying its code.
    return {
        prefix or NON_FIELD: [
            {"code": getattr(item, "code", None) or "invalid", "message": str(item)}
            for item in items
        ]
    }


def _answer(code: str, message: str, status: int, meta: Mapping[str, Any] | None = None):
    return Response(error_body(code, message, meta), status=status)


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response:
    if isinstance(exc, AppError):
        meta = dict(exc.meta)
        field = getattr(exc, "field", None)
        if field:
            meta.setdefault("field", field)
        return _answer(exc.code, exc.message, exc.status, meta)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return _answer(NOT_FOUND, _("This resource does not exist."), 404)
    if isinstance(exc, PermissionDenied):
        return _answer(FORBIDDEN, _("You are not allowed to do this."), 403)
    if isinstance(exc, RequestDataTooBig):
        return _answer(PAYLOAD_TOO_LARGE, _("The request is too large."), 413)
    if isinstance(exc, exceptions.APIException):
        response = _api_exception(exc)
        if getattr(exc, "auth_header", None):
            response["WWW-Authenticate"] = exc.auth_header
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            response["Retry-After"] = str(int(exc.wait) + 1)
        return response
    logger.exception("Unexpected error in %s", context.get("view").__class__.__name__)
    return _answer(
        SERVER_ERROR, _("An unexpected error happened on our side. Please try again later."), 500
    )


def _api_exception(exc: exceptions.APIException) -> Response:
    if isinstance(exc, FieldErrors):
        fields = exc.fields
    elif isinstance(exc, exceptions.ValidationError):
        fields = _drf_fields(exc.detail)
    else:
        fields = None
    if fields is not None:
        return _answer(
            VALIDATION_ERROR,
            _("Some values are missing or wrong: see each field."),
            400,
            {"fields": fields},
        )
    if isinstance(exc, exceptions.NotAuthenticated):
        return _answer(
            NOT_AUTHENTICATED,
            _(
                "Sign in, or send an API token in the Authorization header "
                "(Authorization: Bearer pxo_…)."
            ),
            401,
        )
    if isinstance(exc, exceptions.AuthenticationFailed):
        code = exc.get_codes()
        meta = getattr(exc, "meta", {})
        return _answer(
            code if isinstance(code, str) else NOT_AUTHENTICATED, str(exc.detail), 401, meta
        )
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 0) + 1
        return _answer(
            RATE_LIMITED,
            _("Too many requests: wait %(seconds)s seconds before the next one.")
            % {"seconds": wait},
            429,
            {"retry_after": wait},
        )
    if isinstance(exc, exceptions.PermissionDenied):
        if str(exc.detail).startswith("CSRF Failed"):
            # DRF's session authentication: an unsafe request without its CSRF token.
            return _answer(
                CSRF_FAILED,
                _(
                    "The CSRF token is missing or wrong. Scripts use an API token; the "
                    "pages send the X-CSRFToken header."
                ),
                403,
            )
        return _answer(FORBIDDEN, _("You are not allowed to do this."), 403)
    if isinstance(exc, exceptions.ParseError):
        return _answer(PARSE_ERROR, _("The request's body could not be read as JSON."), 400)
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _answer(METHOD_NOT_ALLOWED, _("This method is not allowed here."), 405)
    if isinstance(exc, exceptions.NotAcceptable):
        return _answer(NOT_ACCEPTABLE, _("This resource answers in JSON only."), 406)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _answer(
            UNSUPPORTED_MEDIA_TYPE, _("This type of request body is not accepted here."), 415
        )
    return _answer(str(exc.get_codes()).upper(), str(exc.detail), exc.status_code)
