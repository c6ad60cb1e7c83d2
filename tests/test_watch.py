"""The watch list on small literal frames: one outlier injected per reason into an otherwise uniform
frame is found, and nothing else; the robust z on known sets; thresholds; and the demo store's
planted HI cost outliers."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import polars as pl
import pytest

from vss_dash import demo, geo, metrics, store, watch

V = datetime(2026, 1, 1, tzinfo=UTC)
SEP23, AUG24, SEP24 = date(2023, 9, 30), date(2024, 8, 31), date(2024, 9, 30)
CODES = geo.codes("P63")[:10]  # ten provinces of the 63-province layout: 01, 02, 04, … 15

# Every province alike: SI coverage 40 %, UI 30 %, HI 90 %, late payment 5 %, HI cost +10 % a
# year, participants unchanged since last month and since last year.
BASE = {
    "si_compulsory": 400,
    "si_voluntary": 0,
    "labour_force_working_age": 1000,
    "ui_participants": 300,
    "hi_participants": 900,
    "population": 1000,
    "late_payment_amount": 5,
    "amount_receivable": 100,
}
COST = {SEP23: 100, SEP24: 110}

Overrides = dict[tuple[str, str, date | None], float]  # (code, measure, period or all) -> value


def frames(overrides: Overrides = {}, status: str = "demo", drop=()) -> metrics.Frames:  # noqa: B006
    """The uniform frame with some values replaced (period None: at every period) or dropped."""
    rows = []
    for code in CODES:
        for period in (SEP23, AUG24, SEP24):
            for measure, value in BASE.items():
                rows.append((period, code, measure, value))
        for period, value in COST.items():
            rows.append((period, code, "hi_medical_cost", value))
    out = []
    for period, code, measure, value in rows:
        if (code, measure, period) in drop:
            continue
        value = overrides.get((code, measure, None), value)
        value = overrides.get((code, measure, period), value)
        out.append(
            {
                "period": period,
                "layout": "P63",
                "geo_code": code,
                "measure": measure,
                "value": float(value),
                "status": status,
                "source_id": "src",
                "vintage": V,
            }
        )
    obs = store.conform(pl.DataFrame(out), store.OBS_SCHEMA)
    plans = store.conform(pl.DataFrame(schema=store.PLAN_SCHEMA), store.PLAN_SCHEMA)
    return metrics.Frames(obs, plans)


def flagged(wl: pl.DataFrame) -> list[tuple[str, str]]:
    return wl.select("reason", "geo_code").rows()


# reason -> (province, injected values); each injection moves only its own reason
INJECTIONS: dict[str, tuple[str, Overrides]] = {
    "low_si_coverage": ("02", {("02", "si_compulsory", None): 100}),  # 10 % vs 37 %
    "low_hi_coverage": ("04", {("04", "hi_participants", None): 800}),  # 80 % vs 89 %
    "low_ui_coverage": ("06", {("06", "ui_participants", None): 50}),  # 5 % vs 27.5 %
    "high_late_payment": ("08", {("08", "late_payment_amount", None): 15}),  # 15 % vs 6 %
    "hi_cost_growth": ("10", {("10", "hi_medical_cost", SEP24): 130}),  # +30 % vs +10 %
    # falls of 1.5 % since August: past the 1 % threshold, too small to move coverage 2 pp
    "fall_si_participants": ("11", {("11", "si_compulsory", SEP24): 394}),
    "fall_hi_participants": ("12", {("12", "hi_participants", SEP24): 886.5}),
    "fall_ui_participants": ("14", {("14", "ui_participants", SEP24): 295.5}),
}


def test_the_injections_cover_every_reason():
    assert set(INJECTIONS) == {r.id for r in watch.REASONS}


def test_a_uniform_frame_flags_nothing():
    wl = watch.watch_list(frames(), SEP24)
    assert wl.height == 0
    assert wl.schema == pl.Schema(watch.SCHEMA)
    # not even with every threshold at zero: a province at the national value is never flagged
    zero = watch.Thresholds(**dict.fromkeys(watch.LIMITS, 0.0))
    assert watch.watch_list(frames(), SEP24, zero).height == 0


@pytest.mark.parametrize("reason", list(INJECTIONS))
def test_one_injected_outlier_is_found_and_nothing_else(reason):
    code, overrides = INJECTIONS[reason]
    wl = watch.watch_list(frames(overrides), SEP24)
    assert flagged(wl) == [(reason, code)]


def test_all_injected_outliers_together_are_found_in_reason_order():
    overrides = {k: v for _, o in INJECTIONS.values() for k, v in o.items()}
    wl = watch.watch_list(frames(overrides), SEP24)
    assert flagged(wl) == [(reason, code) for reason, (code, _) in INJECTIONS.items()]


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        # value, national, gap, gap_kind, trend (on Sep 2023), trend_kind
        ("low_si_coverage", (10.0, 37.0, -27.0, "pp", 0.0, "pp")),
        ("high_late_payment", (15.0, 6.0, 9.0, "pp", 0.0, "pp")),
        # z = 20 / (1.2533 * 2): MAD is 0 here, so the mean absolute deviation stands in
        ("hi_cost_growth", (30.0, 12.0, 20 / (watch.MEAN_AD_SCALE * 2), "z", None, "pp")),
        # the national SI fell 0.15 %: the province's fall is its own
        ("fall_si_participants", (-1.5, -0.15, -1.35, "pp", -1.5, "percent")),
    ],
)
def test_values_national_gap_and_trend(reason, expected):
    code, overrides = INJECTIONS[reason]
    row = watch.watch_list(frames(overrides), SEP24).row(0, named=True)
    got = tuple(row[c] for c in ("value", "national", "gap", "gap_kind", "trend", "trend_kind"))
    assert got == pytest.approx(expected)
    assert (row["layout"], row["period"], row["status"]) == ("P63", SEP24, "demo")
    assert row["name"] == geo.province_name("P63", code)
    assert row["measure"] == watch.BY_ID[reason].measure


def test_thresholds_change_the_result_and_the_threshold_is_inclusive():
    code, overrides = INJECTIONS["low_si_coverage"]  # 27 pp below national
    fr = frames(overrides)
    for threshold, expected in ((20.0, 1), (27.0, 1), (27.01, 0), (40.0, 0)):
        wl = watch.watch_list(fr, SEP24, watch.Thresholds(si_coverage_gap=threshold))
        assert wl.height == expected, threshold
    # a lower HI threshold lets a smaller gap through: the 1.5 % HI fall leaves 1.2 pp
    hi_code, hi_fall = INJECTIONS["fall_hi_participants"]
    fr = frames(hi_fall)
    wl = watch.watch_list(fr, SEP24, watch.Thresholds(hi_coverage_gap=1.0))
    assert flagged(wl) == [("low_hi_coverage", hi_code), ("fall_hi_participants", hi_code)]
    wl = watch.watch_list(fr, SEP24, watch.Thresholds(participant_fall_pct=2.0))
    assert flagged(wl) == []


def test_more_severe_first_and_ties_by_code():
    overrides = {
        ("01", "si_compulsory", None): 100,
        ("02", "si_compulsory", None): 50,  # the lowest: first
        ("04", "si_compulsory", None): 100,  # tied with 01: by code
    }
    wl = watch.watch_list(frames(overrides), SEP24, watch.Thresholds(si_coverage_gap=10))
    assert flagged(wl) == [("low_si_coverage", c) for c in ("02", "01", "04")]


def test_a_province_without_a_value_is_not_flagged():
    code, overrides = INJECTIONS["low_hi_coverage"]
    fr = frames(overrides, drop={(code, "hi_participants", SEP24)})
    wl = watch.watch_list(fr, SEP24)
    assert flagged(wl) == []  # neither for coverage nor as a fall
    # no value a year earlier: still flagged, without a trend
    fr = frames(overrides, drop={(code, "hi_participants", SEP23)})
    wl = watch.watch_list(fr, SEP24)
    assert flagged(wl) == [("low_hi_coverage", code)]
    assert wl.item(0, "trend") is None


def test_too_few_peers_for_a_z_score():
    code, overrides = INJECTIONS["hi_cost_growth"]
    others = [c for c in CODES if c != code]
    drop = {(c, "hi_medical_cost", SEP24) for c in others[: len(others) - watch.MIN_PEERS + 2]}
    assert watch.watch_list(frames(overrides, drop=drop), SEP24).height == 0


def test_status_is_the_weakest_used():
    code, overrides = INJECTIONS["low_si_coverage"]
    wl = watch.watch_list(frames(overrides, status="published"), SEP24)
    assert wl.get_column("status").to_list() == ["published"]
    assert wl.schema["status"] == store.STATUS  # the store's enum, so min() is the weakest


def test_no_data_for_the_month_is_an_empty_list():
    wl = watch.watch_list(frames(), date(2020, 1, 31))
    assert wl.height == 0 and wl.columns == list(watch.SCHEMA)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # median 3, absolute deviations 2 1 0 1 97: MAD 1
        ([1, 2, 3, 4, 100], [-2 / 1.4826, -1 / 1.4826, 0, 1 / 1.4826, 97 / 1.4826]),
        # median 15, deviations 5 5 0 5 35: MAD 5
        ([10, 20, 15, 10, 50], [-1 / 1.4826, 1 / 1.4826, 0, -1 / 1.4826, 7 / 1.4826]),
        # MAD 0: the mean absolute deviation (5 / 7) times 1.2533 stands in
        ([1, 1, 1, 1, 1, 1, 6], [0] * 6 + [5 / (1.2533 * 5 / 7)]),
        # nobody differs: no z at all
        ([4, 4, 4, 4, 4], [None] * 5),
    ],
)
def test_robust_z_on_known_sets(values, expected):
    got = pl.DataFrame({"x": values}, schema={"x": pl.Float64}).select(
        z=watch.robust_z(pl.col("x"))
    )
    assert got.get_column("z").to_list() == pytest.approx(expected)


@pytest.mark.parametrize(
    "bad",
    [{"cost_growth_z": -1.0}, {"si_coverage_gap": math.nan}, {"participant_fall_pct": 101.0}],
)
def test_thresholds_out_of_range_are_refused(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        watch.Thresholds(**bad)


# ---------------------------------------------------------------- the demo store

OCT26, JUN25 = date(2026, 10, 31), date(2025, 6, 30)


def cost_flags(fr: metrics.Frames, period: date) -> list[str]:
    wl = watch.watch_list(fr, period)
    return wl.filter(pl.col("reason") == "hi_cost_growth").get_column("geo_code").to_list()


def test_demo_cost_outliers_before_the_merger_are_all_flagged(frames):
    assert set(demo.COST_OUTLIERS) <= set(cost_flags(frames, JUN25))


def test_demo_cost_outliers_are_flagged_after_the_merger_and_nothing_else(frames):
    """Nghệ An stayed whole; Đắk Lắk absorbed the smaller Phú Yên; An Giang is the merger of
    two planted provinces. Exactly their successors are flagged at 2026-10."""
    assert set(cost_flags(frames, OCT26)) == {geo.successor(c) for c in demo.COST_OUTLIERS}
