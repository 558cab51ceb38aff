"""manage.py gar_refresh_metadata: a local file, or a URL served by a local HTTP server."""

from __future__ import annotations

import http.server
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.gar.idp import TestIdP, make_keypair


@pytest.fixture
def idp(tmp_path) -> TestIdP:
    return TestIdP(keys=make_keypair(tmp_path / "keys", "idp-refresh", valid_days=200))


@pytest.fixture
def served():
    """A local HTTP server answering each path with the bytes put in `served.pages`."""
    pages: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/samlmetadata+xml")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.pages = pages
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _local_http(settings):
    """The local server speaks plain http (allowed explicitly, as in the README)."""
    settings.GAR_IDP_METADATA_ALLOW_HTTP = True


def run() -> str:
    out = StringIO()
    call_command("gar_refresh_metadata", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_local_file_is_checked_and_its_certificate_expiry_printed(settings, idp, tmp_path):
    settings.GAR_IDP_METADATA = str(idp.write_metadata(tmp_path / "gar.xml"))
    output = run()
    assert idp.entity_id in output
    assert "expires on" in output
    assert "(199 days)" in output or "(200 days)" in output


def test_a_url_is_downloaded_into_the_cache_file(settings, idp, served, tmp_path):
    served.pages["/gar.xml"] = idp.metadata_xml().encode()
    settings.GAR_IDP_METADATA = f"{served.url}/gar.xml"
    settings.GAR_IDP_METADATA_CACHE = tmp_path / "cache" / "gar.xml"
    output = run()
    assert "Saved the GAR's metadata" in output
    assert settings.GAR_IDP_METADATA_CACHE.read_text() == idp.metadata_xml()
    assert [p.name for p in settings.GAR_IDP_METADATA_CACHE.parent.iterdir()] == ["gar.xml"]


@pytest.mark.parametrize(
    "document",
    [
        b"<html>maintenance</html>",
        b"not xml",
        b'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>',
    ],
)
def test_a_bad_document_is_refused_and_the_old_copy_kept(settings, idp, served, tmp_path, document):
    cache = tmp_path / "gar.xml"
    cache.write_text(idp.metadata_xml())
    served.pages["/gar.xml"] = document
    settings.GAR_IDP_METADATA = f"{served.url}/gar.xml"
    settings.GAR_IDP_METADATA_CACHE = cache
    with pytest.raises(CommandError, match="refused"):
        run()
    assert cache.read_text() == idp.metadata_xml()


def test_metadata_without_a_signing_certificate_is_refused(settings, idp, served, tmp_path):
    without = idp.metadata_xml()
    start = without.index("<md:KeyDescriptor")
    end = without.index("</md:KeyDescriptor>") + len("</md:KeyDescriptor>")
    served.pages["/gar.xml"] = (without[:start] + without[end:]).encode()
    settings.GAR_IDP_METADATA = f"{served.url}/gar.xml"
    settings.GAR_IDP_METADATA_CACHE = tmp_path / "gar.xml"
    with pytest.raises(CommandError, match="no signing certificate"):
        run()
    assert not (tmp_path / "gar.xml").exists()


def test_an_unreachable_url_is_refused(settings, served, tmp_path):
    settings.GAR_IDP_METADATA = f"{served.url}/missing.xml"
    settings.GAR_IDP_METADATA_CACHE = tmp_path / "gar.xml"
    with pytest.raises(CommandError, match="cannot download"):
        run()


def test_the_command_says_when_nothing_is_configured(settings):
    settings.GAR_IDP_METADATA = ""
    with pytest.raises(CommandError, match="GAR_IDP_METADATA is not set"):
        run()


def test_an_http_url_is_refused_unless_allowed(settings, idp, served, tmp_path):
    settings.GAR_IDP_METADATA_ALLOW_HTTP = False
    settings.DEBUG = False
    served.pages["/gar.xml"] = idp.metadata_xml().encode()
    settings.GAR_IDP_METADATA = f"{served.url}/gar.xml"
    settings.GAR_IDP_METADATA_CACHE = tmp_path / "gar.xml"
    with pytest.raises(CommandError, match="not an https URL"):
        run()
    assert not (tmp_path / "gar.xml").exists()
    settings.DEBUG = True
    assert "Saved the GAR's metadata" in run()


def test_metadata_of_another_identity_provider_than_the_pinned_one_is_refused(
    settings, idp, served, tmp_path
):
    cache = tmp_path / "gar.xml"
    cache.write_text("old")
    served.pages["/gar.xml"] = idp.metadata_xml().encode()
    settings.GAR_IDP_METADATA = f"{served.url}/gar.xml"
    settings.GAR_IDP_METADATA_CACHE = cache
    settings.GAR_IDP_ENTITY_ID = "https://idp-auth.gar.education.fr"
    with pytest.raises(CommandError, match="not GAR_IDP_ENTITY_ID"):
        run()
    assert cache.read_text() == "old"
    settings.GAR_IDP_ENTITY_ID = idp.entity_id
    assert "Saved the GAR's metadata" in run()


def test_metadata_whose_signing_certificates_all_expired_is_refused(settings, served, tmp_path):
    from tests.gar.idp import TestIdP, make_keypair

    expired = TestIdP(keys=make_keypair(tmp_path / "keys", "expired", valid_days=-1))
    served.pages["/gar.xml"] = expired.metadata_xml().encode()
    settings.GAR_IDP_METADATA = f"{served.url}/gar.xml"
    settings.GAR_IDP_METADATA_CACHE = tmp_path / "gar.xml"
    with pytest.raises(CommandError, match="every signing certificate has expired"):
        run()
    assert not (tmp_path / "gar.xml").exists()


def test_a_certificate_rotation_prints_the_old_and_new_fingerprints(
    settings, idp, served, tmp_path
):
    from accounts.gar import idp_metadata
    from tests.gar.idp import TestIdP, make_keypair

    cache = tmp_path / "gar.xml"
    cache.write_text(idp.metadata_xml())
    rotated = TestIdP(keys=make_keypair(tmp_path / "keys", "rotated"), entity_id=idp.entity_id)
    served.pages["/gar.xml"] = rotated.metadata_xml().encode()
    settings.GAR_IDP_METADATA = f"{served.url}/gar.xml"
    settings.GAR_IDP_METADATA_CACHE = cache
    output = run()
    [old] = idp_metadata.signing_fingerprints(idp.metadata_xml().encode())
    [new] = idp_metadata.signing_fingerprints(rotated.metadata_xml().encode())
    assert old != new
    assert f"before {old}; now {new}" in output
    # Refreshed again, nothing changed: nothing said about fingerprints.
    assert "changed" not in run()
