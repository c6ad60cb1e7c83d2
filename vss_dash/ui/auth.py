"""Sign-in, roles and what a visitor may see: the open demo's banner or the sign-in screen
(`access_gate`, run by app.py before any page), and the measures a role shows."""

from __future__ import annotations

import os

import streamlit as st

from vss_dash import access, i18n


def _secrets() -> dict:
    """secrets.toml as a plain dict ({} when there is none)."""
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:
        return {}


def access_settings() -> access.Settings:
    return access.settings(_secrets(), os.environ)


def role() -> str | None:
    """The visitor's role: everyone is an analyst in the open demo; else the signed-in user's
    role from their identity claims (None: not signed in, or not let in)."""
    s = access_settings()
    if s.open:
        return "analyst"
    if s.profile == "print":  # the deck export's private server: its token or nothing
        return access.print_role(s, st.query_params.get("token"))
    if not st.user.is_logged_in:
        return None
    return access.role_for(st.user.to_dict(), s)


_ROLE_KEYS = {
    "viewer": i18n.key("role_viewer"),
    "leadership": i18n.key("role_leadership"),
    "analyst": i18n.key("role_analyst"),
}


def access_gate(lang_: str, banner: bool = True) -> str:
    """Run by app.py before any page. The open demo says so in a banner (unless `banner` is
    False: the deck's print layout); the production profile shows a sign-in screen to anonymous
    visitors and stops, and names the signed-in user and their role in the sidebar with a
    sign-out button."""
    try:
        s = access_settings()
    except access.BadSettings as e:
        st.error(i18n.t("access_settings_bad", lang_, error=e))
        st.stop()
    if s.open:
        if banner:
            st.warning(i18n.t("demo_open", lang_), icon=":material/lock_open:")
        return "analyst"
    if s.profile == "print":
        r = role()
        if r is None:
            st.error(i18n.t("not_authorised", lang_, user="?"), icon=":material/block:")
            st.stop()
        return r
    if not s.auth_configured:
        st.error(i18n.t("auth_not_configured", lang_), icon=":material/lock:")
        st.stop()
    if not st.user.is_logged_in:
        st.title(i18n.t("signin_title", lang_))
        st.markdown(i18n.t("signin_intro", lang_))
        if st.button(i18n.t("signin_button", lang_), type="primary", icon=":material/login:"):
            section = _secrets().get("access", {})
            provider = section.get("provider")
            st.login(provider) if provider else st.login()
        st.stop()
    user = st.user.get("email") or st.user.get("name") or "?"
    r = access.role_for(st.user.to_dict(), s)
    if r is None:
        st.error(i18n.t("not_authorised", lang_, user=user), icon=":material/block:")
        if st.button(i18n.t("signout_button", lang_)):
            st.logout()
        st.stop()
    with st.sidebar:
        st.caption(i18n.t("signed_in_as", lang_, user=user, role=i18n.t(_ROLE_KEYS[r], lang_)))
        if st.button(i18n.t("signout_button", lang_), icon=":material/logout:", key="signout"):
            st.logout()
    return r


def visible(measures: list[str]) -> list[str]:
    """The measures the visitor may see (the catalogue's press-safe flag decides for viewers)."""
    return access.visible(role(), measures)


def visible_cards(rows: list[list[str]]) -> list[list[str]]:
    """Rows of KPI cards without the ones the visitor may not see (empty rows dropped)."""
    return [kept for row in rows if (kept := visible(row))]


def sees_internal() -> bool:
    return access.sees_internal(role())


def can_export() -> bool:
    return access.can_export(role())
