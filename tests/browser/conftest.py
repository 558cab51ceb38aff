"""Browser tests: Playwright (Python, sync API) driving Debian's Chromium, headless, against
pytest-django's live_server (which also serves the static files, DSFR's included).

Never `playwright install`: the browser is the Debian package at /usr/bin/chromium.
On failure, a screenshot of the page is saved as test-results/<test name>.png.

Every test fails on a Content-Security-Policy violation: each document reports its
`securitypolicyviolation` events to the test (and keeps them in `window.__cspViolations`,
read at the end in case the last report is still on its way). CSP is never bypassed here
(no `bypass_csp`): the pages run under the policy they get in production.
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

# Runs in every document before the page's own scripts (Playwright's init scripts are not
# subject to the page's CSP), so that no violation happens before the listener exists.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const violation = {
    page: document.location.href,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  };
  window.__cspViolations.push(violation);
  window.__pixorgaCspViolation(violation);
});
"""


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


def _design_system_style_attribute(violation: dict) -> bool:
    return violation["directive"] == "style-src-attr" and "/static/dsfr/dist/" in (
        violation["source"] or ""
    )


@pytest.fixture
def page(request, browser, live_server, transactional_db) -> Page:
    """A fresh browser context per test (no cookies carried over), French like our users.

    `page.csp_violations` lists the violations seen so far (a test that provokes one on
    purpose empties it); any left at the end fail the test.
    """
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    violations: list[dict] = []
    context.expose_binding(
        "__pixorgaCspViolation", lambda source, violation: violations.append(violation)
    )
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.csp_violations = violations
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        RESULTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        page.screenshot(path=str(RESULTS / f"{name}.png"), full_page=True)
    # The current document's list also holds a violation whose report has not arrived yet.
    if not page.is_closed():
        for violation in page.evaluate("window.__cspViolations || []"):
            if violation not in violations:
                violations.append(violation)
    context.close()
    # The design system's own script sometimes sets a style attribute (its table component,
    # depending on resize timing); the policy blocks it, harmlessly: that one is not ours.
    violations = [v for v in violations if not _design_system_style_attribute(v)]
    if violations:
        pytest.fail(
            "Content-Security-Policy violations:\n"
            + "\n".join(
                f"- {v['directive']} blocked {v['blocked'] or 'inline code'} "
                f"({v['source']}:{v['line']}, {v['sample']!r}) on {v['page']}"
                for v in violations
            ),
            pytrace=False,
        )
