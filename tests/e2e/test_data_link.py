"""A chart's "link to this data" in a real browser (issue 30), on the server that serves the data
API beside the pages (`streamlit run vss_dash/asgi.py`): the link opens the CSV of the data API
at an address of the same server, and its numbers are the ones the chart draws."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest
from playwright.sync_api import Download, Page

from vss_dash import catalog, export, i18n, pages
from vss_dash.figure import round_published
from vss_harness.browser import start_server, wait_idle

LANG = "en"
# plotly.js's own copy of each trace the chart draws
TRACES_JS = """(key) => [...document.querySelector(`.st-key-${key} .js-plotly-plot`).data]
  .map((t) => ({name: t.name, mode: t.mode || '', x: t.x, y: t.y, locations: t.locations,
                z: t.z}))"""


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The pages and the API in one server, started as the README says."""
    with start_server(tmp_path_factory.mktemp("asgi"), script="vss_dash/asgi.py") as base:
        yield base


def open_table(page: Page, key: str, lang: str = LANG) -> None:
    """Open a table's expander (its downloads and link sit under the table)."""
    page.locator(f".st-key-show_{key}").get_by_text(i18n.t("show_table", lang)).click()
    page.locator(f".st-key-show_{key} [data-testid='stDataFrame']").wait_for(timeout=30_000)
    wait_idle(page)


def follow(page: Page, key: str) -> tuple[str, bytes]:
    """Click the table's "Link to this data" as a person would (it opens a new tab, which the
    browser turns into a download: the CSV); the link's address and the file's bytes."""
    link = page.locator(f".st-key-downloads_{key}").get_by_role("link", name="Link to this data")
    href = link.get_attribute("href")
    got: list[Download] = []
    page.on("download", lambda d: got.append(d))
    with page.context.expect_page() as opened:
        link.click()
    tab = opened.value
    tab.on("download", lambda d: got.append(d))
    for _ in range(300):
        if got:
            break
        page.wait_for_timeout(100)
    assert got, f"the link delivered no file: {tab.url}"
    return href, Path(got[0].path()).read_bytes()


def read_csv(data: bytes) -> pl.DataFrame:
    assert data.startswith(b"\xef\xbb\xbf")
    df = pl.read_csv(io.BytesIO(data[3:]), infer_schema=False)
    names = {export.header_label(c, LANG): c for c in ("period", "geo_code", "measure", "value")}
    names[export.header_label("measure_label", LANG)] = "measure_label"
    return df.rename({k: v for k, v in names.items() if k in df.columns})


def test_the_coverage_charts_link_gives_the_numbers_it_draws(api_server: str, page: Page) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{api_server}/?lang={LANG}&month=2026-09", wait_until="domcontentloaded")
    wait_idle(page)
    open_table(page, "coverage")
    href, data = follow(page, "coverage")
    assert href.startswith("/api/v1/data?") and "lang=en" in href and "to=2026-09" in href
    rows = read_csv(data)
    labels = {catalog.get(m).label(LANG): catalog.get(m) for m in pages.COVERAGE}
    lines = [
        t for t in page.evaluate(TRACES_JS, "chart_coverage")
        if t["name"] in labels and t["mode"].startswith("lines")
    ]  # fmt: skip
    assert {t["name"] for t in lines} == set(labels)
    for t in lines:
        m = labels[t["name"]]
        drawn = {
            str(x)[:7]: round_published(y, m.unit) for x, y in zip(t["x"], t["y"], strict=True)
        }
        mine = rows.filter(pl.col("measure_label") == t["name"])
        served = {p[:7]: float(v) for p, v in mine.select("period", "value").iter_rows()}
        assert served == drawn, m.id
    assert all(u.startswith(api_server) or u.startswith(("data:", "blob:")) for u in requests)


def test_the_maps_link_gives_each_provinces_number(api_server: str, page: Page) -> None:
    page.goto(
        f"{api_server}/map?lang={LANG}&layout=P34&month=2026-10&measure=si_coverage_rate",
        wait_until="domcontentloaded",
    )
    wait_idle(page)
    open_table(page, "map_table")
    href, data = follow(page, "map_table")
    assert "layout=P34" in href and "from=2026-10&to=2026-10" in href
    rows = read_csv(data)
    (fills,) = [t for t in page.evaluate(TRACES_JS, "chart_map") if t["locations"]][:1]
    drawn = {
        code: round_published(z, "percent")
        for code, z in zip(fills["locations"], fills["z"], strict=True)
    }
    served = {c: float(v) for c, v in rows.select("geo_code", "value").iter_rows()}
    assert served == drawn and len(served) == 34


def test_the_server_answers_the_links_address_itself(
    api_server: str, page: Page, open_page: Callable[[Page, str], None]
) -> None:
    """The same address read by a program (as Power Query or pandas would) answers the CSV."""
    open_page(page, f"{api_server}/?lang=vi&month=2026-09")
    open_table(page, "coverage", "vi")
    link = page.locator(".st-key-downloads_coverage").get_by_role(
        "link", name=i18n.t("data_link", "vi")
    )
    r = page.request.get(f"{api_server}{link.get_attribute('href')}")
    assert r.status == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.body().startswith(b"\xef\xbb\xbf")
