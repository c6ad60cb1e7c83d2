"""Downloads in a real browser: the buttons under a data table deliver files (built on click on
the server) with the names the page promises, and a screenshot shows the row of buttons."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import polars as pl
from playwright.sync_api import Page

from vss_dash import i18n
from vss_harness.browser import wait_idle

SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"  # git-ignored
STEM = "vss_si_coverage_rate_P34_2026-09_demo"


def test_map_table_downloads_csv_excel_and_parquet(
    server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    open_page(page, f"{server}/map?lang=en&month=2026-09&measure=si_coverage_rate")
    page.get_by_text("Show data table").click()
    # the table is drawn on opening (a rerun): measure the row once it stands under the table
    page.locator(".st-key-show_map_table [data-testid='stDataFrame']").wait_for(timeout=30_000)
    wait_idle(page)
    row = page.locator(".st-key-downloads_map_table")
    buttons = row.get_by_test_id("stDownloadButton")
    assert buttons.count() == 3
    tops = {round(b["y"]) for b in (buttons.nth(i).bounding_box() for i in range(3)) if b}
    assert len(tops) == 1, "the three buttons sit in one row"
    row.scroll_into_view_if_needed()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / "map_downloads_en.png")

    got: dict[str, bytes] = {}
    for label in ("Download CSV", "Download Excel", "Download Parquet"):
        with page.expect_download(timeout=30_000) as info:
            row.get_by_role("button", name=label).click()
        download = info.value
        got[download.suggested_filename] = Path(download.path()).read_bytes()
    assert set(got) == {f"{STEM}.csv", f"{STEM}.xlsx", f"{STEM}.parquet"}

    csv = got[f"{STEM}.csv"]
    assert csv.startswith(b"\xef\xbb\xbf")
    # the CSV speaks the page's language (issue 24); the Parquet, read by programs, keeps ids
    table = pl.read_csv(io.BytesIO(csv[3:]))
    status = table.get_column(i18n.t("col_status", "en"))
    assert table.height == 34 and set(status) == {i18n.status_word("demo", "en")}
    parquet = pl.read_parquet(io.BytesIO(got[f"{STEM}.parquet"]))
    assert set(parquet.get_column("status")) == {"demo"}
    names = table.get_column(i18n.t("col_province", "en")).to_list()
    assert parquet.get_column("name").to_list() == names
    sheet = openpyxl.load_workbook(io.BytesIO(got[f"{STEM}.xlsx"])).active
    assert sheet["A1"].value == "SI coverage · September 2026"
    assert any("Demo data, not real figures" in (c.value or "") for c in sheet["A"])


def test_a_chart_downloads_as_a_png_drawn_by_the_browser(
    server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    """#16: each chart offers itself as a picture, made in the browser (no outside request),
    named like its data files (demo data says so)."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_page(page, f"{server}/?lang=en&month=2026-09")
    chart = page.locator(".st-key-chart_coverage .js-plotly-plot")
    chart.hover()
    buttons = chart.locator(".modebar-btn")
    assert buttons.count() == 1  # the picture, nothing else
    with page.expect_download(timeout=30_000) as info:
        buttons.first.click()
    download = info.value
    assert download.suggested_filename == "vss_coverage_trend_VN_2026-09_demo.png"
    assert Path(download.path()).read_bytes().startswith(b"\x89PNG")
    assert all(u.startswith(server) or u.startswith(("data:", "blob:")) for u in requests)


def test_a_chart_downloads_as_an_svg_drawn_on_the_server(
    server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    """#16: beside a chart's data files, the chart as SVG, drawn on a click by plotly.js in the
    server's own headless Chromium: the PNG's name with .svg, a file that stands alone."""
    from defusedxml import ElementTree

    from vss_dash import chart_svg

    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_page(page, f"{server}/?lang=en&month=2026-09")
    page.locator(".st-key-show_coverage").get_by_text("Show data table").click()
    page.locator(".st-key-show_coverage [data-testid='stDataFrame']").wait_for(timeout=30_000)
    wait_idle(page)
    row = page.locator(".st-key-downloads_coverage")
    assert row.get_by_test_id("stDownloadButton").count() == 4  # CSV, Excel, Parquet, SVG
    row.scroll_into_view_if_needed()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / "coverage_downloads_en.png")
    button = row.get_by_role("button", name="Download SVG")
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "vss_coverage_trend_VN_2026-09_demo.svg"
    data = Path(download.path()).read_bytes()
    chart_svg.check(data.decode())
    assert "Coverage" in "".join(ElementTree.fromstring(data).itertext())
    assert all(u.startswith(server) or u.startswith(("data:", "blob:")) for u in requests)
