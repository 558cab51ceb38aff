"""The OpenAPI schema (/api/v1/schema/) describes every route and every refusal; the
documentation page (/api/v1/docs/) runs from our own static files, nothing inline."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import get_resolver
from rest_framework.test import APIClient

from tests.pixorga.test_every_route_is_guarded import api_view, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema():
    response = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_public_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Pix Orga API"
    assert set(schema["components"]["securitySchemes"]) == {"apiToken", "cookieAuth"}
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"


def test_every_api_route_and_method_is_in_the_schema(schema):
    documented = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("get", "post", "patch", "put", "delete")
    }
    expected = {("GET", "/api/v1/me/")}
    for route, _name, callback in walk(get_resolver()):
        view = api_view(callback)
        if view is not None:
            path = "/" + re.sub(r"<int:(\w+)>", r"{\1}", route)
            expected |= {(method, path) for method in view.guards}
    assert documented == expected


def test_every_operation_describes_its_refusals(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            label = f"{method} {path}"
            assert operation.get("summary"), label
            responses = operation["responses"]
            wanted = {"401", "429"}
            if "{organization_id}" in path:
                wanted |= {"403", "404"}
            if operation.get("parameters") or operation.get("requestBody"):
                wanted.add("400")
            assert wanted <= set(responses), label
            for status in wanted:
                assert responses[status]["description"], (label, status)
                content = responses[status]["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/Error"}, (label, status)
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "message", "meta"}


def test_conflicts_and_sizes_are_described_where_they_happen(schema):
    org = "/api/v1/organizations/{organization_id}/"
    assert (
        "MASS_DEACTIVATION_NOT_ACKNOWLEDGED"
        in (
            schema["paths"][org + "imports/{import_id}/confirm/"]["post"]["responses"]["409"][
                "description"
            ]
        )
    )
    assert "413" in schema["paths"][org + "imports/"]["post"]["responses"]
    upload = schema["paths"][org + "imports/"]["post"]["requestBody"]["content"]
    assert list(upload) == ["multipart/form-data"]
    export = schema["paths"][org + "campaigns/{campaign_id}/export.csv"]["get"]["responses"]
    assert list(export["200"]["content"]) == ["text/csv"]


def test_the_documentation_page_uses_only_our_static_files(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"https?://(?!testserver)", html.split("<body>", 1)[1])
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script"
    assert "<style" not in html and " style=" not in html
    for url in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
        assert finders.find(url), url
    assert 'data-schema-url="/api/v1/schema/"' in html
