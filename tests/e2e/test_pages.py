"""Every page of the registry, in both languages, in a real browser: no exception box, every Plotly
chart drawn, a screenshot to look at, and no request leaving the server's own origin."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from vss_dash import i18n
from vss_dash.pages import PAGES
from vss_dash.pages import Page as AppPage
from vss_harness.browser import wait_charts_drawn, wait_idle

SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"  # git-ignored

LANGS = ("vi", "en")
LOCAL_SCHEMES = ("data", "blob", "about")
CHART_TIMEOUT_MS = 15_000


def _is_local(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    own = urlsplit(origin)
    # The app's websocket is ws:// on the same host and port.
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
    return (scheme, parts.netloc) == (own.scheme, own.netloc)


def _full_page_screenshot(page: Page, path: Path) -> None:
    """Screenshot the whole page. Streamlit scrolls inside its own container, not the document,
    so `full_page=True` alone would stop at the viewport: grow the viewport to the content."""
    viewport = page.viewport_size
    assert viewport is not None
    height = page.evaluate(
        """() => Math.max(document.documentElement.scrollHeight, ...Array.from(
             document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"],'
                                       + ' [data-testid="stSidebar"]')
           ).map((el) => el.scrollHeight))"""
    )
    if height > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": int(height)})
        page.wait_for_timeout(300)
    try:
        page.screenshot(path=path, full_page=True)
    finally:
        page.set_viewport_size(viewport)


def test_health(server: str) -> None:
    with urllib.request.urlopen(f"{server}/_stcore/health", timeout=5) as response:
        assert response.status == 200
        assert response.read().strip() == b"ok"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("app_page", PAGES, ids=[p.url_path for p in PAGES])
def test_page(
    server: str,
    page: Page,
    open_page: Callable[[Page, str], None],
    app_page: AppPage,
    lang: str,
) -> None:
    requests: list[str] = []
    page_errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("websocket", lambda ws: requests.append(ws.url))
    page.on("pageerror", lambda error: page_errors.append(str(error)))

    open_page(page, f"{server}{app_page.address}?lang={lang}")
    charts = wait_charts_drawn(page, CHART_TIMEOUT_MS)  # reported below, naming failures
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    _full_page_screenshot(page, SCREENSHOT_DIR / f"{app_page.url_path}_{lang}.png")

    # Gather every kind of failure first, so one run shows them all (a chart that did not draw
    # because a map tried to fetch topojson from a CDN shows both the chart and the request).
    problems: list[str] = []
    exceptions = page.locator('[data-testid="stException"]')
    if exceptions.count():
        problems.append(
            "exception box on the page:\n" + "\n---\n".join(exceptions.all_inner_texts())
        )
    # Streamlit's own error modals ("Page not found ... Running the app's main page.") are plain
    # role=dialog elements without a data-testid; nothing should be open right after loading.
    dialogs = page.locator('[role="dialog"]:visible')
    if dialogs.count():
        problems.append("dialog open after loading:\n" + "\n---\n".join(dialogs.all_inner_texts()))
    if charts["problems"]:
        problems.append(
            f"{len(charts['problems'])} of {charts['count']} Plotly charts not drawn: "
            f"{charts['problems']}; page errors: {page_errors}"
        )
    # the charts of the page's other tabs draw when their tab is opened
    tabs = page.locator('[data-testid="stMain"] [role="tab"]')
    for i in range(1, tabs.count()):
        name = tabs.nth(i).inner_text().strip()
        tabs.nth(i).click()
        wait_idle(page)
        in_tab = wait_charts_drawn(page, CHART_TIMEOUT_MS)
        _full_page_screenshot(page, SCREENSHOT_DIR / f"{app_page.url_path}_{lang}_tab{i}.png")
        if in_tab["problems"]:
            problems.append(f"tab {name!r}: Plotly charts not drawn: {in_tab['problems']}")
        if page.locator('[data-testid="stException"]').count():
            problems.append(f"tab {name!r}: exception box")
    # no toolbar menu (Streamlit's own is English-only): client.toolbarMode = "minimal"
    if page.get_by_test_id("stMainMenu").count():
        problems.append("Streamlit's toolbar menu is shown")
    foreign = sorted({url for url in requests if not _is_local(url, server)})
    if foreign:
        problems.append(f"requests left {server}:\n" + "\n".join(foreign))
    assert not problems, "\n\n".join(problems)


def test_deep_link_runs_entry_script(
    fresh_server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    """A link to a page, as a fresh server's first visit, still goes through app.py.

    Streamlit 1.67 routes every run through its legacy pages-folder mode when a `pages/` folder
    sits next to the entry script, until app.py itself has once called `st.navigation` (the flag
    `PagesManager.uses_pages_directory` is process-wide). A deep link opened first would then run
    the page script alone: no page config, no language switch, the wrong navigation.
    """
    wrong: list[str] = []
    for app_page in PAGES:
        for lang in LANGS:
            open_page(page, f"{fresh_server}{app_page.address}?lang={lang}")
            title = page.title()
            expected = (i18n.t("app_title", lang), app_page.title(lang))
            if not any(text in title for text in expected):
                wrong.append(f"{app_page.address}?lang={lang}: tab title {title!r}")
    assert not wrong, (
        "deep links did not run app.py (tab title should name the app or the page):\n"
        + "\n".join(wrong)
    )
