"""Context across pages (#16): the month and the layout chosen on one page are the next page's,
through the sidebar's navigation and back through the browser's Back button (the month reset to
the newest and the layout to 34 provinces before)."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page

from vss_harness.browser import wait_idle


def test_navigation_and_back_keep_the_month_and_layout(
    server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    open_page(page, f"{server}/province?lang=en&layout=P63&province=01&month=2024-09")
    page.get_by_role("link", name="Province map").click()
    page.wait_for_url("**/map**", timeout=30_000)
    page.get_by_text("SI coverage · September 2024").wait_for(timeout=30_000)
    page.wait_for_url("**month=2024-09*", timeout=30_000)  # written at the end of the run
    assert "layout=P63" in page.url
    # the page switch is two history entries (Streamlit's for the page, then its filters): Back
    # may need two steps, and every entry on the way shows the same month and layout
    for _ in range(8):
        page.go_back()
        page.wait_for_timeout(500)
        wait_idle(page)  # an entry without the filters (the page's own) gets them from the run
        page.wait_for_url("**month=2024-09*", timeout=30_000)
        if "/province" in page.url:
            break
    page.get_by_text("Province profile: Thành phố Hà Nội").wait_for(timeout=30_000)


def test_a_click_makes_one_history_entry(
    server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    """The filters a page writes into its URL go in one change at the end of the run: a month
    picked is one history entry, and a page opened from the sidebar two (Streamlit's own entry
    for the page, then its filters; four before, one per filter)."""
    open_page(page, f"{server}/province?lang=en&layout=P63&province=01&month=2024-09")
    before = page.evaluate("history.length")
    page.get_by_role("link", name="Province map").click()
    page.wait_for_url("**/map**", timeout=30_000)
    wait_idle(page)
    opened = page.evaluate("history.length")
    assert opened - before <= 2
    month = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has_text="Month"
    )
    month.click()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**month=2024-08**", timeout=30_000)
    wait_idle(page)
    assert page.evaluate("history.length") - opened == 1
