"""Plan path and year-end projection on synthetic series with known answers."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from vss_dash import metrics, projection, store

SHARES = [0.06, 0.12, 0.19, 0.26, 0.33, 0.41, 0.48, 0.55, 0.63, 0.71, 0.80, 1.0]  # Dec sprint


def ytd_series(annual: dict[int, float], shares=SHARES, last: tuple[int, int] = (2026, 12)):
    rows = []
    for year, total in annual.items():
        for month, share in enumerate(shares, start=1):
            if (year, month) <= last:
                rows.append(
                    {"period": metrics.months_back(date(year, month, 1), 0), "value": total * share}
                )
    return pl.DataFrame(rows)


def test_same_shape_every_year_projects_exactly_with_zero_backtest_error():
    s = ytd_series({2022: 100.0, 2023: 110.0, 2024: 121.0, 2025: 133.1}, last=(2025, 9))
    p = projection.project(s, date(2025, 9, 30))
    assert p.year_end == pytest.approx(133.1)
    assert p.backtest.get_column("year").to_list() == [2023, 2024]
    assert p.backtest.get_column("error").to_list() == pytest.approx([0.0, 0.0])
    assert p.half_width == projection.MIN_HALF_WIDTH  # the floor, since the back-test is exact
    assert p.backtest_mape == pytest.approx(0.0)


def test_backtest_error_is_reported_and_sets_the_interval():
    # 2023 ended 10 % above what its September share promised: the December sprint was larger
    shares_2023 = [s * (1 / 1.1) if i < 11 else 1.0 for i, s in enumerate(SHARES)]
    s = pl.concat([
        ytd_series({2022: 100.0}),
        ytd_series({2023: 110.0}, shares=shares_2023),
        ytd_series({2024: 120.0}, last=(2024, 9)),
    ])  # fmt: skip
    p = projection.project(s, date(2024, 9, 30))
    bt = dict(zip(p.backtest["year"], p.backtest["error"], strict=True))
    assert bt[2023] == pytest.approx(1 / 1.1 - 1)  # projected from 2022's shape: 9.1 % short
    assert p.half_width == pytest.approx(abs(1 / 1.1 - 1))
    assert p.low < p.year_end < p.high


def test_no_earlier_year_means_no_projection():
    s = ytd_series({2025: 100.0}, last=(2025, 6))
    assert projection.project(s, date(2025, 6, 30)) is None


def test_interval_without_backtest_is_wide_and_says_so():
    s = ytd_series({2024: 100.0, 2025: 100.0}, last=(2025, 6))
    p = projection.project(s, date(2025, 6, 30))
    assert p.backtest.height == 0 and p.half_width == projection.NO_BACKTEST_HALF_WIDTH
    assert p.backtest_mape is None


@pytest.mark.parametrize(("plan", "good", "expected"), [
    (90.0, "up", "on_track"), (95.0, "up", "on_track"), (99.0, "up", "likely"),
    (100.0, "up", "likely"), (102.0, "up", "at_risk"), (120.0, "up", "off_track"),
    (120.0, "down", "on_track"), (101.0, "down", "likely"), (98.0, "down", "at_risk"),
    (90.0, "down", "off_track"),
])  # fmt: skip
def test_verdict(plan, good, expected):
    p = projection.Projection(date(2025, 9, 30), 100.0, 95.0, 105.0, 0.05, pl.DataFrame(), 2)
    assert projection.verdict(p, plan, good) == expected


def test_a_projection_above_the_plan_is_never_at_risk():
    """Issue 16: SI participants at 100.2 % of the plan, projection above it, a wide interval:
    the verdict was "at risk"."""
    p = projection.Projection(date(2026, 10, 31), 100.6, 97.0, 104.2, 0.036, pl.DataFrame(), 2)
    assert projection.verdict(p, 100.0, "up", current=100.2) == "likely"
    # a year-to-date flow that already reached the plan cannot fall back
    assert projection.verdict(p, 100.0, "up", current=100.2, can_fall=False) == "achieved"
    assert projection.verdict(p, 100.5, "up", current=100.2, can_fall=False) == "likely"


def test_plan_path_follows_earlier_years_shape_and_ends_at_the_plan():
    s = ytd_series({2023: 100.0, 2024: 200.0, 2025: 50.0}, last=(2025, 3))
    path = projection.plan_path(s, 2025, 1000.0)
    assert path.height == 12
    assert path.get_column("path").to_list() == pytest.approx([1000 * x for x in SHARES])
    assert path.item(11, "path") == pytest.approx(1000.0)  # December is the plan itself
    assert path.item(11, "period") == date(2025, 12, 31)


def test_plan_view_on_the_demo_store(frames):
    v = projection.plan_view(frames, "revenue_collected", "VN", "VN", date(2024, 9, 30))
    assert v.plan == pytest.approx(
        metrics.plan_table(frames, "revenue_collected", "VN")
        .filter(pl.col("year") == 2024)
        .item(0, "target")
    )
    assert v.path.item(11, "path") == pytest.approx(v.plan)
    actual = metrics.value_at(frames, "revenue_collected", "VN", "VN", date(2024, 9, 30))
    assert v.completion == pytest.approx(100 * actual / v.plan)
    assert v.verdict in projection.VERDICTS
    assert v.last_year.height == 12 and v.actual.height == 9
    rate = projection.plan_view(frames, "si_coverage_rate", "VN", "VN", date(2025, 9, 30))
    assert (rate.plan, rate.plan_source) == (45.0, "target")  # Resolution 28: 45 % by 2025
    assert set(rate.targets.get_column("year")) >= {2025, 2030}


def test_plan_view_carries_each_values_status_and_source(frames):
    v = projection.plan_view(frames, "revenue_collected", "VN", "VN", date(2024, 9, 30))
    series = metrics.series(frames, "revenue_collected", "VN", "VN")
    assert_frame_equal(v.actual, series.filter(pl.col("period").dt.year() == 2024).head(9))
    assert v.last_year.columns == ["period", "value", "status", "source_id"]
    december = series.filter(pl.col("period").dt.month() == 12).select(
        year=pl.col("period").dt.year().cast(pl.Int32), status="status", source_id="source_id"
    )
    bt = v.projection.backtest
    assert bt.height and bt.schema["status"] == store.STATUS
    assert_frame_equal(
        bt.select("year", "status", "source_id"),
        bt.select("year").join(december, on="year", how="left", maintain_order="left"),
    )  # each back-test year with its December value's status and source
