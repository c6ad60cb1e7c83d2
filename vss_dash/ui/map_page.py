"""Widgets of the province map: the clickable choropleth, the best and lagging provinces, the
whole province table, and the way to a province's profile."""

from __future__ import annotations

import polars as pl
import streamlit as st

from vss_dash import catalog, i18n
from vss_dash.ui.widgets import status_label

# plotly.js fetches its base layer for every geo map, even hidden; the app serves it itself
# (static/ with server.enableStaticServing) so that nothing leaves the office network
TOPOJSON_URL = "app/static/topojson/"


def profile_link_params(layout: str, code: str) -> dict[str, str]:
    return {"layout": layout, "province": code}


def open_profile(layout: str, code: str) -> None:
    """Go to the province profile (the language stays in session state)."""
    st.switch_page("views/province.py", query_params=profile_link_params(layout, code))


def map_chart(fig, key: str) -> str | None:
    """The map, with click selection. Returns the GSO code of a clicked province, if any."""
    event = st.plotly_chart(
        fig,
        key=f"chart_{key}",
        on_select="rerun",
        selection_mode="points",
        config={"displayModeBar": False, "topojsonURL": TOPOJSON_URL, "scrollZoom": False},
        width="stretch",
    )
    return clicked_location(event)


# plotly.js fetches its base layer for every geo map, even hidden; the app serves it itself
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


def ranking(table: pl.DataFrame, measure: str, layout: str, n: int, lang_: str) -> str | None:
    """Top and bottom n provinces as two tables; a clicked row returns its GSO code."""
    m = catalog.get(measure)
    chosen = None
    for title_key, part in (("best", table.head(n)), ("worst", table.tail(n).reverse())):
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
        event = st.dataframe(
            shown,
            hide_index=True,
            on_select="rerun",
            selection_mode="single-row",
            key=f"rank_{title_key}",
        )
        rows = event.selection.rows if event is not None else []
        if rows:
            chosen = part.item(rows[0], "geo_code")
    return chosen


def province_table_view(table: pl.DataFrame, measure: str, lang_: str) -> pl.DataFrame:
    """The whole province table, formatted for reading (the map's data as a table)."""
    m = catalog.get(measure)
    f = m.formula
    num_unit = catalog.get(f.args[0]).unit if f is not None and f.op != "sum" else m.unit
    den_unit = catalog.get(f.args[-1]).unit if f is not None and f.op != "sum" else m.unit
    return pl.DataFrame(
        [
            {
                i18n.t("col_rank", lang_): r["rank"],
                i18n.t("col_province", lang_): r["name"],
                i18n.t("col_value", lang_): i18n.format_value(r["value"], m.unit, lang_),
                i18n.t("numerator", lang_): i18n.format_value(r["numerator"], num_unit, lang_),
                i18n.t("denominator", lang_): i18n.format_value(r["denominator"], den_unit, lang_),
                i18n.t("yoy_short", lang_): i18n.format_change(
                    r["change"], lang_, r["change_kind"]
                ),
                i18n.t("col_status", lang_): status_label(r["status"], lang_),
            }
            for r in table.iter_rows(named=True)
        ]
    )
