"""Published sources: every figure VSS, the Government and the press published, with its date,
publisher, quote and link, the value the dashboard holds for it now and whether it reproduces
it; filterable and exportable; and the events drawn on the time axes."""

import streamlit as st

from vss_dash import i18n
from vss_dash.ui import queries, sources_page, state

lang = state.lang()
fr = queries.frames(lang)

st.title(i18n.t("sources_title", lang))
st.markdown(i18n.t("sources_intro", lang))
sources_page.figures(fr, lang)
sources_page.events_list(lang)
state.flush()  # the URL as this run left it, in one history entry
