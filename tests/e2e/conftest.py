"""Browser tier: the real Streamlit server driven by Debian's Chromium through Playwright.

Every test under tests/e2e gets the `e2e` marker; without /usr/bin/chromium they are all skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from vss_harness.browser import (
    CHROMIUM,
    SCREENS,
    VIEWPORT,
    launch_chromium,
    open_page,
    start_server,
)

E2E_DIR = Path(__file__).resolve().parent


# `-m "not e2e"` deselects in _pytest.mark's own modifyitems hook: the marker must be on first.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder `e2e`, and skip them all when Chromium is missing."""
    skip = pytest.mark.skip(reason="chromium not installed: browser tier skipped")
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                item.add_marker(skip)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app server shared by the session: base URL, e.g. http://127.0.0.1:PORT."""
    with start_server(tmp_path_factory.mktemp("streamlit")) as base:
        yield base


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[str]:
    """A server of its own, for tests whose outcome depends on being its first visitor."""
    with start_server(tmp_path) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium, launched by Playwright with the flags this machine needs."""
    if not CHROMIUM.exists():
        pytest.skip("chromium not installed: browser tier skipped")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module", params=list(SCREENS))
def sized(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[str, Page]]:
    """A browser page per screen of SCREENS, shared by a module's tests at that size: (name,
    page)."""
    width, height = SCREENS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        yield request.param, context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own context (no shared cookies or storage) at 1440×900."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(name="open_page")
def open_page_fixture() -> Callable[[Page, str], None]:
    """`open_page` for test modules (importing from a conftest is fragile across rootdirs)."""
    return open_page
