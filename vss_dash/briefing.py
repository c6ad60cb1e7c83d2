"""The quarterly press-conference deck: which slides, in which order, with what data. Pure; the
page (views/briefing.py) draws them and ui/briefing_slides.py holds the slide widgets.

The deck for a quarter is built from the data at the quarter's last month. In public mode every
slide keeps only measures the catalogue marks press-safe, and the watch list only the reasons that
rest on press-safe measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from vss_dash import catalog, geo, i18n, metrics, pages, projection, watch

HEADLINE = pages.flat(pages.OVERVIEW_CARDS)  # the headline slide shows the overview's cards
BENEFITS = [
    "pension_monthly_allowance_cases",
    "si_one_time_benefit_persons",
    "short_term_benefit_cases",
    "ui_benefit_persons",
    "ui_vocational_training_persons",
    "hi_medical_visits",
    "hi_medical_cost",
]
MAP_MEASURE = "si_coverage_rate"
KINDS = ("headline", "map", "plan_revenue", "plan_participants", "watch", "benefits", "closing")


@dataclass(frozen=True)
class Quarter:
    year: int
    q: int

    @property
    def end(self) -> date:
        return metrics.months_back(date(self.year, 3 * self.q, 1), 0)

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.q}"

    @classmethod
    def parse(cls, key: str) -> Quarter:
        year, q = key.split("-Q")
        return cls(int(year), int(q))


def quarters(periods: list[date]) -> list[Quarter]:
    """Complete quarters in the data (their last month is present), newest first."""
    months = set(periods)
    out = {Quarter(p.year, (p.month - 1) // 3 + 1) for p in periods}
    return sorted((q for q in out if q.end in months), key=lambda q: q.end, reverse=True)


def quarter_of(quarters: list[Quarter], month: date | None) -> Quarter:
    """The quarter a deck opens on: the newest complete one ending at or before `month` (the
    month the visitor was looking at on another page), else the newest."""
    if month is not None:
        for q in quarters:  # newest first
            if q.end <= month:
                return q
    return quarters[0]


def public_only(measures: list[str], public: bool) -> list[str]:
    return [m for m in measures if not public or catalog.get(m).public]


@dataclass(frozen=True)
class Slide:
    kind: str
    measures: tuple[str, ...] = ()


def slides(public: bool) -> list[Slide]:
    """The deck: 7 slides, in the order a press conference takes them."""
    return [
        Slide("headline", tuple(public_only(HEADLINE, public))),
        Slide("map", (MAP_MEASURE,)),
        Slide("plan_revenue", ("revenue_collected",)),
        Slide("plan_participants", ("si_participants",)),
        Slide("watch"),
        Slide("benefits", tuple(public_only(BENEFITS, public))),
        Slide("closing"),
    ]


def watch_rows(
    frames: metrics.Frames, period: date, public: bool, per_reason: int = 3
) -> pl.DataFrame:
    """The watch list for a slide: the most severe few per reason, press-safe reasons only in
    public mode."""
    wl = watch.watch_list(frames, period)
    allowed = [r.id for r in watch.REASONS if not public or catalog.get(r.measure).public]
    return (
        wl.filter(pl.col("reason").is_in(allowed))
        .group_by("reason", maintain_order=True)
        .head(per_reason)
    )


def plan(frames: metrics.Frames, measure: str, period: date) -> projection.PlanView:
    return projection.plan_view(frames, measure, "VN", geo.NATIONAL, period)


def data_status(frames: metrics.Frames, period: date) -> dict[str, float]:
    """Share of the observations of the quarter's year up to the period by status."""
    year = frames.obs.filter(
        (pl.col("period").dt.year() == period.year) & (pl.col("period") <= period)
    )
    counts = year.group_by("status").len()
    total = counts.get_column("len").sum()
    return {r["status"]: r["len"] / total for r in counts.iter_rows(named=True)}


def sources_used(frames: metrics.Frames, period: date) -> list[str]:
    """The sources of the observations of the quarter's year up to the period (the numbers the
    deck shows come from them): published first, then reported, then demo; within a status the
    sources with the most values first."""
    year = frames.obs.filter(
        (pl.col("period").dt.year() == period.year) & (pl.col("period") <= period)
    )
    ordered = (
        year.group_by("status", "source_id")
        .len()
        .sort(["status", "len", "source_id"], descending=[True, True, False])
    )
    return list(dict.fromkeys(ordered.get_column("source_id")))


def source_line(frames: metrics.Frames, source_id: str, lang: str) -> str:
    """A source as the sources slide names it, in the deck's language: the publisher and the
    date (page titles are in the page's own language), or "demo data" for the generated values."""
    if frames.sources is None:
        return source_id
    rows = frames.sources.filter(pl.col("source_id") == source_id)
    if not rows.height:
        return source_id
    r = rows.row(0, named=True)
    used = frames.obs.filter(pl.col("source_id") == source_id).get_column("status")
    if used.len() and used[0] == "demo":
        return f"{i18n.status_word('demo', lang)} (vss-dash demo)"
    return f"{r['publisher']}, {i18n.format_date(r['date'], lang)}"
