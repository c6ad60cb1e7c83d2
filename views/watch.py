"""Watch list: which localities need direction? Low coverage, high late payment, unusual growth
in HI medical costs and falling participants, each against the nation, with adjustable
thresholds; a row opens the province profile."""

import streamlit as st

from vss_dash import export, geo, i18n, ui, watch
from vss_dash.ui import watchlist

lang = ui.lang()
fr = ui.frames(lang)
period = ui.month_picker(fr.periods(), lang)

st.title(i18n.t("watch_title", lang))
ui.as_of(period, lang)
ui.demo_notice(lang)
watchlist.watch_intro(lang)
thresholds = watchlist.watch_thresholds(lang)  # on the page: a phone has no sidebar in sight

layout = geo.layout_for_period(period)
table = watchlist.watch_visible(ui.compute(fr, "watch_list", period, thresholds, module=watch))
watchlist.watch_summary(table, lang)
ui.downloads(
    table,
    ui.export_meta(
        fr,
        i18n.t("watch_title", lang),
        table,
        lang,
        period=period,
        layout=layout,
        extra=ui.watch_filters(thresholds, lang),
    ),
    export.stem("watch_list", layout, period),
    lang,
    "watch",
)
st.caption(i18n.t("watch_hint", lang))

chosen = None
for reason in watchlist.watch_reasons():
    chosen = watchlist.watch_section(table, reason, thresholds, lang) or chosen
if chosen:
    ui.open_profile(layout, chosen)
