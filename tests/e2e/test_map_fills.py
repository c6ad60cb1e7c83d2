"""Issue 26 in a real browser, on the province map (/map?layout=P34&month=2026-10) at a laptop
(1366×768), a phone (390×844) and a large screen (1920×1080), in both languages: the drawn
country fills its chart box, the national marker on the colour bar covers no tick label and the
bar covers no province, and the lagging provinces' table stands beside the map on a laptop's
first screen (after the map on a phone).

Measured before the fix (the box 560 px tall, the colour bar below the frame, the frame as wide as
the sea to 117.8 °E): the provinces' shapes spanned 387×444 px of a 536×560 box at 1366 (72 % ×
79 %), 387×444 of 868×560 at 1920 (45 % × 79 %) and 314×360 of 366×560 on a phone (86 % × 64 %);
after it, 518×592 of 528×615 (98 % × 96 %), 808×924 of 860×960 (94 % × 96 %) and 359×410 of
366×427 (98 % × 96 %). FILLS is the share each way the shapes must span."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from vss_dash import i18n
from vss_harness.browser import wait_charts_drawn

LANGS = ("vi", "en")
SHOTS = Path(__file__).resolve().parent / "screenshots"
FILLS = 0.9  # of the chart box's width and of its height, both
URL = "{server}/map?layout=P34&month=2026-10&lang={lang}"
# the national value of SI coverage at 10/2026 lies between two ticks (46, ticks 20 to 80); that of
# compulsory SI coverage on one (40.3: the "4●"); plan completion's under the first (73.5,
# ticks 80 to 120 on a scale centred on 100)
MARKED = ("si_coverage_rate", "si_compulsory_rate", "revenue_plan_completion")


# The map's chart box, the box of every province's shape together, the colour bar's tick labels
# (the national marker's lines apart: the "▲" and its words), the colour bar and each shape's box,
# and the two ranking tables; all in page pixels.
MEASURE_JS = """
() => {
  const rect = (r) => ({l: r.left, t: r.top, r: r.right, b: r.bottom, w: r.width, h: r.height});
  const box = (e) => rect(e.getBoundingClientRect());
  const plot = document.querySelector('.js-plotly-plot');  // the page's one chart
  const chart = box(plot.closest('[data-testid="stPlotlyChart"]'));
  const shapes = [...plot.querySelectorAll('path.choroplethlocation')].map(box);
  const drawn = shapes.reduce((a, s) => ({l: Math.min(a.l, s.l), t: Math.min(a.t, s.t),
    r: Math.max(a.r, s.r), b: Math.max(a.b, s.b)}), {l: 1e9, t: 1e9, r: -1e9, b: -1e9});
  drawn.w = drawn.r - drawn.l; drawn.h = drawn.b - drawn.t;
  const texts = [...plot.querySelectorAll('.colorbar text')].filter((t) => !t.closest('.cbtitle')
    && !/title/.test(t.getAttribute('class') || ''));
  const ticks = [], marker = [];
  for (const t of texts) {
    const lines = [...t.querySelectorAll('tspan.line')].filter((s) => s.textContent.trim());
    if (lines.length) lines.forEach((s) => marker.push({text: s.textContent, ...box(s)}));
    else ticks.push({text: t.textContent, ...box(t)});
  }
  const grids = [...document.querySelectorAll('[data-testid="stDataFrame"]')].map(box);
  const said = plot.data[0].colorbar.ticktext.slice(0, -1);
  return {viewport: [innerWidth, innerHeight], chart, drawn, ticks, marker, grids, said,
    bar: box(plot.querySelector('.colorbar')), shapes};
}
"""


def overlaps(a: dict, b: dict, pad: float = 1.0) -> bool:
    """Two boxes share more than `pad` px each way (a text's line box is a little taller than
    its letters, so the marker's line under the ticks' touches theirs by less than a pixel)."""
    return (
        a["l"] < b["r"] - pad and b["l"] < a["r"] - pad and a["t"] < b["b"] - pad
        and b["t"] < a["b"] - pad
    )  # fmt: skip


def measure(page: Page, open_page: Callable[[Page, str], None], server: str, lang: str,
            size: str, measure_: str = "si_coverage_rate") -> dict:  # fmt: skip
    open_page(page, URL.format(server=server, lang=lang) + f"&measure={measure_}")
    status = wait_charts_drawn(page)
    assert not status["problems"], status
    page.wait_for_timeout(300)  # the box's CSS size reaches plotly on its resize
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"map_fills_{size}_{lang}_{measure_}.png"))
    return page.evaluate(MEASURE_JS)


@pytest.mark.parametrize("lang", LANGS)
def test_the_country_fills_its_chart_box(
    server: str, sized: tuple[str, Page], open_page: Callable[[Page, str], None], lang: str
) -> None:
    size, page = sized
    m = measure(page, open_page, server, lang, size)
    chart, drawn = m["chart"], m["drawn"]
    wide, tall = drawn["w"] / chart["w"], drawn["h"] / chart["h"]
    assert wide >= FILLS and tall >= FILLS, (size, lang, round(wide, 3), round(tall, 3), m)
    # the shapes stay inside their box, which a person can see whole on the screen
    assert drawn["l"] >= chart["l"] - 1 and drawn["r"] <= chart["r"] + 1, (drawn, chart)
    assert drawn["t"] >= chart["t"] - 1 and drawn["b"] <= chart["b"] + 1, (drawn, chart)
    assert chart["h"] <= m["viewport"][1], (chart, m["viewport"])


@pytest.mark.parametrize("measure_", MARKED)
@pytest.mark.parametrize("lang", LANGS)
def test_the_national_marker_covers_no_tick_and_the_bar_no_province(
    server: str,
    sized: tuple[str, Page],
    open_page: Callable[[Page, str], None],
    lang: str,
    measure_: str,
) -> None:
    size, page = sized
    m = measure(page, open_page, server, lang, size, measure_)
    ticks, marker, chart = m["ticks"], m["marker"], m["chart"]
    assert [t["text"] for t in ticks] == m["said"] and len(ticks) >= 2, (ticks, m["said"])
    # the marker: "▲" at the national value, then the words with the value, all on the map
    assert [x["text"][0] for x in marker] == ["▲", i18n.t("national", lang)[0]], marker
    assert marker[1]["text"].startswith(i18n.t("national", lang) + " "), marker
    for x in marker:
        assert chart["l"] <= x["l"] and x["r"] <= chart["r"], (x, chart)
        assert chart["t"] <= x["t"] and x["b"] <= chart["b"], (x, chart)
        for t in ticks:
            assert not overlaps(x, t), (size, lang, x, t)
    # the bar lies in the sea: no province's shape reaches into its box
    bar = m["bar"]
    assert chart["t"] - 1 <= bar["t"] and bar["r"] <= chart["r"] + 1, (bar, chart)  # plotly rounds
    assert not [s for s in m["shapes"] if overlaps(s, bar, 0.0)], bar


@pytest.mark.parametrize("lang", LANGS)
def test_the_lagging_provinces_stand_beside_the_map(
    server: str, sized: tuple[str, Page], open_page: Callable[[Page, str], None], lang: str
) -> None:
    size, page = sized
    m = measure(page, open_page, server, lang, size)
    chart, (best, lagging) = m["chart"], m["grids"][:2]
    if size == "390x844":  # a phone: the ranking follows the map
        assert best["t"] >= chart["b"] and lagging["t"] > best["b"], (chart, best, lagging)
        return
    # beside the map, from its top; the lagging table's header and first rows on the first
    # screen (a row is 35 px)
    assert best["l"] >= chart["r"] and lagging["l"] >= chart["r"], (chart, best, lagging)
    assert best["t"] < lagging["t"] < chart["b"], (chart, best, lagging)
    assert lagging["t"] + 3 * 35 <= m["viewport"][1], (size, lagging, m["viewport"])


FRAME_JS = """
() => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return {l: r.left, t: r.top, r: r.right, b: r.bottom, w: r.width, h: r.height}; };
  const plot = document.querySelector('.js-plotly-plot');
  return {frame: box(plot.querySelector('.geo .bg rect')),
    bar: box(plot.querySelector('.colorbar')),
    chart: box(plot.closest('[data-testid="stPlotlyChart"]'))};
}
"""


@pytest.mark.parametrize("region", ["red_river", "mekong"])
def test_a_deltas_frame_fills_its_box_with_the_colour_bar_under_it(
    server: str, sized: tuple[str, Page], open_page: Callable[[Page, str], None], region: str
) -> None:
    """A delta's frame is all land and water of the delta: its colour bar lies under it, and the
    two fill the box (the box is the frame's shape with room for the bar, charts.map_aspect)."""
    size, page = sized
    open_page(page, URL.format(server=server, lang="vi") + f"&region={region}")
    assert not wait_charts_drawn(page)["problems"]
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"map_fills_{size}_vi_{region}.png"))
    m = page.evaluate(FRAME_JS)
    frame, bar, chart = m["frame"], m["bar"], m["chart"]
    assert bar["t"] >= frame["b"] - 1 and bar["b"] <= chart["b"] + 1, m
    wide, tall = frame["w"] / chart["w"], (bar["b"] - frame["t"]) / chart["h"]
    assert max(wide, tall) >= 0.97 and min(wide, tall) >= 0.8, (size, region, wide, tall, m)


# ---------------------------------------------------------------- the month slider (issues 26, 28)

SLIDER_JS = """
() => {
  const plot = document.querySelector('.js-plotly-plot');
  const rect = (e) => { const r = e.getBoundingClientRect();
    return {l: r.left, t: r.top, r: r.right, b: r.bottom}; };
  const texts = [...plot.querySelectorAll('g.slider-container text')].map((t) => t.textContent);
  return {chart: rect(plot.closest('[data-testid="stPlotlyChart"]')),
    slider: rect(plot.querySelector('g.slider-container')),
    buttons: rect(plot.querySelector('g.updatemenu-container')),
    bar: rect(plot.querySelector('.colorbar')),
    month: texts.filter(Boolean)[0], first: plot.data[0].locations[0], z: plot.data[0].z[0]};
}
"""


@pytest.mark.parametrize("lang", LANGS)
def test_the_slider_moves_the_map_through_the_months_in_the_browser(
    server: str, sized: tuple[str, Page], open_page: Callable[[Page, str], None], lang: str,
    frames,
) -> None:  # fmt: skip
    """Its first month drawn from the frames the page sent: the map's values become that
    month's as the data layer gives them, and the page (its URL, its heading) stays at its
    month: no rerun on the server. The slider and its buttons lie inside the chart, clear of the
    colour bar."""
    from datetime import date

    from vss_dash import metrics

    size, page = sized
    open_page(page, URL.format(server=server, lang=lang))
    wait_charts_drawn(page)
    heading = page.get_by_test_id("stHeading").nth(1).inner_text()
    before = page.evaluate(SLIDER_JS)
    assert before["month"] == i18n.format_month(date(2026, 10, 31), lang)
    for part in ("slider", "buttons"):
        box = before[part]
        inside = box["l"] >= before["chart"]["l"] - 1 and box["r"] <= before["chart"]["r"] + 1
        assert inside and box["t"] >= before["chart"]["t"] - 1, (size, part, box)
        assert not overlaps(box, before["bar"]), (size, part)
    rail = page.locator("g.slider-container rect.slider-rail-rect").first.bounding_box()
    assert rail
    page.mouse.click(rail["x"] + 3, rail["y"] + rail["height"] / 2)
    page.wait_for_function(
        "(m) => [...document.querySelectorAll('.js-plotly-plot g.slider-container text')]"
        ".some((t) => t.textContent === m)",
        arg=i18n.format_month(date(2024, 11, 30), lang),
        timeout=10_000,
    )
    after = page.evaluate(SLIDER_JS)
    first = metrics.province_table(frames, "si_coverage_rate", "P34", date(2024, 11, 30))
    row = first.filter(first["geo_code"] == after["first"]).row(0, named=True)
    assert after["z"] == pytest.approx(row["value"])
    assert "month=2026-10" in page.url  # the page's month: the server ran nothing
    assert page.get_by_test_id("stHeading").nth(1).inner_text() == heading
    page.screenshot(path=str(SHOTS / f"map_slider_{size}_{lang}.png"))
