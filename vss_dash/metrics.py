"""Every number the dashboard shows comes from a function here: pure Polars, no Streamlit.

The core is `resolve(frames, measure, layout)`: the measure's value for every period and place of a
layout ("VN" national, "P63", "P34"), with its status and source.
- Stored measures: province rows as stored; national = the sum over provinces.
- Province data before the 2025 merger is shown in the 34-province layout by summing through the
  crosswalk; data after it cannot be split back into the 63.
- Derived measures are computed from resolved parts, so a rate is always recomputed from summed
  numerators and denominators, never averaged.
- A stored published row of the same measure, layout, place and period wins (prefer_published).
  Pass prefer_published=False to recompute everything from the province data.
Every frame of values returned here carries each value's `status` (the store's ordered enum
`store.STATUS`) and `source_id`. The status of a computed value is the weakest of its parts, their
`min()`; its source is that part's source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from vss_dash import catalog, geo, i18n, store
from vss_dash.figure import Change, Figure
from vss_dash.store import Store

COLS = ["period", "geo_code", "value", "status", "source_id"]


@dataclass(frozen=True)
class Frames:
    """Current observations (newest vintage only) and plans, in memory.

    The frames are never changed, so `resolve` keeps what it computes from them in `_memo` and
    every later call (from any page or session sharing this Frames) reuses it: a page asks for
    the same measures many times (a KPI card's value and its history, a rate and its parts).
    Like the frames, what it keeps is read-only: no code changes a polars frame in place."""

    obs: pl.DataFrame
    plans: pl.DataFrame
    sources: pl.DataFrame | None = None
    version: str = ""  # the store generation these frames were read from
    key: str = ""  # the data manager's token they were read under (data.frames); caches key on it
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:  # status as the store's enum, however the frames were made
        for name, file in (("obs", "observations.parquet"), ("plans", "plans.parquet")):
            df = getattr(self, name)
            if "status" in df.columns:
                object.__setattr__(self, name, store.with_status(df, file))

    @classmethod
    def from_store(cls, s: Store) -> Frames:
        return cls(s.current().collect(), s.plans, s.sources, s.generation)

    def cache_key(self) -> str:
        """What caches of results computed from these frames are keyed on: the data manager's
        token, or for frames made by hand (tests, the CLI) the generation."""
        return self.key or self.version

    def source_titles(self) -> dict[str, str]:
        if self.sources is None:
            return {}
        return dict(self.sources.select("source_id", "title").iter_rows())

    def periods(self) -> list[date]:
        return self.obs.get_column("period").unique().sort().to_list()

    def latest_period(self) -> date:
        return self.obs.get_column("period").max()


# ---------------------------------------------------------------- resolving a measure


def _sum_over(df: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Sum values over groups; status is the weakest part's, source that part's source."""
    return df.group_by(keys).agg(
        pl.col("value").sum(),
        pl.col("status").min(),
        pl.col("source_id").sort_by("status").first(),
    )


def _weakest(*frames_: pl.DataFrame) -> tuple[pl.Expr, pl.Expr]:
    """Expressions for status/source of a value combined from joined parts suffixed _0, _1, …"""
    statuses = [pl.col(f"status_{i}") for i in range(len(frames_))]
    weakest = pl.min_horizontal(statuses)
    source = pl.coalesce(
        [pl.when(s == weakest).then(pl.col(f"source_id_{i}")) for i, s in enumerate(statuses)]
    )
    return weakest, source


def _join_parts(parts: list[pl.DataFrame]) -> pl.DataFrame:
    out = None
    for i, p in enumerate(parts):
        p = p.rename({c: f"{c}_{i}" for c in ("value", "status", "source_id")})
        out = p if out is None else out.join(p, on=["period", "geo_code"], how="inner")
    return out


def _base(frames: Frames, m: catalog.Measure, layout: str) -> pl.DataFrame:
    obs = frames.obs.filter(pl.col("measure") == m.id)
    if layout == "VN":
        if m.national_only or m.geo_agg == "none":
            return obs.filter(pl.col("layout") == "VN").select(COLS)
        provinces = obs.filter(pl.col("layout") != "VN")
        return (
            _sum_over(provinces, ["period"])
            .with_columns(geo_code=pl.lit(geo.NATIONAL))
            .select(COLS)
        )
    if m.national_only:
        return pl.DataFrame(schema=obs.select(COLS).schema)
    direct = obs.filter(pl.col("layout") == layout).select(COLS)
    if layout == "P34" and m.geo_agg != "none":  # a figure of an old province is not the new one
        old = geo.harmonise_codes_to_p34(obs.filter(pl.col("layout") == "P63"))
        direct = pl.concat([direct, _sum_over(old, ["period", "geo_code"]).select(COLS)])
    return direct


def plan_table(frames: Frames, measure: str, layout: str) -> pl.DataFrame:
    """Annual plans of a stored measure for a layout: year, geo_code, target, status, source_id.
    National plans: the stored national row, else the sum of the provinces' plans for the year
    (in the 34-province layout where the year has one)."""
    p = frames.plans.filter(pl.col("measure") == measure)
    cols = ["year", "geo_code", "target", "status", "source_id"]
    if layout in geo.LAYOUTS:
        direct = p.filter(pl.col("layout") == layout).select(cols)
        if layout == "P34":
            have = direct.get_column("year").unique()
            old = geo.harmonise_codes_to_p34(
                p.filter((pl.col("layout") == "P63") & ~pl.col("year").is_in(have.implode()))
            )
            summed = _sum_over(old.rename({"target": "value"}), ["year", "geo_code"]).rename(
                {"value": "target"}
            )
            direct = pl.concat([direct, summed.select(cols)])
        return direct
    national = p.filter(pl.col("layout") == "VN").select(cols)
    if catalog.get(measure).geo_agg != "sum":  # a province's target rate is not the nation's
        return national.sort("year")
    prov = p.filter(pl.col("layout") != "VN")
    p34_years = prov.filter(pl.col("layout") == "P34").get_column("year").unique()
    prov = prov.filter((pl.col("layout") == "P34") | ~pl.col("year").is_in(p34_years.implode()))
    summed = (
        _sum_over(prov.rename({"target": "value"}), ["year"])
        .rename({"value": "target"})
        .with_columns(geo_code=pl.lit(geo.NATIONAL))
    )
    summed = summed.filter(~pl.col("year").is_in(national.get_column("year").implode()))
    return pl.concat([national, summed.select(cols)]).sort("year")


def _derived(frames: Frames, m: catalog.Measure, layout: str, pp: bool) -> pl.DataFrame:
    f = m.formula
    if f.op == "yoy_pct":
        cur = resolve(frames, f.args[0], layout, pp)
        prev = cur.with_columns(pl.col("period").dt.offset_by("12mo").dt.month_end())
        j = _join_parts([cur, prev])
        status, source = _weakest(cur, prev)
        value = 100 * (pl.col("value_0") / pl.col("value_1") - 1)
    elif f.op in ("plan_ratio", "plan_excess"):
        cur = resolve(frames, f.args[0], layout, pp)
        plan = plan_table(frames, f.args[0], layout).rename({"target": "value", "year": "_year"})
        cur = cur.with_columns(_year=pl.col("period").dt.year().cast(pl.Int32))
        j = cur.rename({c: f"{c}_0" for c in ("value", "status", "source_id")}).join(
            plan.rename({c: f"{c}_1" for c in ("value", "status", "source_id")}),
            on=["_year", "geo_code"],
            how="inner",
        )
        status, source = _weakest(cur, plan)
        value = 100 * pl.col("value_0") / pl.col("value_1")
        if f.op == "plan_excess":
            value = value - 100
    else:
        parts = [resolve(frames, a, layout, pp) for a in f.args]
        j = _join_parts(parts)
        status, source = _weakest(*parts)
        if f.op == "sum":
            value = pl.sum_horizontal(pl.col(f"value_{i}") for i in range(len(parts)))
        else:  # ratio
            value = 100 * pl.col("value_0") / pl.col("value_1")
    return (
        j.with_columns(value=value, status=status, source_id=source)
        .filter(pl.col("value").is_finite())
        .select(COLS)
    )


def resolve(
    frames: Frames, measure: str, layout: str, prefer_published: bool = True
) -> pl.DataFrame:
    """All values of `measure` in `layout`: period, geo_code, value, status, source_id."""
    if layout not in ("VN", *geo.LAYOUTS):
        raise ValueError(f"unknown layout {layout!r}; valid: VN, P63, P34")
    measure = catalog.canonical_id(measure)
    key = ("resolve", measure, layout, prefer_published)
    if key in frames._memo:
        return frames._memo[key]
    m = catalog.get(measure)
    out = _derived(frames, m, layout, prefer_published) if m.derived else _base(frames, m, layout)
    if prefer_published:
        pub = (
            _published(frames)
            .filter((pl.col("measure") == measure) & (pl.col("layout") == layout))
            .select(COLS)
        )
        out = pl.concat([out.join(pub, on=["period", "geo_code"], how="anti"), pub])
    out = out.sort("period", "geo_code")
    frames._memo[key] = out
    return out


def _published(frames: Frames) -> pl.DataFrame:
    """The published observations (a few), found once per Frames rather than once a measure."""
    if "published" not in frames._memo:
        frames._memo["published"] = frames.obs.filter(pl.col("status") == "published")
    return frames._memo["published"]


# ---------------------------------------------------------------- what the pages ask


def value_at(
    frames: Frames,
    measure: str,
    layout: str,
    geo_code: str,
    period: date,
    prefer_published: bool = True,
) -> float | None:
    df = resolve(frames, measure, layout, prefer_published).filter(
        (pl.col("geo_code") == geo_code) & (pl.col("period") == period)
    )
    return df.item(0, "value") if df.height else None


def series(
    frames: Frames,
    measure: str,
    layout: str = "VN",
    geo_code: str = geo.NATIONAL,
    start: date | None = None,
    end: date | None = None,
) -> pl.DataFrame:
    """One place's values over time: period, value, status, source_id."""
    df = resolve(frames, measure, layout).filter(pl.col("geo_code") == geo_code)
    if start is not None:
        df = df.filter(pl.col("period") >= start)
    if end is not None:
        df = df.filter(pl.col("period") <= end)
    return df.select("period", "value", "status", "source_id")


def month_end(d: date) -> date:
    """The last day of d's month."""
    return months_back(d, 0)


def months_back(period: date, n: int) -> date:
    """Month end n months before `period`'s month."""
    y, m = divmod(period.year * 12 + period.month - 1 - n, 12)
    nxt = date(y + (m + 1 == 12), (m + 1) % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def change_kind(measure: str) -> str:
    """How a change of this measure is expressed: 'pp' for rates, 'percent' for levels."""
    return "pp" if catalog.get(measure).unit == "percent" else "percent"


def snapshot(
    frames: Frames,
    measures: list[str],
    period: date,
    layout: str = "VN",
    geo_code: str = geo.NATIONAL,
) -> pl.DataFrame:
    """One row per measure at `period`: value, status, source_id, value a year earlier, and the
    year-on-year change (percentage points for rates, percent for levels)."""
    prev_period = months_back(period, 12)
    rows = []
    for mid in measures:
        df = resolve(frames, mid, layout).filter(pl.col("geo_code") == geo_code)
        cur = df.filter(pl.col("period") == period)
        prev = df.filter(pl.col("period") == prev_period)
        value = cur.item(0, "value") if cur.height else None
        prev_value = prev.item(0, "value") if prev.height else None
        kind = change_kind(mid)
        change = None
        if value is not None and prev_value is not None:
            change = (
                value - prev_value
                if kind == "pp"
                else (100 * (value / prev_value - 1) if prev_value else None)
            )
        rows.append(
            {
                "measure": mid,
                "period": period,
                "value": value,
                "status": cur.item(0, "status") if cur.height else None,
                "source_id": cur.item(0, "source_id") if cur.height else None,
                "prev_period": prev_period,
                "prev_value": prev_value,
                "change": change,
                "change_kind": kind,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "measure": pl.String,
            "period": pl.Date,
            "value": pl.Float64,
            "status": store.STATUS,
            "source_id": pl.String,
            "prev_period": pl.Date,
            "prev_value": pl.Float64,
            "change": pl.Float64,
            "change_kind": pl.String,
        },
    )


def figures(
    frames: Frames,
    measures: list[str],
    period: date,
    layout: str = "VN",
    geo_code: str = geo.NATIONAL,
) -> list[tuple[Figure, Change]]:
    """`snapshot` as typed figures: each measure's figure at `period` and its change over a
    year, in the order asked."""
    return [
        (
            Figure(r["measure"], r["value"], r["status"], r["source_id"]),
            Change(r["change"], r["change_kind"]),
        )
        for r in snapshot(frames, measures, period, layout, geo_code).iter_rows(named=True)
    ]


def kpis(
    frames: Frames,
    measures: list[str],
    period: date,
    months: int = 24,
    layout: str = "VN",
    geo_code: str = geo.NATIONAL,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What a row of KPI cards needs: `snapshot` at the period, and each measure's history
    over the `months` months up to it (measure, period, value, status, source_id)."""
    start = months_back(period, months - 1)
    history = pl.concat(
        [
            series(frames, mid, layout, geo_code, start=start, end=period)
            .with_columns(measure=pl.lit(mid))
            .select("measure", "period", "value", "status", "source_id")
            for mid in measures
        ]
    )
    return snapshot(frames, measures, period, layout, geo_code), history


def targets(frames: Frames, measures: list[str], start: date, end: date) -> pl.DataFrame:
    """National plans/targets of `measures` for years whose end lies in [start, end]:
    measure, year, period (31 December), target, status, source_id."""
    out = frames.plans.filter(
        pl.col("measure").is_in(measures) & (pl.col("layout") == "VN")
    ).with_columns(period=pl.date(pl.col("year"), 12, 31))
    return (
        out.filter(pl.col("period").is_between(start, end))
        .select("measure", "year", "period", "target", "status", "source_id")
        .sort("measure", "year")
    )


def province_values(
    frames: Frames, measure: str, layout: str, period: date, prefer_published: bool = True
) -> pl.DataFrame:
    """Every province of a layout at a period: geo_code, value, status, source_id, rank (1 = best
    by the measure's good direction; by size where it has none)."""
    df = resolve(frames, measure, layout, prefer_published).filter(pl.col("period") == period)
    descending = catalog.get(measure).good != "down"
    return (
        df.with_columns(rank=pl.col("value").rank("min", descending=descending).cast(pl.Int32))
        .sort("rank")
        .select("geo_code", "value", "status", "source_id", "rank")
    )


def parts(frames: Frames, measure: str, layout: str) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """Numerator and denominator of a derived ratio-like measure, resolved like the measure:
    (numerator, denominator) frames of period, geo_code, value, status, source_id; None for a
    plain measure."""
    f = catalog.get(measure).formula
    if f is None or f.op == "sum":
        return None
    num = resolve(frames, f.args[0], layout)
    if f.op == "ratio":
        den = resolve(frames, f.args[1], layout)
    elif f.op in ("plan_ratio", "plan_excess"):
        plan = plan_table(frames, f.args[0], layout)
        den = (
            num.select("period", "geo_code")
            .with_columns(_year=pl.col("period").dt.year().cast(pl.Int32))
            .join(plan.rename({"year": "_year", "target": "value"}), on=["_year", "geo_code"])
        )
    else:  # yoy_pct: the same measure a year earlier
        den = num.with_columns(pl.col("period").dt.offset_by("12mo").dt.month_end())
    return num.select(COLS), den.select(COLS)


def province_table(frames: Frames, measure: str, layout: str, period: date) -> pl.DataFrame:
    """What a map and its ranking show for each province of a layout at a period: geo_code,
    name, value, numerator, denominator, rank (1 = best), change on a year earlier, status,
    source_id."""
    cur = province_values(frames, measure, layout, period)
    prev = resolve(frames, measure, layout).filter(pl.col("period") == months_back(period, 12))
    kind = change_kind(measure)
    change = (
        pl.col("value") - pl.col("prev")
        if kind == "pp"
        else 100 * (pl.col("value") / pl.col("prev") - 1)
    )
    out = cur.join(
        prev.select("geo_code", prev=pl.col("value")), on="geo_code", how="left"
    ).with_columns(change=change, change_kind=pl.lit(kind))
    split = parts(frames, measure, layout)
    if split is None:
        out = out.with_columns(
            numerator=pl.lit(None, pl.Float64), denominator=pl.lit(None, pl.Float64)
        )
    else:
        for name, part in zip(("numerator", "denominator"), split, strict=True):
            at = part.filter(pl.col("period") == period).select(
                "geo_code", pl.col("value").alias(name)
            )
            out = out.join(at, on="geo_code", how="left")
    names = geo.provinces(layout).select(geo_code="code", name="short_name")
    return (
        out.join(names, on="geo_code", how="left")
        .sort("rank", "geo_code")
        .select(
            "geo_code",
            "name",
            "value",
            "numerator",
            "denominator",
            "rank",
            "change",
            "change_kind",
            "status",
            "source_id",
        )
    )


def ranks(
    frames: Frames, measures: list[str], layout: str, period: date, geo_code: str
) -> dict[str, tuple[int, int]]:
    """measure -> (rank of the province among the layout's provinces, how many were ranked)."""
    out = {}
    for mid in measures:
        table = province_values(frames, mid, layout, period)
        row = table.filter(pl.col("geo_code") == geo_code)
        if row.height:
            out[mid] = (row.item(0, "rank"), table.height)
    return out


def constituent_history(frames: Frames, measure: str, code_34: str) -> pl.DataFrame:
    """A P34 province's history: each former P63 province that forms it (to 2025-06), and the
    merged province over the whole period (older months summed through the crosswalk).
    Columns: series (name), layout, geo_code, period, value, status, source_id; by series, then
    period."""
    olds = geo.crosswalk().filter(pl.col("code_34") == code_34).get_column("code_63").to_list()
    names63 = dict(geo.provinces("P63").select("code", "short_name").iter_rows())
    name34 = geo.province_name("P34", code_34)
    parts_ = resolve(frames, measure, "P63").filter(pl.col("geo_code").is_in(olds))
    merged = resolve(frames, measure, "P34").filter(pl.col("geo_code") == code_34)
    out = pl.concat(
        [
            parts_.with_columns(
                series=pl.col("geo_code").replace_strict(names63), layout=pl.lit("P63")
            ),
            merged.with_columns(series=pl.lit(f"{name34} (34)"), layout=pl.lit("P34")),
        ]
    ).select("series", "layout", "geo_code", "period", "value", "status", "source_id")
    return out.sort("series", "period", maintain_order=True)


def compared_history(
    frames: Frames, measure: str, layout: str, codes: tuple[str, ...], lang: str
) -> pl.DataFrame:
    """The history of `measure` for provinces `codes` of `layout` (the profile's province
    first, then those added to compare it with) and the country, as series_lines draws it,
    each named as a sentence in `lang` names it ("TP. Hồ Chí Minh", "Cả nước"). A P34
    province's months before the merger are its former provinces' summed through the
    crosswalk, as everywhere else. Columns: series, layout, geo_code, period, value, status,
    source_id; in `codes` order, the country last, then by period."""
    names = {code: geo.prose_name(layout, code, lang) for code in codes}
    order = {code: i for i, code in enumerate(codes)}
    provinces = (
        resolve(frames, measure, layout)
        .filter(pl.col("geo_code").is_in(list(codes)))
        .with_columns(
            series=pl.col("geo_code").replace_strict(names, default=None),
            layout=pl.lit(layout),
            _order=pl.col("geo_code").replace_strict(order, default=None),
        )
    )
    country = resolve(frames, measure, "VN").with_columns(
        series=pl.lit(i18n.t("national", lang)), layout=pl.lit("VN"), _order=pl.lit(len(codes))
    )
    out = pl.concat([provinces, country], how="diagonal_relaxed")
    return out.sort("_order", "period").select(
        "series", "layout", "geo_code", "period", "value", "status", "source_id"
    )


def completion_table(frames: Frames, measures: list[str], period: date) -> pl.DataFrame:
    """Provinces (layout of the period) x plan-completion measures at a period, with the
    national row first: geo_code, name, one column per measure, then the row's status (the
    weakest of its values') and source_id (that value's source)."""
    layout = geo.layout_for_period(period)
    national = pl.DataFrame(
        {"geo_code": [geo.NATIONAL], "name": [None]},
        schema={"geo_code": pl.String, "name": pl.String},
    )
    out = pl.concat([national, geo.provinces(layout).select(geo_code="code", name="short_name")])
    vals = {
        mid: pl.concat(resolve(frames, mid, lay) for lay in ("VN", layout)).filter(
            pl.col("period") == period
        )
        for mid in measures
    }
    for mid, v in vals.items():
        out = out.join(
            v.select("geo_code", pl.col("value").alias(mid)),
            on="geo_code",
            how="left",
            maintain_order="left",
        )
    weakest = (
        pl.concat(vals.values())
        .group_by("geo_code")
        .agg(pl.col("status").min(), pl.col("source_id").sort_by("status").first())
    )
    return out.join(
        weakest,
        on="geo_code",
        how="left",
        maintain_order="left",
    )


def count_above_national(
    frames: Frames, measure: str, period: date, prefer_published: bool = True
) -> int:
    """How many provinces (layout of the period) have a value above the national one."""
    layout = geo.layout_for_period(period)
    national = value_at(frames, measure, "VN", geo.NATIONAL, period, prefer_published)
    prov = province_values(frames, measure, layout, period, prefer_published)
    return prov.filter(pl.col("value") > national).height


def unallocated(frames: Frames, measure: str, layout: str, period: date) -> float | None:
    """What the national value of an additive measure holds that no province of `layout` does
    at `period` (issue 29): the national value as the pages show it (`value_at`, a published
    figure where there is one) less the sum of the provinces' values shown in `layout`. A rate
    answers for its numerator (its formula's first part: SI coverage for SI participants).
    None for a measure that does not add up over provinces, where there is no national value
    or no province value, and where the difference is below half a unit of the measure's
    published precision (the sum rounds to the national figure)."""
    m = catalog.get(catalog.canonical_id(measure))
    if m.formula is not None and m.formula.op != "sum":
        return unallocated(frames, m.formula.args[0], layout, period) if m.kind == "rate" else None
    if layout not in geo.LAYOUTS or m.national_only or m.geo_agg != "sum":
        return None
    national = value_at(frames, m.id, "VN", geo.NATIONAL, period)
    provinces = resolve(frames, m.id, layout).filter(pl.col("period") == period)
    if national is None or provinces.height == 0:
        return None
    gap = national - provinces.get_column("value").sum()
    return gap if abs(gap) >= 0.5 * 10.0**-m.decimals else None


@dataclass(frozen=True)
class Unallocated:
    """The map's "not allocated to a province" line: the amount (`unallocated`), the measure
    it is an amount of (the shown one, or the shown rate's numerator) and its status (the
    weakest of the national value's and the provinces')."""

    amount: float
    measure: str
    status: str | None


def unallocated_line(frames: Frames, measure: str, layout: str, period: date) -> Unallocated | None:
    """`unallocated` with what the line shows beside it; None where the provinces add up."""
    amount = unallocated(frames, measure, layout, period)
    if amount is None:
        return None
    f = catalog.get(catalog.canonical_id(measure)).formula
    of = f.args[0] if f is not None and f.op != "sum" else catalog.canonical_id(measure)
    rows = pl.concat(
        resolve(frames, of, lay).filter(pl.col("period") == period) for lay in ("VN", layout)
    )
    return Unallocated(amount, of, rows.get_column("status").min())
