"""The demo store: seeded, deterministic, calibrated to every figure VSS published.

No public source gives monthly figures per province, so the dashboard ships with generated
ones. This module makes them, and it is the only place that does:

1. National monthly paths (2020-01 .. 2026-10; 2020 is there so that 2021 has a year-on-year base).
   Stocks pass exactly through knots: the published levels, values implied by published changes, and
   a few values chosen here for plausibility (marked "design"). Between knots the path is
   interpolated in logs, with a seasonal factor (HI dips in the summer holidays and recovers with
   the school year) and small noise that vanishes at every knot. Year-to-date flows are annual
   totals spread over months by a seasonal profile (with a December sprint for revenue), bent to
   pass through published year-to-date points.
2. Province values: each month's national total is split over the 63 provinces in proportion to
   weights built from population and a profile (big cities and industrial provinces: high SI
   coverage; mountain provinces: high HI coverage from state-paid cards, low SI), then rounded with
   the largest-remainder method so that provinces sum to the national total exactly.
3. From 2025-07 the 63 are summed through the crosswalk into the 34 provinces.
4. Annual plans per province, solved so that the published plan-completion figures hold.

Published figures are stored as `status=published` rows with their source; all else is `demo`.
`vss-dash demo` writes the store; `published.check` then confirms every figure is reproduced.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime

import numpy as np
import polars as pl

from vss_dash import catalog, geo, published, store
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
    """Knots of the national stock paths. Published values come from the reference file; values
    implied by a published change are computed from it; the rest are design choices."""
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
            "2021-12": 1_400_000,
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


def ytd_anchors() -> dict[str, dict[str, float]]:
    rev_2021_11 = published.level("revenue_plan_completion", "2021-11") / 100 * REVENUE_PLAN_2021
    rev_2023_09 = 320_000  # design; 2024-09 follows from the published +13.23%
    anchors = {
        "revenue_collected": {
            "2021-11": rev_2021_11,
            "2020-11": rev_2021_11 - published.level("revenue_change_vs_same_period", "2021-11"),
            "2023-05": _pub("revenue_collected", "2023-05"),
            "2023-12": _pub("revenue_collected", "2023-12"),
            "2023-09": rev_2023_09,
            "2024-09": rev_2023_09
            * (1 + published.level("revenue_collected_yoy", "2024-09") / 100),
        },
    }
    for m in (
        "hi_medical_cost",
        "hi_medical_visits",
        "pension_monthly_allowance_cases",
        "si_one_time_benefit_persons",
        "short_term_benefit_cases",
        "ui_benefit_persons",
        "ui_vocational_training_persons",
    ):
        anchors[m] = {"2023-05": _pub(m, "2023-05")}
    return anchors


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


def generate() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(observations, plans, sources) of the demo store."""
    rng = np.random.default_rng(SEED)
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
    knots = national_stock_knots()
    for m, season, w in (
        ("si_compulsory", None, si_w),
        ("si_voluntary", None, vol_w),
        ("ui_participants", None, ui_w),
        ("hi_participants", HI_SEASON, hi_w),
    ):
        national = _interp_knots(knots[m], season, rng, noise=0.0015)
        values[m] = _split(national, w)
    for m, w in (("population", pop_w), ("labour_force_working_age", lf_w)):
        national = np.array([ANNUAL_DENOMINATORS[m][START_YEAR + t // 12] for t in range(T)])
        # denominators are annual estimates: one split per year, held through its months
        yearly = _split(national, np.repeat(w[::12], 12, axis=0)[:T])
        values[m] = yearly

    anchors = ytd_anchors()
    annual_rev = dict(YTD_FLOWS["revenue_collected"]["annual"])
    annual_rev[2023] = published.level("revenue_collected", "2023-12")
    wage = f["wage"] * jitter(0.05)
    rev_w = (
        values["si_compulsory"] * wage
        + values["si_voluntary"] * 0.3
        + values["hi_participants"] * 0.04
    )
    cost_growth = rng.normal(0, 0.02, P)
    after_2024 = np.clip((np.arange(T) - t_of("2024-01")) / 12.0, 0, None)[:, None]
    outlier = np.array([COST_OUTLIERS.get(c, 0.0) for c in codes])
    cost_w = (
        values["hi_participants"]
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
        annual = annual_rev if m == "revenue_collected" else spec["annual"]
        national_ytd[m] = _ytd_path(annual, anchors.get(m, {}), spec["profile"], rng, spec["scale"])
        values[m] = _split_flow(national_ytd[m], flow_weights[m])
        scales[m] = spec["scale"]

    # receivable and late payment (stock), in million VND
    rev = national_ytd["revenue_collected"]
    ratio = {**RECEIVABLE_RATIO, 2023: RECEIVABLE_2023 / annual_rev[2023]}
    month = np.arange(T) % 12
    year = START_YEAR + np.arange(T) // 12
    early = 0.05 * (11 - month) / 11  # more of what is due is still unpaid early in the year
    receivable = np.round(rev * np.array([ratio[y] for y in year]) * (1 + early))
    receivable[t_of("2023-12")] = RECEIVABLE_2023 * MILLION_VND
    late_f = f["late"] * rng.lognormal(0, 0.45, P)
    rec_w = rev_w * (1 + 0.02 * late_f)
    values["amount_receivable"] = _split_flow(receivable, rec_w)
    late_dec = {**LATE_DECEMBER, 2023: published.level("late_payment_rate", "2023-12") / 100}
    late_share = np.array(
        [late_dec[y] * (1 + 2.2 * (11 - mo) / 11) for y, mo in zip(year, month, strict=True)]
    ) * rng.lognormal(0, 0.06, T)
    late_share[month == 11] = [late_dec[y] for y in year[month == 11]]  # December as designed
    late = np.round(receivable * late_share)
    values["late_payment_amount"] = _split(
        late, values["amount_receivable"] * late_f * np.exp(rng.normal(0, 0.05, (T, P)))
    )
    scales["amount_receivable"] = scales["late_payment_amount"] = MILLION_VND

    obs = [_frame(m, values[m] / scales.get(m, 1), codes) for m in values]
    obs.append(_res116(values["si_compulsory"], codes, rng))
    obs.append(published.observations(VINTAGE))
    observations = pl.concat([store.conform(o, store.OBS_SCHEMA) for o in obs])
    plans = _plans(values, scales, codes, rng)
    return observations, plans, _sources()


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
        if y == 2023:  # the national plan is published (via its completion rate)
            total = published.plan("revenue_collected", 2023) * MILLION_VND
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
            rate[i] = rng.uniform(0.95, 1.0)  # relative spread; scaled below
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
            "note": "Generated, not real. Province values are split from national paths that pass "
            "through every published figure; province sums equal the published national "
            "figures. Population weights are rounded approximations of GSO 2023 estimates.",
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
