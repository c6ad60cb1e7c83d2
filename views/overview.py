"""National overview: where do we stand? KPI cards for a month, with year-on-year change."""

import streamlit as st

from vss_dash import charts, export, i18n, pages, ui

COVERAGE = list(pages.COVERAGE)
NATIONAL = {"layout": "VN", "geo_code": "VN"}

lang = ui.lang()
CARDS = ui.visible_cards([list(row) for row in pages.OVERVIEW_CARDS])  # a viewer: press-safe
fr = ui.frames(lang)
period = ui.month_picker(fr.periods(), lang)

st.title(i18n.t("overview_title", lang))
ui.as_of(period, lang)
ui.demo_notice(lang)

measures = [m for row in CARDS for m in row] + list(pages.OVERVIEW_SPLIT)
snap, history = ui.compute(fr, "kpis", measures, period)
notes = {
    "si_participants": i18n.t(
        "si_split",
        lang,
        compulsory=ui.formatted(snap, "si_compulsory", lang),
        voluntary=ui.formatted(snap, "si_voluntary", lang),
    ),
    "revenue_collected": i18n.t("ytd", lang).capitalize(),
}
prov = ui.provenance(fr)
ui.kpi_grid(CARDS, snap, history, lang, fr.source_titles(), notes, prov)
ui.table_expander(
    ui.snapshot_table(snap, lang, fr.source_titles()),
    lang,
    key="kpi_table",
    data=snap,
    meta=ui.export_meta(fr, i18n.t("overview_title", lang), snap, lang, period=period, layout="VN"),
    name_stem=export.stem("kpis", "VN", period),
    place=NATIONAL,
)

st.subheader(i18n.t("coverage_trend", lang))
_, coverage = ui.compute(fr, "kpis", COVERAGE, period)
targets = ui.targets(fr, COVERAGE, coverage)
ui.chart(
    charts.trend_lines(coverage, lang, targets, prov=prov),
    ui.history_table(coverage, lang),
    lang,
    "coverage",
    data=coverage,
    meta=ui.export_meta(
        fr, i18n.t("coverage_trend", lang), coverage, lang, period=period, layout="VN"
    ),
    name_stem=export.stem("coverage_trend", "VN", period),
    place=NATIONAL,
)
ui.sources_footer(snap, history, fr, lang, prov)
