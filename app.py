"""Entry point: `streamlit run app.py`. Navigation comes from the one page registry."""

import streamlit as st

import vss_dash.hardening  # noqa: F401  (first: a client's "clear cache" clears only its own state)
from vss_dash import i18n, ui
from vss_dash.pages import PAGES
from vss_dash.paths import ROOT

# a local icon file: a ":material/…:" icon would make the browser fetch the favicon from Google
st.set_page_config(page_title="VSS", page_icon=str(ROOT / "assets" / "favicon.png"), layout="wide")
ui.page_style()
lang = ui.language_switch()
st.set_page_config(page_title=i18n.t("app_title", lang))
ui.access_gate(lang)  # the open demo's banner, or sign-in (production profile)
navigation = st.navigation(
    [
        st.Page(p.script, title=p.title(lang), icon=p.icon, url_path=p.url_path, default=i == 0)
        for i, p in enumerate(PAGES)
    ]
)
ui.url_notices(lang)
navigation.run()
