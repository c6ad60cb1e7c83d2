"""Plan versus actual: will we hit this year's targets? Monthly actual against the plan path,
last year and a year-end projection with its interval, and plan completion by province."""

import streamlit as st

from vss_dash import catalog, charts, export, geo, i18n, pages, projection, ui
from vss_dash.ui import plan as plan_ui

MEASURES = list(pages.PLAN_MEASURES)
COMPLETION = list(pages.COMPLETION)

lang = ui.lang()
fr = ui.frames(lang)
measure = ui.measure_picker(MEASURES, lang)
layout = ui.url_select(
    i18n.t("geography", lang), ["VN", "P34", "P63"], "layout", lang,
    format_func=lambda v: i18n.t(f"layout_{v}", lang),
)  # fmt: skip
code = geo.NATIONAL if layout == "VN" else ui.province_picker(layout, lang)
periods = [p for p in fr.periods() if layout != "P63" or geo.layout_for_period(p) == "P63"]
period = ui.month_picker(periods, lang)

m = catalog.get(measure)
place = i18n.t("national", lang) if layout == "VN" else geo.province_name(layout, code)
st.title(i18n.t("plan_title", lang))
heading = f"{m.label(lang)} · {place} · {i18n.format_month(period, lang)}"
st.subheader(heading)
ui.as_of(period, lang)
ui.demo_notice(lang)

view = ui.compute(fr, "plan_view", measure, layout, code, period, module=projection)
plan_ui.plan_summary(view, lang)
data = plan_ui.plan_frame(fr, view)
ui.chart(
    charts.plan_chart(view, lang, status=plan_ui.series_status(fr, view), prov=ui.provenance(fr)),
    plan_ui.plan_table(view, lang),
    lang,
    "plan",
    data=data,
    meta=plan_ui.plan_meta(fr, view, heading, data, lang),
    name_stem=plan_ui.plan_stem("plan", view),
    place={"measure": measure, "layout": layout, "geo_code": code},
)
plan_ui.projection_method(view, fr, lang)

st.subheader(i18n.t("completion_table", lang))
table = ui.compute(fr, "completion_table", COMPLETION, period)
plan_ui.completion_view(table, COMPLETION, lang)
data = ui.completion_frame(fr, table, COMPLETION, period)
completion_layout = geo.layout_for_period(period)
ui.downloads(
    data,
    ui.export_meta(
        fr, i18n.t("completion_table", lang), data, lang, period=period, layout=completion_layout
    ),
    export.stem("plan_completion", completion_layout, period),
    lang,
    "completion",
)
