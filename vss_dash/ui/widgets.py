"""Widgets several pages share: the page style, the demo notice and data month, status badges,
and the KPI cards (value, year-on-year change, sparkline, status and source)."""

from __future__ import annotations

import base64
import html
from datetime import date

import polars as pl
import streamlit as st

from vss_dash import catalog, charts, i18n
from vss_dash.ui import auth, state
from vss_dash.ui.state import View

# Every page's shared style (issue 16):
# - a KPI value fits its card at any width: the type scales with the window (28 px at 1366 px with
#   the sidebar, 36 px from 1700 px, 24 px on a phone) and a long Vietnamese value
#   ("448,3 nghìn tỷ đồng") wraps between words, never runs over the next card; labels wrap too;
# - captions in the theme's grey (#555A66, 7:1 on white): Streamlit draws them in the text colour
#   at 60 % opacity (#797c83, 4.18:1, below WCAG AA's 4.5:1), which no theme option changes;
# - a multiselect shows every chosen chip (Streamlit caps its box at ~155 px and scrolls, which
#   hid the fifth measure on the Data page);
# - the answer above the fold: less empty space over the first element, compact notices, a
#   smaller title. The presenter's deck sets its own sizes with !important and keeps them.
_STYLE = """<style>
[data-testid="stMetric"] [data-testid="stMetricValue"] {
  font-size: clamp(1.5rem, 0.5rem + 1.45vw, 2.25rem); line-height: 1.2; }
[data-testid="stMetricValue"] > div, [data-testid="stMetricValue"] p,
[data-testid="stMetricDelta"] > div, [data-testid="stMetricLabel"] p,
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] {
  white-space: normal !important; overflow: visible !important; overflow-wrap: anywhere; }
[data-testid="stCaptionContainer"] { color: #555A66; opacity: 1; }
[data-testid="stMainBlockContainer"] { padding-top: 4rem; padding-bottom: 3rem; }
[data-testid="stMainBlockContainer"] [data-testid="stAlertContainer"] {
  padding: 0.4rem 0.75rem; font-size: 0.875rem; }
[data-testid="stMainBlockContainer"] [data-testid="stAlertContainer"] p { font-size: 0.875rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2rem; padding: 0.25rem 0 0.5rem; }
[data-testid="stMultiSelect"] div { max-height: none !important; }
.st-key-lagging { gap: 0.25rem; padding: 0.5rem 0.75rem; }
.st-key-lagging [data-testid="stColumn"] > div { gap: 0; }
.st-key-lagging [data-testid="stPageLink"] a { padding-top: 0.05rem; padding-bottom: 0.05rem; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-left: 0.75rem; padding-right: 0.75rem; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 1.6rem; }
}
</style>"""


def page_style() -> None:
    st.html(_STYLE)


def demo_notice(lang_: str) -> None:
    st.info(i18n.t("demo_notice", lang_), icon=":material/science:")


def as_of(view: View) -> None:
    """The data's month, and for a visitor who may not see internal figures, a word that some
    are left out."""
    st.caption(i18n.t("as_of", view.lang, date=i18n.format_date(view.period, view.lang)))
    if not auth.sees_internal():
        st.caption(i18n.t("internal_hidden", view.lang))


def formatted(snap: pl.DataFrame, measure: str, lang_: str) -> str:
    """A snapshot value formatted for display."""
    row = snap.row(by_predicate=pl.col("measure") == measure, named=True)
    return i18n.format_value(row["value"], catalog.get(measure).unit, lang_)


def status_label(status: str | None, lang_: str) -> str:
    return i18n.status_word(status, lang_)


def status_badge(status: str | None, source_title: str | None, lang_: str) -> None:
    """Demo or published marker with the source, under every number."""
    if status == "published":
        st.badge(i18n.status_word(status, lang_), icon=":material/verified:", color="blue")
        if source_title:
            # a title may come from an uploaded file's name: text, never markdown
            st.caption(f"{i18n.t('source', lang_)}: {i18n.md_escape(source_title)}")
    elif status == "reported":
        st.badge(i18n.status_word(status, lang_), icon=":material/description:", color="gray")
    else:
        st.badge(i18n.status_word("demo", lang_), icon=":material/science:", color="orange")


def change_style(
    m: catalog.Measure, change: float | None, kind: str, lang_: str
) -> tuple[str | None, str, str]:
    """(text, arrow, colour) of a change for st.metric: blue for better, orange for worse by the
    measure's good direction, grey when it has none; a change that rounds to zero ("0,00 điểm
    %") has no arrow and no colour."""
    if change is None:
        return None, "off", "gray"
    delta = i18n.format_change(change, lang_, kind)
    if not any(ch in "123456789" for ch in delta):
        change = 0
    arrow = "up" if change > 0 else "down" if change < 0 else "off"
    colour = "gray"
    if m.good and change != 0:
        colour = "blue" if (change > 0) == (m.good == "up") else "orange"
    return delta, arrow, colour


def kpi_card(
    row: dict,
    history: list[float],
    lang_: str,
    titles: dict[str, str],
    note: str | None = None,
    also: str = "",
    periods: list[date] | None = None,
) -> None:
    """One KPI: value, year-on-year change (arrow + colour by the measure's good direction),
    24-month sparkline (`history` over `periods`; an SVG with a text alternative, a
    year-to-date measure drawn year by year), status and source, and what else was published
    for the value."""
    m = catalog.get(row["measure"])
    value = i18n.format_value(row["value"], m.unit, lang_)
    delta, arrow, colour = change_style(m, row["change"], row["change_kind"], lang_)
    with st.container(border=True):
        st.metric(
            m.label(lang_),
            value,
            delta,
            delta_color=colour,
            delta_arrow=arrow,
            delta_description=i18n.t("yoy", lang_) if delta else None,
            help=m.description(lang_) or None,
        )
        if periods and len(history) >= 2:
            st.html(sparkline(m, periods, history, lang_))  # no markdown parser for an <img>
        if note:
            st.caption(note)
        status_badge(row["status"], titles.get(row["source_id"] or ""), lang_)
        if also:
            st.caption(i18n.md_escape(also))


def sparkline(m: catalog.Measure, periods: list[date], values: list, lang_: str) -> str:
    """A KPI card's sparkline SVG, its text alternative naming the first and last value."""
    ytd = charts.resets_in_january(m.id)
    alt = i18n.t(
        "spark_alt",
        lang_,
        n=len(periods),
        label=m.label(lang_),
        first=i18n.format_value(values[0], m.unit, lang_),
        first_month=i18n.format_month(periods[0], lang_, in_sentence=True),
        last=i18n.format_value(values[-1], m.unit, lang_),
        last_month=i18n.format_month(periods[-1], lang_, in_sentence=True),
    ) + (i18n.t("spark_alt_ytd", lang_) if ytd else "")
    # an <img> of the SVG, with the text alternative as alt: Streamlit's HTML sanitiser drops
    # inline SVG, and an image's alt is what every screen reader announces
    svg = charts.sparkline_svg(periods, values, alt, by_year=ytd)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt, quote=True)}"'
        ' style="width:100%;height:40px;display:block">'
    )


def kpi_grid(
    rows: list[list[str]],
    snap: pl.DataFrame,
    history: pl.DataFrame,
    lang_: str,
    titles: dict[str, str],
    notes: dict[str, str] | None = None,
    prov: charts.Provenance | None = None,
) -> None:
    by_measure = {r["measure"]: r for r in snap.iter_rows(named=True)}
    if "period" not in history.columns:  # no sparklines (the deck)
        history = pl.DataFrame(
            schema={"measure": pl.String, "period": pl.Date, "value": pl.Float64}
        )
    spark = {m: history.filter(pl.col("measure") == m).sort("period") for m in by_measure}
    for row in rows:
        for col, mid in zip(st.columns(len(row)), row, strict=True):
            r = by_measure[mid]
            also = prov.also(mid, r["period"], lang_) if prov is not None else ""
            with col:
                h = spark[mid]
                kpi_card(
                    r,
                    h.get_column("value").to_list(),
                    lang_,
                    titles,
                    (notes or {}).get(mid),
                    also,
                    periods=h.get_column("period").to_list(),
                )


def lagging_strip(behind: pl.DataFrame, lang_: str) -> None:
    """The overview's first screen: the provinces furthest behind on the headline measures
    (watch.furthest_behind), a column a measure with its national value, each province a link
    to its place on the map (selected, at the same month, layout and measure). Nothing when
    there is nothing to rank."""
    if not behind.height:
        return
    measures = behind.get_column("measure").unique(maintain_order=True).to_list()
    with st.container(border=True, key="lagging"):
        st.markdown(f"**{i18n.t('lagging_title', lang_)}**")
        for col, mid in zip(st.columns(len(measures)), measures, strict=True):
            m = catalog.get(mid)
            part = behind.filter(pl.col("measure") == mid)
            col.caption(
                i18n.t(
                    "lagging_high" if m.good == "down" else "lagging_low",
                    lang_,
                    measure=m.label(lang_),
                    national=i18n.format_value(part.item(0, "national"), m.unit, lang_),
                )
            )
            for r in part.iter_rows(named=True):
                value = i18n.format_value(r["value"], m.unit, lang_)
                col.page_link(
                    "views/map.py",
                    label=f"{i18n.md_escape(r['name'])} · {value}",
                    icon=":material/location_on:",
                    help=i18n.t("lagging_link_help", lang_, name=r["name"], measure=m.label(lang_)),
                    query_params=state.link(
                        measure=mid,
                        month=f"{r['period']:%Y-%m}",
                        layout=r["layout"],
                        selected=r["geo_code"],
                    ),
                )
