"""Data: filter any measure by geography, province and months, read it as a table and download
it; review data quality (what is present, how much is demo, vintages, published figures that
disagree); import a province's monthly report when the server allows it; make personal tokens
for the data API."""

import streamlit as st

from vss_dash import i18n
from vss_dash.ui import data_import, data_page, data_quality, data_tokens, queries, state, widgets

lang = state.lang()
fr = queries.frames(lang)

st.title(i18n.t("data_title", lang))
widgets.demo_notice(lang)
st.markdown(i18n.t("data_intro", lang))
# only the open tab runs and is sent (a click on another reruns the page): the quality tab's
# charts and the import stay unloaded until asked for
table_tab, quality_tab, upload_tab, api_tab = st.tabs(
    [
        i18n.t("tab_table", lang),
        i18n.t("tab_quality", lang),
        i18n.t("tab_upload", lang),
        i18n.t("tab_api", lang),
    ],
    key=data_page.TAB_KEY,
    on_change="rerun",
)
if table_tab.open:
    with table_tab:
        data_page.data_table(fr, lang)
if quality_tab.open:
    with quality_tab:
        data_quality.quality(fr, lang)
if upload_tab.open:
    with upload_tab:
        data_import.upload(fr, lang)
if api_tab.open:
    with api_tab:
        data_tokens.tokens(lang)
state.flush()  # the URL as this run left it, in one history entry
