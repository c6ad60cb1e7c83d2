"""A "link to this data" beside a table's downloads (ui/tables.data_link, api.data_link, issue 30):
the address of /api/v1/data that gives exactly the values on screen, with the page's measures,
layout, provinces, months and language; none where the API cannot give them as they are, none
for a measure the API would refuse the viewer, and none unless the server serves the API."""

from __future__ import annotations

import io
import urllib.parse
import warnings
from datetime import date

import app_run
import polars as pl
import pytest
from starlette.applications import Starlette
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from vss_dash import api, catalog, dataset, geo, metrics, pages
from vss_dash.figure import round_published

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

NATIONAL = {"layout": "VN", "geo_code": "VN"}
COVERAGE = list(pages.COVERAGE)
INTERNAL = next(m.id for m in catalog.MEASURES if not m.public and not m.national_only)


@pytest.fixture(autouse=True)
def open_demo(monkeypatch):
    for name in ("VSS_PROFILE", "VSS_PRINT_TOKEN", "VSS_PRINT_TOKEN_EXPIRES"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def client() -> TestClient:
    return TestClient(Starlette(routes=api.routes(limit=10_000)))


def params_of(url: str) -> dict[str, str]:
    parts = urllib.parse.urlsplit(url)
    assert parts.path == "/api/v1/data" and not parts.netloc  # relative: the same server
    return dict(urllib.parse.parse_qsl(parts.query))


def values_at(client: TestClient, url: str) -> dict[tuple, float]:
    """(measure, geo_code, YYYY-MM) -> value of what the link serves (as JSON)."""
    r = client.get(url.replace("format=csv", "format=json"))
    assert r.status_code == 200, r.text
    return {(x["measure"], x["geo_code"], x["period"]): x["value"] for x in r.json()["rows"]}


def test_a_data_page_table_links_to_its_filters(frames, client):
    start, end = date(2026, 1, 1), date(2026, 6, 30)
    measures = ("si_coverage_rate", "hi_coverage_rate")
    df = dataset.table(frames, measures, "P34", ("01", "79"), start, end, "en")
    url = api.data_link(frames, df, None, "en", "analyst")
    p = params_of(url)
    assert set(p.pop("measure").split(",")) == set(measures)  # in the table's order
    assert p == {
        "layout": "P34",
        "provinces": "01,79",
        "from": "2026-01",
        "to": "2026-06",
        "format": "csv",
        "lang": "en",
    }
    assert "provinces=01,79" in url  # readable: commas as they are
    got = values_at(client, url)
    want = {
        (m, g, f"{p:%Y-%m}"): round_published(v, catalog.get(m).unit)
        for m, g, p, v in df.select("measure", "geo_code", "period", "value").iter_rows()
    }
    assert got == want
    # every province: no province list
    every = dataset.table(frames, measures, "P34", (), start, end, "vi")
    assert "provinces" not in params_of(api.data_link(frames, every, None, "vi", None))


def test_a_national_chart_and_the_cards_link_through_their_place(frames, client):
    period = frames.periods()[-1]
    snap, history = metrics.kpis(frames, COVERAGE, period)
    url = api.data_link(frames, history, NATIONAL, "vi", None)
    p = params_of(url)
    assert p["measure"].split(",") == COVERAGE and p["layout"] == "VN" and "provinces" not in p
    assert (p["from"], p["to"]) == (f"{metrics.months_back(period, 23):%Y-%m}", f"{period:%Y-%m}")
    got = values_at(client, url)
    assert got == {
        (m, "VN", f"{d:%Y-%m}"): round_published(v, "percent")
        for m, d, v in history.select("measure", "period", "value").iter_rows()
    }
    cards = params_of(api.data_link(frames, snap, NATIONAL, "vi", None))
    assert cards["from"] == cards["to"] == f"{period:%Y-%m}"


def test_a_map_links_to_its_month_of_every_province(frames, client):
    period = frames.periods()[-1]
    table = metrics.province_table(frames, "si_coverage_rate", "P34", period)
    place = {"measure": "si_coverage_rate", "layout": "P34", "period": period}
    url = api.data_link(frames, table, place, "en", None)
    assert params_of(url)["from"] == params_of(url)["to"] == f"{period:%Y-%m}"
    got = values_at(client, url)
    assert len(got) == len(geo.codes("P34"))
    assert got == {
        ("si_coverage_rate", g, f"{period:%Y-%m}"): round_published(v, "percent")
        for g, v in table.select("geo_code", "value").iter_rows()
    }


def test_no_link_where_the_api_cannot_give_those_values(frames):
    period = frames.periods()[-1]
    # a province beside the country: two layouts
    both = metrics.compared_history(frames, "si_coverage_rate", "P34", ("01", "79"), "vi")
    assert api.data_link(frames, both, {"measure": "si_coverage_rate"}, "vi", None) is None
    # nothing says which measure, or which place
    _, history = metrics.kpis(frames, COVERAGE, period)
    assert api.data_link(frames, history, None, "vi", None) is None
    assert api.data_link(frames, history.drop("measure"), NATIONAL, "vi", None) is None
    # a value changed (a sum, a projection): not the API's
    changed = history.with_columns(pl.col("value") + 1)
    assert api.data_link(frames, changed, NATIONAL, "vi", None) is None
    # some months of a range only: the API would give the months between too
    gappy = history.filter(pl.col("period").dt.month() == 1)
    assert api.data_link(frames, gappy, NATIONAL, "vi", None) is None
    assert api.data_link(frames, history.clear(), NATIONAL, "vi", None) is None


def test_no_link_to_a_measure_the_api_refuses_the_viewer(frames):
    period = frames.periods()[-1]
    _, history = metrics.kpis(frames, [INTERNAL], period)
    assert api.data_link(frames, history, NATIONAL, "en", "analyst")  # the open demo
    assert api.data_link(frames, history, NATIONAL, "en", None) is None  # anyone else


# ---------------------------------------------------------------- on the pages (AppTest)


@pytest.fixture
def served(monkeypatch):
    monkeypatch.setattr(api, "_SERVED", type(api._SERVED)())
    api.mark_served()
    yield
    assert api.served()


def run(script: str, **params: str) -> AppTest:
    at = app_run.page(script, 60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def links(at: AppTest) -> dict[str, str]:
    return {b.key: b.proto.url for b in at.link_button}


def test_without_the_api_the_pages_show_no_link():
    assert not api.served()  # this process serves no API (asgi.py was not imported)
    assert not links(run("views/overview.py", lang="en", month="2026-09"))


def test_the_overview_links_its_cards_and_chart(served):
    at = run("views/overview.py", lang="en", month="2026-09")
    found = links(at)
    assert set(found) == {"link_kpi_table", "link_coverage"}
    p = params_of(found["link_coverage"])
    assert p["measure"].split(",") == COVERAGE and p["lang"] == "en" and p["to"] == "2026-09"
    assert [b.label for b in at.link_button] == ["Link to this data"] * 2


def test_the_data_pages_link_gives_its_csv_download_byte_for_byte(served, client, monkeypatch):
    found = {}
    register = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        file_id = register(self, data_callable, mimetype, coordinates, file_name, **kw)
        found[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    at = run(
        "views/data.py",
        lang="vi",
        layout="P34",
        measures="si_coverage_rate,hi_coverage_rate",
        provinces="01,79",
    )
    url = links(at)["link_data"]
    assert at.link_button(key="link_data").label == "Liên kết tới dữ liệu này"
    p = params_of(url)
    assert p["layout"] == "P34" and p["provinces"] == "01,79" and p["lang"] == "vi"
    assert set(p["measure"].split(",")) == {"si_coverage_rate", "hi_coverage_rate"}
    csv = next(b for b in at.get("download_button") if b.key == "csv_data")
    page_csv = found[csv.proto.deferred_file_id]()
    r = client.get(url)
    assert r.status_code == 200 and r.content == page_csv
    assert pl.read_csv(io.BytesIO(r.content[3:])).height > 0


def test_a_public_deployment_links_public_measures_only(served, monkeypatch):
    """Outside the open demo the API serves anyone the public measures only: a signed-in
    analyst's Data page links a public measure's table, not an internal one's."""
    from test_access import USERS, app

    monkeypatch.setenv("VSS_PROFILE", "production")
    public = app("views/data.py", USERS["analyst"], lang="en", measures="si_coverage_rate")
    assert not public.exception and "link_data" in links(public)
    internal = app("views/data.py", USERS["analyst"], lang="en", measures=INTERNAL)
    assert internal.get("download_button") and "link_data" not in links(internal)
