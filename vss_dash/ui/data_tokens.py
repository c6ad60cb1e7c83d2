"""The Data page's "API access" tab: a signed-in analyst or leadership member makes personal API
tokens (vss_dash/api_tokens.py), sees them and revokes them. A new token's secret is shown once,
in the run after it was made, with how to send it from Excel, pandas and R; the list shows every
token's label, role and times, never a secret. In the open demo there is nothing to make: the tab
says so. Labels are the user's text: escaped before they reach markdown."""

from __future__ import annotations

import logging
import urllib.parse
from datetime import UTC, datetime

import polars as pl
import streamlit as st

from vss_dash import api_tokens, catalog, i18n
from vss_dash.api_query import PREFIX
from vss_dash.ui import auth

LOG = logging.getLogger(__name__)

ROLE_KEYS = {"leadership": i18n.key("role_leadership"), "analyst": i18n.key("role_analyst")}
STATE_KEYS = {
    "active": i18n.key("tokens_active"),
    "revoked": i18n.key("tokens_revoked"),
    "expired": i18n.key("tokens_expired"),
}
_MADE = "_token_made"  # session state: the token just made (its secret), shown once
_DONE = "_token_note"  # session state: what the last action did, to say once
# an internal measure for the examples: what a token is for
EXAMPLE_MEASURE = next(m.id for m in catalog.MEASURES if not m.public)


def _owner() -> str:
    """The signed-in user's tokens' owner ("" when nobody is signed in)."""
    return api_tokens.owner_of(st.user.to_dict()) if st.user.is_logged_in else ""


def _origin() -> str:
    """This server's address as the browser reached it (for the examples)."""
    parts = urllib.parse.urlsplit(st.context.url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return "http://localhost:8501"


def _role(role: str, lang_: str) -> str:
    return i18n.t(ROLE_KEYS[role], lang_) if role in ROLE_KEYS else role


def _when(t: datetime | None, lang_: str) -> str:
    return i18n.format_date(t.date() if t is not None else None, lang_)


def tokens(lang_: str) -> None:
    """The tab: what tokens are for, then making one and the user's list, for those who may."""
    st.markdown(i18n.t("tokens_intro", lang_))
    settings = auth.access_settings()
    if settings.open:
        st.info(i18n.t("tokens_demo", lang_), icon=":material/lock_open:")
        return
    role = auth.role()
    owner = _owner()
    if not owner or not api_tokens.may_make(settings, role):
        st.info(i18n.t("tokens_not_allowed", lang_), icon=":material/lock:")
        return
    assert role is not None
    if note := st.session_state.pop(_DONE, None):
        st.success(note, icon=":material/check:")
    if made := st.session_state.pop(_MADE, None):
        _show_once(*made, lang_)
    try:
        mine = api_tokens.owned(owner)
    except Exception as e:
        LOG.exception("api tokens: the list cannot be read")
        st.error(i18n.t("tokens_store_error", lang_, error=i18n.md_escape(e)))
        return
    _new_token(owner, role, mine, lang_)
    _listing(owner, mine, lang_)


def _new_token(owner: str, role: str, mine: list[api_tokens.Token], lang_: str) -> None:
    """The form that makes a token (its secret kept in the session for the next run only)."""
    st.subheader(i18n.t("tokens_new", lang_))
    now = datetime.now(UTC)
    active = sum(t.state(now) == "active" for t in mine)
    if active >= api_tokens.MAX_ACTIVE:
        st.warning(i18n.t("tokens_too_many", lang_, n=active))
        return
    with st.form("token_new", clear_on_submit=True):
        label = st.text_input(
            i18n.t("tokens_label", lang_),
            max_chars=api_tokens.MAX_LABEL,
            help=i18n.t("tokens_label_help", lang_, n=api_tokens.MAX_LABEL),
            key="token_label",
        )
        days = st.number_input(
            i18n.t("tokens_days", lang_),
            min_value=1,
            max_value=api_tokens.MAX_DAYS,
            value=api_tokens.DAYS,
            step=1,
            key="token_days",
        )
        made = st.form_submit_button(
            i18n.t("tokens_make", lang_), type="primary", icon=":material/key:"
        )
    if not made:
        return
    try:
        secret, token = api_tokens.make(owner, label, role, int(days))
    except Exception as e:
        LOG.exception("api tokens: a token was not made")
        st.error(i18n.t("tokens_store_error", lang_, error=i18n.md_escape(e)))
        return
    st.session_state[_MADE] = (secret, token)
    st.rerun()  # the list reads it; the secret is shown in that run, and only then


def _show_once(secret: str, token: api_tokens.Token, lang_: str) -> None:
    """The new token's secret, copyable, and how to send it."""
    label = i18n.md_escape(token.label or "–")
    role = i18n.md_escape(_role(token.role, lang_))
    expires = _when(token.expires, lang_)
    st.success(
        i18n.t("tokens_made", lang_, label=label, role=role, expires=expires),
        icon=":material/key:",
    )
    st.code(secret, language=None)
    url = f"{_origin()}{PREFIX}/data?measure={EXAMPLE_MEASURE}&layout=VN&format=csv&lang={lang_}"
    st.markdown(i18n.t("tokens_how_header", lang_))
    st.code(f"Authorization: Bearer {secret}", language=None)
    st.markdown(i18n.t("tokens_how_excel", lang_))
    st.code(
        "let\n"
        "    Source = Csv.Document(\n"
        f'        Web.Contents("{url}",\n'
        f'            [Headers = [Authorization = "Bearer {secret}"]]),\n'
        '        [Delimiter = ",", Encoding = 65001, QuoteStyle = QuoteStyle.Csv]\n'
        "    ),\n"
        "    Headers = Table.PromoteHeaders(Source, [PromoteAllScalars = true])\n"
        "in\n"
        "    Headers",
        language=None,
    )
    st.markdown(i18n.t("tokens_how_scripts", lang_))
    st.code(
        "import pandas as pd\n\n"
        f'url = "{url}"\n'
        f'token = "{secret}"\n'
        'df = pd.read_csv(url, storage_options={"Authorization": f"Bearer {token}"})',
        language="python",
    )
    st.code(
        f'u <- "{url}"\n'
        f'token <- "{secret}"\n'
        'auth <- c(Authorization = paste("Bearer", token))\n'
        'df <- read.csv(url(u, encoding = "UTF-8-BOM", headers = auth), check.names = FALSE)',
        language="r",
    )


def _listing(owner: str, mine: list[api_tokens.Token], lang_: str) -> None:
    """The user's tokens (no secret: labels, roles, times, state), and revoking one."""
    st.subheader(i18n.t("tokens_mine", lang_))
    if not mine:
        st.caption(i18n.t("tokens_none", lang_))
        return
    now = datetime.now(UTC)
    rows = [
        {
            i18n.t("tokens_col_label", lang_): t.label,
            i18n.t("tokens_col_role", lang_): _role(t.role, lang_),
            i18n.t("tokens_col_created", lang_): _when(t.created, lang_),
            i18n.t("tokens_col_expires", lang_): _when(t.expires, lang_),
            i18n.t("tokens_col_last_used", lang_): _when(t.last_used, lang_),
            i18n.t("tokens_col_state", lang_): i18n.t(STATE_KEYS[t.state(now)], lang_),
        }
        for t in mine
    ]
    st.dataframe(pl.DataFrame(rows), hide_index=True, key="token_list")
    active = {t.id: t for t in mine if t.state(now) == "active"}
    if not active:
        return
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    picked = left.selectbox(
        i18n.t("tokens_revoke_pick", lang_),
        list(active),
        format_func=lambda i: f"{active[i].label or '–'} ({_when(active[i].created, lang_)})",
        key="token_revoke",
    )
    if right.button(i18n.t("tokens_revoke", lang_), icon=":material/block:", key="token_revoke_go"):
        try:
            done = api_tokens.revoke(owner, picked)
        except Exception as e:
            LOG.exception("api tokens: a token was not revoked")
            st.error(i18n.t("tokens_store_error", lang_, error=i18n.md_escape(e)))
            return
        if done:
            label = i18n.md_escape(active[picked].label or "–")
            st.session_state[_DONE] = i18n.t("tokens_revoke_done", lang_, label=label)
        st.rerun()
