"""Will we hit the year's target? The plan path and a year-end projection, pure Polars.

Method (shown on the plan page too), for one place's monthly series of a measure:

- Year-end ratio. For each earlier complete year k and calendar month m, r(k, m) is the December
  value divided by the month-m value. For a year-to-date flow it is how much of the year was
  still to come (annual / year-to-date); for a stock or a rate, the usual drift to December.
- Projection. At month m of year y the year-end projection is value(y, m) times the mean of
  r(k, m) over the `years_back` complete years before y: a seasonal naive forecast that keeps
  this year's level and borrows only the shape of the year from earlier years.
- Interval. The same projection is made for each earlier year that has enough history before it
  (the back-test) and compared with what that year really ended at. The interval is the
  projection plus or minus the largest relative back-test error at that month (at least 0.5 %);
  with no back-test possible it is plus or minus 5 % and says so.
- Verdict against the annual plan: "on_track" when the whole interval reaches the plan,
  "off_track" when none of it does, "at_risk" in between. Where less is better the comparison
  is reversed.
- Plan path for a year-to-date flow: the plan times the mean share of the year reached by each
  month in the same earlier years, so that "behind plan in September" shows before December.
  Its December value is the plan itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from vss_dash import catalog, metrics, store

DEFAULT_YEARS_BACK = 3
MIN_HALF_WIDTH = 0.005
NO_BACKTEST_HALF_WIDTH = 0.05


@dataclass(frozen=True)
class Projection:
    period: date  # the month the projection is made at
    year_end: float  # point projection of the December value
    low: float
    high: float
    half_width: float  # relative
    backtest: pl.DataFrame  # year, projected, actual, error (relative, signed), and the
    # status and source_id of the December value (`actual`) when the series has them
    years_used: int  # complete earlier years behind the ratio

    @property
    def backtest_mape(self) -> float | None:
        """Mean absolute relative error of the back-test, or None without one."""
        if self.backtest.height == 0:
            return None
        return float(self.backtest.get_column("error").abs().mean())


def _by_month(series: pl.DataFrame) -> pl.DataFrame:
    """period, value (status, source_id) -> year, month, value (status, source_id), one row per
    month."""
    carried = [c for c in ("status", "source_id") if c in series.columns]
    return series.select(
        year=pl.col("period").dt.year(), month=pl.col("period").dt.month(), value="value"
    ).with_columns(series.select(carried))


def year_end_ratios(series: pl.DataFrame) -> pl.DataFrame:
    """year, month, ratio (December value / month value) for every complete year."""
    s = _by_month(series)
    dec = s.filter(pl.col("month") == 12).select("year", dec="value")
    return (
        s.join(dec, on="year")
        .filter(pl.col("value") != 0)
        .select("year", "month", ratio=pl.col("dec") / pl.col("value"))
        .sort("year", "month")
    )


def _mean_ratio(ratios: pl.DataFrame, year: int, month: int, years_back: int) -> tuple[float, int]:
    prior = ratios.filter((pl.col("year") < year) & (pl.col("month") == month)).tail(years_back)
    if prior.height == 0:
        return float("nan"), 0
    return float(prior.get_column("ratio").mean()), prior.height


def project(
    series: pl.DataFrame, period: date, years_back: int = DEFAULT_YEARS_BACK
) -> Projection | None:
    """Year-end projection at `period` from a series (period, value, and status and source_id
    if it has them); None when the month has no value or no earlier complete year exists."""
    s = _by_month(series)
    now = s.filter((pl.col("year") == period.year) & (pl.col("month") == period.month))
    ratios = year_end_ratios(series)
    mean, used = _mean_ratio(ratios, period.year, period.month, years_back)
    if now.height == 0 or used == 0:
        return None
    point = float(now.item(0, "value")) * mean
    rows = []
    for year in ratios.get_column("year").unique().sort():
        if year >= period.year:
            continue
        r, n = _mean_ratio(ratios, year, period.month, years_back)
        at = s.filter((pl.col("year") == year) & (pl.col("month") == period.month))
        actual = s.filter((pl.col("year") == year) & (pl.col("month") == 12))
        if n == 0 or at.height == 0 or actual.height == 0:
            continue
        projected = float(at.item(0, "value")) * r
        rows.append(
            {
                "year": int(year),
                "projected": projected,
                "actual": float(actual.item(0, "value")),
                "error": projected / float(actual.item(0, "value")) - 1,
                "status": actual.item(0, "status") if "status" in s.columns else None,
                "source_id": actual.item(0, "source_id") if "source_id" in s.columns else None,
            }
        )
    backtest = pl.DataFrame(
        rows,
        schema={
            "year": pl.Int32,
            "projected": pl.Float64,
            "actual": pl.Float64,
            "error": pl.Float64,
            "status": store.STATUS,
            "source_id": pl.String,
        },
    )
    if backtest.height:
        half = max(float(backtest.get_column("error").abs().max()), MIN_HALF_WIDTH)
    else:
        half = NO_BACKTEST_HALF_WIDTH
    return Projection(period, point, point * (1 - half), point * (1 + half), half, backtest, used)


VERDICTS = ("achieved", "on_track", "likely", "at_risk", "off_track")


def verdict(
    p: Projection,
    plan: float,
    good: str | None = "up",
    current: float | None = None,
    can_fall: bool = True,
) -> str:
    """The year against its plan, read from the year-end projection's point and interval (and,
    for a figure that cannot fall back, what is already reached). For a measure where more is
    better (mirrored where less is better):

    - achieved: the value already reaches the plan and cannot fall back (a year-to-date flow);
    - on_track: the whole interval reaches the plan;
    - likely: the projection reaches the plan, the interval's low end does not;
    - at_risk: the projection falls short, the interval's high end reaches the plan;
    - off_track: the whole interval falls short.

    So a projection above the plan is never "at risk" (issue 16: SI participants at 100.2 % of
    the plan with a projection above it read "at risk" because the interval's low end was
    below). `verdict_rule` states the rule that applied, with the numbers."""
    if good == "down":
        mirrored = Projection(
            p.period, -p.year_end, -p.high, -p.low, p.half_width, p.backtest, p.years_used
        )
        return verdict(mirrored, -plan, "up", None if current is None else -current, can_fall)
    if current is not None and not can_fall and current >= plan:
        return "achieved"
    if p.low >= plan:
        return "on_track"
    if p.year_end >= plan:
        return "likely"
    return "at_risk" if p.high >= plan else "off_track"


def plan_path(
    series: pl.DataFrame, year: int, plan: float, years_back: int = DEFAULT_YEARS_BACK
) -> pl.DataFrame:
    """For a year-to-date flow: period, path (plan x mean share of the year reached by each
    month over the `years_back` complete years before `year`). Empty without such a year."""
    s = _by_month(series)
    dec = s.filter(pl.col("month") == 12).select("year", dec="value")
    shares = (
        s.join(dec, on="year")
        .filter((pl.col("year") < year) & (pl.col("dec") != 0))
        .with_columns(share=pl.col("value") / pl.col("dec"))
    )
    years = shares.get_column("year").unique().sort().tail(years_back)
    mean = (
        shares.filter(pl.col("year").is_in(years.implode()))
        .group_by("month")
        .agg(pl.col("share").mean())
        .sort("month")
    )
    return mean.select(
        period=pl.date(year, pl.col("month"), 1).dt.month_end(), path=pl.col("share") * plan
    )


# ---------------------------------------------------------------- what the plan page shows


@dataclass(frozen=True)
class PlanView:
    measure: str
    layout: str
    geo_code: str
    period: date
    actual: pl.DataFrame  # period, value, status, source_id: this year up to the period
    last_year: pl.DataFrame  # the same of last year, all 12 months, period moved to this year
    plan: float | None  # the year's plan or target
    plan_source: str | None  # "plan" (annual plan) or "target" (resolution target)
    path: pl.DataFrame | None  # period, path (year-to-date flows with a plan)
    projection: Projection | None
    verdict: str | None
    completion: float | None  # value at the period as % of the plan
    path_gap: float | None  # value minus the plan path at the period, as % of the plan
    targets: pl.DataFrame  # resolution targets of the measure: year, target (national only)
    plan_status: str | None = None  # the plan's status (a sum of provinces' plans: the weakest)


def plan_view(
    frames: metrics.Frames, measure: str, layout: str, geo_code: str, period: date
) -> PlanView:
    m = catalog.get(measure)
    series = metrics.series(frames, measure, layout, geo_code)
    year = period.year
    actual = series.filter((pl.col("period").dt.year() == year) & (pl.col("period") <= period))
    last_year = series.filter(pl.col("period").dt.year() == year - 1).with_columns(
        pl.col("period").dt.offset_by("1y").dt.month_end()
    )
    plan, source, plan_status = None, None, None
    planned = frames.plans.filter(pl.col("measure") == measure)
    if planned.filter(pl.col("layout") != "VN").height:
        rows = metrics.plan_table(frames, measure, layout).filter(
            (pl.col("year") == year) & (pl.col("geo_code") == geo_code)
        )
        if rows.height:
            plan, source = float(rows.item(0, "target")), "plan"
            plan_status = _weakest(rows)
    targets = planned.filter(pl.col("layout") == "VN").select("year", "target").sort("year")
    if plan is None and layout == "VN":
        this_year = planned.filter((pl.col("layout") == "VN") & (pl.col("year") == year))
        if this_year.height:
            plan, source = float(this_year.item(0, "target")), "target"
            plan_status = _weakest(this_year)
    proj = project(series, period)
    path = plan_path(series, year, plan) if plan is not None and m.kind == "ytd_flow" else None
    now = actual.filter(pl.col("period") == period)
    value = float(now.item(0, "value")) if now.height else None
    completion = 100 * value / plan if plan and value is not None else None
    path_gap = None
    if path is not None and value is not None:
        at = path.filter(pl.col("period") == period)
        if at.height:
            path_gap = 100 * (value - float(at.item(0, "path"))) / plan
    return PlanView(
        measure,
        layout,
        geo_code,
        period,
        actual,
        last_year,
        plan,
        source,
        path,
        proj,
        verdict(proj, plan, m.good, value, can_fall=m.kind not in ("ytd_flow", "cumulative"))
        if proj is not None and plan is not None
        else None,
        completion,
        path_gap,
        targets if layout == "VN" and m.unit == "percent" else targets.clear(),
        plan_status,
    )


def _weakest(rows: pl.DataFrame) -> str | None:
    """The weakest status of plan rows (store.weakest), None when they carry none."""
    if "status" not in rows.columns:
        return None
    statuses = [str(x) for x in rows.get_column("status").drop_nulls()]
    return store.weakest(statuses) if statuses else None
