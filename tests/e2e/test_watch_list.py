"""The watch list in a real browser: a row opens that province's profile, and the thresholds
(on the page, typed the locale's way) are kept in the link."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl
from playwright.sync_api import Page

from vss_dash import geo, i18n, metrics, store, watch
from vss_harness.browser import wait_idle

SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"  # git-ignored
OCT_2026 = date(2026, 10, 31)


def listed(reason: str, thresholds: watch.Thresholds | None = None) -> list[str]:
    """The codes the data layer lists for `reason` in October 2026, in the page's order (the
    server reads the same demo store)."""
    wl = watch.watch_list(metrics.Frames.from_store(store.load()), OCT_2026, thresholds)
    return wl.filter(pl.col("reason") == reason).get_column("geo_code").to_list()


def test_clicking_a_watch_list_row_opens_its_profile(
    server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    first = listed("low_si_coverage")[0]
    open_page(page, f"{server}/watch?month=2026-10&lang=en")
    grid = page.get_by_test_id("stDataFrame").first  # "Low SI coverage"
    box = grid.bounding_box()
    assert box is not None
    # the grid is a canvas: click the selection cell of the first data row (rows are 35 px)
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)
    page.wait_for_url("**/province**", timeout=30_000)
    open_page(page, page.url)
    assert f"province={first}" in page.url
    heading = page.get_by_test_id("stHeading").first.inner_text()
    assert geo.province_name("P34", first) in heading


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
    n = len(listed("low_si_coverage", watch.Thresholds(si_coverage_gap=25, cost_growth_z=3.5)))
    title = i18n.t(i18n.REASON_KEYS["low_si_coverage"], "vi")
    assert any(h.startswith(f"{title} ({n})") for h in headings), headings
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
