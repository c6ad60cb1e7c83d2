"""Widgets of the Data page's table: the filter builder (measures, geography, provinces, months,
each kept in the URL) and the long table with its downloads. The page's other tabs are
`data_quality` and `data_import`."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from vss_dash import catalog, dataset, export, geo, i18n, metrics
from vss_dash.ui import auth, queries, state
from vss_dash.ui.state import View
from vss_dash.ui.tables import downloads, export_meta
from vss_dash.ui.widgets import status_label

TAB_KEY = "data_tab"  # the open tab's label (st.session_state): only that tab runs
MAX_SHOWN_ROWS = 5_000  # formatted rows on screen; the downloads hold every row
DEFAULT_MEASURES = ("si_participants", "si_coverage_rate", "hi_coverage_rate")
DEFAULT_MONTHS = 12

# ---------------------------------------------------------------- filter builder


def month_range(periods: list[date], lang_: str, containers=None) -> tuple[date, date]:
    """The first and last month, two select boxes kept in ?from=YYYY-MM&to=YYYY-MM (default: the
    last 12 months). Select boxes rather than a range slider: 66 to 82 months on one slider's
    230 px are a few pixels each, and its thumb did not keep a drag (issue 16). A month the
    layout does not have (the layout was switched) falls back to the default; the two are put
    in order if crossed."""
    by_key = {f"{p:%Y-%m}": p for p in sorted(periods)}
    keys = list(by_key)
    default = {"from": keys[max(0, len(keys) - DEFAULT_MONTHS)], "to": keys[-1]}
    where = dict(zip(("from", "to"), containers or (st.sidebar, st.sidebar), strict=True))
    for name in ("from", "to"):
        state.bind(name)
        if st.session_state.get(name) not in by_key:
            raw = st.query_params.get(name)
            if raw is not None and raw not in by_key:
                state.note_bad(name, raw)
            st.session_state[name] = raw if raw in by_key else default[name]
    state.notices(lang_)
    chosen = {
        name: where[name].selectbox(
            i18n.t(label, lang_),
            keys,
            key=name,
            format_func=lambda k: i18n.format_month(by_key[k], lang_),
        )
        for name, label in (("from", i18n.key("f_from")), ("to", i18n.key("f_to")))
    }
    for name, value in chosen.items():
        state.write(name, value, default[name])
    start, end = sorted(chosen.values())
    return by_key[start], by_key[end]


def filters(
    fr: metrics.Frames, lang_: str
) -> tuple[tuple[str, ...], str, tuple[str, ...], date, date]:
    """The filter builder, on the page above the table (in the sidebar, a phone's visitor did
    not find them: it starts collapsed): geography, measures, provinces, months."""
    box = st.container(border=True, key="data_filters")
    top = box.columns([2, 1, 1])
    layout = state.select(
        i18n.t("geography", lang_),
        ["VN", "P34", "P63"],
        "layout",
        lang_,
        format_func=lambda v: i18n.t(i18n.LAYOUT_KEYS[v], lang_),
        container=top[0],
    )
    every = [m.id for m in catalog.MEASURES]
    allowed = auth.visible(every)
    raw = st.query_params.get("measures") or ""
    hidden = [m for m in raw.split(",") if m in every and m not in allowed]
    if hidden:  # a link naming internal measures: a polite notice, never the figures
        st.info(
            i18n.t("measure_restricted", lang_, measure=", ".join(hidden)), icon=":material/lock:"
        )
        raw = ",".join(m for m in raw.split(",") if m not in hidden)
        state.put("measures", raw or None)
    measures = state.multiselect(
        i18n.t("f_measures", lang_),
        allowed,
        "measures",
        lang_,
        auth.visible(list(DEFAULT_MEASURES)),
        format_func=lambda mid: catalog.get(mid).label(lang_),
        container=box,
    )
    codes: list[str] = []
    if layout != "VN":
        if st.session_state.get("_provinces_layout") not in (None, layout):
            st.session_state["provinces"] = []  # a code means another place in the other layout
        st.session_state["_provinces_layout"] = layout
        names = dataset.names(layout)
        codes = state.multiselect(
            i18n.t("f_provinces", lang_),
            list(names),
            "provinces",
            lang_,
            [],
            format_func=lambda c: f"{names[c]} ({c})",
            container=box,
        )
    start, end = month_range(dataset.periods_for(fr, layout), lang_, (top[1], top[2]))
    return tuple(measures), layout, tuple(codes), start, end


def table_view(df: pl.DataFrame, lang_: str, titles: dict[str, str]) -> pl.DataFrame:
    """The data table formatted for reading (Vietnamese or English number separators), each
    source by its title (the id stays in the downloads). The value comes right after what it
    is and when, so that a phone's first screen of the table shows it (it was the fifth
    column, off-screen at 390 px); the place follows."""
    return pl.DataFrame(
        [
            {
                i18n.t("month", lang_): i18n.format_month(r["period"], lang_),
                i18n.t("col_measure", lang_): catalog.get(r["measure"]).label(lang_),
                i18n.t("col_value", lang_): i18n.format_value(r["value"], r["unit"], lang_),
                i18n.t("col_province", lang_): r["province"],
                i18n.t("col_code", lang_): r["geo_code"],
                i18n.t("col_status", lang_): status_label(r["status"], lang_),
                i18n.t("col_source", lang_): titles.get(r["source_id"], r["source_id"]),
            }
            for r in df.head(MAX_SHOWN_ROWS).iter_rows(named=True)
        ]
    )


def data_table(fr: metrics.Frames, lang_: str) -> None:
    measures, layout, codes, start, end = filters(fr, lang_)
    if not measures:
        st.info(i18n.t("f_no_measures", lang_))
        return
    left_out = [m for m in measures if catalog.get(m).national_only and layout != "VN"]
    if left_out:
        names = ", ".join(catalog.get(m).label(lang_) for m in left_out)
        st.caption(i18n.t("data_national_only", lang_, names=names))
    df = queries.table(fr, measures, layout, codes, start, end, lang_)
    if not df.height:
        st.info(i18n.t("data_empty", lang_))
        return
    found = set(df.get_column("measure"))
    if silent := [m for m in measures if m not in found and m not in left_out]:
        names = ", ".join(catalog.get(m).label(lang_) for m in silent)
        st.caption(i18n.t("data_no_values", lang_, names=names))
    n = i18n.format_number(df.height, lang_)
    if df.height > MAX_SHOWN_ROWS:
        shown = i18n.format_number(MAX_SHOWN_ROWS, lang_)
        st.caption(i18n.t("data_truncated", lang_, shown=shown, n=n))
    else:
        st.caption(i18n.t("data_rows", lang_, n=n))
    st.dataframe(table_view(df, lang_, fr.source_titles()), hide_index=True, key="data_table")
    extra = {
        i18n.t("f_measures", lang_): ", ".join(catalog.get(m).label(lang_) for m in measures),
        i18n.t("f_months", lang_): f"{i18n.format_month(start, lang_)} – "
        f"{i18n.format_month(end, lang_)}",
    }
    if codes:
        names = ", ".join(f"{geo.province_name(layout, c)} ({c})" for c in codes)
        extra[i18n.t("f_provinces", lang_)] = names
    meta = export_meta(fr, i18n.t("tab_table", lang_), df, View(lang_, layout=layout), extra)
    downloads(df, meta, export.stem("data", layout, start, end), lang_, "data")
