"""The student list and the import history on a phone (320 px) and a laptop (1280 px):
the list says that its table scrolls sideways, and the history table shows every column
on a laptop. Screenshots are saved under test-results/ to be looked at."""

import datetime
import time

import pytest
from playwright.sync_api import Page, expect

from students.models import Import
from tests.browser.conftest import RESULTS
from tests.browser.test_student_import import serious_violations, sign_in
from tests.factories import UserFactory, make_learner

pytestmark = pytest.mark.browser


@pytest.fixture
def school(organization, admin_user):
    admin_user.first_name, admin_user.last_name = "Marie-Christine", "de La Villemarqué"
    admin_user.save()
    for number in range(8):
        make_learner(
            organization,
            last_name=f"NOM{number}",
            preferred_last_name="DUPONT-LAJOIE" if number % 3 == 0 else "",
            first_name="Anne-Sophie",
            division=f"4E{number % 3 + 1}",
            user=UserFactory(username=f"anne-sophie.nom{number}1705", email=None)
            if number % 2
            else None,
        )
    now = datetime.datetime(2025, 9, 3, 10, 15, tzinfo=datetime.UTC)
    for number, status in enumerate(
        [Import.Status.IMPORTED, Import.Status.VALIDATION_ERROR, Import.Status.CANCELLED] * 3
    ):
        Import.objects.create(
            organization=organization,
            created_by=admin_user,
            created_at=now - datetime.timedelta(days=number),
            file_name="ExportXML_ElevesSansAdresses_2025-2026_rentree_version_finale.zip",
            file_size=1_234_567,
            status=status,
            counts={"created": 612, "updated": 0, "reenabled": 1, "disabled": 35}
            if status == Import.Status.IMPORTED
            else {},
            error_count=1234 if status == Import.Status.VALIDATION_ERROR else 0,
        )
    return organization


def screenshot(page: Page, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"{name}.png"), full_page=True)


def hidden_width(page: Page, selector: str) -> int:
    """How many pixels of the table in `selector` are out of sight, scrolled away inside
    its DSFR container, or past the page's width."""
    return page.evaluate(
        """(selector) => {
            const container = document.querySelector(selector + ' .fr-table__container');
            const inside = container.scrollWidth - container.clientWidth;
            const page = document.documentElement.scrollWidth - window.innerWidth;
            return Math.max(inside, page);
        }""",
        selector,
    )


def test_history_table_fits_its_column_at_1280_px(page: Page, school, admin_user):
    sign_in(page, admin_user.email)
    page.goto("/eleves/import/")
    expect(page.locator("#import-history")).to_be_visible()
    screenshot(page, "import-history-1280")
    assert hidden_width(page, "#import-history") <= 0
    expect(page.locator("#import-history-hint")).to_be_hidden()
    # The last column is in sight, inside the table's container.
    last = page.locator("#import-history th").last.bounding_box()
    container = page.locator("#import-history .fr-table__container").bounding_box()
    assert last["x"] + last["width"] <= container["x"] + container["width"] + 1


def test_history_table_at_320_px_scrolls_inside_the_page(page: Page, school, admin_user):
    page.set_viewport_size({"width": 320, "height": 900})
    sign_in(page, admin_user.email)
    page.goto("/eleves/import/")
    screenshot(page, "import-history-320")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    expect(page.locator("#import-history-hint")).to_be_visible()
    # Cells keep a readable width: the table scrolls rather than squeezing the words.
    assert hidden_width(page, "#import-history") > 0
    widths = page.locator("#import-history tbody tr").first.evaluate(
        "row => [...row.cells].map(cell => cell.getBoundingClientRect().width)"
    )
    assert min(widths) >= 100, widths


def test_list_at_320_px_says_that_the_table_scrolls(page: Page, school, admin_user):
    page.set_viewport_size({"width": 320, "height": 900})
    sign_in(page, admin_user.email)
    page.goto("/eleves/")
    screenshot(page, "learner-list-320")
    expect(page.locator("#students-table-hint")).to_be_visible()
    expect(page.locator("#students-table-hint")).to_contain_text("Le tableau défile")
    # The table does scroll (the hint is true), inside the page, and from the keyboard.
    assert hidden_width(page, "#students-table") > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    container = page.locator("#students-table .fr-table__container")
    container.focus()
    page.keyboard.press("ArrowRight")
    # Scrolling may be smooth: wait for it to move. Polled from here: Playwright's
    # wait_for_function polls with eval() in the page, which our CSP forbids.
    deadline = time.monotonic() + 5
    while container.evaluate("element => element.scrollLeft") == 0:
        assert time.monotonic() < deadline, "the table did not scroll"
        page.wait_for_timeout(50)
    assert serious_violations(page) == []


def test_list_at_1280_px_shows_every_column_without_a_hint(page: Page, school, admin_user):
    sign_in(page, admin_user.email)
    page.goto("/eleves/")
    screenshot(page, "learner-list-1280")
    expect(page.locator("#students-table")).to_be_visible()
    expect(page.locator("#students-table-hint")).to_be_hidden()
    assert hidden_width(page, "#students-table") <= 0


def test_list_edge_states_pass_axe(page: Page, school, admin_user):
    sign_in(page, admin_user.email)
    violations = []
    page.goto("/eleves/?classe=GONE&classe=4E1")
    expect(page.locator("#unknown-classes")).to_contain_text("La classe GONE")
    violations += serious_violations(page)
    page.goto("/eleves/?q=zzz")
    expect(page.locator("#students-count")).to_have_text("Aucun élève ne correspond à « zzz ».")
    page.locator("#students-clear-filters").click()
    expect(page.locator("#students-count")).to_contain_text("8 élèves")
    violations += serious_violations(page)
    assert violations == []
