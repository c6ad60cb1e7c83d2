"""Widgets of the sources page: every published figure with its date, publisher, quote and link,
the value the dashboard holds for it now and whether that reproduces it, filterable and
exportable; and the dated events drawn on the time axes."""

from __future__ import annotations

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


def base_measure(expr: str) -> str | None:
    """The catalogue measure a published figure is about ("si_participants_yoy" ->
    "si_participants"), or None when it names none."""
    return published.expression(expr).base


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


_EXPRESSION_KEYS = {  # published.Expression.kind -> the words around the measure's label
    "target": i18n.key("src_expr_target"),
    "yoy": i18n.key("src_expr_yoy"),
    "change_yoy": i18n.key("src_expr_change_yoy"),
    "change_in_month": i18n.key("src_expr_change_in_month"),
    "change_vs": i18n.key("src_expr_change_vs"),
}


def measure_label(expr: str, base: str | None, lang_: str) -> str:
    """What a published figure measures, in words: a catalogue measure's label, or an
    expression of one (a target, a change, a year-on-year rate) said around its label. Only a
    name of the files that is no expression of the catalogue is shown as written."""
    e = published.expression(expr)
    if e.kind == "provinces_above":
        return i18n.t("src_expr_provinces_above", lang_)
    if e.base is None:
        return expr
    label = catalog.get(e.base).label(lang_)
    if e.kind == "level":
        return label
    month = i18n.format_month(e.since, lang_, in_sentence=True) if e.since else ""
    return i18n.t(_EXPRESSION_KEYS[e.kind], lang_, label=label, month=month)


def unit_label(unit: str, lang_: str) -> str:
    """A unit of the files in the page's language: a catalogue unit's words, else the files'
    words in `lang_` (published.in_language)."""
    uid = published.unit_id(unit)
    return i18n.t(i18n.UNIT_KEYS[uid], lang_) if uid else published.in_language(unit, lang_)


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
    return i18n.t(export.ROLE_KEYS[role], lang_)


def _link(reference: str) -> str:
    """An address to open, or "" (a table shows a missing value as the word "None")."""
    return reference if reference.startswith(("https://", "http://")) else ""


def _reference(reference: str, lang_: str) -> str:
    """A reference that is no address (a file of the project, a law), in the page's language."""
    return "" if _link(reference) else published.in_language(reference, lang_)


def table_view(table: pl.DataFrame, lang_: str) -> pl.DataFrame:
    """The figures formatted for reading, every word in the page's language: numbers at the
    precision published, the value the dashboard shows, the value the data gives and whether
    it reproduces the figure (published.check), ✓/✗, unit, role, publisher."""
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
                i18n.t("col_computed", lang_): i18n.format_number(r["computed"], lang_, d),
                i18n.t("col_reproduced", lang_): "✓" if r["reproduced"] else "✗",
                i18n.t("col_unit", lang_): unit_label(r["unit"], lang_),
                i18n.t("src_role", lang_): role_label(r["role"], lang_),
                i18n.t("col_publisher", lang_): published.in_language(r["publisher"], lang_),
                i18n.t("col_published_on", lang_): i18n.format_date(r["published_on"], lang_),
                i18n.t("col_link", lang_): _link(r["reference"]),
                i18n.t("col_quote", lang_): r["quote"],
                i18n.t("col_source", lang_): _reference(r["reference"], lang_),
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
        "col_computed",
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
    data = download_frame(shown, lang_)
    meta = export.ExportMeta(
        i18n.t("sources_title", lang_),
        _filters_text(lang_),
        shown.get_column("period").max(),
        "published",
        ["data/reference/published_figures.csv", "data/reference/published_more.csv"],
        lang_,
    )
    downloads(data, meta, export.stem("published_figures"), lang_, "sources")


def download_frame(shown: pl.DataFrame, lang_: str) -> pl.DataFrame:
    """The figures as the files hold them: beside each id its words in the page's language
    (the measure's label, the place, the unit, the publisher; export.words says the roles and
    statuses), and each figure's decimals, so that the files write its value exactly as
    published (export.tidy)."""

    def words(column: str, say) -> pl.Expr:
        texts = {v: say(v) for v in shown.get_column(column).unique().to_list() if v is not None}
        return pl.col(column).replace(texts)

    labels = [
        measure_label(m, b, lang_)
        for m, b in zip(shown.get_column("measure"), shown.get_column("base"), strict=True)
    ]
    out = shown.drop("base").with_columns(
        words("geo_text", lambda g: _place_label(g, lang_)),
        words("unit", lambda u: unit_label(u, lang_)),
        words("publisher", lambda p: published.in_language(p, lang_)),
        measure_label=pl.Series(labels, dtype=pl.String),
        status=pl.lit("published"),
    )
    order = [c for c in out.columns if c != "measure_label"]
    order.insert(order.index("measure") + 1, "measure_label")
    return out.select(order)


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
                i18n.t("col_publisher", lang_): published.in_language(r["source"], lang_),
                link: _link(r["reference"]),
                i18n.t("col_source", lang_): _reference(r["reference"], lang_),
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
