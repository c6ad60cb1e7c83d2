"""The data API (vss_dash/api.py, issue 30) through Starlette's TestClient over an app made of
`api.routes()` only, with no Streamlit server: every route, every format read back with Polars,
the values against the data layer's, ETag and 304, a JSON 400 for every bad parameter, 403 for an
internal measure outside the open demo, 429 after the rate limit, 503 when the store cannot be
read, and `streamlit run vss_dash/asgi.py` finding the app."""

from __future__ import annotations

import io
import json
import warnings
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from starlette.applications import Starlette

from vss_dash import (
    api,
    api_query,
    catalog,
    data,
    dataset,
    export,
    geo,
    i18n,
    metrics,
    published,
    store,
)
from vss_dash.figure import round_published

with warnings.catch_warnings():
    # starlette 1.10 prefers httpx2 for its TestClient; the httpx of the dev group still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
DATA = "/api/v1/data"
INTERNAL = next(m.id for m in catalog.MEASURES if not m.public and not m.national_only)
PUBLIC = "si_coverage_rate"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def open_demo(monkeypatch):
    """Every test starts in the open demo profile unless it says otherwise."""
    for name in ("VSS_PROFILE", "VSS_PRINT_TOKEN", "VSS_PRINT_TOKEN_EXPIRES"):
        monkeypatch.delenv(name, raising=False)


def make_client(**kw) -> TestClient:
    return TestClient(Starlette(routes=api.routes(**kw)))


@pytest.fixture
def client() -> TestClient:
    return make_client(limit=10_000)


def expected_table(frames, measure, layout, codes, start, end, lang) -> pl.DataFrame:
    """What the Data page's downloads start from for the same filters (ui/data_page.data_table,
    ui/tables.downloads)."""
    df = dataset.table(frames, (measure,), layout, codes, start, end, lang)
    return export.with_alternatives(df, published.alternatives(), lang)


def month_end(ym: str) -> date:
    return api_query._month(ym, "to", last=True)


# ---------------------------------------------------------------- the catalogue


def test_measures_list_the_catalogue(client):
    r = client.get("/api/v1/measures")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    got = {m["id"]: m for m in r.json()["measures"]}
    assert list(got) == [m.id for m in catalog.MEASURES]
    for m in catalog.MEASURES:
        row = got[m.id]
        assert row["name_vi"] == m.label("vi") and row["name_en"] == m.label("en")
        assert row["unit"] == m.unit and row["internal"] is (not m.public)
        assert row["available"] is True  # the open demo: everyone is an analyst


def test_measures_outside_the_demo_say_what_is_not_available(client, monkeypatch):
    monkeypatch.setenv("VSS_PROFILE", "production")
    got = {m["id"]: m for m in client.get("/api/v1/measures").json()["measures"]}
    assert {i for i, m in got.items() if not m["available"]} == {
        m.id for m in catalog.MEASURES if not m.public
    }


# ---------------------------------------------------------------- the data, each format


def test_json_holds_the_data_layers_values(client, frames):
    r = client.get(DATA, params={"measure": PUBLIC, "layout": "P34", "provinces": "79,01"})
    assert r.status_code == 200, r.text
    body = r.json()
    periods = dataset.periods_for(frames, "P34")
    assert (body["measure"], body["layout"], body["provinces"]) == (PUBLIC, "P34", ["01", "79"])
    assert (body["from"], body["to"]) == (f"{periods[0]:%Y-%m}", f"{periods[-1]:%Y-%m}")
    assert body["status"] == "demo" and "Demo data" in body["status_text"]
    rows = pl.DataFrame(body["rows"])
    assert set(rows["geo_code"]) == {"01", "79"} and set(rows["layout"]) == {"P34"}
    assert {"period", "geo_code", "province", "value", "status", "source_id"} <= set(rows.columns)
    # the data layer's values, rounded as the pages show them
    raw = metrics.resolve(frames, PUBLIC, "P34").filter(pl.col("geo_code").is_in(["01", "79"]))
    assert rows.height == raw.height
    want = {
        (f"{p:%Y-%m}", g): round_published(v, "percent")
        for p, g, v in raw.select("period", "geo_code", "value").iter_rows()
    }
    got = {(p, g): v for p, g, v in rows.select("period", "geo_code", "value").iter_rows()}
    assert got == want
    names = dict(rows.select("geo_code", "province").unique().iter_rows())
    assert names == {c: dataset.names("P34", "vi")[c] for c in ("01", "79")}


def test_json_in_english_names_places_and_measures_in_english(client):
    r = client.get(DATA, params={"measure": PUBLIC, "lang": "en"})
    body = r.json()
    assert body["lang"] == "en" and body["title"] == i18n.t("tab_table", "en")
    rows = body["rows"]
    assert {x["province"] for x in rows} == {i18n.t("national", "en")}
    assert {x["measure_label"] for x in rows} == {catalog.get(PUBLIC).label("en")}


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_csv_is_the_data_pages_csv_download(client, frames, lang):
    """Byte for byte what export.to_csv gives the Data page for the same filters: BOM, headers
    and words in the chosen language, values rounded as published."""
    q = {"measure": PUBLIC, "layout": "P34", "from": "2026-01", "to": "2026-06"}
    r = client.get(DATA, params=q | {"format": "csv", "lang": lang})
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    start, end = date(2026, 1, 1), month_end("2026-06")
    df = expected_table(frames, PUBLIC, "P34", (), start, end, lang)
    assert r.content == export.to_csv(export.tidy(df, lang), lang)
    assert r.content.startswith(b"\xef\xbb\xbf")
    stem = export.stem("data", "P34", start, end)
    assert f'filename="{stem}_demo.csv"' in r.headers["content-disposition"]
    back = pl.read_csv(io.BytesIO(r.content[3:]), infer_schema=False)
    assert back.columns == export.headers(export.tidy(df, lang).columns, lang)
    assert back.columns[0] == i18n.t("col_period", lang)
    assert back.height == df.height == 6 * len(geo.codes("P34"))
    value = back.get_column(i18n.t("col_value", lang)).cast(pl.Float64).to_list()
    assert value == export.tidy(df, lang)["value"].to_list()


def test_parquet_holds_the_same_rows_with_the_exports_metadata(client, frames):
    q = {"measure": PUBLIC, "layout": "P63", "provinces": "01", "to": "2024-12"}
    r = client.get(DATA, params=q | {"format": "parquet"})
    assert r.status_code == 200 and r.headers["content-type"] == api.FORMATS["parquet"]
    back = pl.read_parquet(io.BytesIO(r.content))
    start = dataset.periods_for(frames, "P63")[0]
    df = expected_table(frames, PUBLIC, "P63", ("01",), start, month_end("2024-12"), "vi")
    assert back.equals(export.tidy(df, "vi"))
    meta = pl.read_parquet_metadata(io.BytesIO(r.content))
    assert meta["vss:status"] == "demo" and meta["vss:lang"] == "vi"
    assert json.loads(meta["vss:sources"]) and meta["vss:as_of"] == "2024-12-31"


def test_a_month_range_and_a_national_only_measure(client, frames):
    national = next(m.id for m in catalog.MEASURES if m.national_only and m.public)
    r = client.get(DATA, params={"measure": national, "from": "2025-01", "to": "2025-03"})
    assert r.status_code == 200
    assert {x["period"] for x in r.json()["rows"]} <= {"2025-01", "2025-02", "2025-03"}
    assert client.get(DATA, params={"measure": national, "layout": "P34"}).status_code == 400


def test_several_measures_in_one_request(client, frames):
    """measure=a,b: the Data page's table of several measures (its CSV byte for byte); an id
    given twice counts once; a national-only one among them needs layout=VN."""
    two = f"{PUBLIC},hi_coverage_rate"
    q = {"measure": two, "layout": "P34", "provinces": "01", "from": "2026-01", "to": "2026-03"}
    r = client.get(DATA, params=q | {"format": "csv", "lang": "en"})
    assert r.status_code == 200, r.text
    start, end = date(2026, 1, 1), month_end("2026-03")
    df = dataset.table(frames, (PUBLIC, "hi_coverage_rate"), "P34", ("01",), start, end, "en")
    df = export.with_alternatives(df, published.alternatives(), "en")
    assert r.content == export.to_csv(export.tidy(df, "en"), "en")
    body = client.get(DATA, params=q | {"measure": f"{two},{PUBLIC}"}).json()
    assert body["measures"] == [PUBLIC, "hi_coverage_rate"] and body["measure"] == two
    assert {x["measure"] for x in body["rows"]} == {PUBLIC, "hi_coverage_rate"}
    assert len(body["rows"]) == 2 * 3
    national = next(m.id for m in catalog.MEASURES if m.national_only and m.public)
    assert_refusal(
        client.get(DATA, params={"measure": f"{PUBLIC},{national}", "layout": "P34"}), 400
    )
    assert client.get(DATA, params={"measure": f"{PUBLIC},{national}"}).status_code == 200


def test_an_alias_answers_for_its_measure(client):
    m = next(m for m in catalog.MEASURES if m.aliases and m.public)
    r = client.get(DATA, params={"measure": m.aliases[0], "to": "2025-01"})
    assert r.status_code == 200 and r.json()["measure"] == m.id


# ---------------------------------------------------------------- published figures, readiness


def test_published_figures_with_their_sources(client):
    r = client.get("/api/v1/published")
    assert r.status_code == 200
    body = r.json()
    assert len(body["figures"]) == len(published.figures())
    first, fig = body["figures"][0], published.figures()[0]
    assert (first["value"], first["source_id"], first["role"]) == (
        fig.value,
        fig.source_id,
        fig.role,
    )
    ids = {s["source_id"] for s in body["sources"]}
    assert {f["source_id"] for f in body["figures"]} <= ids


def test_ready_names_the_stores_generation_and_token(client, demo_store):
    r = client.get("/api/v1/ready")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ready" and body["generation"] == demo_store.generation
    assert body["token"] == json.loads(json.dumps(store.token(), default=str))
    assert body["key"] == data.key_of(data.token())


@pytest.mark.parametrize("variable", ["VSS_DATA_DIR", "VSS_STORE"])
def test_a_store_that_cannot_be_read_is_a_503(tmp_path, monkeypatch, variable):
    monkeypatch.setenv(variable, str(tmp_path))
    c = make_client()
    for path in ("/api/v1/ready", f"{DATA}?measure={PUBLIC}"):
        r = c.get(path)
        assert r.status_code == 503, path
        assert set(r.json()) == {"error_vi", "error_en"}
        assert r.json()["error_en"] == i18n.t("api.store_unavailable", "en")
    assert c.get("/api/v1/measures").status_code == 200  # the catalogue needs no store


# ---------------------------------------------------------------- ETag


def test_a_repeated_request_with_its_etag_is_a_304(client, monkeypatch):
    path = f"{DATA}?measure={PUBLIC}&layout=P34&format=csv"
    first = client.get(path)
    tag = first.headers["etag"]
    assert first.status_code == 200 and tag.startswith('"')
    again = client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    other = client.get(f"{path}&lang=en", headers={"If-None-Match": tag})
    assert other.status_code == 200 and other.headers["etag"] != tag
    for route in ("/api/v1/measures", "/api/v1/published"):
        t = client.get(route).headers["etag"]
        assert client.get(route, headers={"If-None-Match": f'"x", {t}'}).status_code == 304
    # a new store generation (another token) is a new ETag: the 304 no longer holds
    real = store.token()
    monkeypatch.setattr(store, "token", lambda where=None: (*real, ("new", 1)))
    fresh = client.get(path, headers={"If-None-Match": tag})
    assert fresh.status_code == 200 and fresh.headers["etag"] != tag
    assert fresh.content == first.content


# ---------------------------------------------------------------- refusals


def assert_refusal(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error_vi", "error_en"} and all(body.values())
    assert "Traceback" not in r.text
    return body


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"measure": "no_such_measure"},
        {"measure": PUBLIC, "layout": "P99"},
        {"measure": PUBLIC, "layout": "p34"},
        {"measure": PUBLIC, "from": "2026-13"},
        {"measure": PUBLIC, "from": "2026-1"},
        {"measure": PUBLIC, "to": "sep 2026"},
        {"measure": PUBLIC, "from": "2026-06", "to": "2026-01"},
        {"measure": PUBLIC, "format": "xlsx"},
        {"measure": PUBLIC, "lang": "fr"},
        {"measure": PUBLIC, "layout": "P34", "provinces": "01,99"},
        {"measure": PUBLIC, "layout": "P63", "provinces": "<script>"},
        {"measure": PUBLIC, "provinces": "01"},  # VN holds only the nation
        {"measure": PUBLIC, "provines": "01"},  # a typo is not ignored
        {"measure": ","},
        {"measure": f"{PUBLIC},no_such_measure"},
    ],
    ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "nothing",
)
def test_every_bad_parameter_is_a_bilingual_400(client, params):
    assert_refusal(client.get(DATA, params=params), 400)


def test_a_parameter_given_twice_is_a_400(client):
    assert_refusal(client.get(f"{DATA}?measure={PUBLIC}&measure={INTERNAL}"), 400)


def test_the_refusal_names_what_was_wrong(client):
    body = assert_refusal(client.get(DATA, params={"measure": PUBLIC, "layout": "P99"}), 400)
    assert body["error_en"] == i18n.t("api.bad_layout", "en", value="P99", allowed="VN, P63, P34")
    assert "P99" in body["error_vi"]


def test_an_unknown_address_is_a_json_404(client):
    for path in ("/api/v1", "/api/v1/nothing", "/api/v1/data/x"):
        assert_refusal(client.get(path), 404)


def test_another_method_than_get_is_a_json_405(client):
    for method in ("POST", "PUT", "DELETE"):
        r = client.request(method, DATA, params={"measure": PUBLIC})
        body = assert_refusal(r, 405)
        assert method in body["error_en"] and r.headers["allow"] == "GET, HEAD"
    assert client.head("/api/v1/measures").status_code == 200
    assert_refusal(client.post("/api/v1/nothing"), 404)


def test_a_failure_is_a_500_without_a_traceback(client, monkeypatch):
    def broken(*_a, **_k):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(api, "render", broken)
    body = assert_refusal(client.get(DATA, params={"measure": PUBLIC}), 500)
    assert "secret detail" not in json.dumps(body)


# ---------------------------------------------------------------- roles


@pytest.mark.parametrize("how", ["environment", "secrets"])
def test_an_internal_measure_is_refused_outside_the_open_demo(monkeypatch, how):
    if how == "environment":
        monkeypatch.setenv("VSS_PROFILE", "production")
        c = make_client()
    else:
        c = make_client(secrets=lambda: {"access": {"profile": "production"}})
    body = assert_refusal(c.get(DATA, params={"measure": INTERNAL}), 403)
    assert INTERNAL in body["error_en"]
    assert_refusal(c.get(DATA, params={"measure": INTERNAL, "format": "csv"}), 403)
    assert_refusal(c.get(DATA, params={"measure": f"{PUBLIC},{INTERNAL}"}), 403)  # any one
    assert c.get(DATA, params={"measure": PUBLIC}).status_code == 200  # press-safe: served


def test_the_open_demo_serves_internal_measures(client):
    r = client.get(DATA, params={"measure": INTERNAL, "format": "json"})
    assert r.status_code == 200 and r.json()["rows"]


def test_bad_access_settings_serve_nothing(monkeypatch):
    monkeypatch.setenv("VSS_PROFILE", "nonsense")
    c = make_client()
    assert_refusal(c.get(DATA, params={"measure": PUBLIC}), 503)
    assert_refusal(c.get("/api/v1/measures"), 503)


# ---------------------------------------------------------------- rate limit


def test_a_client_over_the_limit_gets_a_429_until_the_window_moves_on():
    clock = Clock()
    c = make_client(limit=3, window=60.0, clock=clock)
    for _ in range(3):
        assert c.get("/api/v1/measures").status_code == 200
    r = c.get("/api/v1/measures")
    body = assert_refusal(r, 429)
    assert "3" in body["error_en"] and int(r.headers["retry-after"]) >= 1
    assert_refusal(c.get(DATA, params={"measure": PUBLIC}), 429)  # every route counts
    other = TestClient(c.app, client=("10.0.0.2", 50000))
    assert other.get("/api/v1/measures").status_code == 200  # per client address
    clock.now += 61
    assert c.get("/api/v1/measures").status_code == 200


def test_behind_the_local_proxy_each_visitor_has_a_limit_of_their_own():
    """nginx (deploy/) connects from the loopback and names the visitor in X-Real-IP: each
    visitor is counted apart; from anywhere else the header is not believed."""
    c = make_client(limit=2, window=60.0, clock=Clock())
    proxy = TestClient(c.app, client=("127.0.0.1", 40000))
    for visitor in ("203.0.113.7", "203.0.113.8"):
        for _ in range(2):
            r = proxy.get("/api/v1/measures", headers={"X-Real-IP": visitor})
            assert r.status_code == 200
    assert_refusal(proxy.get("/api/v1/measures", headers={"X-Real-IP": "203.0.113.7"}), 429)
    spoof = TestClient(c.app, client=("198.51.100.1", 40000))
    for ip in ("1.1.1.1", "2.2.2.2"):
        assert spoof.get("/api/v1/measures", headers={"X-Real-IP": ip}).status_code == 200
    assert_refusal(spoof.get("/api/v1/measures", headers={"X-Real-IP": "3.3.3.3"}), 429)
    assert api.client_address("127.0.0.1", None) == "127.0.0.1"


def test_the_limiter_forgets_old_clients():
    clock = Clock()
    limiter = api.RateLimit(1, 10.0, clock)
    assert limiter.wait("a") == 0 and limiter.wait("a") == pytest.approx(10.0)
    clock.now += 4
    assert limiter.wait("a") == pytest.approx(6.0)
    clock.now += 7
    assert limiter.wait("a") == 0


# ---------------------------------------------------------------- the server


def test_streamlit_run_finds_the_app_beside_the_pages():
    """`streamlit run vss_dash/asgi.py` serves the st.App (found by reading, not running, the
    file); no route of the API is one Streamlit reserves."""
    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(ROOT / "vss_dash" / "asgi.py")
    assert found.is_asgi_app and found.import_string == "asgi:app"
    reserved = ("/_stcore/", "/media/", "/component/", "/static/")
    assert all(
        not route.path.startswith(reserved) and route.path.startswith(api.PREFIX)
        for route in api.routes()
    )
