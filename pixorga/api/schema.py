"""The OpenAPI schema's shared parts: the error shape, and the refusals every operation
can answer (added by `add_error_responses`, a drf-spectacular post-processing hook, so
that no view has to repeat them and none is forgotten)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable code, e.g. NOT_FOUND, IMPORT_OUTDATED.")
    message = serializers.CharField(help_text="What happened, in the person's language.")
    meta = serializers.DictField(
        help_text="Ids, limits and values of the refusal; `fields` for VALIDATION_ERROR: "
        '{"name": [{"code": "required", "message": "…"}]}.'
    )

    class Meta:
        ref_name = "Error"


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "meta": {"type": "object", "additionalProperties": {}},
    },
    "required": ["code", "message", "meta"],
}

COMMON = {
    "400": "VALIDATION_ERROR (`meta.fields`: the errors of each field), PARSE_ERROR (the "
    "body is not JSON), or a coded refusal of the request's values.",
    "401": "NOT_AUTHENTICATED (no token, no session), TOKEN_INVALID, TOKEN_EXPIRED, "
    "TOKEN_REVOKED (`meta.reason`: REVOKED, MEMBERSHIP_ENDED, ACCOUNT_DISABLED).",
    "403": "CGU_NOT_ACCEPTED (accept the terms of use at `meta.url`), ORGANIZATION_ARCHIVED "
    "(the space is closed), FORBIDDEN (the role is too low: a token acts with the lower of "
    "its role and the person's), CSRF_FAILED (a session call without its CSRF token), or "
    "a capability the organisation lacks (IMPORT_NOT_ALLOWED).",
    "404": "NOT_FOUND: no such resource, or one of an organisation the token or person "
    "does not reach (the two cannot be told apart).",
    "429": "RATE_LIMITED: too many requests for this token (`meta.retry_after`, and the "
    "Retry-After header, in seconds).",
}
METHODS = ("get", "post", "put", "patch", "delete")


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault("Error", ERROR_SCHEMA)
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            wanted = ["401", "429"]
            if "{organization_id}" in path:
                wanted += ["403", "404"]
            if operation.get("requestBody") or operation.get("parameters"):
                wanted.append("400")
            responses = operation.setdefault("responses", {})
            for status in wanted:
                responses.setdefault(
                    status,
                    {
                        "description": COMMON[status],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
