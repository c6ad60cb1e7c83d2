"""Published sources: every figure VSS, the Government and the press published, with its date,
publisher, quote and link, the value the dashboard holds for it now and whether it reproduces
it; filterable and exportable; and the events drawn on the time axes."""

import streamlit as st

from vss_dash import i18n, ui
from vss_dash.ui import sources

lang = ui.lang()
fr = ui.frames(lang)

st.title(i18n.t("sources_title", lang))
st.markdown(i18n.t("sources_intro", lang))
sources.figures(fr, lang)
sources.events_list(lang)
