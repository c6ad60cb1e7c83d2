"""The map in a real browser: every province drawn as a filled shape; a click on the map or on a
ranking row selects that province (outlined, its panel beside the map) and the panel's button
opens its profile; the archipelagos' names are never cut off, on a laptop, a phone or a
projector."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from vss_dash import geo, i18n


def panel_title(page: Page) -> str:
    panel = page.locator(".st-key-province_panel")
    expect(panel).to_be_visible(timeout=30_000)
    return panel.get_by_test_id("stMarkdownContainer").first.inner_text()


def test_clicking_a_ranking_row_selects_it_and_the_panel_opens_its_profile(
    server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    open_page(page, f"{server}/map?layout=P34&month=2026-10&lang=en")
    grid = page.get_by_test_id("stDataFrame").first  # "Best": rank 1 is Bắc Ninh
    box = grid.bounding_box()
    assert box is not None
    # the grid is a canvas: click the selection cell of the first data row (rows are 35 px)
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)
    assert panel_title(page) == "Bắc Ninh"
    page.wait_for_url("**/map?*selected=24*", timeout=20_000)  # still on the map; the URL is
    # written once, at the end of the run
    outlined = page.wait_for_function(  # the map redrawn with the province outlined
        "() => { const d = document.querySelector('.js-plotly-plot').data;"
        " return d.length > 1 && d[1].locations; }",
        timeout=30_000,
    ).json_value()
    assert outlined == ["24"]
    page.get_by_role("link", name="Open the province profile").click()
    page.wait_for_url("**/province**", timeout=30_000)
    open_page(page, page.url)
    assert "province=24" in page.url
    assert "Bắc Ninh" in page.get_by_test_id("stHeading").first.inner_text()


def test_map_draws_a_filled_shape_per_province(
    server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    for layout in ("P63", "P34"):
        month = "2024-09" if layout == "P63" else "2026-10"
        open_page(page, f"{server}/map?layout={layout}&month={month}&lang=en")
        shapes = page.locator("path.choroplethlocation")
        assert shapes.count() == len(geo.codes(layout))
        fills = shapes.evaluate_all("(ps) => ps.map((p) => getComputedStyle(p).fill)")
        assert all(f.startswith("rgb") for f in fills), fills[:5]
        assert len(set(fills)) > 5, "a choropleth should use more than a handful of colours"


def test_clicking_a_province_on_the_map_opens_its_profile(
    server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    open_page(page, f"{server}/map?layout=P34&month=2026-10&lang=en")
    # plotly draws one path per location, in the trace's order
    index = page.evaluate(
        "() => document.querySelector('.js-plotly-plot').data[0].locations.indexOf('01')"
    )
    hanoi = page.locator("path.choroplethlocation").nth(index)
    x, y = hanoi.evaluate(INSIDE_POINT_JS)
    page.mouse.move(x, y)  # plotly picks the location under the pointer on hover, as a person
    page.wait_for_timeout(300)
    page.mouse.click(x, y)
    assert panel_title(page) == "Hà Nội"
    page.wait_for_url("**selected=01*", timeout=20_000)


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844), (1920, 1080)])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_archipelagos_names_are_never_cut_off(
    server: str, browser: Browser, open_page: Callable[[Page, str], None], width, height, lang
) -> None:
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        open_page(page, f"{server}/map?layout=P34&month=2026-10&lang={lang}")
        page.wait_for_selector(".js-plotly-plot .scattergeo text", timeout=30_000)
        inside = page.evaluate(NAMES_INSIDE_JS)
        names = [i18n.t(k, lang).split(" (")[0] for k in ("archipelago_hs", "archipelago_ts")]
        assert [n for n, _ in inside if any(n.startswith(x) for x in names)], inside
        assert all(ok for _, ok in inside), inside
    finally:
        page.close()


# Each name drawn on the map, and whether its box lies inside the map's own frame (the geo
# subplot, whose clip path cuts what runs over its edge) and clear of the colour bar.
NAMES_INSIDE_JS = """
() => {
  const plot = document.querySelector('.js-plotly-plot');
  const frame = plot.querySelector('.geo .bg rect').getBoundingClientRect();
  const bar = plot.querySelector('.colorbar').getBoundingClientRect();
  return [...plot.querySelectorAll('.scattergeo text')].map((t) => {
    const b = t.getBoundingClientRect();
    const inside = b.left >= frame.left - 0.5 && b.right <= frame.right + 0.5
      && b.top >= frame.top - 0.5 && b.bottom <= frame.bottom + 0.5;
    const overBar = b.left < bar.right && b.right > bar.left && b.top < bar.bottom
      && b.bottom > bar.top;
    return [t.textContent, inside && !overBar];
  });
}
"""


# A point inside a shape (its bounding box's centre may lie in a neighbour), in page pixels.
INSIDE_POINT_JS = """
(path) => {
  const b = path.getBBox(), m = path.getScreenCTM();
  for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
    const p = new DOMPoint(b.x + b.width * i / 20, b.y + b.height * j / 20);
    if (path.isPointInFill(p)) { const s = p.matrixTransform(m); return [s.x, s.y]; }
  }
  throw new Error('no inside point');
}
"""
