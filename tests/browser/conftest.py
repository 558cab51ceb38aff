"""Browser tests: Playwright (Python, sync API) driving Debian's Chromium, headless, against
pytest-django's live_server (which also serves the static files, DSFR's included).

Never `playwright install`: the browser is the Debian package at /usr/bin/chromium.
On failure, a screenshot of the page is saved as test-results/<test name>.png.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture(scope="package")
def browser():
    # Playwright's sync API keeps an event loop in the main thread; Django refuses ORM calls
    # there unless told that this is safe (it is: the test code does not run concurrently).
    # Only while the browser runs: other tests start subprocesses (`check --deploy`) that
    # must not inherit it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test item, so that fixtures know whether it failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(request, browser, live_server, transactional_db) -> Page:
    """A fresh browser context per test (no cookies carried over), French like our users."""
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        RESULTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        page.screenshot(path=str(RESULTS / f"{name}.png"), full_page=True)
    context.close()
