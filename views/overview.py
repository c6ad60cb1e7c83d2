"""National overview: where do we stand? KPI cards for a month, with year-on-year change."""

import streamlit as st

from vss_dash import export, i18n, pages, watch
from vss_dash.ui import auth, overview_page, queries, state, tables, widgets

COVERAGE = list(pages.COVERAGE)
NATIONAL = {"layout": "VN", "geo_code": "VN"}

lang = state.lang()
CARDS = auth.visible_cards([list(row) for row in pages.OVERVIEW_CARDS])  # a viewer: press-safe
fr = queries.frames(lang)
view = state.View(lang, period=state.month_picker(fr.periods(), lang), layout="VN")

st.title(i18n.t("overview_title", lang))
widgets.as_of(view)
widgets.demo_notice(lang)  # first: the provinces' values below are demo data
# the provinces furthest behind, first: on a phone the cards come after them
widgets.lagging_strip(
    queries.furthest_behind(fr, view.period, tuple(auth.visible(list(watch.HEADLINE)))), lang
)

measures = [m for row in CARDS for m in row] + list(pages.OVERVIEW_SPLIT)
snap, history = queries.kpis(fr, measures, view.period)
notes = {
    "si_participants": i18n.t(
        "si_split",
        lang,
        compulsory=widgets.formatted(snap, "si_compulsory", lang),
        voluntary=widgets.formatted(snap, "si_voluntary", lang),
    ),
    "revenue_collected": i18n.t("ytd", lang).capitalize(),
}
prov = queries.provenance(fr)
widgets.kpi_grid(CARDS, snap, history, lang, fr.source_titles(), notes, prov)
tables.table_expander(
    tables.snapshot_table(snap, lang, fr.source_titles()),
    lang,
    key="kpi_table",
    data=snap,
    meta=tables.export_meta(fr, i18n.t("overview_title", lang), snap, view),
    name_stem=export.stem("kpis", "VN", view.period),
    place=NATIONAL,
)

st.subheader(i18n.t("coverage_trend", lang))
_, coverage = queries.kpis(fr, COVERAGE, view.period)
tables.chart(
    overview_page.coverage_figure(fr, tuple(COVERAGE), view.period, lang),
    tables.history_table(coverage, lang),
    lang,
    "coverage",
    data=coverage,
    meta=tables.export_meta(fr, i18n.t("coverage_trend", lang), coverage, view),
    name_stem=export.stem("coverage_trend", "VN", view.period),
    place=NATIONAL,
)
tables.sources_footer(snap, history, fr, lang, prov)
state.flush()  # the URL as this run left it, in one history entry
