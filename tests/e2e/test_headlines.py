"""The headline numbers as the browser draws them equal the data layer's, formatted the way the
page formats them: the overview's KPI cards in both languages, and the briefing's first slide in
presenter mode (projector size)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from playwright.sync_api import Browser, Page

from vss_dash import briefing, catalog, i18n, metrics, pages

OVERVIEW = pages.flat(pages.OVERVIEW_CARDS)


def shown_cards(page: Page) -> dict[str, str]:
    """Label -> value of every KPI card on the page, as drawn."""
    cards = page.get_by_test_id("stMetric")
    out = {}
    for i in range(cards.count()):
        card = cards.nth(i)
        label = card.get_by_test_id("stMetricLabel").inner_text().strip()
        out[label] = card.get_by_test_id("stMetricValue").inner_text().strip()
    return out


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_overview_cards_equal_the_data_layer(
    server: str, page: Page, open_page: Callable[[Page, str], None], frames, lang: str
) -> None:
    period = date(2024, 9, 30)
    open_page(page, f"{server}/?lang={lang}&month=2024-09")
    snap = metrics.snapshot(frames, OVERVIEW, period)
    expected = {
        catalog.get(r["measure"]).label(lang): i18n.format_value(
            r["value"], catalog.get(r["measure"]).unit, lang
        )
        for r in snap.iter_rows(named=True)
    }
    assert shown_cards(page) == expected


def test_briefing_headline_slide_equals_the_data_layer(
    server: str, browser: Browser, open_page: Callable[[Page, str], None], frames
) -> None:
    quarter = briefing.Quarter.parse("2026-Q3")
    measures = list(briefing.slides(public=True)[0].measures)
    snap = metrics.snapshot(frames, measures, quarter.end)
    expected = {
        catalog.get(r["measure"]).label("en"): i18n.format_value(
            r["value"], catalog.get(r["measure"]).unit, "en"
        )
        for r in snap.iter_rows(named=True)
    }
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        open_page(page, f"{server}/briefing?lang=en&quarter=2026-Q3&public=1")
        assert shown_cards(page) == expected
    finally:
        context.close()
