"""Entry point: `streamlit run app.py`. Navigation comes from the one page registry."""

import streamlit as st

import vss_dash.hardening  # noqa: F401  (first: a client's "clear cache" clears only its own state)
from vss_dash import i18n
from vss_dash.pages import PAGES
from vss_dash.paths import ROOT
from vss_dash.ui import auth, state, widgets

# a local icon file: a ":material/…:" icon would make the browser fetch the favicon from Google
st.set_page_config(page_title="VSS", page_icon=str(ROOT / "assets" / "favicon.png"), layout="wide")
widgets.page_style()
state.begin()  # the URL is written once, by the page's last statement (state.flush)
lang = state.language_switch()
st.set_page_config(page_title=i18n.t("app_title", lang))
# the open demo's banner (not in the deck's print layout), or sign-in (production profile)
auth.access_gate(lang, banner=not state.print_mode())
navigation = st.navigation(
    [
        st.Page(p.script, title=p.title(lang), icon=p.icon, url_path=p.url_path, default=i == 0)
        for i, p in enumerate(PAGES)
    ]
)
state.notices(lang)
navigation.run()
