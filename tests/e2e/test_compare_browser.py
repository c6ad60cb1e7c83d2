"""Issue 26 in a real browser: a profile's line takes the provinces a visitor adds, typed into
the picker on the page, kept in the URL; at a laptop, a phone and a large screen, in both
languages, the picker and the chart's legend stay inside the window."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, expect

from vss_dash import i18n
from vss_harness.browser import SCREENS, wait_charts_drawn, wait_idle


@pytest.mark.parametrize("lang", ("vi", "en"))
@pytest.mark.parametrize("size", list(SCREENS))
def test_a_province_typed_into_the_picker_joins_the_profiles_line(
    server: str, browser: Browser, open_page: Callable, size: str, lang: str
) -> None:
    width, height = SCREENS[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        open_page(page, f"{server}/province?layout=P34&province=01&month=2026-10&lang={lang}")
        page.get_by_test_id("stCheckbox").filter(has_text=i18n.t("compare_show", lang)).click()
        picker = page.get_by_test_id("stMultiSelect").filter(has_text=i18n.t("compare_with", lang))
        expect(picker).to_be_visible()
        picker.locator("input").click()
        page.keyboard.type("Cần Thơ")
        page.keyboard.press("Enter")
        page.wait_for_url("**compare=92**", timeout=30_000)
        page.keyboard.press("Escape")
        wait_idle(page)
        wait_charts_drawn(page)
        query = {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}
        assert query["compare"] == "92" and query["province"] == "01"
        chart = page.get_by_test_id("stPlotlyChart").filter(
            has=page.locator("g.legend text.legendtext", has_text="Cần Thơ")
        )
        expect(chart).to_have_count(1)
        legend = chart.locator("g.legend text.legendtext").all_text_contents()
        assert legend[:3] == ["Hà Nội", "Cần Thơ", i18n.t("national", lang)], legend
        for box in (picker.bounding_box(), chart.bounding_box()):
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (size, box)
    finally:
        context.close()
