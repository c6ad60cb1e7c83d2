"""Province map: which localities lag? A choropleth of a measure with a ranking beside it."""

import streamlit as st

from vss_dash import boundaries, catalog, charts, export, geo, i18n, ui

lang = ui.lang()
fr = ui.frames(lang)
MAPPABLE = [m.id for m in catalog.MEASURES if m.mappable]
measure = ui.measure_picker(MAPPABLE, lang, default="si_coverage_rate")
period = ui.month_picker(fr.periods(), lang)

st.title(i18n.t("map_title", lang))
ui.as_of(period, lang)
ui.demo_notice(lang)
layout = ui.layout_picker(period, lang)
if layout == "P34" and period < geo.MERGER_DATE:
    st.caption(i18n.t("harmonised_note", lang))

table = ui.compute(fr, "province_table", measure, layout, period)
national = ui.compute(fr, "value_at", measure, "VN", geo.NATIONAL, period)
labels = [
    {"lon": a["lon"], "lat": a["lat"], "text": i18n.t(a["label_key"], lang)}
    for a in boundaries.archipelagos()
]
m = catalog.get(measure)
heading = f"{m.label(lang)} · {i18n.format_month(period, lang)}"
st.subheader(heading)
map_col, rank_col = st.columns([3, 2])
with map_col:
    fig = charts.choropleth(table, boundaries.load_geojson(layout), measure, lang, national, labels)
    clicked = ui.map_chart(fig, key="map")
    st.caption(i18n.t("map_hint", lang))
with rank_col:
    n = int(
        ui.url_select(i18n.t("top_n", lang), ["5", "3", "10", "15"], "top_n", lang, container=st)
    )
    chosen = ui.ranking(table, measure, layout, n, lang)
ui.table_expander(
    ui.province_table_view(table, measure, lang),
    lang,
    key="map_table",
    data=table,
    meta=ui.export_meta(fr, heading, table, lang, period=period, measure=measure, layout=layout),
    name_stem=export.stem(measure, layout, period),
    place={"measure": measure, "layout": layout, "period": period},
)

if clicked or chosen:
    ui.open_profile(layout, clicked or chosen)
