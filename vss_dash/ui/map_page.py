"""Widgets of the province map: the clickable choropleth, the best and lagging provinces, the
whole province table, the selected province's panel and the way to its profile; and, where the
national figure is not the sum of the provinces, the amount no province holds (issue 29).

A click on the map or on a ranking row selects a province (?selected=, outlined on the map, its key
figures beside it) rather than leaving the page; the panel's button opens the profile."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from vss_dash import boundaries, catalog, charts, geo, i18n, metrics
from vss_dash.ui import queries, state
from vss_dash.ui.widgets import change_style, status_label

SELECTED = "selected"  # the URL parameter and widget key of the selected province
# the map's frames (charts.MAP_REGIONS) and their names
REGION_LABELS = {
    "all": i18n.key("region_all"),
    "red_river": i18n.key("region_red_river"),
    "mekong": i18n.key("region_mekong"),
}

# plotly.js fetches its base layer for every geo map, even hidden; the app serves it itself
# (static/ with server.enableStaticServing) so that nothing leaves the office network
TOPOJSON_URL = "app/static/topojson/"


def profile_link_params(layout: str, code: str) -> dict[str, str]:
    return {"layout": layout, "province": code}


def profile_link(layout: str, code: str, measure: str) -> dict[str, str]:
    """The profile's query from the map: the province, and the map's month and measure (the
    profile's month, and the measure of a merged province's history)."""
    return state.link(
        **profile_link_params(layout, code), month=state.remembered("month"), measure=measure
    )


def open_profile(layout: str, code: str) -> None:
    """Go to the province profile (the language stays in session state)."""
    st.switch_page("views/province.py", query_params=profile_link_params(layout, code))


def _select_from_chart(key: str) -> None:
    """on_select of the map: the clicked province becomes the selected one."""
    code = clicked_location(st.session_state.get(key))
    if code:
        st.session_state[SELECTED] = code


# The map's box: as wide as its column and of the map's own shape (charts.map_aspect), so that
# the country fills it, but never taller than the screen under Streamlit's top bar, nor too small
# to click a province. The chart fills the box (height="stretch"); a flex item's basis would
# otherwise override its height.
SCREEN_TAKEN_PX = 120
MIN_HEIGHT_PX = 320


MONTHS_ON_SLIDER = 24  # the map's slider: two years up to the page's month


@queries.shared
def figure(
    fr: metrics.Frames,
    measure: str,
    layout: str,
    period: date,
    lang_: str,
    region: str,
    selected: str | None,
) -> go.Figure:
    """The map of `measure` at `period`: the choropleth (charts.choropleth, the archipelagos
    named, `selected` outlined, framed on `region`) and, for the whole country, the month
    slider through the months before it (charts.month_slider). Built once per store and view
    and shared by every session (queries.shared): the slider's 24 frames took 60 ms a run."""
    table = queries.province_table(fr, measure, layout, period)
    national = queries.value_at(fr, measure, "VN", geo.NATIONAL, period)
    labels = [
        {"lon": a["lon"], "lat": a["lat"], "text": i18n.t(a["label_key"], lang_)}
        for a in boundaries.archipelagos()
    ]
    fig = charts.choropleth(
        table,
        boundaries.load_geojson(layout),
        measure,
        lang_,
        national,
        labels,
        height=None,  # the box's: as wide as the column, as tall as the country, within the screen
        legend="map",
        region=region,
        highlight=selected,
        period=period,
    )
    if region == "all":  # its slider sits in the sea east of the mainland
        fig = charts.month_slider(fig, months(fr, measure, layout, period), measure, lang_, period)
    return fig


def months(
    fr: metrics.Frames, measure: str, layout: str, period: date
) -> dict[date, tuple[pl.DataFrame, float | None]]:
    """The months the map's slider moves through (charts.month_slider): up to
    MONTHS_ON_SLIDER months of `layout` ending at `period` (the 34 provinces have every month,
    older ones summed through the crosswalk; the 63 end in June 2025), each with its province
    table and national value, from the same cached queries as the page's month."""
    periods = [
        p
        for p in fr.periods()
        if p <= period and (layout == "P34" or geo.layout_for_period(p) == layout)
    ][-MONTHS_ON_SLIDER:]
    return {
        p: (
            queries.province_table(fr, measure, layout, p),
            queries.value_at(fr, measure, "VN", geo.NATIONAL, p),
        )
        for p in periods
    }


def map_box_style(key: str, aspect: float) -> str:
    return (
        f"<style>.st-key-{key}_box {{ flex: 0 0 auto !important; width: 100%;"
        f" aspect-ratio: {aspect:.3f}; height: auto !important;"
        f" max-height: max({MIN_HEIGHT_PX}px, calc(100vh - {SCREEN_TAKEN_PX}px));"
        f" min-height: {MIN_HEIGHT_PX}px; }}</style>"
    )


def map_chart(fig, key: str, aspect: float) -> None:
    """The map, filling a box of its own shape (`aspect`, width over height; see
    map_box_style); a click selects the province under it (see `selected_province`)."""
    st.html(map_box_style(key, aspect))
    with st.container(key=f"{key}_box"):
        st.plotly_chart(
            fig,
            key=f"chart_{key}",
            on_select=lambda: _select_from_chart(f"chart_{key}"),
            selection_mode="points",
            config={"displayModeBar": False, "topojsonURL": TOPOJSON_URL, "scrollZoom": False},
            width="stretch",
            height="stretch",
        )


def region_picker(lang_: str, container) -> str:
    """Which frame of the map: the whole country, or one of the two deltas, where provinces are
    a few pixels wide in the whole country's frame (?region=)."""
    return state.select(
        i18n.t("map_region", lang_),
        list(charts.MAP_REGIONS),
        "region",
        lang_,
        format_func=lambda r: i18n.t(REGION_LABELS[r], lang_),
        container=container,
    )


def selected_province(table: pl.DataFrame, lang_: str, container) -> str | None:
    """The selected province (?selected=), chosen here, on the map or in the ranking. A code the
    layout does not have (the layout was switched) is quietly dropped."""
    codes = table.get_column("geo_code").to_list()
    names = dict(zip(codes, table.get_column("name").to_list(), strict=True))
    state.bind(SELECTED)  # Back restores the selection of the history entry
    if st.session_state.get(SELECTED) not in codes:
        raw = st.query_params.get(SELECTED)
        st.session_state[SELECTED] = raw if raw in codes else ""
    else:  # through the Session State API, so a widget drawn anew keeps it (state.seed)
        st.session_state[SELECTED] = st.session_state[SELECTED]
    options = ["", *sorted(codes, key=lambda c: names[c])]
    choice = container.selectbox(
        i18n.t("map_selected", lang_),
        options,
        format_func=lambda c: names.get(c) or i18n.t("map_none_selected", lang_),
        key=SELECTED,
    )
    state.write(SELECTED, choice, "")
    return choice or None


def province_panel(
    table: pl.DataFrame, code: str, measure: str, layout: str, national: float | None, lang_: str
) -> None:
    """The selected province's figures beside the national one, and the way to its profile."""
    m = catalog.get(measure)
    row = table.filter(pl.col("geo_code") == code).row(0, named=True)
    with st.container(border=True, key="province_panel"):
        st.markdown(f"**{row['name']}**")
        delta, arrow, colour = change_style(m, row["change"], row["change_kind"], lang_)
        st.metric(
            m.label(lang_),
            i18n.format_value(row["value"], m.unit, lang_),
            delta,
            delta_color=colour,
            delta_arrow=arrow,
            delta_description=i18n.t("yoy", lang_) if delta else None,
        )
        st.caption(
            i18n.t(
                "map_panel_rank",
                lang_,
                rank=row["rank"],
                n=table.height,
                national=i18n.format_value(national, m.unit, lang_),
            )
        )
        # a link, not a button that switches page: st.switch_page writes its query first, on
        # the map's address (a history entry of the map with the profile's query), then the
        # profile's; a link is one entry, and carries everything the profile would write on
        # arrival (its month, measure, language), so one Back returns to the map as it was
        st.page_link(
            "views/province.py",
            label=i18n.t("open_profile", lang_),
            icon=":material/open_in_new:",
            query_params=profile_link(layout, code, measure),
        )


def clicked_location(event) -> str | None:
    """The `location` of the first selected point of a Plotly selection event."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for p in points:
        if p.get("location"):
            return str(p["location"])
    return None


def _select_from_ranking(key: str, codes: list[str]) -> None:
    """on_select of a ranking table: its clicked row's province becomes the selected one."""
    event = st.session_state.get(key)
    rows = event.selection.rows if event is not None else []
    if rows:
        st.session_state[SELECTED] = codes[rows[0]]


def ranking(table: pl.DataFrame, measure: str, n: int, lang_: str) -> None:
    """Top and bottom n provinces as two tables, rank 1 the best; a clicked row selects its
    province."""
    m = catalog.get(measure)
    parts = ((i18n.key("best"), table.head(n)), (i18n.key("worst"), table.tail(n).reverse()))
    for title_key, part in parts:
        st.markdown(f"**{i18n.t(title_key, lang_)}**")
        shown = pl.DataFrame(
            {
                i18n.t("col_rank", lang_): part.get_column("rank"),
                i18n.t("col_province", lang_): part.get_column("name"),
                i18n.t("col_value", lang_): [
                    i18n.format_value(v, m.unit, lang_) for v in part.get_column("value")
                ],
                i18n.t("yoy_short", lang_): [
                    i18n.format_change(c, lang_, k)
                    for c, k in zip(
                        part.get_column("change"), part.get_column("change_kind"), strict=True
                    )
                ],
            }
        )
        key = f"rank_{title_key}"
        codes = part.get_column("geo_code").to_list()
        st.dataframe(
            shown,
            hide_index=True,
            on_select=lambda key=key, codes=codes: _select_from_ranking(key, codes),
            selection_mode="single-row",
            key=key,
        )
    # under the tables, so that the lagging provinces stand on a laptop's first screen
    st.caption(i18n.t("rank_note_down" if m.good == "down" else "rank_note_up", lang_))


def unallocated_note(gap: metrics.Unallocated, layout: str, lang_: str) -> None:
    """The line under the map: the amount not allocated to a province, and why a national
    figure can differ from the sum of its provinces."""
    m = catalog.get(gap.measure)
    line = i18n.t(
        "map_unallocated_line",
        lang_,
        measure=m.label(lang_),
        amount=i18n.format_value(gap.amount, m.unit, lang_),
    )
    n = len(geo.codes(layout))
    why = (
        i18n.t("map_unallocated_over", lang_, n=n)
        if gap.amount > 0
        else i18n.t("map_unallocated_under", lang_, n=n)
    )
    with st.container(key="unallocated_note"):
        st.caption(f"{line} {why}")


def province_table_view(
    table: pl.DataFrame, measure: str, lang_: str, gap: metrics.Unallocated | None = None
) -> pl.DataFrame:
    """The whole province table, formatted for reading (the map's data as a table); where the
    national figure holds an amount no province does (`gap`), a last, unranked line "Chưa phân
    bổ cho tỉnh" with it, in the value column (or, for a rate, the numerator's)."""
    m = catalog.get(measure)
    f = m.formula
    num_unit = catalog.get(f.args[0]).unit if f is not None and f.op != "sum" else m.unit
    den_unit = catalog.get(f.args[-1]).unit if f is not None and f.op != "sum" else m.unit
    rows = [
        {
            i18n.t("col_rank", lang_): r["rank"],
            i18n.t("col_province", lang_): r["name"],
            i18n.t("col_value", lang_): i18n.format_value(r["value"], m.unit, lang_),
            i18n.t("numerator", lang_): i18n.format_value(r["numerator"], num_unit, lang_),
            i18n.t("denominator", lang_): i18n.format_value(r["denominator"], den_unit, lang_),
            i18n.t("yoy_short", lang_): i18n.format_change(r["change"], lang_, r["change_kind"]),
            i18n.t("col_status", lang_): status_label(r["status"], lang_),
        }
        for r in table.iter_rows(named=True)
    ]
    if gap is not None:
        own = gap.measure == measure
        rows.append(
            {
                i18n.t("col_rank", lang_): None,
                i18n.t("col_province", lang_): i18n.t("map_unallocated", lang_),
                i18n.t("col_value", lang_): i18n.format_value(
                    gap.amount if own else None, m.unit, lang_
                ),
                i18n.t("numerator", lang_): i18n.format_value(
                    None if own else gap.amount, num_unit, lang_
                ),
                i18n.t("denominator", lang_): i18n.format_value(None, den_unit, lang_),
                i18n.t("yoy_short", lang_): i18n.format_change(None, lang_, "percent"),
                i18n.t("col_status", lang_): status_label(gap.status, lang_),
            }
        )
    return pl.DataFrame(rows)
