"""The watch list: the localities that need direction, one row per (reason, province).

Seed article 000 asks the VSS Office to compile "which localities have low coverage of social,
health and unemployment insurance, high levels of debt, and unreasonable increases in health
insurance medical examination and treatment cost". `watch_list(frames, period, thresholds)`
answers it for one month, in the layout that reported that month (`geo.layout_for_period`: the 63
provinces up to 2025-06, the 34 from 2025-07). Every value comes from `metrics.resolve`, so rates
are recomputed from parts and a published national figure wins where one exists.

How each reason is decided (in this order; `Thresholds` holds the numbers):

- low_si_coverage, low_hi_coverage, low_ui_coverage: the province's coverage rate
  (si_coverage_rate, hi_coverage_rate, ui_coverage_rate, %) is at least `<x>_coverage_gap`
  percentage points below the national rate: value - national <= -threshold.
  gap = value - national (pp). Most severe: the most negative gap.
- high_late_payment: late_payment_rate (late payment / amount receivable, %) at least
  `late_payment_gap` pp above the national rate: value - national >= threshold. Most severe: the
  largest gap.
- hi_cost_growth: HI medical cost growth year on year (hi_medical_cost_yoy, %) unusually high
  against its peers, the other provinces of the layout at the same month: robust z >=
  `cost_growth_z`, with z = (x - median) / (1.4826 * MAD) and MAD the median absolute deviation
  from the median, over the provinces that have a value (at least MIN_PEERS of them, else none
  is flagged). Where MAD is 0 (more than half the provinces share one value), 1.2533 * the mean
  absolute deviation stands in for 1.4826 * MAD (Iglewicz and Hoaglin's fallback); where that is
  0 too, no province differs and none is flagged. gap = z (gap_kind "z"); national = the national
  growth (shown, not used). Most severe: the largest z. Only high growth is flagged.
- fall_si_participants, fall_hi_participants, fall_ui_participants: participants
  (si_participants, hi_participants, ui_participants) fell by at least `participant_fall_pct`
  percent since the previous month. value = the province's change since last month (%, value_kind
  "mom_pct"), national = the national change since last month (%), gap = value - national (pp),
  which tells a local fall from a nationwide (e.g. seasonal) one. Most severe: the largest fall.

Every rule also requires the province to be on the bad side: a province at the national value
(at the median, or unchanged) is never flagged, even with a threshold of 0. Comparisons at the
threshold are inclusive, to a tolerance of 1e-9 (rates are computed, so 20 may be 19.999...).

Trend: the change on the same month a year earlier (year on year rather than on three months
back, because HI coverage and participants are seasonal): for the rates and the cost growth the
change of the value in percentage points (trend_kind "pp"); for the falls the participants'
change in percent (trend_kind "percent"), which tells a one-month dip from a decline.

Missing values: a province without a finite value at the month is not flagged; without a
national value no province is flagged for the coverage and late-payment reasons; a missing value
a year earlier (or a month earlier, for the falls) leaves the trend (or the row) out.

Status: the weakest (the min() of `store.STATUS`) of every value a row used: the province's, the
national one, the earlier ones, and for the z-score every peer's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date
from typing import Literal

import polars as pl

from vss_dash import geo, metrics, store

EPS = 1e-9
MIN_PEERS = 5  # a robust z over fewer provinces says nothing
MAD_SCALE = 1.4826  # makes the MAD estimate the standard deviation of a normal sample
MEAN_AD_SCALE = 1.2533  # sqrt(pi / 2): the same for the mean absolute deviation

Rule = Literal["below_national", "above_national", "robust_z", "fall"]


@dataclass(frozen=True)
class Thresholds:
    """How far a province must be from the nation (or its peers) to be listed."""

    si_coverage_gap: float = 20.0  # pp below the national SI coverage
    hi_coverage_gap: float = 2.0  # pp below the national HI coverage
    ui_coverage_gap: float = 20.0  # pp below the national UI coverage
    late_payment_gap: float = 1.0  # pp above the national late-payment rate
    cost_growth_z: float = 2.0  # robust z of HI medical cost growth, year on year
    participant_fall_pct: float = 1.0  # % fall of participants since last month

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            low, high, _ = LIMITS[f.name]
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"{f.name} must be a finite number, got {value!r}")
            if not low <= value <= high:
                raise ValueError(f"{f.name} must be within [{low}, {high}], got {value!r}")


# field -> (lowest, highest, step) a user may set
LIMITS: dict[str, tuple[float, float, float]] = {
    "si_coverage_gap": (0.0, 100.0, 1.0),
    "hi_coverage_gap": (0.0, 100.0, 0.5),
    "ui_coverage_gap": (0.0, 100.0, 1.0),
    "late_payment_gap": (0.0, 100.0, 0.5),
    "cost_growth_z": (0.0, 10.0, 0.5),
    "participant_fall_pct": (0.0, 100.0, 0.5),
}


@dataclass(frozen=True)
class Reason:
    id: str
    measure: str
    rule: Rule
    threshold: str  # the Thresholds field that decides it


REASONS: tuple[Reason, ...] = (
    Reason("low_si_coverage", "si_coverage_rate", "below_national", "si_coverage_gap"),
    Reason("low_hi_coverage", "hi_coverage_rate", "below_national", "hi_coverage_gap"),
    Reason("low_ui_coverage", "ui_coverage_rate", "below_national", "ui_coverage_gap"),
    Reason("high_late_payment", "late_payment_rate", "above_national", "late_payment_gap"),
    Reason("hi_cost_growth", "hi_medical_cost_yoy", "robust_z", "cost_growth_z"),
    Reason("fall_si_participants", "si_participants", "fall", "participant_fall_pct"),
    Reason("fall_hi_participants", "hi_participants", "fall", "participant_fall_pct"),
    Reason("fall_ui_participants", "ui_participants", "fall", "participant_fall_pct"),
)
BY_ID: dict[str, Reason] = {r.id: r for r in REASONS}

SCHEMA: dict[str, pl.DataType] = {
    "reason": pl.String(),
    "layout": pl.String(),
    "period": pl.Date(),
    "geo_code": pl.String(),
    "name": pl.String(),
    "measure": pl.String(),
    "value": pl.Float64(),
    "value_kind": pl.String(),  # "level": the measure's value; "mom_pct": % change on last month
    "national": pl.Float64(),
    "gap": pl.Float64(),
    "gap_kind": pl.String(),  # "pp" or "z"
    "trend": pl.Float64(),
    "trend_kind": pl.String(),  # "pp" or "percent", on the same month a year earlier
    "threshold": pl.Float64(),
    "status": store.STATUS,  # the weakest of the values the row was decided from
}


def robust_z(x: pl.Expr) -> pl.Expr:
    """(x - median) / (1.4826 * MAD); 1.2533 * mean absolute deviation where MAD is 0; null
    where both are 0."""
    med = x.median()
    dev = (x - med).abs()
    scale = (
        pl.when(dev.median() > 0)
        .then(MAD_SCALE * dev.median())
        .otherwise(MEAN_AD_SCALE * dev.mean())
    )
    return pl.when(scale > EPS).then((x - med) / scale)


def _at(frames: metrics.Frames, measure: str, layout: str, period: date) -> pl.DataFrame:
    """geo_code, value, status at a period; rows without a finite value dropped."""
    return (
        metrics.resolve(frames, measure, layout)
        .filter((pl.col("period") == period) & pl.col("value").is_finite())
        .select("geo_code", "value", "status")
    )


def _national(frames: metrics.Frames, measure: str, period: date) -> tuple[float | None, pl.Expr]:
    """The national value and its status (a null status, which no min() takes, if none)."""
    df = _at(frames, measure, "VN", period)
    status = df.item(0, "status") if df.height else None
    return (df.item(0, "value") if df.height else None), pl.lit(status, store.STATUS)


def _year_earlier(
    frames: metrics.Frames, measure: str, layout: str, period: date, name: str
) -> pl.DataFrame:
    prev = _at(frames, measure, layout, metrics.months_back(period, 12))
    return prev.select("geo_code", pl.col("value").alias(name), status_prev="status")


def _gap_rule(
    frames: metrics.Frames, r: Reason, layout: str, period: date, threshold: float
) -> pl.DataFrame:
    """below_national / above_national."""
    national, nat_status = _national(frames, r.measure, period)
    cur = _at(frames, r.measure, layout, period)
    if national is None or not cur.height:
        return pl.DataFrame()
    sign = -1.0 if r.rule == "below_national" else 1.0
    gap = pl.col("value") - national
    return (
        cur.join(_year_earlier(frames, r.measure, layout, period, "_prev"), "geo_code", "left")
        .with_columns(
            national=pl.lit(national, pl.Float64),
            gap=gap,
            gap_kind=pl.lit("pp"),
            trend=pl.col("value") - pl.col("_prev"),
            trend_kind=pl.lit("pp"),
            _severity=sign * gap,
            status=pl.min_horizontal("status", "status_prev", nat_status),
        )
        .filter((pl.col("_severity") >= threshold - EPS) & (pl.col("_severity") > 0))
    )


def _z_rule(
    frames: metrics.Frames, r: Reason, layout: str, period: date, threshold: float
) -> pl.DataFrame:
    """robust_z: against the other provinces of the layout at the same month."""
    cur = _at(frames, r.measure, layout, period)
    if cur.height < MIN_PEERS:
        return pl.DataFrame()
    national, nat_status = _national(frames, r.measure, period)
    z = robust_z(pl.col("value"))
    return (
        cur.join(_year_earlier(frames, r.measure, layout, period, "_prev"), "geo_code", "left")
        .with_columns(
            national=pl.lit(national, pl.Float64),
            gap=z,
            gap_kind=pl.lit("z"),
            trend=pl.col("value") - pl.col("_prev"),
            trend_kind=pl.lit("pp"),
            _severity=z,
            status=pl.min_horizontal(pl.col("status").min(), nat_status, "status_prev"),
        )
        .filter((pl.col("_severity") >= threshold - EPS) & (pl.col("_severity") > 0))
    )


def _fall_rule(
    frames: metrics.Frames, r: Reason, layout: str, period: date, threshold: float
) -> pl.DataFrame:
    """fall: participants down on last month."""
    last = metrics.months_back(period, 1)

    def change(where: str) -> pl.DataFrame:
        now, before = _at(frames, r.measure, where, period), _at(frames, r.measure, where, last)
        return (
            now.join(before, on="geo_code", suffix="_last")
            .with_columns(
                value_now="value",
                value=100 * (pl.col("value") / pl.col("value_last") - 1),
                status=pl.min_horizontal("status", "status_last"),
            )
            .filter(pl.col("value").is_finite())
            .select("geo_code", "value", "status", _now="value_now")
        )

    nat = change("VN")
    national = nat.item(0, "value") if nat.height else None
    nat_status = pl.lit(nat.item(0, "status") if nat.height else None, store.STATUS)
    cur = change(layout)
    if not cur.height:
        return pl.DataFrame()
    return (
        cur.join(_year_earlier(frames, r.measure, layout, period, "_prev"), "geo_code", "left")
        .with_columns(
            national=pl.lit(national, pl.Float64),
            gap=pl.col("value") - pl.lit(national, pl.Float64),
            gap_kind=pl.lit("pp"),
            trend=100 * (pl.col("_now") / pl.col("_prev") - 1),
            trend_kind=pl.lit("percent"),
            _severity=-pl.col("value"),
            status=pl.min_horizontal("status", "status_prev", nat_status),
        )
        .with_columns(trend=pl.when(pl.col("trend").is_finite()).then("trend"))
        .filter((pl.col("_severity") >= threshold - EPS) & (pl.col("_severity") > 0))
    )


_RULES = {
    "below_national": _gap_rule,
    "above_national": _gap_rule,
    "robust_z": _z_rule,
    "fall": _fall_rule,
}


def watch_list(
    frames: metrics.Frames, period: date, thresholds: Thresholds | None = None
) -> pl.DataFrame:
    """Provinces (layout of the period) that meet a reason of REASONS at `period`: one row per
    (reason, province), in REASONS order, the most severe first, ties by GSO code. Columns:
    see SCHEMA; the module docstring says how each reason is decided."""
    thresholds = thresholds or Thresholds()
    layout = geo.layout_for_period(period)
    names = geo.provinces(layout).select(geo_code="code", name="short_name")
    parts = []
    for order, r in enumerate(REASONS):
        threshold = float(getattr(thresholds, r.threshold))
        found = _RULES[r.rule](frames, r, layout, period, threshold)
        if not found.height:
            continue
        parts.append(
            found.with_columns(
                reason=pl.lit(r.id),
                layout=pl.lit(layout),
                period=pl.lit(period, pl.Date),
                measure=pl.lit(r.measure),
                value_kind=pl.lit("mom_pct" if r.rule == "fall" else "level"),
                threshold=pl.lit(threshold, pl.Float64),
                _order=pl.lit(order),
            )
            .join(names, on="geo_code", how="left")
            .select(*[c for c in SCHEMA if c != "name"], "name", "_order", "_severity")
        )
    if not parts:
        return pl.DataFrame(schema=SCHEMA)
    return (
        pl.concat(parts)
        .sort(["_order", "_severity", "geo_code"], descending=[False, True, False])
        .select([pl.col(c).cast(t) for c, t in SCHEMA.items()])
    )


# ---------------------------------------------------------------- the overview's first screen

HEADLINE: tuple[str, ...] = ("si_coverage_rate", "hi_coverage_rate", "late_payment_rate")

BEHIND_SCHEMA: dict[str, pl.DataType] = {
    "measure": pl.String(),
    "layout": pl.String(),
    "period": pl.Date(),
    "place": pl.Int32(),  # 1 = the furthest behind
    "geo_code": pl.String(),
    "name": pl.String(),
    "value": pl.Float64(),
    "national": pl.Float64(),
    "gap": pl.Float64(),  # value - national, in the measure's unit (pp for the rates)
    "rank": pl.Int32(),  # among the layout's provinces, 1 = the best
    "ranked": pl.Int32(),  # how many provinces were ranked
    "status": store.STATUS,  # the province's value's
}


def furthest_behind(
    frames: metrics.Frames, period: date, measures: tuple[str, ...] = HEADLINE, n: int = 3
) -> pl.DataFrame:
    """The `n` provinces furthest behind on each measure at `period`, in the layout that reported
    that month: the lowest values of a measure whose good direction is up (coverage), the highest
    of one whose good direction is down (late payment), worst first, ties by GSO code. Provinces
    without a finite value are left out. One row per (measure, province), in `measures` order;
    columns: BEHIND_SCHEMA. The overview's first screen lists them, each a link to the map."""
    layout = geo.layout_for_period(period)
    names = geo.provinces(layout).select(geo_code="code", name="short_name")
    parts = []
    for mid in measures:
        ranked = metrics.province_values(frames, mid, layout, period).filter(
            pl.col("value").is_finite()
        )
        if not ranked.height:
            continue
        national, _ = _national(frames, mid, period)
        worst = ranked.sort(["rank", "geo_code"], descending=[True, False]).head(n)
        parts.append(
            worst.join(names, on="geo_code", how="left", maintain_order="left").with_columns(
                measure=pl.lit(mid),
                layout=pl.lit(layout),
                period=pl.lit(period, pl.Date),
                place=pl.int_range(1, pl.len() + 1),
                national=pl.lit(national, pl.Float64),
                gap=pl.col("value") - pl.lit(national, pl.Float64),
                ranked=pl.lit(ranked.height),
            )
        )
    if not parts:
        return pl.DataFrame(schema=BEHIND_SCHEMA)
    return pl.concat(parts, how="diagonal").select(
        [pl.col(c).cast(t) for c, t in BEHIND_SCHEMA.items()]
    )
