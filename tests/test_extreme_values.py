"""Values a page must survive (#14): numbers far beyond anything real, and a month that has only
begun to arrive. Imports and the store refuse the implausible ones; formatting and charts never
crash on what gets through anyway."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import app_run
import polars as pl
import pytest

from vss_dash import catalog, charts, geo, i18n, ingest, metrics, store
from vss_dash.pages import PAGES
from vss_harness.ingest_files import long_csv

ROOT = Path(__file__).resolve().parent.parent
HUGE = [1e30, -1e30, 1e308, 9.9e307, 1e16]


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize("lang", i18n.LANGS)
def test_formatting_never_raises_on_huge_numbers(value, lang):
    for unit in ("persons", "billion_vnd", "percent", "visits", "cases", "count"):
        assert i18n.format_value(value, unit, lang)
    for kind in ("percent", "pp", "count", "vnd_billion"):
        assert i18n.format_change(value, lang, kind)
    assert (
        i18n.format_number(value, lang, 2)
        .replace(".", "")
        .replace(",", "")
        .lstrip(i18n.MINUS)[:1]
        .isdigit()
    )


def test_huge_numbers_keep_every_digit():
    assert i18n.format_number(1e30, "vi") == "1" + ".000" * 10
    assert i18n.format_number(-1e30, "en", 1) == i18n.MINUS + "1" + ",000" * 10 + ".0"


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [(None, None, []), (None, 5.0, []), (float("nan"), 1.0, []), (0.0, float("inf"), []),
     (3.0, 3.0, [3.0]), (-1e308, 1e308, [-1e308, 1e308]),
     (0.0, 10.0, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0])],
)  # fmt: skip
def test_ticks_of_any_range(lo, hi, expected):
    assert charts._ticks(lo, hi) == expected


def test_a_map_of_a_month_without_values_is_drawn(frames):
    table = metrics.province_table(frames, "si_coverage_rate", "P34", date(2025, 12, 31))
    empty = table.with_columns(pl.lit(None, pl.Float64).alias("value"))
    geojson = {"type": "FeatureCollection", "features": []}
    fig = charts.choropleth(empty, geojson, "si_coverage_rate", "vi", national=None)
    assert fig.data[0].zmin is None and list(fig.data[0].colorbar.tickvals) == []


@pytest.mark.parametrize(
    ("measure", "value"),
    [("si_compulsory", "130000000"), ("revenue_collected", "20000000"),
     ("hi_medical_visits", "2000000000")],
)  # fmt: skip
def test_an_import_refuses_a_value_no_place_can_hold(frames, measure, value):
    report = ingest.read(long_csv([("2024-09", "Hà Nội", measure, value, "")]), "x.csv",
                         frames=frames)  # fmt: skip
    f = next(f for f in report.errors if f.rule == "implausible")  # maybe beside others
    assert "Hà Nội" in f.message_vi and "thừa chữ số" in f.message_vi
    assert "extra digits" in f.message_en


def test_the_largest_real_value_is_far_below_the_ceiling(demo_store):
    """The ceilings leave room: the country's values are under 90 % of their unit's ceiling (the
    population, 101 million, is nearest), a province's under a quarter."""
    obs = store.current(demo_store.observations).collect()
    most = obs.group_by("measure", national=pl.col("layout") == "VN").agg(pl.col("value").max())
    for measure, national, value in most.iter_rows():
        assert value < catalog.get(measure).plausible_max * (0.9 if national else 0.25), measure


def test_the_store_refuses_an_implausible_value(demo_store):
    obs = store.current(demo_store.observations).collect()
    bad = obs.filter(pl.col("measure") == "si_compulsory").head(3).with_columns(value=5e8)
    assert not store.validate_observations(bad.with_columns(value=5e6))
    assert {p.rule for p in store.validate_observations(bad)} == {"plausible"}


@pytest.fixture
def partial_month(tmp_path, monkeypatch, demo_store) -> date:
    """A store whose newest month holds one value: the first province's report of it."""
    obs = demo_store.observations.collect()
    latest = obs.get_column("period").max()
    new = metrics.months_back(latest, -1)
    row = obs.filter(
        (pl.col("period") == latest) & (pl.col("measure") == "si_compulsory")
        & (pl.col("layout") == geo.layout_for_period(new))
    ).head(1).with_columns(pl.lit(new).alias("period"))  # fmt: skip
    store.write(tmp_path, pl.concat([obs, row]), demo_store.plans, demo_store.sources)
    monkeypatch.setenv("VSS_DATA_DIR", str(tmp_path))
    return new


@pytest.mark.parametrize("page", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_survives_a_month_that_has_only_begun(partial_month, page):
    at = app_run.page(page.script, 60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_a_province_holds_no_more_persons_than_its_population(frames):
    population = metrics.province_table(frames, "population", "P63", date(2024, 9, 30))
    hanoi = population.filter(pl.col("name") == "Hà Nội").item(0, "value")
    over = long_csv([("2024-09", "Hà Nội", "si_voluntary", str(int(hanoi * 1.1)), "")])
    report = ingest.read(over, "x.csv", frames=frames)
    f = next(f for f in report.errors if f.rule == "above_population")  # beside the labour force's
    assert "dân số" in f.message_vi and "population" in f.message_en
    # the file's own population is the one that counts
    more = [("2024-09", "Hà Nội", m, str(int(hanoi * k)), "")
            for m, k in (("si_voluntary", 1.1), ("population", 1.2))]  # fmt: skip
    with_pop = long_csv(more)
    assert "above_population" not in {
        f.rule for f in ingest.read(with_pop, "x.csv", frames=frames).errors
    }
