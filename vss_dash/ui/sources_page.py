"""Widgets of the sources page: every published figure with its date, publisher, quote and link,
the value the dashboard holds for it now and whether that reproduces it, filterable and
exportable; and the dated events drawn on the time axes."""

from __future__ import annotations

import re

import polars as pl
import streamlit as st

from vss_dash import catalog, export, i18n, metrics, published
from vss_dash.ui import queries, state
from vss_dash.ui.auth import sees_internal, visible
from vss_dash.ui.tables import downloads

ALL = "all"
ROLES = {
    "current": published.CURRENT,
    "alternative": published.ALTERNATIVE,
    "earlier": published.EARLIER,
}
# an expression of the files (a change, a year-on-year rate, a target) and the measure it is of
_EXPRESSION = re.compile(r"(_change_vs_\d{4}-\d{2}|_change_in_month|_change_yoy|_yoy|_target)$")


def base_measure(expr: str) -> str | None:
    """The catalogue measure a published figure is about ("si_participants_yoy" ->
    "si_participants"), or None when it names none."""
    for candidate in (expr, _EXPRESSION.sub("", expr)):
        if catalog.has(candidate):
            return catalog.canonical_id(candidate)
    return None


def _figures_table(fr: metrics.Frames) -> pl.DataFrame:
    table = published.check_table(fr)
    decimals = [max(f.decimals, 0) for f in published.figures()]
    return table.with_columns(
        base=pl.Series([base_measure(m) for m in table.get_column("measure")], dtype=pl.String),
        decimals=pl.Series(decimals, dtype=pl.Int64),
    )


_check_table = queries.by_store(_figures_table, max_entries=4)


def check_table(fr: metrics.Frames) -> pl.DataFrame:
    """published.check_table with each figure's catalogue measure (`base`) and published
    decimals; for a visitor who may not see internal figures, without the figures of measures
    they may not see (a figure of no catalogue measure counts as internal)."""
    table = _check_table(fr)
    if sees_internal():
        return table
    allowed = visible(sorted(set(table.get_column("base").drop_nulls())))
    return table.filter(pl.col("base").is_in(allowed))


def _place_label(geo_text: str, lang_: str) -> str:
    return i18n.t("national", lang_) if geo_text == "VN" else geo_text


def measure_label(expr: str, base: str | None, lang_: str) -> str:
    """A catalogue measure's label; an expression's label with the expression beside it."""
    if base is None:
        return expr
    label = catalog.get(base).label(lang_)
    return label if catalog.has(expr) else f"{label} ({expr})"


def filters(table: pl.DataFrame, lang_: str) -> pl.DataFrame:
    """Place, measure, year, role and "not reproduced only", each kept in the URL; the rows
    that pass them."""
    places = [ALL] + sorted(set(table.get_column("geo_text")), key=lambda g: (g != "VN", g))
    bases = [ALL] + sorted(set(table.get_column("base").drop_nulls()))
    years = [ALL] + [str(y) for y in sorted(set(table.get_column("period").dt.year()))]
    everything = i18n.t("src_all", lang_)
    c1, c2, c3, c4 = st.columns(4)
    place = state.select(
        i18n.t("src_place", lang_),
        places,
        "place",
        lang_,
        container=c1,
        format_func=lambda g: everything if g == ALL else _place_label(g, lang_),
    )
    base = state.select(
        i18n.t("measure", lang_),
        bases,
        "fig_measure",
        lang_,
        container=c2,
        format_func=lambda m: everything if m == ALL else catalog.get(m).label(lang_),
    )
    year = state.select(
        i18n.t("src_year", lang_),
        years,
        "year",
        lang_,
        container=c3,
        format_func=lambda y: everything if y == ALL else y,
    )
    role = state.select(
        i18n.t("src_role", lang_),
        [ALL, *ROLES],
        "fig_role",
        lang_,
        container=c4,
        format_func=lambda r: everything if r == ALL else role_label(ROLES[r], lang_),
    )
    if "not_reproduced" not in st.session_state:
        st.session_state["not_reproduced"] = st.query_params.get("bad") == "1"
    bad = st.toggle(i18n.t("src_not_reproduced", lang_), key="not_reproduced")
    state.write("bad", "1" if bad else "", "")
    out = table
    if place != ALL:
        out = out.filter(pl.col("geo_text") == place)
    if base != ALL:
        out = out.filter(pl.col("base") == base)
    if year != ALL:
        out = out.filter(pl.col("period").dt.year() == int(year))
    if role != ALL:
        out = out.filter(pl.col("role") == ROLES[role])
    if bad:
        out = out.filter(~pl.col("reproduced"))
    return out


def role_label(role: str, lang_: str) -> str:
    return i18n.t(_ROLE_KEYS[role], lang_)


_ROLE_KEYS = {
    "current": i18n.key("figrole_current"),
    "alternative": i18n.key("figrole_alternative"),
    "earlier estimate": i18n.key("figrole_earlier_estimate"),
}


def _link(reference: str) -> str | None:
    return reference if reference.startswith(("https://", "http://")) else None


def table_view(table: pl.DataFrame, lang_: str) -> pl.DataFrame:
    """The figures formatted for reading: numbers at the precision published, ✓/✗, role."""
    rows = []
    for r in table.iter_rows(named=True):
        d = r["decimals"]
        rows.append(
            {
                i18n.t("col_period", lang_): i18n.format_month(r["period"], lang_),
                i18n.t("src_place", lang_): _place_label(r["geo_text"], lang_),
                i18n.t("col_measure", lang_): measure_label(r["measure"], r["base"], lang_),
                i18n.t("col_published_value", lang_): i18n.format_number(r["value"], lang_, d),
                i18n.t("col_held", lang_): i18n.format_number(r["held"], lang_, d),
                i18n.t("col_reproduced", lang_): "✓" if r["reproduced"] else "✗",
                i18n.t("col_unit", lang_): r["unit"],
                i18n.t("src_role", lang_): role_label(r["role"], lang_),
                i18n.t("col_publisher", lang_): r["publisher"],
                i18n.t("col_published_on", lang_): i18n.format_date(r["published_on"], lang_),
                i18n.t("col_link", lang_): _link(r["reference"]),
                i18n.t("col_quote", lang_): r["quote"],
                i18n.t("col_source", lang_): r["reference"] if not _link(r["reference"]) else "",
            }
        )
    return pl.DataFrame(rows, schema=_view_schema(lang_))


def _view_schema(lang_: str) -> dict:
    names = [
        "col_period",
        "src_place",
        "col_measure",
        "col_published_value",
        "col_held",
        "col_reproduced",
        "col_unit",
        "src_role",
        "col_publisher",
        "col_published_on",
        "col_link",
        "col_quote",
        "col_source",
    ]
    return {i18n.t(n, lang_): pl.String for n in names}


def figures(fr: metrics.Frames, lang_: str) -> None:
    """The filters, a count, the table (links open the source; text is shown as text, never as
    markdown) and its downloads."""
    table = check_table(fr)
    shown = filters(table, lang_).sort("period", descending=True, maintain_order=True)
    ok = shown.get_column("reproduced").sum()
    st.caption(
        i18n.t(
            "src_summary",
            lang_,
            shown=i18n.format_number(shown.height, lang_),
            n=i18n.format_number(table.height, lang_),
            ok=i18n.format_number(ok, lang_),
            bad=i18n.format_number(shown.height - ok, lang_),
        )
    )
    if not shown.height:
        st.info(i18n.t("src_none", lang_))
        return
    link = i18n.t("col_link", lang_)
    st.dataframe(
        table_view(shown, lang_),
        hide_index=True,
        key="sources_table",
        column_config={
            link: st.column_config.LinkColumn(link, display_text=r"https?://(?:www\.)?([^/]+)"),
            i18n.t("col_quote", lang_): st.column_config.TextColumn(width="large"),
        },
    )
    data = shown.drop("base", "decimals").with_columns(status=pl.lit("published"))
    meta = export.ExportMeta(
        i18n.t("sources_title", lang_),
        _filters_text(lang_),
        shown.get_column("period").max(),
        "published",
        ["data/reference/published_figures.csv", "data/reference/published_more.csv"],
        lang_,
    )
    downloads(data, meta, export.stem("published_figures"), lang_, "sources")


def _filters_text(lang_: str) -> dict[str, str]:
    """The filters in force, in words, for the export's header."""
    out = {}
    for key, label in (
        ("place", "src_place"),
        ("fig_measure", "measure"),
        ("year", "src_year"),
        ("fig_role", "src_role"),
    ):
        value = st.session_state.get(key, ALL)
        if value != ALL:
            if key == "place":
                value = _place_label(value, lang_)
            elif key == "fig_measure":
                value = catalog.get(value).label(lang_)
            elif key == "fig_role":
                value = role_label(ROLES[value], lang_)
            out[i18n.t(label, lang_)] = value
    if st.session_state.get("not_reproduced"):
        out[i18n.t("src_not_reproduced", lang_)] = "✓"
    return out


def events_list(lang_: str) -> None:
    """The dated events drawn on every time chart that spans them."""
    st.subheader(i18n.t("events_title", lang_))
    st.caption(i18n.t("events_intro", lang_))
    col = "label_vi" if lang_ == "vi" else "label_en"
    link = i18n.t("col_link", lang_)
    view = pl.DataFrame(
        [
            {
                i18n.t("col_date", lang_): i18n.format_date(r["date"], lang_),
                i18n.t("col_event", lang_): r[col],
                i18n.t("col_publisher", lang_): r["source"],
                link: _link(r["reference"]),
                i18n.t("col_source", lang_): r["reference"] if not _link(r["reference"]) else "",
            }
            for r in queries.events().sort("date").iter_rows(named=True)
        ]
    )
    st.dataframe(
        view,
        hide_index=True,
        key="events_table",
        column_config={
            link: st.column_config.LinkColumn(link, display_text=r"https?://(?:www\.)?([^/]+)")
        },
    )
