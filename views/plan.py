"""Plan versus actual: will we hit this year's targets? Monthly actual against the plan path,
last year and a year-end projection with its interval, and plan completion by province."""

import streamlit as st

from vss_dash import catalog, charts, export, geo, i18n, pages
from vss_dash.ui import plan_page, queries, state, tables, widgets

MEASURES = list(pages.PLAN_MEASURES)
COMPLETION = list(pages.COMPLETION)

lang = state.lang()
fr = queries.frames(lang)
measure = state.measure_picker(MEASURES, lang)
layout = state.geography_picker(["VN", "P34", "P63"], "geography", lang)
code = geo.NATIONAL if layout == "VN" else state.province_picker(layout, lang)
periods = [p for p in fr.periods() if layout != "P63" or geo.layout_for_period(p) == "P63"]
view = state.View(lang, state.month_picker(periods, lang), layout, code, measure)

m = catalog.get(measure)
place = i18n.t("national", lang) if layout == "VN" else geo.province_name(layout, code)
st.title(i18n.t("plan_title", lang))
heading = f"{m.label(lang)} · {place} · {i18n.format_month(view.period, lang)}"
st.subheader(heading)
widgets.as_of(view)
widgets.demo_notice(lang)

plan = queries.plan_view(fr, measure, layout, code, view.period)
plan_page.plan_summary(plan, lang)
data = plan_page.plan_frame(plan)
tables.chart(
    charts.plan_chart(plan, lang, prov=queries.provenance(fr)),
    plan_page.plan_table(plan, lang),
    lang,
    "plan",
    data=data,
    meta=plan_page.plan_meta(fr, plan, heading, data, lang),
    name_stem=plan_page.plan_stem("plan", plan),
    place={"measure": measure, "layout": layout, "geo_code": code},
)
plan_page.projection_method(plan, fr, lang)

st.subheader(i18n.t("completion_table", lang))
table = queries.completion_table(fr, COMPLETION, view.period)
plan_page.completion_view(table, COMPLETION, lang)
data = plan_page.completion_frame(table)
completion = view.but(layout=geo.layout_for_period(view.period), geo_code=None, measure=None)
tables.downloads(
    data,
    tables.export_meta(fr, i18n.t("completion_table", lang), data, completion),
    export.stem("plan_completion", completion.layout, view.period),
    lang,
    "completion",
)
state.flush()  # the URL as this run left it, in one history entry
