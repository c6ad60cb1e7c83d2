"""Watch list: which localities need direction? Low coverage, high late payment, unusual growth
in HI medical costs and falling participants, each against the nation, with adjustable
thresholds; a row opens the province profile."""

import streamlit as st

from vss_dash import export, geo, i18n
from vss_dash.ui import map_page, queries, state, tables, watch_page, widgets

lang = state.lang()
fr = queries.frames(lang)
period = state.month_picker(fr.periods(), lang)
view = state.View(lang, period, geo.layout_for_period(period))

st.title(i18n.t("watch_title", lang))
widgets.as_of(view)
widgets.demo_notice(lang)
watch_page.watch_intro(lang)
thresholds = watch_page.watch_thresholds(lang)  # on the page: a phone has no sidebar in sight

table = watch_page.watch_visible(queries.watch_list(fr, view.period, thresholds))
watch_page.watch_summary(table, lang)
st.caption(i18n.t("watch_hint", lang))

chosen = None
for reason in watch_page.watch_reasons():
    chosen = watch_page.watch_section(table, reason, thresholds, lang) or chosen
# the whole list's files after the list itself: its first entries come first on the screen
tables.downloads(
    table,
    tables.export_meta(
        fr,
        i18n.t("watch_title", lang),
        table,
        view,
        extra=watch_page.watch_filters(thresholds, lang),
    ),
    export.stem("watch_list", view.layout, view.period),
    lang,
    "watch",
)
if chosen:
    map_page.open_profile(view.layout, chosen)
state.flush()  # the URL as this run left it, in one history entry
