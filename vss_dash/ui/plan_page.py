"""Widgets of the plan-versus-actual page: the plan summary, the projection's method and
back-test, and the plan-completion table."""

from __future__ import annotations

import polars as pl
import streamlit as st

from vss_dash import catalog, export, i18n, metrics, projection
from vss_dash.ui.state import View
from vss_dash.ui.tables import downloads, export_meta, province_slug


def plan_summary(view: projection.PlanView, lang_: str) -> None:
    """Plan, completion so far (and against the plan path), projection and verdict."""
    m = catalog.get(view.measure)
    cols = st.columns(3)
    with cols[0], st.container(border=True):
        if view.plan is None:
            st.metric(i18n.t("plan_kpi", lang_), i18n.MISSING)
            st.caption(i18n.t("no_plan", lang_))
        else:
            label = i18n.t(i18n.PLAN_KPI_KEYS[view.plan_source], lang_)
            st.metric(label, i18n.format_value(view.plan, m.unit, lang_))
    with cols[1], st.container(border=True):
        delta = None
        if view.path_gap is not None:
            delta = i18n.format_change(view.path_gap, lang_, "pp")
            if not any(ch in "123456789" for ch in delta):  # "0,00 điểm %": neither way
                delta = None
        st.metric(
            i18n.t("completion_kpi", lang_),
            i18n.format_value(view.completion, "percent", lang_),
            delta,
            delta_color="off" if delta is None else ("blue" if view.path_gap >= 0 else "orange"),
            delta_arrow="off" if delta is None else ("up" if view.path_gap >= 0 else "down"),
            delta_description=i18n.t("vs_path", lang_) if delta else None,
        )
    with cols[2], st.container(border=True):
        p = view.projection
        if p is None:
            st.metric(i18n.t("projection", lang_), i18n.MISSING)
            st.caption(i18n.t("no_projection", lang_))
        else:
            st.metric(i18n.t("projection", lang_), i18n.format_value(p.year_end, m.unit, lang_))
            st.caption(
                f"{i18n.format_value(p.low, m.unit, lang_)} – "
                f"{i18n.format_value(p.high, m.unit, lang_)}"
            )
            if view.verdict:
                colour = {
                    "achieved": "blue",
                    "on_track": "blue",
                    "likely": "blue",
                    "at_risk": "orange",
                    "off_track": "red",
                }
                st.badge(i18n.t(i18n.VERDICT_KEYS[view.verdict], lang_), color=colour[view.verdict])
                st.caption(i18n.md_escape(verdict_rule(view, lang_)))


def verdict_rule(view: projection.PlanView, lang_: str) -> str:
    """The verdict's rule in words, with the numbers it compared (shown under the badge)."""
    m, p = catalog.get(view.measure), view.projection
    if view.verdict is None or p is None or view.plan is None:
        return ""
    fmt = lambda v: i18n.format_value(v, m.unit, lang_)  # noqa: E731
    down = m.good == "down"
    # the range's end that decides: for "likely" the unfavourable end, for "at risk" the
    # favourable one
    edge = {"likely": p.high if down else p.low, "at_risk": p.low if down else p.high}
    return i18n.t(
        i18n.VERDICT_RULE_KEYS[view.verdict],
        lang_,
        plan=fmt(view.plan),
        point=fmt(p.year_end),
        low=fmt(p.low),
        high=fmt(p.high),
        edge=fmt(edge.get(view.verdict, p.year_end)),
        beyond=i18n.t("beyond_down" if down else "beyond_up", lang_),
    )


def plan_frame(view: projection.PlanView) -> pl.DataFrame:
    """The plan chart's data, raw: period, actual, last_year, plan_path, plan, of_plan (%), and the
    status and source of the actual and of last year's value."""
    last = view.last_year.rename(
        {"value": "last_year", "status": "last_year_status", "source_id": "last_year_source_id"}
    )
    df = last.join(view.actual.rename({"value": "actual"}), on="period", how="full", coalesce=True)
    if view.path is not None:
        df = df.join(view.path, on="period", how="full", coalesce=True)
    else:
        df = df.with_columns(path=pl.lit(None, pl.Float64))
    plan = pl.lit(view.plan, pl.Float64)
    return df.sort("period").select(
        "period",
        "actual",
        "last_year",
        plan_path="path",
        plan=plan,
        of_plan=100 * pl.col("actual") / plan if view.plan else pl.lit(None, pl.Float64),
        status="status",
        source_id="source_id",
        last_year_status="last_year_status",
        last_year_source_id="last_year_source_id",
    )


def plan_table(view: projection.PlanView, lang_: str) -> pl.DataFrame:
    """The plan chart's data: month, actual, last year, plan path, % of plan."""
    m = catalog.get(view.measure)
    return pl.DataFrame(
        [
            {
                i18n.t("month", lang_): i18n.format_month(r["period"], lang_),
                i18n.t("actual", lang_): i18n.format_value(r["actual"], m.unit, lang_),
                i18n.t("last_year", lang_): i18n.format_value(r["last_year"], m.unit, lang_),
                i18n.t("plan_path", lang_): i18n.format_value(r["plan_path"], m.unit, lang_),
                i18n.t("of_plan", lang_): i18n.format_value(r["of_plan"], "percent", lang_),
            }
            for r in plan_frame(view).iter_rows(named=True)
        ]
    )


def backtest_frame(view: projection.PlanView) -> pl.DataFrame:
    """The back-test (year, projected, actual, error as a fraction) with the status and source of
    each year's December value, as `projection.project` carries them."""
    return pl.DataFrame() if view.projection is None else view.projection.backtest


def plan_stem(what: str, view: projection.PlanView) -> str:
    """A file name for the plan page's data: what, measure, geography, month."""
    place = None if view.layout == "VN" else province_slug(view.layout, view.geo_code)
    return export.stem(what, view.measure, view.layout, place, view.period)


def plan_meta(
    fr: metrics.Frames, view: projection.PlanView, title: str, data: pl.DataFrame, lang_: str
) -> export.ExportMeta:
    """The plan view's data as exported: month, measure, geography and province (if one)."""
    page = View(lang_, view.period, view.layout, view.geo_code, view.measure)
    return export_meta(fr, title, data, page)


def projection_method(view: projection.PlanView, fr: metrics.Frames, lang_: str) -> None:
    """The method in words, and the back-test behind the interval, with its downloads."""
    with st.expander(i18n.t("method_title", lang_), icon=":material/functions:"):
        st.markdown(i18n.t("method_text", lang_, years=projection.DEFAULT_YEARS_BACK))
        p = view.projection
        if p is None or p.backtest.height == 0:
            return
        st.caption(
            i18n.t("backtest_mape", lang_, mape=i18n.format_percent(100 * p.backtest_mape, lang_))
        )
        m = catalog.get(view.measure)
        st.dataframe(
            pl.DataFrame(
                [
                    {
                        i18n.t("col_year", lang_): str(r["year"]),
                        i18n.t("col_projected", lang_): i18n.format_value(
                            r["projected"], m.unit, lang_
                        ),
                        i18n.t("col_actual", lang_): i18n.format_value(r["actual"], m.unit, lang_),
                        i18n.t("col_error", lang_): i18n.format_change(
                            100 * r["error"], lang_, "percent"
                        ),
                    }
                    for r in p.backtest.iter_rows(named=True)
                ]
            ),
            hide_index=True,
        )
        data = backtest_frame(view)
        title = f"{i18n.t('backtest_table', lang_)}: {m.label(lang_)}"
        downloads(
            data,
            plan_meta(fr, view, title, data, lang_),
            plan_stem("backtest", view),
            lang_,
            "backtest",
        )


def completion_view(table: pl.DataFrame, measures: list[str], lang_: str) -> None:
    """Provinces x plan completion: sortable (the numbers stay numbers), coloured by how far
    from the plan (blue at or above the national pace, orange below, said in a key above),
    national row first, then the provinces from the most advanced on the first measure."""
    national = {mid: table.item(0, mid) for mid in measures}
    labels = {mid: catalog.get(mid).label(lang_) for mid in measures}
    st.caption(i18n.t("completion_key", lang_))
    table = pl.concat(
        [table.head(1), table.slice(1).sort(measures[0], descending=True, nulls_last=True)]
    )
    shown = (
        table.with_columns(pl.col("name").fill_null(i18n.t("national", lang_)))
        .select(
            pl.col("name").alias(i18n.t("col_province", lang_)),
            *[pl.col(mid).alias(labels[mid]) for mid in measures],
        )
        .to_pandas()
    )

    def colour(value, mid):
        if value is None or national[mid] is None or value != value:
            return ""
        if value >= national[mid]:
            return "background-color: #DCE9F5; color: #1F2430"
        return "background-color: #F8E3D3; color: #1F2430"

    styler = shown.style.format(
        lambda v: i18n.format_value(v, "percent", lang_), subset=list(labels.values())
    )
    for mid in measures:
        styler = styler.map(lambda v, mid=mid: colour(v, mid), subset=[labels[mid]])
    st.dataframe(styler, hide_index=True, key="completion_table")


def completion_frame(table: pl.DataFrame) -> pl.DataFrame:
    """`metrics.completion_table` as downloaded: each row's status (the weakest of its values'),
    not the source of that value."""
    return table.drop("source_id")
