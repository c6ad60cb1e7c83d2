"""The demo store: seeded, deterministic, calibrated to every figure that was published.

No public source gives monthly figures per province, so the dashboard ships with generated
ones. This module makes them, and it is the only place that does:

1. National monthly paths (2020-01 .. 2026-10; 2020 is there so that 2021 has a year-on-year base).
   The design: stock knots chosen here for plausibility, annual totals of the flows, seasonal
   shapes (SI and UI dip in the first quarter and peak in December; HI dips in the summer
   holidays). The record: `fitted()` turns every current published national figure into linear
   constraints and solves one linear programme (`demo_fit`) for the knots nearest the design at
   which they all hold; a figure that contradicts more trusted ones (see `_trust`) is left out
   and named. Stocks are interpolated in logs through the knots with small noise that vanishes
   at every knot; year-to-date flows spread each year's total over months by a profile, bent to
   pass through their knots; denominators are the annual estimate at mid-year and, at a month with
   a published rate, the value that rate implies.
   A national figure of an additive measure is stored as the national row the dashboard shows,
   so the knots equal it exactly (`_exact`), not merely within its rounding: the provinces then
   sum to it. Where the record's rounded figures of one month cannot all be exact together
   (16.12 M + 1.56 M against 17.69 M in February 2024), those figures keep their rounding
   interval and `plausibility.explained_gaps` names the difference.
2. Province values: each month's national total is split over the 63 provinces in proportion to
   weights built from population and a profile (big cities and industrial provinces: high SI
   coverage; mountain provinces: high HI coverage from state-paid cards, low SI), times a path of
   each province's own (`_own_paths`: its trend drifting from the nation's, its depth of the
   seasonal dip, AR(1) noise), then rounded with the largest-remainder method so that provinces
   sum to the national total exactly. Each province is fitted to its own published figures
   (`_corrections`, a few rounds): its weights are bent by the ratio of published to generated
   value, interpolated in logs between its published months and held beyond them, so a
   published level is the province's level and two published months set its trend. Finally
   every published provincial figure is pinned exactly (`_pin_provinces`), the other provinces
   absorbing the (by then small) difference, so national sums still hold.
   `plausibility` checks the result: no month moves further than the record ever moved between
   two reports, provinces' monthly changes spread, the nation is the sum of its provinces.
3. From 2025-07 the 63 are summed through the crosswalk into the 34 provinces.
4. Annual plans per province, solved so that the published plan-completion figures hold.

Published figures are stored as `status=published` rows with their source; all else is `demo`.
`vss-dash demo` writes the store; `published.check` then confirms every figure is reproduced.
"""

from __future__ import annotations

import csv
import functools
from datetime import UTC, date, datetime

import numpy as np
import polars as pl

from vss_dash import catalog, demo_fit, geo, published, store
from vss_dash.paths import REFERENCE_DIR

SEED = 2025
DEMO_SOURCE = "demo_v1"
VINTAGE = datetime(2026, 11, 1, tzinfo=UTC)  # fixed, so that generation is reproducible
START_YEAR, END = 2020, (2026, 10)
YEARS = list(range(START_YEAR, END[0] + 1))
T = (END[0] - START_YEAR) * 12 + END[1]  # months in the demo calendar
MILLION_VND = 1000  # amounts are billion VND; generate them in whole million VND


def t_of(ym: str) -> int:
    """Index of a 'YYYY-MM' month in the demo calendar."""
    y, m = (int(x) for x in ym.split("-"))
    return (y - START_YEAR) * 12 + m - 1


def month_ends() -> list[date]:
    out = []
    for y in YEARS:
        for m in range(1, 13):
            if (y, m) <= END:
                nxt = date(y + (m == 12), m % 12 + 1, 1)
                out.append(date.fromordinal(nxt.toordinal() - 1))
    return out


PERIODS = month_ends()


# --------------------------------------------------------------------------- national paths


def _pub(measure: str, ym: str, geo_name: str = "VN") -> float:
    return published.level(measure, ym, geo_name)


def national_stock_knots() -> dict[str, dict[str, float]]:
    """Design knots of the national stock paths: where the demo would go with no record. Some
    are read off seed figures; `fitted()` moves every knot the record constrains."""
    si_2021_11, v_2021_11 = _pub("si_participants", "2021-11"), 1_176_000  # design split
    c_2021_11 = si_2021_11 - v_2021_11
    chg = published.level  # changes since 2021-09 are published for both parts
    c_2021_09 = c_2021_11 - chg("si_compulsory_change_vs_2021-09", "2021-11")
    v_2021_09 = v_2021_11 - chg("si_voluntary_change_vs_2021-09", "2021-11")
    v_2023_05 = 1_470_000  # design
    si_2023_12 = 18_296_000  # design: 39.25% of the 2023 labour force (published rate)
    v_2023_12 = 1_827_000  # design: 3.92% of the 2023 labour force (published rate)
    return {
        "si_compulsory": {
            "2020-01": 13_350_000,
            "2020-12": 13_700_000,
            "2021-06": 13_650_000,
            "2021-09": c_2021_09,
            "2021-11": c_2021_11,
            "2021-12": 14_650_000,
            "2022-05": 15_590_000,  # with 2022-05 voluntary: 2.7% below 2023-05 (published)
            "2022-12": 15_800_000,
            "2023-05": _pub("si_participants", "2023-05") - v_2023_05,
            "2023-09": 15_879_000,  # 17.03 M in 2024-09 is +7.25% (published)
            "2023-12": si_2023_12 - v_2023_12,
            "2024-08": _pub("si_compulsory", "2024-09")
            - chg("si_compulsory_change_in_month", "2024-09"),
            "2024-09": _pub("si_compulsory", "2024-09"),
            "2024-12": 17_700_000,
            "2025-06": 17_900_000,
            "2025-12": 18_600_000,
            "2026-10": 19_150_000,
        },
        "si_voluntary": {
            "2020-01": 1_120_000,
            "2020-12": 1_130_000,
            "2021-06": 1_150_000,
            "2021-09": v_2021_09,
            "2021-11": v_2021_11,
            "2021-12": 1_300_000,
            "2022-05": 1_420_000,
            "2022-12": 1_490_000,
            "2023-05": v_2023_05,
            "2023-09": 1_428_050,  # 1.99 M in 2024-09 is +39.35% (published)
            "2023-12": v_2023_12,
            "2024-09": _pub("si_voluntary", "2024-09"),
            "2024-12": 2_280_000,
            "2025-06": 2_250_000,
            "2025-12": 2_550_000,
            "2026-10": 2_700_000,
        },
        "ui_participants": {
            "2020-01": 13_300_000,
            "2020-12": 13_400_000,
            "2021-09": 12_900_000,
            "2021-12": 13_500_000,
            "2022-12": 14_200_000,
            "2023-09": 14_173_300,  # 15.31 M in 2024-09 is +8.02% (published)
            "2023-12": 14_729_000,  # design: 31.6% of the 2023 labour force (published rate)
            "2024-09": _pub("ui_participants", "2024-09"),
            "2024-12": 15_600_000,
            "2025-12": 16_200_000,
            "2026-10": 16_500_000,
        },
        "hi_participants": {
            "2020-01": 86_500_000,
            "2020-12": 87_900_000,
            "2021-06": 85_500_000,
            "2021-09": _pub("hi_participants", "2021-11")
            - chg("hi_participants_change_vs_2021-09", "2021-11"),
            "2021-11": _pub("hi_participants", "2021-11"),
            "2021-12": 88_000_000,
            "2022-05": _pub("hi_participants", "2023-05")
            - chg("hi_participants_change_yoy", "2023-05"),
            "2022-12": 91_000_000,
            "2023-05": _pub("hi_participants", "2023-05"),
            "2023-09": 91_456_000,  # 93.45 M in 2024-09 is +2.18% (published)
            "2023-12": 93_630_000,  # design: 93.35% of the 2023 population (published rate)
            "2024-09": _pub("hi_participants", "2024-09"),
            "2024-12": 95_500_000,
            "2025-06": 95_200_000,
            "2025-12": 97_000_000,
            "2026-10": 97_800_000,
        },
    }


# Annual denominators (design; the 2023 labour force is set so that the published 2023 rates hold).
ANNUAL_DENOMINATORS: dict[str, dict[int, int]] = {
    "population": {
        2020: 97_600_000,
        2021: 98_510_000,
        2022: 99_470_000,
        2023: 100_300_000,
        2024: 101_110_000,
        2025: 101_900_000,
        2026: 102_700_000,
    },
    "labour_force_working_age": {
        2020: 45_900_000,
        2021: 45_600_000,
        2022: 46_150_000,
        2023: 46_611_500,
        2024: 47_000_000,
        2025: 47_300_000,
        2026: 47_550_000,
    },
}

# Seasonal factor of HI participants by calendar month: cards of pupils and students lapse over the
# summer holidays and are renewed when the school year starts in September.
HI_SEASON = np.array(
    [1.0, 0.998, 0.997, 0.997, 0.998, 0.997, 0.988, 0.985, 0.996, 1.004, 1.006, 1.008]
)

# Year-to-date flows: annual totals (design, unless the year's total is published), published
# year-to-date points, and the monthly profile the year is spread over.
REVENUE_PROFILE = [7.0, 6.0, 7.5, 7.5, 7.5, 8.0, 7.5, 7.5, 8.0, 8.0, 8.5, 17.0]  # December sprint
EVEN_PROFILE = [8.0, 7.0] + [8.5] * 10
YTD_FLOWS: dict[str, dict] = {
    "revenue_collected": {
        "annual": {
            2020: 382_000,
            2021: 409_500,
            2022: 435_100,
            2023: None,
            2024: 526_000,
            2025: 568_000,
            2026: 612_000,
        },
        "profile": REVENUE_PROFILE,
        "scale": MILLION_VND,
    },
    "hi_medical_cost": {
        "annual": {
            2020: 108_000,
            2021: 104_000,
            2022: 117_000,
            2023: 129_000,
            2024: 140_000,
            2025: 152_000,
            2026: 165_000,
        },
        "profile": EVEN_PROFILE,
        "scale": MILLION_VND,
    },
    "hi_medical_visits": {
        "annual": {
            2020: 168e6,
            2021: 126e6,
            2022: 160e6,
            2023: 174e6,
            2024: 182e6,
            2025: 190e6,
            2026: 198e6,
        },
        "profile": EVEN_PROFILE,
        "scale": 1,
    },
    "pension_monthly_allowance_cases": {
        "annual": {
            2020: 58_000,
            2021: 57_000,
            2022: 60_000,
            2023: 62_000,
            2024: 64_000,
            2025: 66_000,
            2026: 68_000,
        },
        "profile": EVEN_PROFILE,
        "scale": 1,
    },
    "si_one_time_benefit_persons": {
        "annual": {
            2020: 1_000_000,
            2021: 980_000,
            2022: 1_100_000,
            2023: 1_060_000,
            2024: 960_000,
            2025: 900_000,
            2026: 860_000,
        },
        "profile": EVEN_PROFILE,
        "scale": 1,
    },
    "short_term_benefit_cases": {
        "annual": {
            2020: 7_900_000,
            2021: 8_600_000,
            2022: 8_700_000,
            2023: 8_950_000,
            2024: 9_200_000,
            2025: 9_400_000,
            2026: 9_600_000,
        },
        "profile": EVEN_PROFILE,
        "scale": 1,
    },
    "ui_benefit_persons": {
        "annual": {
            2020: 1_010_000,
            2021: 800_000,
            2022: 900_000,
            2023: 920_000,
            2024: 880_000,
            2025: 860_000,
            2026: 850_000,
        },
        "profile": EVEN_PROFILE,
        "scale": 1,
    },
    "ui_vocational_training_persons": {
        "annual": {
            2020: 28_000,
            2021: 18_000,
            2022: 21_000,
            2023: 21_500,
            2024: 22_000,
            2025: 22_500,
            2026: 23_000,
        },
        "profile": EVEN_PROFILE,
        "scale": 1,
    },
}


REVENUE_PLAN_2021 = 410_000  # design: the national plan for 2021 (not published)
RECEIVABLE_RATIO = {
    2020: 1.032,
    2021: 1.041,
    2022: 1.035,
    2023: None,
    2024: 1.027,
    2025: 1.025,
    2026: 1.024,
}
RECEIVABLE_2023 = 485_400  # design; with the published 2.69% late-payment rate at 2023-12
# Late payment (stock) as a share of the year-to-date receivable, by calendar month: high early in
# the year when little is yet due, lowest after the December sprint. December values per year.
LATE_DECEMBER = {
    2020: 0.0321,
    2021: 0.0356,
    2022: 0.0301,
    2023: None,
    2024: 0.0262,
    2025: 0.0255,
    2026: 0.0250,
}


def _interp_knots(
    knots: dict[str, float], seasonal: np.ndarray | None, rng: np.random.Generator, noise: float
) -> np.ndarray:
    idx = np.array(sorted(t_of(k) for k in knots))
    vals = np.array([knots[k] for k in sorted(knots, key=t_of)], dtype=float)
    assert idx[0] == 0 and idx[-1] == T - 1, "knots must cover the whole calendar"
    season = seasonal[np.arange(T) % 12] if seasonal is not None else np.ones(T)
    path = np.exp(np.interp(np.arange(T), idx, np.log(vals / season[idx]))) * season
    # AR(1) noise times a bridge that is zero at every knot, so knots stay exact
    e = np.zeros(T)
    for t in range(1, T):
        e[t] = 0.6 * e[t - 1] + rng.normal(0, noise)
    bridge = np.zeros(T)
    for a, b in zip(idx[:-1], idx[1:], strict=True):
        span = np.arange(a, b + 1)
        bridge[span] = np.sin(np.pi * (span - a) / (b - a))
    path = path * (1 + e * bridge)
    path[idx] = vals
    return np.round(path)


def _ytd_path(
    annual: dict[int, float],
    anchors: dict[str, float],
    profile: list[float],
    rng: np.random.Generator,
    scale: int,
) -> np.ndarray:
    """Year-to-date values (in units of 1/scale) for every month of the calendar."""
    out = np.zeros(T)
    for y in YEARS:
        w = np.array(profile) * rng.lognormal(0, 0.04, 12)
        cum = np.concatenate([[0.0], np.cumsum(w / w.sum())])
        points = {0: 0.0, 12: 1.0}
        for ym, v in anchors.items():
            if int(ym[:4]) == y:
                points[int(ym[5:])] = v / annual[y]
        marks = sorted(points)
        warped = np.zeros(13)
        for a, b in zip(marks[:-1], marks[1:], strict=True):
            for m in range(a, b + 1):
                frac = (cum[m] - cum[a]) / (cum[b] - cum[a])
                warped[m] = points[a] + frac * (points[b] - points[a])
        for m in range(1, 13):
            if (y, m) <= END:
                out[t_of(f"{y}-{m:02d}")] = round(annual[y] * warped[m] * scale)
    return out


# --------------------------------------------------------------------------- fitting the record

# Seasonal factors of SI and UI stocks by calendar month (December = 1), read from VSS's
# published 2024-2025 path (NOTES C6): the stock dips in the first quarter, when contracts
# lapse and voluntary SI is not yet renewed, and climbs to a year-end peak. The dip is spread
# over January to March, as the record shows it (-6.4 % from December 2024 to March 2025, not
# in one month): no month falls further than `plausibility.move_bounds` allows.
SI_SEASON = np.array([0.97, 0.95, 0.935, 0.937, 0.945, 0.955, 0.96, 0.965, 0.97, 0.98, 0.985, 1.0])
VOLUNTARY_SEASON = np.array([0.9, 0.82, 0.78, 0.775, 0.78, 0.8, 0.81, 0.82, 0.84, 0.86, 0.9, 1.0])
SEASONS = {
    "si_compulsory": SI_SEASON,
    "si_voluntary": VOLUNTARY_SEASON,
    "ui_participants": SI_SEASON,
    "hi_participants": HI_SEASON,
}
FLOW_SCALE = {m: spec["scale"] for m, spec in YTD_FLOWS.items()} | {
    "amount_receivable": MILLION_VND
}
FLOW_PROFILE = {m: spec["profile"] for m, spec in YTD_FLOWS.items()} | {
    "amount_receivable": REVENUE_PROFILE
}


def _ym(t: int) -> str:
    return f"{START_YEAR + t // 12}-{t % 12 + 1:02d}"


def _design_annual(m: str, y: int) -> float:
    if m == "amount_receivable":
        ratio = RECEIVABLE_RATIO[y] or RECEIVABLE_2023 / _design_annual("revenue_collected", y)
        return _design_annual("revenue_collected", y) * ratio
    annual = YTD_FLOWS[m]["annual"][y]
    if annual is None:  # 2023 revenue: the seed publishes the year
        annual = published.level("revenue_collected", "2023-12")
    return annual


def _design(var: demo_fit.Var) -> float:
    """The demo's design value of a knot variable (before the record bends it)."""
    name, t = var
    if name.startswith(demo_fit.PLAN):
        return _design_annual("revenue_collected", int(name.rsplit(":", 1)[1]))
    y, mo = START_YEAR + t // 12, t % 12
    if name in ANNUAL_DENOMINATORS:
        return ANNUAL_DENOMINATORS[name][y]
    if name in FLOW_PROFILE:
        cum = np.cumsum(FLOW_PROFILE[name]) / np.sum(FLOW_PROFILE[name])
        return _design_annual(name, y) * cum[mo]
    if name == "late_payment_amount":
        dec = LATE_DECEMBER[y] or 0.0269
        return _design((("amount_receivable"), t)) * dec * (1 + 2.2 * (11 - mo) / 11)
    return float(_design_paths()[name][t])


@functools.cache
def _design_paths() -> dict[str, np.ndarray]:
    knots = national_stock_knots()
    return {
        m: _interp_knots(knots[m], SEASONS[m], np.random.default_rng(0), noise=0.0) for m in knots
    }


def _plan_of_year(y: int) -> float | None:
    """A national revenue plan the record fixes, else None (a knot variable)."""
    if y == 2021:
        return REVENUE_PLAN_2021
    try:
        return published.plan("revenue_collected", y)
    except KeyError:
        return None


def _constraints(f: published.Figure, exact: bool = True) -> list[demo_fit.Constraint]:
    """The figure as linear constraints on national knots ([] where it is not about them);
    with `exact`, an `_exact` figure is an equality rather than its rounding interval."""
    if f.layout != "VN" or f.is_target:
        return []
    t = t_of(f.ym)
    lo, hi = demo_fit.shrink(*f.interval())
    label = f"{f.ym} {f.measure} = {f.value}"
    expr = published._ALIASES.get(f.measure, f.measure)
    lin = demo_fit.linear

    def diff(measure: str, t0: int) -> list[demo_fit.Constraint]:
        a, b = lin(measure, t), lin(measure, t0)
        return demo_fit.between(demo_fit._add(a, b, -1), lo, hi, label)

    def growth(measure: str) -> list[demo_fit.Constraint]:
        a, b = lin(measure, t), lin(measure, t - 12)
        return demo_fit.ratio_constraints(a, b, 100 + lo, 100 + hi, label)

    if m := published._CHANGE_VS.match(expr):
        return diff(m["m"], t_of(m["ym"]))
    if expr.endswith("_change_in_month"):
        return diff(expr.removesuffix("_change_in_month"), t - 1)
    if expr.endswith("_change_yoy"):
        return diff(expr.removesuffix("_change_yoy"), t - 12)
    if not catalog.has(expr) and expr.endswith("_yoy"):
        return growth(expr.removesuffix("_yoy"))
    if not catalog.has(expr):
        return []
    measure = catalog.get(expr)
    if (direct := lin(measure.id, t)) is not None:
        if exact and _exact(f):  # stored as the national row: the provinces must sum to it exactly
            return demo_fit.between(direct, f.value, f.value, label)
        return demo_fit.between(direct, lo, hi, label)
    op = measure.formula.op if measure.formula else None
    if op == "ratio":
        num, den = (lin(a, t) for a in measure.formula.args)
        if num is None or den is None:
            return []
        return demo_fit.ratio_constraints(num, den, lo, hi, label)
    if op == "yoy_pct":
        return growth(measure.formula.args[0])
    if op in ("plan_ratio", "plan_excess") and measure.formula.args[0] == "revenue_collected":
        shift = 100 if op == "plan_excess" else 0
        y = START_YEAR + t // 12
        rev = lin("revenue_collected", t)
        fixed = _plan_of_year(y)
        if fixed is not None:
            return demo_fit.between(
                rev, (lo + shift) / 100 * fixed, (hi + shift) / 100 * fixed, label
            )
        plan = {(f"{demo_fit.PLAN}revenue_collected:{y}", -1): 1.0}
        return demo_fit.ratio_constraints(rev, plan, lo + shift, hi + shift, label)
    return []


def _shape_constraints(vars_: set[demo_fit.Var]) -> list[demo_fit.Constraint]:
    """What any demo path must keep: year-to-date flows never fall within a year and reach
    their December knot; what is receivable is at least what was collected."""
    out = []
    for m in FLOW_PROFILE:
        ts = sorted(t for n, t in vars_ if n == m)
        for y in {START_YEAR + t // 12 for t in ts}:
            dec = (y - START_YEAR) * 12 + 11
            inside = [t for t in ts if START_YEAR + t // 12 == y and t != dec] + [dec]
            for a, b in zip(inside, inside[1:], strict=False):
                out.append(demo_fit.Constraint({(m, b): 1.0, (m, a): -1.0}, 0.0, None, m))
    for n, t in vars_:
        if n == "amount_receivable":
            out.append(
                demo_fit.Constraint(
                    {(n, t): 1.0, ("revenue_collected", t): -1.0}, 0.0, None, "receivable"
                )
            )
    return out


def _exact(f: published.Figure) -> bool:
    """A national figure of an additive measure: it is stored as the national row the dashboard
    shows, so the demo's national value must equal it, not merely round to it (else the nation
    would differ from the sum of its provinces)."""
    if f.layout != "VN" or f.is_target or not catalog.has(f.measure):
        return False
    m = catalog.get(f.measure)
    return m.geo_agg == "sum" and not m.national_only and m.kind in ("stock", "ytd_flow")


def _exact_knots(
    solution: dict[demo_fit.Var, float], groups: list, dropped: list
) -> dict[demo_fit.Var, float]:
    """The solver's knots with every exact figure made exact after rounding: a level is its
    value; of a sum (compulsory + voluntary) the part not fixed by a level of its own takes the
    rest. Counts are whole persons, amounts whole million VND."""

    def whole(v: demo_fit.Var, x: float) -> float:
        if v[1] < 0:  # a plan
            return x
        scale = MILLION_VND if v[0] == "late_payment_amount" else FLOW_SCALE.get(v[0], 1)
        return round(x * scale) / scale

    out = {v: whole(v, x) for v, x in solution.items()}
    exact = [cs[0] for f, cs in groups if f not in dropped and _exact(f)]
    single = {next(iter(c.terms)): c.low for c in exact if len(c.terms) == 1}
    out |= single
    for c in exact:
        if len(c.terms) > 1:
            free = [v for v in sorted(c.terms, key=str) if v not in single]
            if not free:  # every part a published level: the record's own sum
                assert abs(sum(out[v] for v in c.terms) - c.low) < 1e-6, c.label
                continue
            rest = c.low - sum(out[v] for v in c.terms if v != free[-1])
            out[free[-1]] = rest
            single[free[-1]] = rest
    return out


def _trust(f: published.Figure) -> tuple:
    """Which figure gives way when two contradict each other: a count before a figure derived
    from counts (a rate or a growth rate, whose base may differ between reports: NOTES C2, C5),
    then an official source, a final figure, the more precise, the later publication."""
    count = catalog.has(f.measure) and demo_fit.linear(catalog.canonical_id(f.measure), 0)
    return (
        count is not None and count is not False,
        f.official,
        f.after_close,
        f.decimals,
        f.published_on or date.min,
    )


@functools.cache
def fitted() -> tuple[dict[str, dict[int, float]], tuple[published.Figure, ...]]:
    """The knots every national path goes through (measure -> {month index: value}, and the
    national revenue plans the record fixes: "plan:revenue_collected:YEAR" -> {-1: value}),
    and the current national figures left out because they contradict more trusted ones."""
    ranked = sorted(published.current(), key=_trust, reverse=True)
    groups = [(f, cs) for f, cs in ((f, _constraints(f)) for f in ranked) if cs]
    vars_ = {v for _, cs in groups for c in cs for v in c.terms}
    terms = {f: {v for c in cs for v in c.terms} for f, cs in groups}
    # a year whose flow has a knot also gets its December, so the year's total is a knot too
    for n, t in list(vars_):
        if n in FLOW_PROFILE:
            vars_.add((n, (t // 12) * 12 + 11))
            if n == "amount_receivable":
                vars_.add(("revenue_collected", t))
                vars_.add(("revenue_collected", (t // 12) * 12 + 11))

    # Exact levels first. Where the record's own rounded figures cannot all be exact together
    # (2024-02: "more than" 16.12 M compulsory and 1.56 M voluntary, 17.69 M in all), the
    # figures that would give way fall back to their rounding interval, with every exact figure
    # that shares a month and measure with them; only what still fails is left out.
    def solve(relaxed: set) -> tuple[list, dict, list]:
        gs = [(f, _constraints(f, exact=f not in relaxed)) for f, _ in groups]
        return (gs, *demo_fit.fit(gs, _shape_constraints(vars_), _design, sorted(vars_, key=str)))

    exact = {f for f, _ in groups if _exact(f)}
    contradicted = set(solve(exact)[2])  # what the record contradicts at its own rounding
    relaxed: set[published.Figure] = set()
    while True:
        groups, solution, dropped = solve(relaxed)
        zone = set().union(*(terms[f] for f in dropped if f not in contradicted))
        before = len(relaxed)
        while linked := {g for g in exact - relaxed if terms[g] & zone}:
            relaxed |= linked  # every exact figure linked to the zone through shared knots
            zone |= set().union(*(terms[g] for g in linked))
        if len(relaxed) == before:
            break
    solution = _exact_knots(solution, [(f, cs) for f, cs in groups if f not in relaxed], dropped)
    out: dict[str, dict[int, float]] = {}
    for (n, t), v in solution.items():
        out.setdefault(n, {})[t] = v
    return out, tuple(dropped)


def national_knots() -> dict[str, dict[int, float]]:
    return fitted()[0]


def _across_merger(f: published.Figure) -> bool:
    """A provincial growth rate on a year earlier whose year spans the 2025 merger compares a
    merged province with the old one of the same name (NOTES C12: "not comparable")."""
    m = catalog.get(f.measure)
    if f.layout == "VN" or m.formula is None or m.formula.op != "yoy_pct":
        return False
    earlier = date(f.period.year - 1, f.period.month, 1)
    return geo.layout_for_period(earlier) != geo.layout_for_period(f.period)


def left_out() -> tuple[published.Figure, ...]:
    """Current figures the demo does not pass through, each because the record contradicts it:
    national ones that contradict more trusted figures (`fitted`), and provincial growth rates
    across the merger (`_across_merger`)."""
    provincial = tuple(
        f for f in published.current() if catalog.has(f.measure) and _across_merger(f)
    )
    return fitted()[1] + provincial


def _denominator_path(m: str, fitted: dict[int, float]) -> np.ndarray:
    """A denominator's national path: the annual estimate at mid-year, and the value each
    published rate implies at its month (the record's rates use more than one base: NOTES C2)."""
    k = {t_of(f"{y}-06"): float(v) for y, v in ANNUAL_DENOMINATORS[m].items()}
    for t in fitted:  # a published month replaces the mid-year estimate of its year
        k = {s: v for s, v in k.items() if START_YEAR + s // 12 != START_YEAR + t // 12}
    k |= fitted
    k.setdefault(0, ANNUAL_DENOMINATORS[m][START_YEAR])
    k.setdefault(T - 1, ANNUAL_DENOMINATORS[m][END[0]])
    ts = sorted(k)
    return np.round(np.interp(np.arange(T), ts, [k[t] for t in ts]))


def _fitted_ytd(m: str, fitted: dict[int, float], rng: np.random.Generator) -> np.ndarray:
    """A national year-to-date path (in 1/scale units) through the fitted knots: a December
    knot is the year's total, the others are anchors within their year."""
    annual = {y: _design_annual(m, y) for y in YEARS}
    anchors = {}
    for t, v in fitted.items():
        if t % 12 == 11:
            annual[START_YEAR + t // 12] = v
        else:
            anchors[_ym(t)] = v
    return _ytd_path(annual, anchors, FLOW_PROFILE[m], rng, FLOW_SCALE[m])


def _bend(path: np.ndarray, fitted: dict[int, float], scale: float) -> np.ndarray:
    """A stock path multiplied by a factor that makes it pass through the fitted knots (in
    natural units) and fades back to 1 within six months of them."""
    if not fitted:
        return np.round(path)
    k = {t: v * scale / path[t] for t, v in fitted.items()}
    for t in list(k):
        for s in (t - 6, t + 6):
            if 0 <= s < T and all(abs(s - u) >= 6 for u in fitted):
                k.setdefault(s, 1.0)
    ts = sorted(k)
    factor = np.interp(np.arange(T), ts, [k[t] for t in ts], left=1.0, right=1.0)
    out = np.round(path * factor)
    for t, v in fitted.items():
        out[t] = round(v * scale)
    return out


# --------------------------------------------------------------------------- provinces

PROFILE_FACTORS = {
    # si: relative SI-compulsory coverage; vol: voluntary; hi: HI coverage; wage; lf: labour force
    # per head; cost: HI cost per card; late: tendency to late payment
    "metro": dict(si=1.45, vol=0.9, hi=0.99, wage=1.45, lf=0.50, cost=1.35, late=1.1),
    "industrial": dict(si=1.7, vol=0.8, hi=0.985, wage=1.1, lf=0.55, cost=1.0, late=1.2),
    "delta": dict(si=0.75, vol=1.3, hi=1.0, wage=0.85, lf=0.45, cost=1.0, late=0.8),
    "central_coast": dict(si=0.7, vol=1.2, hi=0.995, wage=0.85, lf=0.45, cost=0.95, late=0.9),
    "mountain": dict(si=0.38, vol=0.8, hi=1.02, wage=0.8, lf=0.47, cost=0.85, late=0.8),
    "highland": dict(si=0.45, vol=0.9, hi=0.94, wage=0.8, lf=0.48, cost=0.85, late=1.0),
    "mekong": dict(si=0.55, vol=1.25, hi=0.965, wage=0.8, lf=0.47, cost=0.95, late=1.0),
}
# Bình Dương, Bắc Ninh, Đồng Nai; Hồ Chí Minh City above Hà Nội
SI_OVERRIDES = {"74": 2.0, "27": 1.9, "75": 1.75, "79": 1.6, "01": 1.35}
# Provinces whose HI medical cost grows unusually fast from 2024 (so the watch list has something
# real to find in the demo data). An Giang and Kiên Giang both, so that the An Giang they merged
# into in 2025 stands out too.
COST_OUTLIERS = {"40": 0.11, "89": 0.09, "91": 0.09, "66": 0.10}
# 2021 revenue: provinces hit hardest by the summer lockdowns, below the national completion rate;
# the published figure says 44 of 63 were above it, so these are the other 19.
REVENUE_2021_BELOW = [
    "56",
    "60",
    "70",
    "72",
    "74",
    "75",
    "77",
    "80",
    "82",
    "83",
    "84",
    "87",
    "89",
    "91",
    "92",
    "93",
    "94",
    "95",
    "96",
]


def _province_table() -> list[dict]:
    with open(REFERENCE_DIR / "demo_province_weights.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    codes = geo.codes("P63")
    assert [r["code_63"] for r in rows] == codes, "weights must list the 63 codes in order"
    return rows


def apportion(total: float, weights: np.ndarray) -> np.ndarray:
    """Split an integer total over weights; the parts are integers that sum to the total exactly
    (largest remainder)."""
    total = int(round(total))
    raw = total * weights / weights.sum()
    parts = np.floor(raw)
    short = int(total - parts.sum())
    order = np.argsort(-(raw - parts), kind="stable")
    parts[order[:short]] += 1
    return parts


def _split(national: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """national: (T,) integer totals; weights: (T, 63) -> (T, 63) integer parts."""
    return np.stack([apportion(national[t], weights[t]) for t in range(T)])


def _split_flow(ytd: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split a national year-to-date path by splitting each month's flow, then cumulating within
    each year, so that every province's year-to-date never falls within a year."""
    month = np.arange(T) % 12
    flow = np.where(month == 0, ytd, ytd - np.roll(ytd, 1))
    assert (flow >= 0).all(), "a year-to-date path fell within a year"
    parts = _split(flow, weights)
    out = np.zeros_like(parts)
    for t in range(T):
        out[t] = parts[t] if month[t] == 0 else out[t - 1] + parts[t]
    return out


# A province's own path, around its share of the national total (see `_own_paths`):
# month-to-month noise (AR(1) innovations, relative), how far its growth drifts from the nation's
# (a random walk in the monthly growth rate), and the range of the power of the national seasonal
# factor it follows (a province with many seasonal jobs dips deeper in the first quarter).
OWN_NOISE = {
    "si_compulsory": 0.006,
    "si_voluntary": 0.02,
    "ui_participants": 0.006,
    "hi_participants": 0.0025,
}
OWN_DRIFT = {
    "si_compulsory": 0.0008,
    "si_voluntary": 0.002,
    "ui_participants": 0.0008,
    "hi_participants": 0.0003,
}
OWN_SEASON = {
    "si_compulsory": (0.6, 1.4),
    "si_voluntary": (0.8, 1.2),
    "ui_participants": (0.6, 1.4),
    "hi_participants": (0.7, 1.3),
}
OWN_AR = 0.6


def _own_paths(n: int) -> dict[str, np.ndarray]:
    """(T, n) factors on each province's share of a national stock, so that every province has a
    trend, a seasonal depth and a noise of its own: ranks move and the provinces' monthly changes
    spread. Drawn from a stream of their own, so that the other draws of the demo keep theirs.
    UI follows SI compulsory closely (the same contracts), with a little noise of its own."""
    rng = np.random.default_rng(SEED + 29)
    months = np.arange(T) % 12
    out = {}
    for m in ("si_compulsory", "si_voluntary", "hi_participants"):
        growth = np.cumsum(np.cumsum(rng.normal(0, OWN_DRIFT[m], (T, n)), axis=0), axis=0) / 12
        e = np.zeros((T, n))
        shocks = rng.normal(0, OWN_NOISE[m], (T, n))
        for t in range(T):
            e[t] = shocks[t] + (OWN_AR * e[t - 1] if t else 0.0)
        power = rng.uniform(*OWN_SEASON[m], n)
        season = SEASONS[m][months][:, None] ** (power[None, :] - 1)
        out[m] = np.exp(growth + e) * season
    ui_noise = np.zeros((T, n))
    shocks = rng.normal(0, OWN_NOISE["ui_participants"] / 2, (T, n))
    for t in range(T):
        ui_noise[t] = shocks[t] + (OWN_AR * ui_noise[t - 1] if t else 0.0)
    out["ui_participants"] = out["si_compulsory"] * np.exp(ui_noise)
    return out


def _corrections(
    corr: dict[str, np.ndarray],
    before: dict[str, np.ndarray],
    after: dict[str, np.ndarray],
    points: list[tuple[str, int, list[int]]],
) -> dict[str, np.ndarray]:
    """Each province's weights bent so that its path goes through its published figures: the
    ratio of pinned to generated value at each pinned month, interpolated in logs between a
    province's pinned months and held beyond them (a published level is the province's level,
    two published months its trend between them). Applied to the next round's weights."""
    at: dict[tuple[str, int], dict[int, float]] = {}
    for m, t, g in points:
        for i in g:
            if before[m][t, i] > 0:
                at.setdefault((m, i), {})[t] = np.log(after[m][t, i] / before[m][t, i])
    out = {m: v.copy() for m, v in corr.items()}
    for (m, i), logs in at.items():
        ts = sorted(logs)
        bend = np.exp(np.interp(np.arange(T), ts, [logs[t] for t in ts]))
        shape = before[m].shape
        out.setdefault(m, np.ones(shape))[:, i] *= bend
    return out


def _province_values(
    corr: dict[str, np.ndarray],
) -> tuple[dict[str, np.ndarray], dict[str, int], list[str], np.random.Generator]:
    """Every generated measure's (T, 63) province values (in 1/scale units) before the
    published provincial figures are pinned; `corr` multiplies a measure's province weights
    (the fit to those figures, `_corrections`). Returns the generator too: plans draw on."""
    rng = np.random.default_rng(SEED)
    c = lambda m: corr.get(m, 1.0)  # noqa: E731
    provs = _province_table()
    codes = [r["code_63"] for r in provs]
    P = len(codes)
    f = {
        k: np.array([PROFILE_FACTORS[r["profile"]][k] for r in provs])
        for k in PROFILE_FACTORS["metro"]
    }
    f["si"] = np.array([SI_OVERRIDES.get(c, s) for c, s in zip(codes, f["si"], strict=True)])
    pop_k = np.array([float(r["population_k"]) for r in provs])
    years_since = (np.arange(T) / 12.0)[:, None]
    jitter = lambda s: rng.lognormal(0, s, P)  # noqa: E731

    pop_w = pop_k * (1 + rng.normal(0, 0.004, P) * years_since)
    lf_w = pop_w * f["lf"] * jitter(0.03)
    si_w = lf_w * f["si"] * jitter(0.08) * np.exp(rng.normal(0, 0.015, P) * years_since)
    vol_w = lf_w * f["vol"] * jitter(0.15) * np.exp(rng.normal(0, 0.03, P) * years_since)
    ui_w = si_w * rng.uniform(0.85, 0.95, P)
    hi_w = pop_w * np.minimum(f["hi"] * (1 + rng.normal(0, 0.004, P)), 1.022)

    values: dict[str, np.ndarray] = {}
    scales: dict[str, int] = {}
    own = _own_paths(len(codes))
    knots = national_stock_knots()
    fit = national_knots()
    for m, w in (
        ("si_compulsory", si_w),
        ("si_voluntary", vol_w),
        ("ui_participants", ui_w),
        ("hi_participants", hi_w),
    ):
        k = knots[m] | {_ym(t): v for t, v in fit.get(m, {}).items()}
        national = _interp_knots(k, SEASONS[m], rng, noise=0.0015)
        values[m] = _split(national, w * own[m] * c(m))
    for m, w in (("population", pop_w), ("labour_force_working_age", lf_w)):
        national = _denominator_path(m, fit.get(m, {}))
        # the provinces' shares drift month by month (no step each January, which would move
        # every rate on that denominator at once)
        values[m] = _split(national, w * c(m))

    wage = f["wage"] * jitter(0.05)
    rev_w = (
        values["si_compulsory"] * wage
        + values["si_voluntary"] * 0.3
        + values["hi_participants"] * 0.04
    )
    cost_growth = rng.normal(0, 0.02, P)
    after_2024 = np.clip((np.arange(T) - t_of("2024-01")) / 12.0, 0, None)[:, None]
    outlier = np.array([COST_OUTLIERS.get(c, 0.0) for c in codes])
    cost_w = (  # on the cards' smooth weights: cost growth is the province's own, not its noise
        hi_w
        * c("hi_participants")
        * f["cost"]
        * jitter(0.06)
        * np.exp(cost_growth * years_since + outlier * after_2024)
    )
    flow_weights = {
        "revenue_collected": rev_w,
        "hi_medical_cost": cost_w,
        "hi_medical_visits": values["hi_participants"] * np.sqrt(f["cost"]) * jitter(0.05),
        "pension_monthly_allowance_cases": values["si_compulsory"] * jitter(0.1),
        "si_one_time_benefit_persons": values["si_compulsory"] * jitter(0.15),
        "short_term_benefit_cases": values["si_compulsory"] * jitter(0.1),
        "ui_benefit_persons": values["ui_participants"] * jitter(0.15),
        "ui_vocational_training_persons": values["ui_participants"] * jitter(0.3),
    }
    national_ytd: dict[str, np.ndarray] = {}
    for m, spec in YTD_FLOWS.items():
        national_ytd[m] = _fitted_ytd(m, fit.get(m, {}), rng)
        values[m] = _split_flow(national_ytd[m], flow_weights[m] * c(m))
        scales[m] = spec["scale"]

    # receivable (year to date) and late payment (stock), in million VND
    receivable = _fitted_ytd("amount_receivable", fit.get("amount_receivable", {}), rng)
    late_f = f["late"] * rng.lognormal(0, 0.45, P)
    rec_w = rev_w * (1 + 0.02 * late_f)
    values["amount_receivable"] = _split_flow(receivable, rec_w * c("amount_receivable"))
    month = np.arange(T) % 12
    year = START_YEAR + np.arange(T) // 12
    late_dec = {**LATE_DECEMBER, 2023: published.level("late_payment_rate", "2023-12") / 100}
    late_share = np.array(
        [late_dec[y] * (1 + 2.2 * (11 - mo) / 11) for y, mo in zip(year, month, strict=True)]
    ) * rng.lognormal(0, 0.06, T)
    late = _bend(receivable * late_share, fit.get("late_payment_amount", {}), MILLION_VND)
    # each province's arrears drift from month to month (AR(1)), they do not jump
    shock = rng.normal(0, 0.05, (T, P))
    drift = np.zeros((T, P))
    for t in range(T):
        drift[t] = 0.7 * shock[t] + (0.7 * drift[t - 1] if t else 0.0)
    values["late_payment_amount"] = _split(
        late, values["amount_receivable"] * late_f * np.exp(drift) * c("late_payment_amount")
    )
    scales["amount_receivable"] = scales["late_payment_amount"] = MILLION_VND

    return values, scales, codes, rng


FIT_ROUNDS = 4  # rounds of fitting the provinces' own paths to their published figures


def generate() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(observations, plans, sources) of the demo store."""
    corr: dict[str, np.ndarray] = {}
    for round_ in range(FIT_ROUNDS):  # the last round's pinned values are the store's
        values, scales, codes, rng = _province_values(corr)
        before = {m: v.copy() for m, v in values.items()}
        pins = _pin_provinces(values, scales, codes)
        if round_ < FIT_ROUNDS - 1:
            corr = _corrections(corr, before, values, pins.points)
    obs = [_frame(m, values[m] / scales.get(m, 1), codes) for m in values]
    obs.append(_res116(values["si_compulsory"], codes, rng))
    demo_rows = pl.concat([store.conform(o, store.OBS_SCHEMA) for o in obs])
    pub = store.conform(published.observations(VINTAGE), store.OBS_SCHEMA)
    # where a province's figure was published, the published row is the value (the demo row
    # under it holds the same number, and is left out rather than kept as a second source)
    key = ["period", "layout", "geo_code", "measure"]
    demo_rows = demo_rows.join(pub.select(key).unique(), on=key, how="anti")
    observations = pl.concat([demo_rows, pub])
    plans = _plans(values, scales, codes, rng)
    return observations, plans, _sources()


# --------------------------------------------------------------------------- provincial figures


SMOOTH = 6  # months over which a pinned province value fades into the demo path


class _Pins:
    """Province values made to equal what was published, the national totals kept: a pinned
    group of provinces takes the published total (shared by the group's current proportions),
    the provinces not pinned at that month absorb the difference in theirs."""

    def __init__(self, values: dict[str, np.ndarray], scales: dict[str, int], codes: list[str]):
        self.values, self.scales, self.codes = values, scales, codes
        self.fixed = {m: np.zeros_like(v, dtype=bool) for m, v in values.items()}
        self.anchors: dict[tuple, dict[int, float]] = {}  # year-to-date values pinned
        self.points: list[tuple[str, int, list[int]]] = []  # (measure, month, cells) pinned

    def cells(self, f: published.Figure) -> list[int]:
        group = [f.geo_code] if f.layout == "P63" else geo.constituents(f.geo_code)
        return [self.codes.index(c) for c in group]

    def get(self, m: str, t: int, g: list[int]) -> float:
        return self.values[m][t, g].sum() / self.scales.get(m, 1)

    def set(
        self, m: str, t: int, g: list[int], total: float, force: bool = False, hold: bool = True
    ) -> None:
        """The group's total at month t (its cells already pinned are kept, unless `force`);
        `hold` marks the group's cells as pinned."""
        arr, fixed = self.values[m], self.fixed[m]
        scale = self.scales.get(m, 1)
        national = arr[t].sum()
        target = round(total * scale)
        free = g if force else [i for i in g if not fixed[t, i]]
        held = sum(arr[t, i] for i in g if i not in free)
        if free:
            w = np.maximum(arr[t, free].astype(float), 1.0)
            arr[t, free] = apportion(target - held, w)
        pinned = [i for i in range(len(self.codes)) if i in g or fixed[t, i]]
        others = [i for i in range(len(self.codes)) if i not in pinned]
        rest = national - arr[t, pinned].sum()
        arr[t, others] = apportion(rest, np.maximum(arr[t, others].astype(float), 1.0))
        if hold:
            fixed[t, g] = True

    def set_stock(self, m: str, t: int, g: list[int], total: float) -> None:
        """A stock at month t, each province of the group bent towards its new value over the
        neighbouring months (the change fading out over SMOOTH months each side, pinned months
        left alone), so that a published month is a step in a path rather than a spike."""
        arr = self.values[m]
        before = arr[t, g].astype(float)
        self.set(m, t, g, total)
        self.points.append((m, t, g))
        ratios = arr[t, g] / np.maximum(before, 1.0)
        for s in range(max(t - SMOOTH, 0), min(t + SMOOTH + 1, T)):
            w = 1 - abs(s - t) / (SMOOTH + 1)
            for i, r in zip(g, ratios, strict=True):
                if s != t and not self.fixed[m][s, i] and r != 1:
                    scale = self.scales.get(m, 1)
                    self.set(m, s, [i], arr[s, i] * (1 + (r - 1) * w) / scale, hold=False)

    def set_ytd(self, m: str, t: int, g: list[int], total: float) -> None:
        """A year-to-date value: the group's months since its last pinned month of the year (or
        since January) bent to reach it, the later months shifted by the same amount."""
        y0, anchors = (t // 12) * 12, self.anchors.setdefault((m, tuple(g)), {})
        prev = max((a for a in anchors if y0 <= a < t), default=None)
        base_t, base_v = (prev, anchors[prev]) if prev is not None else (y0 - 1, 0.0)
        old_base = self.get(m, base_t, g) if prev is not None else 0.0
        old = self.get(m, t, g)
        for s in range(base_t + 1, min(y0 + 12, T)):
            v = self.get(m, s, g)
            if s <= t:
                new = base_v + (v - old_base) * (total - base_v) / (old - old_base)
            else:
                new = v + total - old
            self.set(m, s, g, new, force=True)
        anchors[t] = total
        self.points.append((m, t, g))


def _pin_provinces(values: dict[str, np.ndarray], scales: dict[str, int], codes: list[str]):
    """Every current provincial figure of a stored, summed, ratio or growth measure made true in
    the province values: counts first (at the published value, which is also the stored row),
    then rates whose numerator was published (through the denominator at that month), then the
    other rates and growth rates (through their numerator). Each pinned cell stays as pinned."""
    pins = _Pins(values, scales, codes)
    figs = [
        f
        for f in published.current()
        if f.layout != "VN" and not f.is_target and catalog.has(f.measure)
    ]
    figs = [f for f in figs if catalog.get(f.measure).geo_agg != "none"]
    published_at = {(f.ym, f.geo_code, catalog.canonical_id(f.measure)) for f in figs}

    def level(measure: str, t: int, g: list[int], value: float) -> None:
        m = catalog.get(measure)
        if m.id in values:
            (pins.set_ytd if m.kind == "ytd_flow" else pins.set_stock)(m.id, t, g, value)
            return
        if m.formula is None:  # a measure the demo does not generate: its published row only
            return
        a, b = m.formula.args  # a sum: keep a part already pinned, else current proportions
        if pins.fixed[a][t, g].all():
            pins.set_stock(b, t, g, value - pins.get(a, t, g))
        elif pins.fixed[b][t, g].all():
            pins.set_stock(a, t, g, value - pins.get(b, t, g))
        else:
            share = pins.get(a, t, g) / (pins.get(a, t, g) + pins.get(b, t, g))
            pins.set_stock(a, t, g, value * share)
            pins.set_stock(b, t, g, value - pins.get(a, t, g))

    def current(measure: str, t: int, g: list[int]) -> float:
        return sum(pins.get(n, t, g) for n in catalog.base_measures(measure))

    def stage(f: published.Figure) -> int:
        m = catalog.get(f.measure)
        if m.formula is None:
            return 0
        if m.formula.op == "sum":
            return 1
        if m.formula.op == "ratio" and (f.ym, f.geo_code, m.formula.args[0]) in published_at:
            return 2
        return 3

    for f in sorted(figs, key=lambda f: (stage(f), f.period)):
        m = catalog.get(f.measure)
        t, g = t_of(f.ym), pins.cells(f)
        op = m.formula.op if m.formula else None
        if op is None or op == "sum":
            level(m.id, t, g, f.value)
        elif op == "ratio":
            num, den = m.formula.args
            if stage(f) == 2:
                level(den, t, g, current(num, t, g) / (f.value / 100))
            else:
                pins.set(den, t, g, pins.get(den, t, g))  # held from here on
                level(num, t, g, f.value / 100 * pins.get(den, t, g))
        elif op == "yoy_pct" and not _across_merger(f):
            base = m.formula.args[0]
            level(base, t - 12, g, current(base, t, g) / (1 + f.value / 100))
    return pins


def _frame(measure: str, arr: np.ndarray, codes: list[str]) -> pl.DataFrame:
    """(T, 63) array of P63 values -> tidy rows; from 2025-07 summed into the 34 provinces."""
    df = pl.DataFrame(
        {
            "period": np.repeat(np.array(PERIODS, dtype="datetime64[D]"), len(codes)),
            "geo_code": np.tile(codes, T),
            "value": arr.reshape(-1),
        }
    ).with_columns(pl.col("period").cast(pl.Date))
    return _to_layouts(df).with_columns(
        measure=pl.lit(measure),
        status=pl.lit("demo"),
        source_id=pl.lit(DEMO_SOURCE),
        vintage=pl.lit(VINTAGE).cast(pl.Datetime("us", "UTC")),
    )


def _to_layouts(df: pl.DataFrame) -> pl.DataFrame:
    before = df.filter(pl.col("period") < geo.MERGER_DATE).with_columns(layout=pl.lit("P63"))
    after = (
        geo.harmonise_codes_to_p34(df.filter(pl.col("period") >= geo.MERGER_DATE))
        .group_by("period", "geo_code")
        .agg(pl.col("value").sum())
        .with_columns(layout=pl.lit("P34"))
    )
    cols = ["period", "layout", "geo_code", "value"]
    return pl.concat([before.select(cols), after.select(cols)]).with_columns(
        pl.col("value").round(3)
    )


def _res116(si: np.ndarray, codes: list[str], rng: np.random.Generator) -> pl.DataFrame:
    """Resolution 116 support at 2021-11 for the provinces VSS did not name (the named ones are
    published rows). The rest share the remainder by compulsory SI participants, each kept below the
    smallest named figure (the article lists the largest ones)."""
    t = t_of("2021-11")
    named = published.province_levels("ui_fund_support_employees", "2021-11")
    rest = [i for i, c in enumerate(codes) if c not in named]
    remainder = published.level("ui_fund_support_employees", "2021-11") - sum(named.values())
    w = si[t, rest] * rng.lognormal(0, 0.2, len(rest))
    w = np.minimum(w, w.sum() * 0.045)  # keeps every unnamed province below the named ones
    employees = apportion(remainder, w)
    assert employees.max() < min(named.values())
    all_emp = np.zeros(len(codes))
    all_emp[rest] = employees
    for c, v in named.items():
        all_emp[codes.index(c)] = v
    amount = (
        apportion(
            published.level("ui_fund_support_amount", "2021-11") * MILLION_VND,
            all_emp * rng.lognormal(0, 0.05, len(codes)),
        )
        / MILLION_VND
    )
    rows = [
        {"geo_code": codes[i], "measure": "ui_fund_support_employees", "value": float(employees[k])}
        for k, i in enumerate(rest)
    ]
    rows += [
        {"geo_code": c, "measure": "ui_fund_support_amount", "value": float(a)}
        for c, a in zip(codes, amount, strict=True)
    ]
    return pl.DataFrame(rows).with_columns(
        period=pl.lit(PERIODS[t]),
        layout=pl.lit("P63"),
        status=pl.lit("demo"),
        source_id=pl.lit(DEMO_SOURCE),
        vintage=pl.lit(VINTAGE).cast(pl.Datetime("us", "UTC")),
    )


# --------------------------------------------------------------------------- plans


def _plans(
    values: dict[str, np.ndarray],
    scales: dict[str, int],
    codes: list[str],
    rng: np.random.Generator,
) -> pl.DataFrame:
    rows: list[dict] = []
    si_rng = np.random.default_rng(SEED + 1)
    dec = {y: t_of(f"{y}-12") if (y, 12) <= END else T - 1 for y in YEARS}
    rev = values["revenue_collected"]  # million VND
    hi = values["hi_participants"]
    for y in YEARS:
        # revenue: the year's province totals over a completion drawn around 100%
        annual = rev[dec[y]].astype(float)
        if (y, 12) > END:  # the last year is incomplete: scale October to the year's design total
            annual = (
                annual / annual.sum() * YTD_FLOWS["revenue_collected"]["annual"][y] * MILLION_VND
            )
        plan = annual / rng.uniform(0.975, 1.035, len(codes))
        if y == 2021:
            plan = _revenue_plan_2021(rev[t_of("2021-11")].astype(float), codes, rng)
        total = plan.sum()
        fixed = _plan_of_year(y) if y != 2021 else None
        fitted = national_knots().get(f"{demo_fit.PLAN}revenue_collected:{y}")
        if fixed is not None:  # the national plan is published (2023: via its completion rate)
            total = fixed * MILLION_VND
        elif fitted:  # implied by a published completion rate (2025: 5.9% above the plan)
            total = fitted[-1] * MILLION_VND
        plan = apportion(total, plan) / MILLION_VND
        rows += _plan_rows(y, "revenue_collected", plan, codes)
        # HI participants: December over a completion drawn around 100%
        hplan = np.round(hi[dec[y]] / rng.uniform(0.99, 1.02, len(codes)))
        if y == 2021:
            for code, pct in published.province_levels("hi_plan_completion", "2021-11").items():
                i = codes.index(code)
                hplan[i] = round(hi[t_of("2021-11"), i] / (pct / 100))
        rows += _plan_rows(y, "hi_participants", hplan, codes)
        # SI participants, from a stream of its own so that the plans above keep their draws
        si_dec = values["si_compulsory"][dec[y]] + values["si_voluntary"][dec[y]]
        rows += _plan_rows(
            y, "si_participants", np.round(si_dec / si_rng.uniform(0.99, 1.03, len(codes))), codes
        )
    df = pl.DataFrame(rows).with_columns(status=pl.lit("demo"), source_id=pl.lit(DEMO_SOURCE))
    p63 = df.filter(pl.col("year") <= 2025).with_columns(layout=pl.lit("P63"))
    p34 = (
        geo.harmonise_codes_to_p34(df.filter(pl.col("year") >= 2025))
        .group_by("year", "geo_code", "measure", "status", "source_id")
        .agg(pl.col("target").sum().round(3))
        .with_columns(layout=pl.lit("P34"))
    )
    # Resolution 116 support: only Hồ Chí Minh City's plan is implied by a published figure
    hcm = published.province_levels("ui_fund_support_employees", "2021-11")["79"]
    hcm_pct = published.province_levels("ui_fund_support_plan_completion", "2021-11")["79"]
    extra = pl.DataFrame(
        [
            {
                "year": 2021,
                "layout": "P63",
                "geo_code": "79",
                "measure": "ui_fund_support_employees",
                "target": float(round(hcm / (hcm_pct / 100))),
                "status": "demo",
                "source_id": DEMO_SOURCE,
            }
        ]
    )
    cols = list(store.PLAN_SCHEMA)
    return pl.concat(
        [p63.select(cols), p34.select(cols), extra.select(cols), published.plans().select(cols)],
        how="vertical_relaxed",
    )


def _plan_rows(year: int, measure: str, plan: np.ndarray, codes: list[str]) -> list[dict]:
    return [
        {"year": year, "geo_code": c, "measure": measure, "target": float(v)}
        for c, v in zip(codes, plan, strict=True)
    ]


def _revenue_plan_2021(ytd_nov: np.ndarray, codes: list[str], rng: np.random.Generator):
    """Province plans for 2021 such that November's completion rates match what VSS published:
    the five named provinces at their rates (the highest), 44 provinces above the national rate and
    the 19 of REVENUE_2021_BELOW below it, with plans summing to the national plan."""
    national = published.level("revenue_plan_completion", "2021-11") / 100
    named = published.province_levels("revenue_plan_completion", "2021-11")
    rate = np.zeros(len(codes))
    below = np.array([c in REVENUE_2021_BELOW for c in codes])
    for i, c in enumerate(codes):
        if c in named:
            rate[i] = named[c] / 100
        elif not below[i]:
            rate[i] = rng.uniform(national + 0.003, national + 0.012)
        else:
            rate[i] = rng.uniform(0.97, 1.0)  # relative spread; scaled below
    target_total = REVENUE_PLAN_2021 * MILLION_VND
    # scale the below group's rates so that the plans add up to the national plan
    fixed = (ytd_nov[~below] / rate[~below]).sum()
    k = (ytd_nov[below] / rate[below]).sum() / (target_total - fixed)
    rate[below] *= k
    assert rate[below].max() < national - 0.002 and rate[below].min() > 0.5, rate[below]
    return ytd_nov / rate


def _sources() -> pl.DataFrame:
    rows = published.sources() + [
        {
            "source_id": DEMO_SOURCE,
            "title": "Dữ liệu minh họa (vss-dash demo) / Demo data generated by `vss-dash demo`",
            "publisher": "VSS dashboard project",
            "date": date(2026, 11, 1),
            "reference": "vss_dash/demo.py (seed 2025)",
            "note": "Generated, not real. National paths pass through every published figure; "
            "each province has a path of its own, fitted to its own published figures, and the "
            "provinces sum to the national value. Population weights are rounded "
            "approximations of GSO 2023 estimates.",
        }
    ]
    return pl.DataFrame(rows, schema=store.SOURCE_SCHEMA)


def write(directory) -> pl.DataFrame:
    """Generate the demo store into `directory`; the same bytes every time (a fixed generation
    id, not a random one)."""
    obs, plans, sources = generate()
    store.write(directory, obs, plans, sources, generation_id=f"demo-{VINTAGE:%Y%m%d}")
    return obs


__all__ = ["generate", "write", "apportion", "catalog"]
