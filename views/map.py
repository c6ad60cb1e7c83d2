"""Province map: which localities lag? A choropleth of a measure with a ranking beside it."""

import streamlit as st

from vss_dash import catalog, charts, export, geo, i18n
from vss_dash.ui import map_page, queries, state, tables, widgets

lang = state.lang()
fr = queries.frames(lang)
MAPPABLE = [m.id for m in catalog.MEASURES if m.mappable]
measure = state.measure_picker(MAPPABLE, lang, default="si_coverage_rate")
period = state.month_picker(fr.periods(), lang)
view = state.View(lang, period, measure=measure)

st.title(i18n.t("map_title", lang))
widgets.as_of(view)
widgets.demo_notice(lang)
view = view.but(layout=state.layout_picker(period, lang))  # its notice goes under the title
if view.layout == "P34" and period < geo.MERGER_DATE:
    st.caption(i18n.t("harmonised_note", lang))

table = queries.province_table(fr, measure, view.layout, period)
# what the national figure holds that no province does (None where they add up)
gap = queries.unallocated_line(fr, measure, view.layout, period)
national = queries.value_at(fr, measure, "VN", geo.NATIONAL, period)
m = catalog.get(measure)
heading = f"{m.label(lang)} · {i18n.format_month(period, lang)}"
st.subheader(heading)
# A laptop: the map, and beside it the ranking, whose lagging provinces are on the first screen
# (the pickers that change the map sit under it); a phone: the ranking follows the map.
map_col, side_col = st.columns([3, 2], gap="medium")
with map_col:
    chart_slot = st.container()  # drawn once the pickers under it have been read
    st.caption(i18n.t("map_hint", lang))
    pick_region, pick_province = st.columns(2)
    region = map_page.region_picker(lang, pick_region)
    selected = map_page.selected_province(table, lang, pick_province)
with side_col:
    if selected:
        map_page.province_panel(table, selected, measure, view.layout, national, lang)
    ranking_slot = st.container()
    top = state.select(i18n.t("top_n", lang), ["5", "3", "10", "15"], "top_n", lang, container=st)
with ranking_slot:
    map_page.ranking(table, measure, int(top), lang)
with chart_slot:
    fig = map_page.figure(fr, measure, view.layout, period, lang, region, selected)
    map_page.map_chart(fig, key="map", aspect=charts.map_aspect(region))
    if gap is not None:  # under the map, as its notes
        map_page.unallocated_note(gap, view.layout, lang)
tables.table_expander(
    map_page.province_table_view(table, measure, lang, gap),
    lang,
    key="map_table",
    data=table,
    meta=tables.export_meta(fr, heading, table, view),
    name_stem=export.stem(measure, view.layout, period),
    place={"measure": measure, "layout": view.layout, "period": period},
)
state.flush()  # the URL as this run left it, in one history entry
