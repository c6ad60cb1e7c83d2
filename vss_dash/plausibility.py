"""Does a store behave like reported data? Three checks, each derived from the published record.

1. Moves: no month of a participant count or coverage rate (national or provincial) moves further
   in one month than the published record ever moved between two consecutive reports of one
   place (`move_bounds`). The demo must not invent a swing that no office reported.
2. Spread: provinces do not move in lockstep. In every month, the provinces' month-on-month
   changes spread at least `MIN_SPREAD` (the 10th to the 90th percentile), and over the calendar
   provinces change rank.
3. Sums: the national value of every additive measure equals the sum of the provinces in every
   month and layout (a gap would need a named "not allocated to a province" line; the demo has
   none, so any gap is reported).

`findings(frames)` returns what breaks them; `vss-dash validate` prints each as a warning (the
store stays valid: these are properties of plausible data, not rules of the store's shape).
`summary(frames)` gives the measured figures the tests and the README quote.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

import polars as pl

from vss_dash import catalog, geo, i18n, metrics, published

# Counts compared in relative terms, coverage rates in percentage points.
COUNTS = ("si_compulsory", "si_voluntary", "si_participants", "ui_participants", "hi_participants")
# HI coverage is near 90 % everywhere, so a move in points means the same in every province; SI
# coverage runs from 10 % to 80 %, so its moves are judged through the counts above.
RATES = ("hi_coverage_rate",)
# The bound of a count is shared within its family: the compulsory schemes and HI move alike
# (the record shows a count of one such series only every few months), voluntary SI is a small,
# strongly seasonal series of its own.
FAMILY = {
    "si_compulsory": "participants",
    "si_participants": "participants",
    "ui_participants": "participants",
    "hi_participants": "participants",
    "si_voluntary": "si_voluntary",
    "si_coverage_rate": "coverage_rate",
    "hi_coverage_rate": "coverage_rate",
}
MAX_GAP = 12  # months between two reports for their move to count as one move

# Provinces do not move in lockstep: the published provincial points depart from the national
# path over the same months (Hà Nội's HI participants rose 0.08 % from December 2024 to June 2025
# while the country's rose 0.98 %; Khánh Hòa's 0.73 % from July to December 2025 against the
# country's 1.15 % from June). Read as independent monthly deviations, that is about 0.2-0.4
# points a month, or 0.5-1.0 points from the 10th to the 90th percentile of 34 provinces. The floor
# is set below that, so that it flags lockstep (0.03-0.1 points), not ordinary quiet months.
MIN_SPREAD = {"si_participants": 0.4, "hi_participants": 0.2, "hi_coverage_rate": 0.2}
# Over the calendar, at least this many of the 34 provinces change rank in SI coverage.
MIN_RANK_CHANGES = 8
SUM_TOLERANCE = 0.01  # stored values carry three decimals


@dataclass(frozen=True)
class Bound:
    """The largest fall and rise the record proves between two consecutive reports of one
    place (fractions for counts, points for rates), and the pair of figures that set each."""

    fall: float
    rise: float
    fall_from: str
    rise_from: str


def _proven_move(a: published.Figure, b: published.Figure, relative: bool) -> float:
    """The smallest move from a to b that both figures' rounding allows: the record proves the
    series moved at least this far (0 when the intervals overlap)."""
    (alo, ahi), (blo, bhi) = a.interval(), b.interval()
    lo, hi = (blo / ahi - 1, bhi / alo - 1) if relative else (blo - ahi, bhi - alo)
    return lo if lo > 0 else hi if hi < 0 else 0.0


def _months(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


@functools.cache
def move_bounds() -> dict[str, Bound]:
    """Per family (`FAMILY`), from every current published figure of its measures: the largest
    proven fall and rise between consecutive reports of one place and measure, at most MAX_GAP
    months apart. A demo month may move as far in one month as the record moved between two
    reports, and no further."""
    series: dict[tuple, list[published.Figure]] = {}
    for f in published.current():
        if f.is_target or not catalog.has(f.measure):
            continue
        m = catalog.canonical_id(f.measure)
        if m in FAMILY:
            series.setdefault((f.geo_code, m), []).append(f)
    found: dict[str, dict] = {}
    for (_code, m), figs in series.items():
        figs.sort(key=lambda f: f.period)
        fam = found.setdefault(FAMILY[m], {"fall": (0.0, ""), "rise": (0.0, "")})
        for a, b in zip(figs, figs[1:], strict=False):
            if _months(a.period, b.period) > MAX_GAP:
                continue
            move = _proven_move(a, b, m in COUNTS)
            what = f"{m} {a.geo_text} {a.ym}..{b.ym}"
            if move < -fam["fall"][0]:
                fam["fall"] = (-move, what)
            if move > fam["rise"][0]:
                fam["rise"] = (move, what)
    return {
        k: Bound(v["fall"][0], v["rise"][0], v["fall"][1], v["rise"][1]) for k, v in found.items()
    }


# --------------------------------------------------------------------------- the store's series


def _provinces(frames: metrics.Frames, measure: str) -> pl.DataFrame:
    """Every province series of a measure: the 63 before the merger, the 34 over the whole
    calendar (older months summed through the crosswalk), as shown (published rows win)."""
    p63 = metrics.resolve(frames, measure, "P63").filter(pl.col("period") < geo.MERGER_DATE)
    p34 = metrics.resolve(frames, measure, "P34")
    return pl.concat(
        [
            p63.select("period", "geo_code", "value", "status").with_columns(layout=pl.lit("P63")),
            p34.select("period", "geo_code", "value", "status").with_columns(layout=pl.lit("P34")),
        ]
    )


def _all_series(frames: metrics.Frames, measure: str) -> pl.DataFrame:
    national = (
        metrics.resolve(frames, measure, "VN")
        .select("period", "geo_code", "value", "status")
        .with_columns(layout=pl.lit("VN"))
    )
    return pl.concat([national, _provinces(frames, measure)])


def changes(frames: metrics.Frames, measure: str) -> pl.DataFrame:
    """Month-on-month changes of every series of a measure (relative for counts, points for
    rates): layout, geo_code, period, value, prev, change, and whether either month is published."""
    df = _all_series(frames, measure).sort("layout", "geo_code", "period")
    prev_period = pl.col("period").shift(1).over("layout", "geo_code")
    out = df.with_columns(
        prev=pl.col("value").shift(1).over("layout", "geo_code"),
        prev_status=pl.col("status").shift(1).over("layout", "geo_code"),
        gap=(pl.col("period").dt.year() * 12 + pl.col("period").dt.month())
        - (prev_period.dt.year() * 12 + prev_period.dt.month()),
    ).filter(pl.col("gap") == 1)
    rel = measure in COUNTS
    change = (pl.col("value") / pl.col("prev") - 1) if rel else (pl.col("value") - pl.col("prev"))
    return out.with_columns(
        change=change,
        published=(pl.col("status").cast(pl.String) == "published")
        | (pl.col("prev_status").cast(pl.String) == "published"),
    ).select("layout", "geo_code", "period", "prev", "value", "change", "published")


def spread(frames: metrics.Frames, measure: str) -> pl.DataFrame:
    """Per month, the 10th-90th percentile range of the provinces' month-on-month changes (in
    percentage points: of the change in percent for counts, of the change in points for rates),
    in the month's own layout."""
    ch = changes(frames, measure)
    own = ch.filter(
        ((pl.col("layout") == "P63") & (pl.col("period") < geo.MERGER_DATE))
        | ((pl.col("layout") == "P34") & (pl.col("period") >= geo.MERGER_DATE))
    )
    k = 100 if measure in COUNTS else 1
    return (
        own.group_by("period")
        .agg(
            p10=pl.col("change").quantile(0.1, "linear") * k,
            p90=pl.col("change").quantile(0.9, "linear") * k,
        )
        .with_columns(spread=pl.col("p90") - pl.col("p10"))
        .sort("period")
    )


def rank_changes(frames: metrics.Frames, measure: str = "si_coverage_rate") -> int:
    """How many of the 34 provinces rank differently in the first and the last month."""
    df = metrics.resolve(frames, measure, "P34")
    first, last = df.get_column("period").min(), df.get_column("period").max()

    def ranks(p: date) -> dict[str, int]:
        d = df.filter(pl.col("period") == p).sort("value", descending=True)
        return {c: i for i, c in enumerate(d.get_column("geo_code"))}

    a, b = ranks(first), ranks(last)
    return sum(a[c] != b.get(c) for c in a)


def additive_measures(frames: metrics.Frames) -> list[str]:
    """Measures whose national value is a sum of provinces and which have province rows."""
    have = set(frames.obs.filter(pl.col("layout") != "VN").get_column("measure").unique())
    out = []
    for m in catalog.MEASURES:
        if m.national_only or m.geo_agg != "sum" or m.kind not in ("stock", "ytd_flow"):
            continue
        parts = catalog.base_measures(m.id) if m.derived else [m.id]
        if m.formula is not None and m.formula.op != "sum":
            continue
        if all(p in have for p in parts):
            out.append(m.id)
    return out


def sum_gaps(frames: metrics.Frames) -> pl.DataFrame:
    """National value shown minus the sum of the provinces shown, per additive measure, month
    and layout (P63 up to the merger, P34 throughout), where they differ."""
    rows = []
    for m in additive_measures(frames):
        nat = metrics.resolve(frames, m, "VN").select("period", national="value")
        prov = _provinces(frames, m)
        summed = prov.group_by("layout", "period").agg(provinces=pl.col("value").sum())
        j = summed.join(nat, on="period", how="inner").with_columns(
            measure=pl.lit(m), gap=pl.col("national") - pl.col("provinces")
        )
        rows.append(j.filter(pl.col("gap").abs() > SUM_TOLERANCE))
    cols = ["measure", "layout", "period", "national", "provinces", "gap"]
    if not rows:
        return pl.DataFrame(schema={c: pl.Float64 for c in cols})
    return pl.concat([r.select(cols) for r in rows]).sort("measure", "period", "layout")


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Finding:
    rule: str  # "move", "spread", "ranks", "sum"
    message_vi: str
    message_en: str

    def __str__(self) -> str:
        label = "/".join(i18n.both(i18n.key("finding_warning")))
        return f"{label} [{self.rule}] {self.message_vi} / {self.message_en}"


def _name(layout: str, code: str) -> str:
    return "VN" if layout == "VN" else f"{code} ({layout})"


def _fmt(x: float, pct: bool) -> str:
    return f"{100 * x:+.1f}%" if pct else f"{x:+.2f}"


@functools.cache
def _anchored() -> frozenset[tuple[str, date]]:
    """(stored measure, month) pairs a current national figure fixes: a level, a part of a sum,
    the numerator or denominator of a rate."""
    out = set()
    for f in published.current():
        if f.layout == "VN" and not f.is_target and catalog.has(f.measure):
            m = catalog.get(f.measure)
            if m.formula is None or m.formula.op in ("sum", "ratio"):
                out |= {(b, f.period) for b in catalog.base_measures(m.id)}
    return frozenset(out)


def _forced(measure: str, period: date) -> bool:
    """The national move into `period` is the record's: figures fix both months."""
    prev = metrics.months_back(period, 1)
    base = catalog.base_measures(measure)
    return all(any((b, p) in _anchored() for b in base) for p in (prev, period))


def move_breaks(frames: metrics.Frames) -> pl.DataFrame:
    """Month-on-month changes beyond the family's bound: measure, layout, geo_code, period,
    prev, value, change, published (a published month on either side).

    Where published figures fix the national value in both months (`_forced`: Nov to Dec 2025,
    voluntary SI 2.016 M to the 6.5 % of the labour force the rates give), the national move is
    the record's and not a finding; a province is then judged by how far it departs from the
    nation's move in that month."""
    bounds = move_bounds()
    out = []
    for m in COUNTS + RATES:
        b = bounds[FAMILY[m]]
        ch = changes(frames, m)
        nat = ch.filter(pl.col("layout") == "VN").select("period", national=pl.col("change"))
        forced = [p for p in nat.get_column("period") if _forced(m, p)]
        ch = ch.join(nat, on="period", how="left").with_columns(
            forced=pl.col("period").is_in(forced)
        )
        if m in COUNTS:
            rel = (1 + pl.col("change")) / (1 + pl.col("national")) - 1
        else:
            rel = pl.col("change") - pl.col("national")
        judged = (
            pl.when(pl.col("forced") & (pl.col("layout") == "VN"))
            .then(pl.lit(0.0))
            .when(pl.col("forced"))
            .then(rel)
            .otherwise(pl.col("change"))
        )
        bad = ch.filter((judged < -b.fall - 1e-9) | (judged > b.rise + 1e-9))
        out.append(bad.drop("national", "forced").with_columns(measure=pl.lit(m)))
    return pl.concat(out).sort("measure", "period", "layout", "geo_code")


def findings(frames: metrics.Frames, limit: int = 20) -> list[Finding]:
    """What in the store breaks the checks, each as a bilingual warning (at most `limit` move
    findings are listed one by one, then their count)."""
    out: list[Finding] = []
    bounds = move_bounds()
    breaks = move_breaks(frames)
    for r in breaks.head(limit).iter_rows(named=True):
        m, pct = r["measure"], r["measure"] in COUNTS
        b = bounds[FAMILY[m]]
        limit_text = f"-{_fmt(b.fall, pct)[1:]} / {_fmt(b.rise, pct)}"
        where = f"{r['period']:%Y-%m} {_name(r['layout'], r['geo_code'])} {m}"
        near = " (cạnh số liệu công bố)" if r["published"] else ""
        near_en = " (next to a published figure)" if r["published"] else ""
        out.append(
            Finding(
                "move",
                f"{where}: thay đổi {_fmt(r['change'], pct)} trong một tháng, vượt mức số liệu "
                f"công bố từng ghi nhận ({limit_text}){near}",
                f"{where}: moves {_fmt(r['change'], pct)} in one month, beyond anything the "
                f"published record shows ({limit_text}){near_en}",
            )
        )
    if breaks.height > limit:
        n = breaks.height - limit
        out.append(Finding("move", f"và {n} tháng khác", f"and {n} more months"))
    for m, floor in MIN_SPREAD.items():
        s = spread(frames, m).filter(pl.col("spread") < floor)
        for r in s.iter_rows(named=True):
            out.append(
                Finding(
                    "spread",
                    f"{r['period']:%Y-%m} {m}: thay đổi so với tháng trước của các tỉnh chỉ "
                    f"chênh nhau {r['spread']:.2f} điểm (tối thiểu {floor}): các tỉnh đi cùng nhịp",
                    f"{r['period']:%Y-%m} {m}: the provinces' month-on-month changes spread only "
                    f"{r['spread']:.2f} points (at least {floor}): provinces move in lockstep",
                )
            )
    n = rank_changes(frames)
    if n < MIN_RANK_CHANGES:
        out.append(
            Finding(
                "ranks",
                f"chỉ {n} tỉnh thay đổi thứ hạng tỷ lệ bao phủ BHXH trong cả giai đoạn "
                f"(tối thiểu {MIN_RANK_CHANGES})",
                f"only {n} provinces change rank in SI coverage over the whole calendar "
                f"(at least {MIN_RANK_CHANGES})",
            )
        )
    gaps = (
        sum_gaps(frames)
        .group_by("measure", "period", maintain_order=True)
        .agg(pl.col("layout").str.join(", "), pl.first("national", "provinces", "gap"))
    )
    for r in gaps.iter_rows(named=True):
        where = f"{r['period']:%Y-%m} {r['measure']} ({r['layout']})"
        fig = _published_national(r["measure"], r["period"])
        vi = en = ""
        if fig is not None and _within(fig, r["provinces"]):
            vi = f"; tổng các tỉnh vẫn làm tròn thành số công bố {fig.value:,.0f}"
            en = f"; the sum still rounds to the published {fig.value:,.0f}"
        out.append(
            Finding(
                "sum",
                f"{where}: toàn quốc {r['national']:,.0f} khác tổng các tỉnh {r['provinces']:,.0f} "
                f"({r['gap']:+,.0f}) mà không có dòng “chưa phân bổ cho tỉnh”{vi}",
                f"{where}: national {r['national']:,.0f} differs from the sum of provinces "
                f"{r['provinces']:,.0f} ({r['gap']:+,.0f}) with no “not allocated to a province” "
                f"line{en}",
            )
        )
    return out


def _published_national(measure: str, period: date) -> published.Figure | None:
    for f in published.current():
        if (
            f.layout == "VN"
            and f.period == period
            and not f.is_target
            and catalog.has(f.measure)
            and catalog.canonical_id(f.measure) == measure
        ):
            return f
    return None


def _within(fig: published.Figure, value: float) -> bool:
    """The value is one the published figure allows (its rounding, or its 'more than')."""
    lo, hi = fig.interval()
    return lo <= value <= hi


def explained_gaps(frames: metrics.Frames) -> pl.DataFrame:
    """`sum_gaps` where the national value is a published figure and the provinces' sum is
    still a value that figure allows: the record's own rounded figures of that month do not add
    up exactly (16.12 M + 1.56 M against 17.69 M in February 2024), so one of them cannot be the
    sum. The others are unexplained."""
    g = sum_gaps(frames)
    keep = [
        (f := _published_national(r["measure"], r["period"])) is not None
        and _within(f, r["provinces"])
        for r in g.iter_rows(named=True)
    ]
    return g.filter(pl.Series(keep, dtype=pl.Boolean))


def summary(frames: metrics.Frames) -> dict:
    """The measured figures: per measure the smallest and median monthly spread of provincial
    changes, the largest national and provincial one-month moves, the national-sum gaps."""
    out: dict = {"spread": {}, "largest_move": {}}
    for m in MIN_SPREAD:
        s = spread(frames, m).get_column("spread")
        out["spread"][m] = (round(s.min(), 3), round(s.median(), 3))
    for m in COUNTS + RATES:
        ch = changes(frames, m)
        nat = ch.filter(pl.col("layout") == "VN")
        prov = ch.filter(pl.col("layout") != "VN")

        def ext(df: pl.DataFrame) -> tuple:
            if df.height == 0:
                return ()
            lo, hi = df.sort("change").row(0, named=True), df.sort("change").row(-1, named=True)
            return tuple(
                (r["geo_code"], f"{r['period']:%Y-%m}", round(r["change"], 4)) for r in (lo, hi)
            )

        out["largest_move"][m] = {"national": ext(nat), "provinces": ext(prov)}
    gaps = sum_gaps(frames)
    out["sum_gaps"] = gaps.height
    out["sum_gaps_unexplained"] = gaps.height - explained_gaps(frames).height
    out["largest_sum_gap"] = float(gaps.get_column("gap").abs().max()) if gaps.height else 0.0
    out["rank_changes"] = rank_changes(frames)
    out["move_breaks"] = move_breaks(frames).height
    return out
