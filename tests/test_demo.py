"""The demo store: regenerated identically, complete, labelled, and shaped like the real thing."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from vss_dash import catalog, demo, geo, metrics, published, store


def test_fresh_generation_equals_the_committed_store(tmp_path, demo_store):
    demo.write(tmp_path)
    fresh = store.load(tmp_path)
    assert_frame_equal(fresh.observations.collect(), demo_store.observations.collect())
    assert_frame_equal(fresh.plans, demo_store.plans)
    assert_frame_equal(fresh.sources, demo_store.sources)


def test_every_month_province_and_stored_measure(frames):
    periods = frames.periods()
    assert periods[0] == date(2020, 1, 31) and periods[-1] == date(2026, 10, 31)
    assert len(periods) == 82
    monthly = [
        m.id
        for m in catalog.MEASURES
        if not m.derived and m.kind in ("stock", "ytd_flow") and m.geo_agg != "none"
    ]
    # a province's published figure stands in for its demo row
    demo_rows = frames.obs.filter(
        pl.col("status").is_in(["demo", "published"]) & (pl.col("layout") != "VN")
    )
    counts = (
        demo_rows.filter(pl.col("measure").is_in(monthly))
        .group_by("period", "layout")
        .agg(pl.col("geo_code").n_unique(), pl.col("measure").n_unique())
    )
    for r in counts.iter_rows(named=True):
        expected = 63 if r["period"] < geo.MERGER_DATE else 34
        assert r["layout"] == geo.layout_for_period(r["period"])
        assert (r["geo_code"], r["measure"]) == (expected, len(monthly)), r


def test_everything_not_published_is_labelled_demo(frames):
    assert set(frames.obs.get_column("status").unique()) == {"demo", "published"}
    demo_rows = frames.obs.filter(pl.col("status") == "demo")
    assert set(demo_rows.get_column("source_id").unique()) == {demo.DEMO_SOURCE}
    prov_plans = frames.plans.filter(pl.col("layout") != "VN")
    assert set(prov_plans.filter(pl.col("status") != "demo").get_column("source_id")) == {
        f.source_id for f in published.current() if f.is_target and f.layout != "VN"
    }


def test_shares_of_a_whole_stay_within_0_and_100(frames):
    for m in catalog.MEASURES:
        if m.formula and m.formula.op == "ratio":
            for layout in ("P63", "P34"):
                v = metrics.resolve(frames, m.id, layout).get_column("value")
                assert v.min() >= 0 and v.max() < 100, (m.id, layout, v.min(), v.max())


def _rate(frames, measure, code, period=date(2024, 9, 30)):
    return metrics.value_at(frames, measure, "P63", code, period)


@pytest.mark.parametrize("industrial", ["74", "75", "27", "01", "79"])
@pytest.mark.parametrize("mountain", ["02", "11", "12", "14"])
def test_industrial_provinces_have_high_si_and_mountain_ones_high_hi(frames, industrial, mountain):
    assert _rate(frames, "si_coverage_rate", industrial) > 2 * _rate(
        frames, "si_coverage_rate", mountain
    )
    assert _rate(frames, "hi_coverage_rate", mountain) > _rate(
        frames, "hi_coverage_rate", industrial
    )


def test_hi_dips_in_the_summer_and_recovers_with_the_school_year(frames):
    # 2023: the published record has HI climb all through 2024 and fall from June to November
    # 2025 (NOTES C8)
    hi = metrics.series(frames, "hi_participants", start=date(2023, 1, 1), end=date(2023, 12, 31))
    v = dict(zip(hi.get_column("period").dt.month(), hi.get_column("value"), strict=True))
    assert v[8] < v[6] and v[10] > v[8]


def test_december_sprint_in_revenue(frames):
    rev = (
        metrics.series(frames, "revenue_collected", start=date(2024, 1, 1), end=date(2024, 12, 31))
        .get_column("value")
        .to_list()
    )
    monthly = [rev[0]] + [b - a for a, b in zip(rev, rev[1:], strict=False)]
    assert monthly[11] > 1.8 * (sum(monthly[:11]) / 11)


def test_a_province_is_bent_to_its_published_months_in_logs_and_held_beyond():
    """`_corrections`: the ratio of pinned to generated value at each pinned month, interpolated
    in logs between them and held before the first and after the last."""
    shape = (demo.T, 2)
    before = {"x": np.full(shape, 100.0)}
    after = {"x": before["x"].copy()}
    after["x"][10, 0], after["x"][30, 0] = 50.0, 200.0
    corr = demo._corrections({}, before, after, [("x", 10, [0]), ("x", 30, [0])])["x"]
    assert corr[0, 0] == pytest.approx(0.5) and corr[10, 0] == pytest.approx(0.5)
    assert corr[20, 0] == pytest.approx(1.0)  # halfway in logs
    assert corr[-1, 0] == pytest.approx(2.0)
    assert (corr[:, 1] == 1).all()  # a province with nothing published keeps its weights
