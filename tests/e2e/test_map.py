"""The map in a real browser: every province drawn as a filled shape, and a click on the map or on
a ranking row opens that province's profile."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page

from vss_dash import geo


def test_clicking_a_ranking_row_opens_its_profile(
    server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    open_page(page, f"{server}/map?layout=P34&month=2026-10&lang=en")
    grid = page.get_by_test_id("stDataFrame").first  # "Best": rank 1 is Bắc Ninh
    box = grid.bounding_box()
    assert box is not None
    # the grid is a canvas: click the selection cell of the first data row (rows are 35 px)
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)
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
    page.wait_for_url("**/province**", timeout=30_000)
    open_page(page, page.url)
    heading = page.get_by_test_id("stHeading").first.inner_text()
    assert heading.startswith("Province profile") and "Hà Nội" in heading


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
