"""The dashboard's page queries written idiomatically in pandas, for bench/data_layer.py.

Each function mirrors the vss_dash function of the same name (metrics, projection, watch,
briefing) and must give the same numbers; data_layer.py checks that before timing anything.
Idiomatic means what a careful pandas user writes: low-cardinality text as categoricals (status as
an ordered category, so "the weakest status" is a min), boolean masks, groupby/agg, merge, and
vectorised arithmetic; Python loops only where the Polars code loops too (over measures, over the
few earlier years of a projection). Like metrics.Frames, PdFrames keeps each resolved measure for
reuse by later calls on the same PdFrames, so both sides run the same algorithm.

text="str" keeps layout, geo_code, measure and source_id in pandas' default text dtype instead of
categoricals (status stays an ordered category either way).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import polars as pl

from vss_dash import catalog, geo, metrics, projection, store, watch

STATUS = pd.CategoricalDtype(store.STATUS_VALUES, ordered=True)  # weakest first
COLS = ["period", "geo_code", "value", "status", "source_id"]
KEY = ["period", "geo_code"]


@dataclass(frozen=True)
class PdFrames:
    """The pandas twin of metrics.Frames, plus the geography lookups the queries need."""

    obs: pd.DataFrame
    plans: pd.DataFrame
    p63_to_p34: dict[str, str]
    names: dict[str, pd.DataFrame]  # layout -> geo_code, name (the registry's short names)
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_polars(cls, obs: pl.DataFrame, plans: pl.DataFrame, text="category") -> PdFrames:
        return cls(
            _typed(obs.drop("vintage", strict=False).to_pandas(), text),
            _typed(plans.to_pandas(), text),
            dict(geo.crosswalk().iter_rows()),
            {
                lay: geo.provinces(lay).select(geo_code="code", name="short_name").to_pandas()
                for lay in geo.LAYOUTS
            },
        )

    def fresh(self) -> PdFrames:
        """The same data with nothing resolved yet."""
        return PdFrames(self.obs, self.plans, self.p63_to_p34, self.names)


def _typed(df: pd.DataFrame, text: str) -> pd.DataFrame:
    cols = ("layout", "geo_code", "measure", "source_id")
    df = df.astype({c: text for c in cols} | {"status": STATUS})
    if "period" in df.columns:
        df["period"] = pd.to_datetime(df["period"])
    return df


def _ts(d: date) -> pd.Timestamp:
    return pd.Timestamp(d)


def _month_end_after(periods: pd.Series, months: int) -> pd.Series:
    """The month end `months` months after each month-end date."""
    return periods + pd.offsets.MonthEnd(months)


# ---------------------------------------------------------------- resolving a measure


def _sum_over(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum values over groups; status is the weakest part's, source that part's source."""
    return (
        df.sort_values("status", kind="stable")
        .groupby(keys, observed=True, sort=False)
        .agg(value=("value", "sum"), status=("status", "min"), source_id=("source_id", "first"))
        .reset_index()
    )


def _weakest(df: pd.DataFrame, n: int) -> tuple[pd.Categorical, np.ndarray]:
    """Status and source of values combined from parts suffixed _0, _1, …"""
    codes = np.column_stack([df[f"status_{i}"].cat.codes.to_numpy() for i in range(n)])
    weakest = codes.min(axis=1)
    source = np.full(len(df), None, dtype=object)
    for i in reversed(range(n)):  # the first part at the weakest status wins
        source = np.where(codes[:, i] == weakest, df[f"source_id_{i}"].astype(object), source)
    return pd.Categorical.from_codes(weakest, dtype=STATUS), source


def _join_parts(parts: list[pd.DataFrame]) -> pd.DataFrame:
    out = None
    for i, p in enumerate(parts):
        p = p.rename(columns={c: f"{c}_{i}" for c in ("value", "status", "source_id")})
        out = p if out is None else out.merge(p, on=KEY, how="inner")
    return out


def _recode_p34(df: pd.DataFrame, pf: PdFrames) -> pd.DataFrame:
    return df.assign(geo_code=df["geo_code"].astype(object).map(pf.p63_to_p34))


def _base(pf: PdFrames, m: catalog.Measure, layout: str) -> pd.DataFrame:
    obs = pf.obs[pf.obs["measure"] == m.id]
    if layout == "VN":
        if m.national_only or m.geo_agg == "none":
            return obs.loc[obs["layout"] == "VN", COLS]
        summed = _sum_over(obs[obs["layout"] != "VN"], ["period"])
        return summed.assign(geo_code=geo.NATIONAL)[COLS]
    if m.national_only:
        return obs.iloc[:0][COLS]
    direct = obs.loc[obs["layout"] == layout, COLS]
    if layout == "P34":
        old = _recode_p34(obs[obs["layout"] == "P63"], pf)
        direct = pd.concat([direct, _sum_over(old, KEY)[COLS]], ignore_index=True)
    return direct


def plan_table(pf: PdFrames, measure: str, layout: str) -> pd.DataFrame:
    p = pf.plans[pf.plans["measure"] == measure]
    cols = ["year", "geo_code", "target", "status", "source_id"]
    if layout in geo.LAYOUTS:
        direct = p.loc[p["layout"] == layout, cols]
        if layout == "P34":
            old = p[(p["layout"] == "P63") & ~p["year"].isin(direct["year"].unique())]
            summed = _sum_over(
                _recode_p34(old, pf).rename(columns={"target": "value"}), ["year", "geo_code"]
            ).rename(columns={"value": "target"})
            direct = pd.concat([direct, summed[cols]], ignore_index=True)
        return direct
    national = p.loc[p["layout"] == "VN", cols]
    prov = p[p["layout"] != "VN"]
    p34_years = prov.loc[prov["layout"] == "P34", "year"].unique()
    prov = prov[(prov["layout"] == "P34") | ~prov["year"].isin(p34_years)]
    summed = (
        _sum_over(prov.rename(columns={"target": "value"}), ["year"])
        .rename(columns={"value": "target"})
        .assign(geo_code=geo.NATIONAL)
    )
    summed = summed[~summed["year"].isin(national["year"])]
    return pd.concat([national, summed[cols]], ignore_index=True).sort_values("year")


def _derived(pf: PdFrames, m: catalog.Measure, layout: str, pp: bool) -> pd.DataFrame:
    f = m.formula
    if f.op == "yoy_pct":
        cur = resolve(pf, f.args[0], layout, pp)
        prev = cur.assign(period=_month_end_after(cur["period"], 12))
        j = _join_parts([cur, prev])
        value = 100 * (j["value_0"] / j["value_1"] - 1)
        n = 2
    elif f.op == "plan_ratio":
        cur = resolve(pf, f.args[0], layout, pp)
        cur = cur.assign(_year=cur["period"].dt.year)
        plan = plan_table(pf, f.args[0], layout).rename(columns={"year": "_year"})
        plan = plan.rename(columns={"target": "value_1", "status": "status_1"})
        j = cur.rename(columns={c: f"{c}_0" for c in ("value", "status", "source_id")}).merge(
            plan.rename(columns={"source_id": "source_id_1"}), on=["_year", "geo_code"]
        )
        value = 100 * j["value_0"] / j["value_1"]
        n = 2
    else:
        parts = [resolve(pf, a, layout, pp) for a in f.args]
        j = _join_parts(parts)
        n = len(parts)
        if f.op == "sum":
            value = j[[f"value_{i}" for i in range(n)]].sum(axis=1)
        else:  # ratio
            value = 100 * j["value_0"] / j["value_1"]
    status, source = _weakest(j, n)
    out = j[KEY].assign(value=value, status=status, source_id=source)
    return out[np.isfinite(out["value"])][COLS]


def resolve(pf: PdFrames, measure: str, layout: str, prefer_published: bool = True) -> pd.DataFrame:
    key = ("resolve", measure, layout, prefer_published)
    if key in pf.memo:
        return pf.memo[key]
    m = catalog.get(measure)
    out = _derived(pf, m, layout, prefer_published) if m.derived else _base(pf, m, layout)
    if prefer_published:
        if "published" not in pf.memo:
            pf.memo["published"] = pf.obs[pf.obs["status"] == "published"]
        o = pf.memo["published"]
        pub = o.loc[(o["measure"] == measure) & (o["layout"] == layout), COLS]
        if len(pub):
            replaced = out.set_index(KEY).index.isin(pub.set_index(KEY).index)
            out = pd.concat([out[~replaced], pub], ignore_index=True)
    out = out.sort_values(KEY, ignore_index=True)
    pf.memo[key] = out
    return out


# ---------------------------------------------------------------- what the pages ask


def value_at(pf, measure, layout, geo_code, period, prefer_published=True) -> float | None:
    df = resolve(pf, measure, layout, prefer_published)
    df = df[(df["geo_code"] == geo_code) & (df["period"] == _ts(period))]
    return float(df["value"].iloc[0]) if len(df) else None


def series(pf, measure, layout="VN", geo_code=geo.NATIONAL, start=None, end=None) -> pd.DataFrame:
    df = resolve(pf, measure, layout)
    df = df[df["geo_code"] == geo_code]
    if start is not None:
        df = df[df["period"] >= _ts(start)]
    if end is not None:
        df = df[df["period"] <= _ts(end)]
    return df[["period", "value", "status", "source_id"]]


def snapshot(pf, measures, period, layout="VN", geo_code=geo.NATIONAL) -> pd.DataFrame:
    prev_period = metrics.months_back(period, 12)
    rows = []
    for mid in measures:
        df = resolve(pf, mid, layout)
        df = df[df["geo_code"] == geo_code].set_index("period")
        cur = df.loc[_ts(period)] if _ts(period) in df.index else None
        prev = df["value"].get(_ts(prev_period))
        value = None if cur is None else float(cur["value"])
        kind = metrics.change_kind(mid)
        change = None
        if value is not None and prev is not None:
            change = value - prev if kind == "pp" else (100 * (value / prev - 1) if prev else None)
        rows.append(
            {
                "measure": mid,
                "period": period,
                "value": value,
                "status": None if cur is None else cur["status"],
                "source_id": None if cur is None else cur["source_id"],
                "prev_period": prev_period,
                "prev_value": prev,
                "change": change,
                "change_kind": kind,
            }
        )
    return pd.DataFrame(rows)


def kpis(pf, measures, period, months=24, layout="VN", geo_code=geo.NATIONAL):
    start = metrics.months_back(period, months - 1)
    history = pd.concat(
        [series(pf, mid, layout, geo_code, start, period).assign(measure=mid) for mid in measures],
        ignore_index=True,
    )[["measure", "period", "value", "status", "source_id"]]
    return snapshot(pf, measures, period, layout, geo_code), history


def province_values(pf, measure, layout, period, prefer_published=True) -> pd.DataFrame:
    df = resolve(pf, measure, layout, prefer_published)
    df = df[df["period"] == _ts(period)]
    ascending = catalog.get(measure).good == "down"
    rank = df["value"].rank(method="min", ascending=ascending).astype("int32")
    return df.assign(rank=rank).sort_values("rank", kind="stable")[
        ["geo_code", "value", "status", "source_id", "rank"]
    ]


def parts(pf, measure, layout):
    f = catalog.get(measure).formula
    if f is None or f.op == "sum":
        return None
    num = resolve(pf, f.args[0], layout)
    if f.op == "ratio":
        den = resolve(pf, f.args[1], layout)
    elif f.op == "plan_ratio":
        plan = plan_table(pf, f.args[0], layout).rename(columns={"year": "_year"})
        den = (
            num[KEY]
            .assign(_year=num["period"].dt.year)
            .merge(plan.rename(columns={"target": "value"}), on=["_year", "geo_code"])
        )
    else:
        den = num.assign(period=_month_end_after(num["period"], 12))
    return num[["period", "geo_code", "value"]], den[["period", "geo_code", "value"]]


def province_table(pf, measure, layout, period) -> pd.DataFrame:
    cur = province_values(pf, measure, layout, period)
    prev = resolve(pf, measure, layout)
    prev = prev.loc[prev["period"] == _ts(metrics.months_back(period, 12)), ["geo_code", "value"]]
    out = cur.merge(prev.rename(columns={"value": "prev"}), on="geo_code", how="left")
    kind = metrics.change_kind(measure)
    out["change"] = (
        out["value"] - out["prev"] if kind == "pp" else 100 * (out["value"] / out["prev"] - 1)
    )
    out["change_kind"] = kind
    split = parts(pf, measure, layout)
    if split is None:
        out["numerator"] = np.nan
        out["denominator"] = np.nan
    else:
        for name, part in zip(("numerator", "denominator"), split, strict=True):
            at = part.loc[part["period"] == _ts(period), ["geo_code", "value"]]
            out = out.merge(at.rename(columns={"value": name}), on="geo_code", how="left")
    out = out.merge(pf.names[layout], on="geo_code", how="left").sort_values(["rank", "geo_code"])
    return out[
        [
            "geo_code", "name", "value", "numerator", "denominator", "rank", "change",
            "change_kind", "status", "source_id",
        ]
    ]  # fmt: skip


def ranks(pf, measures, layout, period, geo_code) -> dict[str, tuple[int, int]]:
    out = {}
    for mid in measures:
        table = province_values(pf, mid, layout, period)
        row = table[table["geo_code"] == geo_code]
        if len(row):
            out[mid] = (int(row["rank"].iloc[0]), len(table))
    return out


def constituent_history(pf, measure, code_34) -> pd.DataFrame:
    olds = [c63 for c63, c34 in pf.p63_to_p34.items() if c34 == code_34]
    names63 = pf.names["P63"].set_index("geo_code")["name"]
    name34 = pf.names["P34"].set_index("geo_code")["name"][code_34]
    p63 = resolve(pf, measure, "P63")
    p63 = p63[p63["geo_code"].isin(olds)]
    p34 = resolve(pf, measure, "P34")
    p34 = p34[p34["geo_code"] == code_34]
    out = pd.concat(
        [
            p63.assign(series=p63["geo_code"].map(names63), layout="P63"),
            p34.assign(series=f"{name34} (34)", layout="P34"),
        ],
        ignore_index=True,
    )
    return out[["series", "layout", "geo_code", "period", "value"]]


def completion_table(pf, measures, period) -> pd.DataFrame:
    layout = geo.layout_for_period(period)
    out = pf.names[layout]
    for mid in measures:
        vals = resolve(pf, mid, layout)
        vals = vals.loc[vals["period"] == _ts(period), ["geo_code", "value"]]
        out = out.merge(vals.rename(columns={"value": mid}), on="geo_code", how="left")
    national = pd.DataFrame(
        {"geo_code": [geo.NATIONAL], "name": [None]}
        | {mid: [value_at(pf, mid, "VN", geo.NATIONAL, period)] for mid in measures}
    )
    return pd.concat([national, out], ignore_index=True)


def data_status(pf, period) -> dict[str, float]:
    p = pf.obs["period"]
    shares = pf.obs.loc[(p.dt.year == period.year) & (p <= _ts(period)), "status"]
    shares = shares.value_counts(normalize=True)
    return {str(s): float(v) for s, v in shares.items() if v > 0}


# ---------------------------------------------------------------- plan versus actual


def _by_month(s: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {"year": s["period"].dt.year, "month": s["period"].dt.month, "value": s["value"]}
    )


def _year_end_ratios(s: pd.DataFrame) -> pd.DataFrame:
    dec = s.loc[s["month"] == 12, ["year", "value"]].rename(columns={"value": "dec"})
    j = s.merge(dec, on="year")
    j = j[j["value"] != 0]
    return j.assign(ratio=j["dec"] / j["value"])[["year", "month", "ratio"]]


def project(series_: pd.DataFrame, period: date, years_back=projection.DEFAULT_YEARS_BACK):
    """(year_end, low, high) as projection.project computes them, or None."""
    s = _by_month(series_)
    by_ym = s.set_index(["year", "month"])["value"]
    ratios = _year_end_ratios(s).sort_values(["year", "month"])
    at_month = ratios[ratios["month"] == period.month].set_index("year")["ratio"]

    def mean_ratio(year: int) -> tuple[float, int]:
        prior = at_month[at_month.index < year].tail(years_back)
        return (float(prior.mean()), len(prior)) if len(prior) else (float("nan"), 0)

    mean, used = mean_ratio(period.year)
    if (period.year, period.month) not in by_ym.index or used == 0:
        return None
    point = float(by_ym[(period.year, period.month)]) * mean
    errors = []
    for year in sorted(ratios["year"].unique()):
        r, n = mean_ratio(year)
        if year >= period.year or n == 0:
            continue
        if (year, period.month) in by_ym.index and (year, 12) in by_ym.index:
            errors.append(float(by_ym[(year, period.month)]) * r / float(by_ym[(year, 12)]) - 1)
    half = (
        max(max(abs(e) for e in errors), projection.MIN_HALF_WIDTH)
        if errors
        else projection.NO_BACKTEST_HALF_WIDTH
    )
    return point, point * (1 - half), point * (1 + half)


def plan_path(series_: pd.DataFrame, year: int, plan: float, years_back=3) -> pd.DataFrame:
    s = _by_month(series_)
    dec = s.loc[s["month"] == 12, ["year", "value"]].rename(columns={"value": "dec"})
    shares = s.merge(dec, on="year")
    shares = shares[(shares["year"] < year) & (shares["dec"] != 0)]
    years = np.sort(shares["year"].unique())[-years_back:]
    mean = (
        shares[shares["year"].isin(years)]
        .assign(share=lambda d: d["value"] / d["dec"])
        .groupby("month")["share"]
        .mean()
    )
    return pd.DataFrame(
        {
            "period": pd.to_datetime({"year": year, "month": mean.index, "day": 1})
            + pd.offsets.MonthEnd(0),
            "path": mean.to_numpy() * plan,
        }
    )


def plan_view(pf, measure, layout, geo_code, period) -> dict:
    """The numbers of projection.plan_view: actual, last year, plan, path, projection, verdict,
    completion and path gap."""
    m = catalog.get(measure)
    s = series(pf, measure, layout, geo_code)[["period", "value"]]
    year = period.year
    actual = s[(s["period"].dt.year == year) & (s["period"] <= _ts(period))]
    last = s[s["period"].dt.year == year - 1]
    last_year = last.assign(period=_month_end_after(last["period"], 12))
    plan, source = None, None
    planned = pf.plans[pf.plans["measure"] == measure]
    if (planned["layout"] != "VN").any():
        rows = plan_table(pf, measure, layout)
        rows = rows[(rows["year"] == year) & (rows["geo_code"] == geo_code)]
        if len(rows):
            plan, source = float(rows["target"].iloc[0]), "plan"
    targets = planned.loc[planned["layout"] == "VN", ["year", "target"]].sort_values("year")
    if plan is None and layout == "VN":
        this_year = targets[targets["year"] == year]
        if len(this_year):
            plan, source = float(this_year["target"].iloc[0]), "target"
    proj = project(s, period)
    path = plan_path(s, year, plan) if plan is not None and m.kind == "ytd_flow" else None
    now = actual.loc[actual["period"] == _ts(period), "value"]
    value = float(now.iloc[0]) if len(now) else None
    completion = 100 * value / plan if plan and value is not None else None
    path_gap = None
    if path is not None and value is not None:
        at = path.loc[path["period"] == _ts(period), "path"]
        if len(at):
            path_gap = 100 * (value - float(at.iloc[0])) / plan
    verdict = None
    if proj is not None and plan is not None:
        verdict = projection.verdict(_Interval(*proj), plan, m.good)
    return {
        "actual": actual,
        "last_year": last_year,
        "plan": plan,
        "plan_source": source,
        "path": path,
        "projection": proj,
        "verdict": verdict,
        "completion": completion,
        "path_gap": path_gap,
    }


@dataclass(frozen=True)
class _Interval:
    """What projection.verdict reads of a projection."""

    year_end: float
    low: float
    high: float


def briefing_plan(pf, measure, period) -> dict:
    return plan_view(pf, measure, "VN", geo.NATIONAL, period)


# ---------------------------------------------------------------- the watch list


def _at(pf, measure, layout, period) -> pd.DataFrame:
    df = resolve(pf, measure, layout)
    df = df[(df["period"] == _ts(period)) & np.isfinite(df["value"])]
    return pd.DataFrame(
        {
            "geo_code": df["geo_code"].astype(object),
            "value": df["value"],
            "_rank": df["status"].cat.codes.astype("int8"),
        }
    )


def _national(pf, measure, period) -> tuple[float | None, int]:
    df = _at(pf, measure, "VN", period)
    if not len(df):
        return None, STATUS.categories.get_loc("published")
    return float(df["value"].iloc[0]), int(df["_rank"].iloc[0])


def _year_earlier(pf, measure, layout, period) -> pd.DataFrame:
    prev = _at(pf, measure, layout, metrics.months_back(period, 12))
    return prev.rename(columns={"value": "_prev", "_rank": "_rank_prev"})


def _finish(df: pd.DataFrame, severity: pd.Series, threshold: float) -> pd.DataFrame:
    df = df.assign(_severity=severity)
    return df[(df["_severity"] >= threshold - watch.EPS) & (df["_severity"] > 0)]


def _min_rank(*cols) -> pd.Series:
    return pd.concat(cols, axis=1).min(axis=1)  # nulls (no earlier value) are skipped


def _gap_rule(pf, r, layout, period, threshold):
    national, nat_rank = _national(pf, r.measure, period)
    cur = _at(pf, r.measure, layout, period)
    if national is None or not len(cur):
        return None
    sign = -1.0 if r.rule == "below_national" else 1.0
    df = cur.merge(_year_earlier(pf, r.measure, layout, period), on="geo_code", how="left")
    df["national"] = national
    df["gap"] = df["value"] - national
    df["gap_kind"] = "pp"
    df["trend"] = df["value"] - df["_prev"]
    df["trend_kind"] = "pp"
    df["_rank"] = _min_rank(df["_rank"], df["_rank_prev"], pd.Series(nat_rank, index=df.index))
    return _finish(df, sign * df["gap"], threshold)


def _z_rule(pf, r, layout, period, threshold):
    cur = _at(pf, r.measure, layout, period)
    if len(cur) < watch.MIN_PEERS:
        return None
    national, nat_rank = _national(pf, r.measure, period)
    x = cur["value"]
    med = x.median()
    dev = (x - med).abs()
    scale = watch.MAD_SCALE * dev.median() if dev.median() > 0 else watch.MEAN_AD_SCALE * dev.mean()
    z = (x - med) / scale if scale > watch.EPS else pd.Series(np.nan, index=x.index)
    peers_rank = min(int(cur["_rank"].min()), nat_rank)
    df = cur.assign(z=z).merge(
        _year_earlier(pf, r.measure, layout, period), on="geo_code", how="left"
    )
    df["national"] = np.nan if national is None else national
    df["gap"] = df["z"]
    df["gap_kind"] = "z"
    df["trend"] = df["value"] - df["_prev"]
    df["trend_kind"] = "pp"
    df["_rank"] = _min_rank(pd.Series(peers_rank, index=df.index), df["_rank_prev"])
    return _finish(df.drop(columns="z"), df["gap"], threshold)


def _fall_rule(pf, r, layout, period, threshold):
    last = metrics.months_back(period, 1)

    def change(where: str) -> pd.DataFrame:
        now, before = _at(pf, r.measure, where, period), _at(pf, r.measure, where, last)
        j = now.merge(before, on="geo_code", suffixes=("", "_last"))
        j = j.assign(
            _now=j["value"],
            value=100 * (j["value"] / j["value_last"] - 1),
            _rank=j[["_rank", "_rank_last"]].min(axis=1),
        )
        return j[np.isfinite(j["value"])][["geo_code", "value", "_rank", "_now"]]

    nat = change("VN")
    national = float(nat["value"].iloc[0]) if len(nat) else np.nan
    nat_rank = int(nat["_rank"].iloc[0]) if len(nat) else STATUS.categories.get_loc("published")
    cur = change(layout)
    if not len(cur):
        return None
    df = cur.merge(_year_earlier(pf, r.measure, layout, period), on="geo_code", how="left")
    df["national"] = national
    df["gap"] = df["value"] - national
    df["gap_kind"] = "pp"
    trend = 100 * (df["_now"] / df["_prev"] - 1)
    df["trend"] = trend.where(np.isfinite(trend))
    df["trend_kind"] = "percent"
    df["_rank"] = _min_rank(df["_rank"], df["_rank_prev"], pd.Series(nat_rank, index=df.index))
    return _finish(df, -df["value"], threshold)


_RULES = {
    "below_national": _gap_rule,
    "above_national": _gap_rule,
    "robust_z": _z_rule,
    "fall": _fall_rule,
}


def watch_list(pf, period, thresholds: watch.Thresholds | None = None) -> pd.DataFrame:
    thresholds = thresholds or watch.Thresholds()
    layout = geo.layout_for_period(period)
    found = []
    for order, r in enumerate(watch.REASONS):
        threshold = float(getattr(thresholds, r.threshold))
        df = _RULES[r.rule](pf, r, layout, period, threshold)
        if df is None or not len(df):
            continue
        found.append(
            df.assign(
                reason=r.id,
                layout=layout,
                period=_ts(period),
                measure=r.measure,
                value_kind="mom_pct" if r.rule == "fall" else "level",
                threshold=threshold,
                status=pd.Categorical.from_codes(df["_rank"].astype("int8"), dtype=STATUS),
                _order=order,
            ).merge(pf.names[layout], on="geo_code", how="left")
        )
    if not found:
        return pd.DataFrame(columns=list(watch.SCHEMA))
    out = pd.concat(found, ignore_index=True).sort_values(
        ["_order", "_severity", "geo_code"], ascending=[True, False, True]
    )
    return out[list(watch.SCHEMA)]


def watch_rows(pf, period, public, per_reason=3) -> pd.DataFrame:
    wl = watch_list(pf, period)
    allowed = [r.id for r in watch.REASONS if not public or catalog.get(r.measure).public]
    return wl[wl["reason"].isin(allowed)].groupby("reason", sort=False).head(per_reason)
