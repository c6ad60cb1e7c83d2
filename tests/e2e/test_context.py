"""Context across pages (#16): the month and the layout chosen on one page are the next page's,
through the sidebar's navigation and back through the browser's Back button (the month reset to
the newest and the layout to 34 provinces before)."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page


def test_navigation_and_back_keep_the_month_and_layout(
    server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    open_page(page, f"{server}/province?lang=en&layout=P63&province=01&month=2024-09")
    page.get_by_role("link", name="Province map").click()
    page.wait_for_url("**/map**", timeout=30_000)
    page.get_by_text("SI coverage · September 2024").wait_for(timeout=30_000)
    assert "month=2024-09" in page.url and "layout=P63" in page.url
    # Streamlit pushes a history entry per URL change of a run (one per filter written): Back
    # may need more than one step, but every entry on the way holds the same month and layout
    for _ in range(8):
        page.go_back()
        page.wait_for_timeout(500)
        assert "month=2024-09" in page.url, page.url
        if "/province" in page.url:
            break
    page.get_by_text("Province profile: Thành phố Hà Nội").wait_for(timeout=30_000)
