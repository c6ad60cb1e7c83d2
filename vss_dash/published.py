"""Figures VSS published, as facts the data layer must reproduce.

`data/reference/published_figures.csv` lists every figure of the source articles with its date and
quote; `targets.csv` the national targets of the resolutions. This module reads them, turns the ones
that are catalogue measures into `published` store rows, and checks a store against all of them:
levels directly, changes and year-on-year rates through `metrics`, each to the precision it was
published with.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from vss_dash import catalog, geo, metrics
from vss_dash.paths import REFERENCE_DIR

# The articles the figures come from (reference = the file name under shared/seeds/).
SEEDS: dict[str, tuple[str, date]] = {
    "000_f7330fd2b521d123": (
        "VSS leadership meeting on 2024 targets and tasks (3 Oct 2024)",
        date(2024, 10, 6),
    ),
    "001_d6009e166cfbf782": (
        "VSS conference on collection and participant growth, results to end of September 2024",
        date(2024, 10, 1),
    ),
    "002_eb1aa57038805613": (
        "VSS online conference on UI-fund support (Resolution 116) and collection, 6 Nov 2021",
        date(2021, 11, 15),
    ),
    "003_ceeeaaaed105042b": (
        "VSS quarterly press conference, Q2/2023 (5 Jun 2023)",
        date(2023, 6, 15),
    ),
    "004_24f5492c9b8e1a4f": (
        "Conference on VSS tasks for 2024, results of 2023 (17 Jan 2024)",
        date(2024, 1, 17),
    ),
}
RESOLUTIONS: dict[str, tuple[str, str, date]] = {
    "Resolution 28-NQ/TW (2018)": (
        "res_28_nq_tw_2018",
        "Nghị quyết 28-NQ/TW về cải cách chính sách BHXH",
        date(2018, 5, 23),
    ),
    "Resolution 01/NQ-CP (2023)": (
        "res_01_nq_cp_2023",
        "Nghị quyết 01/NQ-CP về nhiệm vụ, giải pháp năm 2023",
        date(2023, 1, 6),
    ),
}


@dataclass(frozen=True)
class Figure:
    period: date  # month end of the date the figure refers to
    layout: str  # "VN" or "P63" (all provincial figures predate the 2025 merger)
    geo_code: str
    geo_text: str
    measure: str  # a catalogue id, or a derived expression such as "si_participants_yoy"
    value: float
    decimals: int  # > 0: decimal places published; <= 0: -log10 of the rounding step
    unit: str
    source_id: str
    quote: str

    @property
    def ym(self) -> str:
        return self.period.strftime("%Y-%m")

    def rounds_to(self, computed: float) -> bool:
        """True when `computed`, rounded half-up as the figure was published, equals it."""
        step = Decimal(1).scaleb(-self.decimals)

        def rounded(x: float) -> Decimal:
            return (Decimal(repr(x)) / step).quantize(Decimal(1), ROUND_HALF_UP) * step

        return rounded(computed) == rounded(self.value)


def _decimals(text: str) -> int:
    """Published precision from how the number is written: '39.25' -> 2, '81.0' -> 1,
    '15550000' -> -4 (rounded to ten thousands), '704134' -> 0."""
    if "." in text:
        return len(text.split(".")[1])
    stripped = text.rstrip("0")
    return -(len(text) - len(stripped)) if stripped else 0


@functools.cache
def figures() -> tuple[Figure, ...]:
    out = []
    with open(REFERENCE_DIR / "published_figures.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            period = metrics.month_end(date.fromisoformat(r["as_of"]))
            if r["geo"] == "VN":
                layout, code = "VN", geo.NATIONAL
            else:
                layout = geo.layout_for_period(period)
                code = geo.match_province(r["geo"], layout)
            out.append(
                Figure(
                    period,
                    layout,
                    code,
                    r["geo"],
                    r["measure"],
                    float(r["value"]),
                    _decimals(r["value"]),
                    r["unit"],
                    r["source"].removesuffix(".txt"),
                    r["quote"],
                )
            )
    return tuple(out)


def level(measure: str, ym: str, geo_text: str = "VN") -> float:
    """The published value of `measure` at month `ym` for `geo_text` (as written in the file)."""
    hits = [f for f in figures() if f.measure == measure and f.ym == ym and f.geo_text == geo_text]
    if len(hits) != 1:
        raise KeyError(f"{len(hits)} published figures for {measure} {ym} {geo_text}")
    return hits[0].value


def province_levels(measure: str, ym: str) -> dict[str, float]:
    """Published provincial values of `measure` at `ym`, by province code."""
    return {
        f.geo_code: f.value
        for f in figures()
        if f.measure == measure and f.ym == ym and f.layout != "VN"
    }


@functools.cache
def _targets() -> tuple[dict, ...]:
    with open(REFERENCE_DIR / "targets.csv", encoding="utf-8") as f:
        return tuple(r for r in csv.DictReader(f) if r["target"].strip())


def _target_source(r: dict) -> str:
    if r["source"] in RESOLUTIONS:
        return RESOLUTIONS[r["source"]][0]
    seed = re.search(r"(\d{3}_[0-9a-f]{16})\.txt", r["how_known"])
    if not seed:
        raise ValueError(f"no source for target {r}")
    return seed.group(1)


def plan(measure: str, year: int) -> float:
    """The national plan or target for `measure` in `year` from targets.csv."""
    hits = [
        float(r["target"])
        for r in _targets()
        if r["measure"] == measure and int(r["year"]) == year and r["geo"] == "VN"
    ]
    if len(hits) != 1:
        raise KeyError(f"{len(hits)} targets for {measure} {year}")
    return hits[0]


def plans() -> pl.DataFrame:
    """National targets as rows of the plans table."""
    return pl.DataFrame(
        [
            {
                "year": int(r["year"]),
                "layout": "VN",
                "geo_code": geo.NATIONAL,
                "measure": r["measure"],
                "target": float(r["target"]),
                "status": "published",
                "source_id": _target_source(r),
            }
            for r in _targets()
        ],
        schema_overrides={"year": pl.Int32},
    )


def observations(vintage: datetime) -> pl.DataFrame:
    """Published figures of catalogue measures as store rows (changes and year-on-year figures
    are not stored: `check` reproduces them from the data)."""
    rows = [
        {
            "period": f.period,
            "layout": f.layout,
            "geo_code": f.geo_code,
            "measure": f.measure,
            "value": f.value,
            "status": "published",
            "source_id": f.source_id,
        }
        for f in figures()
        if f.measure in catalog.BY_ID
    ]
    return pl.DataFrame(rows).with_columns(vintage=pl.lit(vintage).cast(pl.Datetime("us", "UTC")))


def sources() -> list[dict]:
    out = [
        {
            "source_id": sid,
            "title": title,
            "publisher": "Bảo hiểm xã hội Việt Nam (VSS)",
            "date": d,
            "reference": f"shared/seeds/{sid}.txt",
            "note": "VSS news article; figures listed in data/reference/published_figures.csv",
        }
        for sid, (title, d) in SEEDS.items()
    ]
    out += [
        {
            "source_id": sid,
            "title": f"{name} / {title}",
            "publisher": "Government of Viet Nam",
            "date": d,
            "reference": "data/reference/targets.csv",
            "note": "National targets from the public text of the resolution",
        }
        for name, (sid, title, d) in RESOLUTIONS.items()
    ]
    return out


# ---------------------------------------------------------------- reproducing the figures

_CHANGE_VS = re.compile(r"^(?P<m>\w+?)_change_vs_(?P<ym>\d{4}-\d{2})$")
# expressions that the file names differently from the catalogue
_ALIASES = {"revenue_change_vs_same_period": "revenue_collected_change_yoy"}


@dataclass(frozen=True)
class Check:
    figure: Figure
    computed: float | None
    ok: bool


def reproduce(frames, fig: Figure, prefer_published: bool = False) -> float | None:
    """The value the data layer gives for a published figure's expression.

    With prefer_published=False (the default) stored published rows are ignored, so that national
    figures are recomputed from province data: the honest test that the demo sums hold."""
    expr = _ALIASES.get(fig.measure, fig.measure)
    pp = prefer_published

    def at(measure: str, period: date, layout=fig.layout, code=fig.geo_code) -> float | None:
        return metrics.value_at(frames, measure, layout, code, period, prefer_published=pp)

    if expr == "provinces_above_national_revenue_rate":
        return float(
            metrics.count_above_national(
                frames, "revenue_plan_completion", fig.period, prefer_published=pp
            )
        )
    if expr in catalog.BY_ID:
        return at(expr, fig.period)
    if m := _CHANGE_VS.match(expr):
        a, b = (
            at(m["m"], fig.period),
            at(m["m"], metrics.month_end(date.fromisoformat(m["ym"] + "-01"))),
        )
        return None if a is None or b is None else a - b
    if expr.endswith("_change_in_month"):
        base = expr.removesuffix("_change_in_month")
        prev = metrics.month_end(date.fromordinal(fig.period.replace(day=1).toordinal() - 1))
        a, b = at(base, fig.period), at(base, prev)
        return None if a is None or b is None else a - b
    for suffix, pct in (("_change_yoy", False), ("_yoy", True)):
        if expr.endswith(suffix):
            base = expr.removesuffix(suffix)
            a = at(base, fig.period)
            b = at(base, metrics.month_end(date(fig.period.year - 1, fig.period.month, 1)))
            if a is None or b is None:
                return None
            return 100 * (a / b - 1) if pct else a - b
    return None


def check(frames, prefer_published: bool = False) -> list[Check]:
    out = []
    for fig in figures():
        got = reproduce(frames, fig, prefer_published)
        out.append(Check(fig, got, got is not None and fig.rounds_to(got)))
    return out
