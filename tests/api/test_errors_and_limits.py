"""The API's answers that are not the resource: every refusal in the project's shape, in
French by default, the rate limit per token (and its failing open without the cache)."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.api.conftest import make_token, token_client

pytestmark = pytest.mark.django_db


def learners_url(organization):
    return f"/api/v1/organizations/{organization.pk}/learners/"


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"code", "message", "meta"}
    assert body["code"] == code and isinstance(body["meta"], dict) and body["message"]
    return body


def test_an_unknown_path_under_the_api_is_a_json_404(admin_client):
    assert_error_shape(admin_client.get("/api/v1/nothing/here/"), 404, "NOT_FOUND")


def test_a_method_the_resource_does_not_take_is_405(organization, admin_client):
    body = assert_error_shape(
        admin_client.put(learners_url(organization)), 405, "METHOD_NOT_ALLOWED"
    )
    assert body["meta"] == {}
    assert admin_client.options(learners_url(organization)).status_code == 405


def test_json_only(organization, admin_client):
    response = admin_client.get(learners_url(organization), HTTP_ACCEPT="text/html")
    assert_error_shape(response, 406, "NOT_ACCEPTABLE")
    assert admin_client.get(learners_url(organization), HTTP_ACCEPT="*/*").status_code == 200


def test_messages_are_in_french_unless_the_person_chose_english(organization, admin_user):
    _, secret = make_token(admin_user, organization)
    client = token_client(secret)
    body = client.get(learners_url(organization), {"sort": "age"}).json()
    assert body["message"] == "Des valeurs manquent ou sont incorrectes : voyez chaque champ."
    admin_user.language = "en"
    admin_user.save(update_fields=["language"])
    response = client.get(learners_url(organization), {"sort": "age"})
    assert response.json()["message"] == "Some values are missing or wrong: see each field."
    assert response["Content-Language"] == "en"


def test_an_unexpected_error_is_a_json_500_and_logged(
    organization, admin_client, monkeypatch, caplog
):
    from students.api import learners

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(learners, "learner_list", broken)
    body = assert_error_shape(admin_client.get(learners_url(organization)), 500, "SERVER_ERROR")
    assert "a bug" not in body["message"]
    assert "a bug" in caplog.text


# --- The rate limit ---------------------------------------------------------------------


def test_a_token_is_limited_on_its_own(organization, admin_user, settings):
    settings.API_RATE_LIMITS = {"token": "3/m", "session": "100/m"}
    first = token_client(make_token(admin_user, organization)[1])
    second = token_client(make_token(admin_user, organization, name="ENT")[1])
    for _ in range(3):
        assert first.get(learners_url(organization)).status_code == 200
    refused = first.get(learners_url(organization))
    body = assert_error_shape(refused, 429, "RATE_LIMITED")
    assert 1 <= body["meta"]["retry_after"] <= 61
    assert refused["Retry-After"] == str(body["meta"]["retry_after"])
    # Another token of the same person, and the person's session, are counted apart.
    assert second.get(learners_url(organization)).status_code == 200
    from rest_framework.test import APIClient

    session = APIClient()
    session.force_login(admin_user)
    assert session.get(learners_url(organization)).status_code == 200


def test_the_rate_limit_fails_open_when_the_cache_is_down(organization, admin_client, settings):
    settings.API_RATE_LIMITS = {"token": "1/m", "session": "1/m"}
    # Nothing listens on this port (the range kept for this slice's own servers). Left
    # before the test ends: the shared fixtures clear the real cache afterwards.
    dead = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6434/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(CACHES=dead):
        for _ in range(3):
            assert admin_client.get(learners_url(organization)).status_code == 200


def test_the_count_lives_in_the_shared_cache(organization, admin_user, settings):
    settings.API_RATE_LIMITS = {"token": "2/m", "session": "100/m"}
    token, secret = make_token(admin_user, organization)
    client = token_client(secret)
    client.get(learners_url(organization))
    assert len(cache.get(f"api-rate:token:{token.pk}")) == 1
    cache.clear()  # another process's view of a fresh window
    for _ in range(2):
        assert client.get(learners_url(organization)).status_code == 200
    assert client.get(learners_url(organization)).status_code == 429
