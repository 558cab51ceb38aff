"""The GAR's sign-in in Chromium, the GAR on another origin (the app on localhost, the
GAR on 127.0.0.1): the GAR's page POSTs itself across sites to /gar/acs/, as in a real
sign-in — without our cookies (SameSite=Lax) and without a CSRF token."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.gar.fixtures import configure_sp, gar_keys  # noqa: F401 (fixtures)
from tests.gar.http_idp import serving
from tests.gar.idp import TestIdP, student_attributes

pytestmark = pytest.mark.browser


@pytest.fixture
def cross_site_gar(settings, gar_keys, live_server, tmp_path):  # noqa: F811
    from accounts.gar.service import gar_metadata_xml

    assert "localhost" in live_server.url

    def factory(sso_url: str) -> TestIdP:
        idp = TestIdP(keys=gar_keys["idp"], sso_url=sso_url)
        configure_sp(
            settings, gar_keys, idp.write_metadata(tmp_path / "gar.xml"), base_url=live_server.url
        )
        idp.trust_sp(gar_metadata_xml())
        return idp

    with serving(factory, host="127.0.0.1") as gar:
        yield gar


def test_a_forged_answer_posted_across_sites_is_refused_on_its_page(page, cross_site_gar):
    cross_site_gar.attributes = student_attributes(IDO=None)
    cross_site_gar.relay_state = "https://evil.example/steal"
    page.goto("/gar/login/")
    expect(page.get_by_test_id("refusal-code")).to_contain_text("GAR_ATTRIBUTE_MISSING")
    assert re.fullmatch(r"http://localhost:\d+/gar/acs/", page.url)
    assert len(cross_site_gar.requests) == 1
    assert "127.0.0.1" in cross_site_gar.requests[0]
