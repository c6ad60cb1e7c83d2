"""Issue 26 in a real browser, at a laptop (1366×768), a phone (390×844) and a large screen
(1920×1080), in both languages: the overview's first screen names the provinces furthest behind,
each a link to its place on the map; no chart label collides with another, leaves its chart or
sits on a data point (events and targets are in the legend), and the coverage rates have a
panel each; one Back from a province's profile returns to the map with the province selected;
the Data page's measure picker adds the one measure typed, its filters are on the page and a
phone sees the value column."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, expect

from vss_dash import geo, i18n
from vss_harness.browser import wait_charts_drawn, wait_idle

LANGS = ("vi", "en")
SHOTS = Path(__file__).resolve().parent / "screenshots"


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


# ---------------------------------------------------------------- the first screen


@pytest.mark.parametrize("lang", LANGS)
def test_the_first_screen_names_the_provinces_furthest_behind(
    server: str, sized: tuple[str, Page], open_page: Callable[[Page, str], None], lang: str
) -> None:
    size, page = sized
    open_page(page, f"{server}/?lang={lang}&month=2026-10")
    page.screenshot(path=str(SHOTS / f"issue26_overview_{size}_{lang}.png"))
    strip = page.locator(".st-key-lagging")
    expect(strip).to_be_visible()
    assert i18n.t("lagging_title", lang) in strip.inner_text()
    links = strip.get_by_role("link")
    assert links.count() == 9  # three provinces on each of SI coverage, HI coverage, late payment
    height = page.viewport_size["height"]
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= height, (i, box, size)
        target = query(links.nth(i).get_attribute("href") or "")
        assert urlparse(links.nth(i).get_attribute("href") or "").path.rstrip("/").endswith("map")
        assert target["month"] == "2026-10" and target["layout"] == "P34"
        assert target["measure"] in {"si_coverage_rate", "hi_coverage_rate", "late_payment_rate"}
        assert target["lang"] == lang and target["selected"]


def test_a_lagging_province_is_one_click_from_its_place_on_the_map(
    server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    open_page(page, f"{server}/?lang=en&month=2025-09")
    link = page.locator(".st-key-lagging").get_by_role("link").first
    name = link.inner_text().split(" · ")[0].split("\n")[-1].strip()  # after the icon's name
    link.click()
    page.wait_for_url("**/map?**selected=**", timeout=30_000)
    wait_idle(page)
    panel = page.locator(".st-key-province_panel")
    expect(panel).to_be_visible(timeout=30_000)
    assert panel.get_by_test_id("stMarkdownContainer").first.inner_text() == name
    assert query(page.url)["month"] == "2025-09"
    assert "SI coverage · September 2025" in page.get_by_test_id("stHeading").nth(1).inner_text()


# ---------------------------------------------------------------- chart labels

# Every text drawn on a chart's plot (annotations: event and target labels, panel titles), with
# its box; the chart's own box; and the boxes of the data points drawn as markers.
LABELS_JS = """
(plot) => {
  const rect = (e) => { const r = e.getBoundingClientRect();
    return {l: r.left, t: r.top, r: r.right, b: r.bottom, w: r.width, h: r.height}; };
  const svg = rect(plot.querySelector('svg.main-svg'));
  const labels = [...plot.querySelectorAll('g.annotation text')]
    .filter((t) => t.textContent.trim()).map((t) => ({text: t.textContent, ...rect(t)}));
  const points = [...plot.querySelectorAll('g.trace.scatter path.point')]
    .map(rect).filter((p) => p.w > 0 && p.w < 30);
  const legend = [...plot.querySelectorAll('g.legend text.legendtext')].map((t) => t.textContent);
  const yaxes = Object.keys(plot._fullLayout).filter((k) => /^yaxis\\d*$/.test(k)).length;
  return {svg, labels, points, legend, yaxes};
}
"""


def overlaps(a: dict, b: dict, pad: float = 0.5) -> bool:
    return (
        a["l"] < b["r"] - pad and b["l"] < a["r"] - pad and a["t"] < b["b"] - pad
        and b["t"] < a["b"] - pad
    )  # fmt: skip


def check_labels(info: dict, where: str) -> None:
    labels, svg = info["labels"], info["svg"]
    for i, a in enumerate(labels):
        inside = a["l"] >= svg["l"] - 1 and a["r"] <= svg["r"] + 1
        assert inside and a["t"] >= svg["t"] - 1 and a["b"] <= svg["b"] + 1, (where, a, svg)
        for b in labels[i + 1 :]:
            assert not overlaps(a, b), (where, a["text"], b["text"])
        for p in info["points"]:
            assert not overlaps(a, p, 1.0), (where, a["text"], "sits on a data point", p)


@pytest.mark.parametrize("lang", LANGS)
def test_the_coverage_charts_labels_never_collide(
    server: str, sized: tuple[str, Page], open_page: Callable[[Page, str], None], lang: str
) -> None:
    size, page = sized
    open_page(page, f"{server}/?lang={lang}&month=2026-10")
    wait_charts_drawn(page)
    chart = page.get_by_test_id("stPlotlyChart").first
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    chart.screenshot(path=str(SHOTS / f"issue26_coverage_{size}_{lang}.png"))
    info = chart.locator(".js-plotly-plot").evaluate(LABELS_JS)
    check_labels(info, f"coverage {size} {lang}")
    # nothing was dropped: the events and the targets are named in the legend
    legend = " | ".join(info["legend"])
    short = "63 → 34 tỉnh" if lang == "vi" else "63 → 34 provinces"
    assert (
        f"{i18n.format_date(geo.MERGER_DATE, lang)} · {short}" in legend
        and i18n.t("target_legend", lang) in legend
    )
    assert info["yaxes"] == 3  # SI, UI and HI coverage: a panel and an axis each


@pytest.mark.parametrize("lang", LANGS)
def test_the_quality_tabs_chart_labels_never_collide(
    server: str, sized: tuple[str, Page], open_page: Callable[[Page, str], None], lang: str
) -> None:
    size, page = sized
    open_page(page, f"{server}/data?lang={lang}")
    page.get_by_role("tab", name=i18n.t("tab_quality", lang)).click()
    wait_idle(page)
    wait_charts_drawn(page)
    chart = page.locator('[data-testid="stPlotlyChart"]:visible').first
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    chart.screenshot(path=str(SHOTS / f"issue26_quality_{size}_{lang}.png"))
    info = chart.locator(".js-plotly-plot").evaluate(LABELS_JS)
    check_labels(info, f"quality {size} {lang}")
    merger = f"{i18n.format_date(geo.MERGER_DATE, lang)} · "
    assert any(t.startswith(merger) for t in info["legend"]), info["legend"]


# ---------------------------------------------------------------- Back


@pytest.mark.parametrize("lang", LANGS)
def test_one_back_from_the_profile_returns_to_the_map_with_the_province_selected(
    server: str, sized: tuple[str, Page], open_page: Callable[[Page, str], None], lang: str
) -> None:
    size, page = sized
    open_page(page, f"{server}/map?layout=P34&month=2025-09&lang={lang}")
    picker = page.get_by_test_id("stSelectbox").filter(has_text=i18n.t("map_selected", lang))
    picker.click()
    page.keyboard.type("An Giang")
    page.keyboard.press("Enter")
    page.wait_for_url("**selected=91**", timeout=30_000)
    wait_idle(page)
    on_map = page.url
    page.get_by_role("link", name=i18n.t("open_profile", lang)).click()
    page.wait_for_url("**/province?**", timeout=30_000)
    wait_idle(page)
    assert query(page.url)["province"] == "91"
    page.go_back()
    page.wait_for_timeout(500)
    wait_idle(page)
    assert urlparse(page.url).path.endswith("/map"), page.url
    assert query(page.url) == query(on_map)
    panel = page.locator(".st-key-province_panel")
    expect(panel).to_be_visible(timeout=30_000)
    assert panel.get_by_test_id("stMarkdownContainer").first.inner_text() == "An Giang"
    page.screenshot(path=str(SHOTS / f"issue26_back_{size}_{lang}.png"))


# ---------------------------------------------------------------- the Data page


@pytest.mark.parametrize("lang", LANGS)
def test_typing_a_measure_and_enter_adds_that_one_measure(
    server: str, sized: tuple[str, Page], open_page: Callable[[Page, str], None], lang: str
) -> None:
    size, page = sized
    open_page(page, f"{server}/data?lang={lang}")
    box = page.get_by_test_id("stMultiSelect").filter(has_text=i18n.t("f_measures", lang))
    # on the page itself, not in the sidebar a phone starts with collapsed
    assert box.locator("xpath=ancestor::*[@data-testid='stSidebar']").count() == 0
    expect(box).to_be_visible()
    box.locator("input").click()
    typed = "BHTN" if lang == "vi" else "UI"  # unemployment insurance: seven measures each
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    page.wait_for_url("**measures=**", timeout=30_000)
    wait_idle(page)
    measures = query(page.url)["measures"].split(",")
    assert len(measures) == 4, measures  # the three defaults and the one typed
    assert measures[:3] == ["si_participants", "si_coverage_rate", "hi_coverage_rate"]
    assert typed in box.inner_text()
    page.screenshot(path=str(SHOTS / f"issue26_data_{size}_{lang}.png"))


@pytest.mark.parametrize("lang", LANGS)
def test_a_phone_sees_the_value_column(
    server: str, browser: Browser, open_page: Callable[[Page, str], None], lang: str
) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        open_page(page, f"{server}/data?lang={lang}")
        grid = page.get_by_test_id("stDataFrame").first
        grid.scroll_into_view_if_needed()
        # the grid is a canvas; its accessible layer holds the columns it draws on screen
        shown = grid.locator("[role=columnheader]").all_inner_texts()
        assert i18n.t("col_value", lang) in shown, shown
        assert re.search(r"\d", grid.locator("[role=gridcell]").nth(2).inner_text() or "")
    finally:
        page.close()
