"""Browser journeys: Playwright drives Debian's Chromium against Django's live server.

Each journey is written as given / when / then, and every page it visits is checked with axe
against the WCAG 2.2 AA rules.
"""

import os
import threading
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db.backends.signals import connection_created
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("IPT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/system/" in str(item.fspath):
            item.add_marker(pytest.mark.system)


def _close_on_this_thread(connections: list) -> None:
    for connection in connections:
        if connection._thread_ident == threading.get_ident():
            connection.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an event loop in this thread; the journeys' own ORM calls are
    # still synchronous, so tell Django they are safe while the browser is open.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # While the browser is open, code on this thread may run in Playwright's greenlet, where
    # Django opens connections of its own; close them all before the test database is dropped.
    opened: list = []

    def remember(sender, connection, **kwargs):
        opened.append(connection)

    connection_created.connect(remember, weak=False)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        connection_created.disconnect(remember)
        _close_on_this_thread(opened)
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(request, browser, live_server) -> Iterator[Page]:
    """A fresh browser tab. Parametrise indirectly to change the context, e.g. a phone:
    `{"viewport": {"width": 375, "height": 812}, "java_script_enabled": False}`."""
    # Playwright's sync API runs the journey in another greenlet, so Django's per-context
    # connection handler opens a second database connection there. Close every connection this
    # thread opens during the journey, or PostgreSQL cannot drop the test database at the end.
    opened: list = []

    def remember(sender, connection, **kwargs):
        opened.append(connection)

    connection_created.connect(remember, weak=False)
    options = getattr(request, "param", {})
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    # A script blocked by the Content-Security-Policy, or a missing asset, shows up here.
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    context.close()
    connection_created.disconnect(remember)
    _close_on_this_thread(opened)
    # Pages answered 404 or 422 on purpose (a record out of scope, an invalid form).
    on_purpose = ("status of 404", "status of 422")
    assert [p for p in problems if not any(status in p for status in on_purpose)] == []


class AccessibilityChecker:
    def __init__(self):
        self.axe = Axe()
        self.checked: list[str] = []

    def __call__(self, page: Page) -> None:
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
        self.checked.append(page.url)
        assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def assert_accessible() -> AccessibilityChecker:
    """Call with a page after each step: axe must report no WCAG 2.2 AA violations."""
    return AccessibilityChecker()
