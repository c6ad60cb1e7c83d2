"""The watch list in a real browser: a row opens that province's profile, and the thresholds
(on the page, typed the locale's way) are kept in the link."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page

from vss_dash import i18n
from vss_harness.browser import wait_idle

SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"  # git-ignored


def test_clicking_a_watch_list_row_opens_its_profile(
    server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    open_page(page, f"{server}/watch?month=2026-10&lang=en")
    grid = page.get_by_test_id("stDataFrame").first  # "Low SI coverage": Lai Châu first
    box = grid.bounding_box()
    assert box is not None
    # the grid is a canvas: click the selection cell of the first data row (rows are 35 px)
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)
    page.wait_for_url("**/province**", timeout=30_000)
    open_page(page, page.url)
    assert "province=12" in page.url  # P34, the default layout, stays out of the link
    assert "Lai Châu" in page.get_by_test_id("stHeading").first.inner_text()


def test_thresholds_in_the_link_fill_the_boxes(
    server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    open_page(page, f"{server}/watch?month=2026-10&lang=vi&si_coverage_gap=25&cost_growth_z=3.5")
    main = page.get_by_test_id("stMain")
    main.get_by_text("Ngưỡng cảnh báo", exact=True).click()
    inputs = main.get_by_test_id("stTextInput").locator("input")
    assert inputs.count() == 6
    values = {
        e["label"]: e["value"]
        for e in inputs.evaluate_all(
            "(es) => es.map((e) => ({label: e.getAttribute('aria-label'), value: e.value}))"
        )
    }
    assert values[i18n.t("th_si_coverage_gap", "vi")] == "25"
    assert values[i18n.t("th_cost_growth_z", "vi")] == "3,5"  # as the captions write it
    headings = page.get_by_test_id("stHeading").all_inner_texts()
    assert any(h.startswith("Tỷ lệ bao phủ BHXH thấp (6)") for h in headings), headings
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / "watch_thresholds_vi.png")


def test_a_threshold_typed_with_a_decimal_comma_changes_the_list(
    server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    """Issue 16: "0,5" typed in Vietnamese is 0.5 (it was read as 5)."""
    open_page(page, f"{server}/watch?month=2026-10&lang=vi")
    main = page.get_by_test_id("stMain")
    main.get_by_text("Ngưỡng cảnh báo", exact=True).click()
    box = main.get_by_role("textbox", name=i18n.t("th_cost_growth_z", "vi"))
    summary = main.get_by_text("mục cần quan tâm tại")

    def entries() -> int:
        return int(summary.inner_text().split()[0].replace(".", ""))

    before = entries()
    box.fill("0,5")
    box.press("Enter")
    wait_idle(page)
    assert "cost_growth_z=0.5" in page.url
    assert box.input_value() == "0,5"
    assert entries() > before  # a lower bar flags more provinces (5 would flag fewer)
