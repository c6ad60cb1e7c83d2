"""The watch list in a real browser: a row opens that province's profile, and the thresholds in
the sidebar are kept in the link."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page

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


def test_thresholds_in_the_link_fill_the_sidebar(
    server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    open_page(page, f"{server}/watch?month=2026-10&lang=vi&si_coverage_gap=25&cost_growth_z=3.5")
    page.get_by_test_id("stSidebar").get_by_text("Ngưỡng cảnh báo").click()
    inputs = page.get_by_test_id("stSidebar").get_by_test_id("stNumberInputField")
    assert inputs.count() == 6
    values = [float(v) for v in inputs.evaluate_all("(es) => es.map((e) => e.value)")]
    assert values[0] == 25 and values[4] == 3.5
    headings = page.get_by_test_id("stHeading").all_inner_texts()
    assert any(h.startswith("Tỷ lệ bao phủ BHXH thấp (6)") for h in headings), headings
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / "watch_thresholds_vi.png")
