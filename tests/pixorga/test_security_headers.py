"""Content-Security-Policy and Permissions-Policy on every kind of answer: pages, JSON,
redirects, error pages (403, 404, 413, 400, 500), the back office and its sign-in."""

import re

import pytest
from django.core.files.base import ContentFile
from django.template import engines

from pixorga.security import PERMISSIONS_POLICY
from students import services
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.pixorga.urls_for_tests")]

NONCE = r"'nonce-([A-Za-z0-9_-]{22})'"
EXPECTED_POLICY = re.compile(
    "default-src 'self'; "
    f"script-src 'self' {NONCE}; "
    f"style-src 'self' {NONCE}; "
    "img-src 'self' data:; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'none'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)


def assert_headers(response) -> str:
    """Both headers are there, the policy exactly ours; returns the response's nonce."""
    policy = response.headers.get("Content-Security-Policy")
    assert policy is not None, f"no CSP on {response.status_code} {response.get('Content-Type')}"
    match = EXPECTED_POLICY.fullmatch(policy)
    assert match, policy
    assert match.group(1) == match.group(2)
    # No escape hatch anywhere in the policy.
    for weakness in ("unsafe-inline", "unsafe-eval", "*", "http:", "https:", "strict-dynamic"):
        assert weakness not in policy
    assert "Content-Security-Policy-Report-Only" not in response.headers
    assert response.headers["Permissions-Policy"] == PERMISSIONS_POLICY
    return match.group(1)


def test_permissions_policy_denies_devices_and_sensors_to_everyone():
    features = dict(item.split("=") for item in PERMISSIONS_POLICY.split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"
    assert set(features.values()) == {"()"}


def test_pages_for_anonymous_visitors(client):
    for path in ("/", "/compte/login/", "/compte/signup/", "/mentions-legales/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_headers(response)


def test_pages_for_members(client, member_user):
    client.force_login(member_user)
    for path in ("/campagnes/", "/eleves/", "/equipe/", "/documentation/", "/compte/profil/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_headers(response)


def test_redirects(client):
    response = client.get("/campagnes/")
    assert response.status_code == 302
    assert_headers(response)


def test_json_answers(client, organization, admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert_headers(client.get("/healthz"))
    import_ = services.import_upload(
        organization=organization,
        user=admin_user,
        uploaded_file=ContentFile(b"<BEE_ELEVES/>", name="ElevesSansAdresses.xml"),
        enqueue=False,
    )
    client.force_login(admin_user)
    response = client.get(f"/eleves/import/{import_.pk}/etat.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert_headers(response)


def test_error_pages(client, member_user, settings):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert_headers(response)

    client.force_login(member_user)
    response = client.get("/eleves/import/")  # for administrators only
    assert response.status_code == 403
    assert_headers(response)

    response = client.post(
        "/eleves/import/",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BODY_BYTES + 1),
    )
    assert response.status_code == 413
    assert_headers(response)

    response = client.get("/", headers={"host": "attacker.example"})
    assert response.status_code == 400
    assert_headers(response)


def test_server_error_page(client):
    client.raise_request_exception = False
    response = client.get("/panne/")
    assert response.status_code == 500
    assert_headers(response)


def test_back_office_and_its_sign_in(client):
    response = client.get("/backoffice/")
    assert response.status_code == 302
    assert_headers(response)
    assert_headers(client.get("/backoffice/login/", follow=True))

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for path in (
        "/backoffice/",
        "/backoffice/organizations/organization/",
        "/backoffice/organizations/organization/add/",
        "/backoffice/jsi18n/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_headers(response)


def test_each_answer_has_its_own_nonce_and_a_template_can_use_it(client):
    first = client.get("/bloc-en-ligne/")
    second = client.get("/bloc-en-ligne/")
    nonce = assert_headers(first)
    assert nonce != assert_headers(second)
    assert f'<script nonce="{nonce}">' in first.content.decode()


# Inline code in our templates would be refused by the browser. E-mails are not pages: no
# CSP applies to them, and mail clients need inline styles.
INLINE_CODE = re.compile(
    r"<script(?![^>]*\ssrc=)(?![^>]*\snonce=)[^>]*>"  # a script body without a nonce
    r"|<style(?![^>]*\snonce=)[^>]*>"  # a style block without a nonce
    r"|\sstyle=|\son[a-z]+=|javascript:",  # attributes cannot carry a nonce
    re.IGNORECASE,
)


def test_our_templates_hold_no_inline_code():
    root = engines["django"].engine.dirs[0]
    offenders = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in sorted(root.rglob("*.html"))
        if "email" not in path.relative_to(root).parts
        for match in INLINE_CODE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_template_check_recognises_inline_code():
    for snippet in (
        "<script>alert(1)</script>",
        "<style>p{}</style>",
        '<p style="color: red">',
        '<button onclick="go()">',
        '<a href="javascript:go()">',
    ):
        assert INLINE_CODE.search(snippet), snippet
    for snippet in ('<script src="/static/js/x.js" defer></script>', '<script nonce="{{ n }}">'):
        assert not INLINE_CODE.search(snippet), snippet
