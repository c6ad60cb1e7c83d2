"""What a generated text may say: every figure of the data layer a briefing speaks of, recomputed
here from metrics, projection and watch and formatted by i18n, and a check that no other number
is left in a text. Shared by the PowerPoint notes and press-release tests."""

from __future__ import annotations

import re
from datetime import date

import polars as pl

from vss_dash import briefing, catalog, geo, i18n, metrics, projection, watch


def _change(frames, measure: str, period: date) -> float | None:
    """The change on the same month a year earlier, recomputed from two value_at calls."""
    now = metrics.value_at(frames, measure, "VN", geo.NATIONAL, period)
    before = metrics.value_at(frames, measure, "VN", geo.NATIONAL, metrics.months_back(period, 12))
    if now is None or before is None:
        return None
    if catalog.get(measure).unit == "percent":
        return now - before
    return 100 * (now / before - 1)


def _kind(measure: str) -> str:
    return "pp" if catalog.get(measure).unit == "percent" else "percent"


def _changes(value, lang: str, kind: str) -> set[str]:
    """A change as a card writes it and as a sentence does (points spelled out)."""
    return {i18n.format_change(value, lang, kind, prose=p) for p in (False, True)}


def allowed(frames, kind: str, measures, period: date, public: bool, lang: str) -> set[str]:
    """Every formatted figure a slide of this kind may speak of, from the data layer."""
    fmt = i18n.format_value
    out = {
        i18n.format_date(period, lang),
        i18n.t("quarter_label", lang, q=(period.month - 1) // 3 + 1, year=period.year),
        str(period.year),
        i18n.t("brief.res_28_nq_tw_2018", lang),
        i18n.t("brief.res_01_nq_cp_2023", lang),
    }
    for m in measures:
        unit = catalog.get(m).unit
        out.add(fmt(metrics.value_at(frames, m, "VN", geo.NATIONAL, period), unit, lang))
        out |= _changes(_change(frames, m, period), lang, _kind(m))
        targets = frames.plans.filter((pl.col("measure") == m) & (pl.col("layout") == "VN"))
        value = metrics.value_at(frames, m, "VN", geo.NATIONAL, period)
        for row in targets.drop_nulls("target").iter_rows(named=True):
            out |= {str(row["year"]), fmt(row["target"], unit, lang)}
            out |= {x.lstrip("+") for x in _changes(abs(value - row["target"]), lang, "pp")}
    wl = watch.watch_list(frames, period)
    for r in wl.iter_rows(named=True):
        unit = catalog.get(r["measure"]).unit
        for v in (r["value"], r["national"]):
            out.add(
                i18n.format_change(v, lang, "percent")
                if r["value_kind"] == "mom_pct"
                else fmt(v, unit, lang)
            )
        out |= _changes(r["trend"], lang, r["trend_kind"])
    layout = geo.layout_for_period(period)
    if kind == "map":
        m = briefing.MAP_MEASURE
        national = metrics.value_at(frames, m, "VN", geo.NATIONAL, period)
        prov = metrics.province_values(frames, m, layout, period)
        out |= {str(prov.height), str(prov.filter(pl.col("value") > national).height)}
        out |= {fmt(v, "percent", lang) for v in prov.get_column("value")}
    if kind in ("plan_revenue", "plan_participants", "headline"):
        for m, comp in (("revenue_collected", "revenue_plan_completion"),
                        ("si_participants", "si_plan_completion")):  # fmt: skip
            v = projection.plan_view(frames, m, "VN", geo.NATIONAL, period)
            unit = catalog.get(m).unit
            out |= {fmt(v.plan, unit, lang), i18n.format_value(v.completion, "percent", lang),
                    *_changes(v.path_gap, lang, "pp")}  # fmt: skip
            p = v.projection
            out |= {fmt(x, unit, lang) for x in (p.year_end, p.low, p.high)}
            prov = metrics.province_values(frames, comp, layout, period)
            out |= {fmt(x, "percent", lang) for x in prov.get_column("value").drop_nulls()}
    if kind == "watch":
        out.add("3")  # at most 3 provinces per reason
    if kind == "closing":
        year = frames.obs.filter(
            (pl.col("period").dt.year() == period.year) & (pl.col("period") <= period)
        )
        counts = dict(year.group_by("status").len().iter_rows())
        total = sum(counts.values())
        out |= {i18n.format_percent(100 * c / total, lang, 1) for c in counts.values()}
    return {x for x in out if x and x != i18n.MISSING}


def unexplained(text: str, figures: set[str]) -> list[str]:
    """Digits left in `text` once every allowed figure is taken out (longest first)."""
    for fig in sorted(figures, key=len, reverse=True):
        text = re.sub(rf"(?<![\d.,]){re.escape(fig)}(?![\d])", " ", text)
    return re.findall(r"\S*\d\S*", text)
