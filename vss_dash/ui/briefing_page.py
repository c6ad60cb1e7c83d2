"""Widgets of the press briefing's operator: the quarter and audience controls, presentation mode
(enter, leave), and the deck's export (PowerPoint, press release, PDF and PNGs). The slides are
drawn by `briefing_slides`, the look set by `briefing_style`."""

from __future__ import annotations

import contextlib
import tempfile
from datetime import date
from pathlib import Path

import streamlit as st

from vss_dash import briefing, deck_export, i18n, metrics, narrative, pptx_deck, press
from vss_dash.ui import auth, queries, state

PAGE_HOME = "views/overview.py"


def presenting() -> bool:
    """?present=1: presentation mode, nothing on screen but the slide."""
    return state.url("present") == "1" and not state.print_mode()


def _set_presenting(on: bool) -> None:
    # a button's callback, before the run (and so before state.begin): written at once
    if on:
        st.query_params["present"] = "1"
    else:
        st.query_params.pop("present", None)


def exit_button(lang_: str) -> None:
    """The way back from presentation mode: Esc, or a faint button in the top-right corner
    that shows under the mouse (outside the slide fragment, so the whole page redraws)."""
    st.button(
        i18n.t("exit_present", lang_),
        key="brief_exit",
        icon=":material/close_fullscreen:",
        shortcut="Esc",
        on_click=_set_presenting,
        args=(False,),
    )


def briefing_controls(quarters: list, lang_: str, fr: metrics.Frames | None = None):
    """Quarter (default: the last complete one) and public mode, in one row above the deck;
    both kept in the URL (?quarter=2026-Q3&public=1)."""
    keys = [q.key for q in quarters]
    # arriving from a page that showed a month: that month's quarter, not the newest
    month = state.url("month") or state.remembered("month")
    try:
        seen = date.fromisoformat(f"{month}-01") if month else None
    except ValueError:
        seen = None
    default = briefing.quarter_of(quarters, seen and metrics.month_end(seen)).key
    with st.container(key="brief_controls"):
        # the choices on one row, the actions on the next at their own width: five columns
        # of a 1366 laptop beside the sidebar cut "Tải xuống bản trình chiếu" to "Tải xuống bản t…"
        cols = st.columns([2, 3], vertical_alignment="bottom")
        with cols[0]:
            choice = state.select(
                i18n.t("quarter", lang_),
                keys,
                "quarter",
                lang_,
                default=default,
                format_func=lambda k: i18n.t("quarter_label", lang_, q=k[-1], year=k[:4]),
                container=st,
            )
        with cols[1]:
            if auth.sees_internal():
                public = (
                    state.select(
                        i18n.t("audience", lang_),
                        ["0", "1"],
                        "public",
                        lang_,
                        format_func=lambda v: i18n.t(
                            "audience_0" if v == "0" else "audience_1", lang_
                        ),
                        container=st,
                    )
                    == "1"
                )
            else:  # a viewer's deck is always the press-safe one
                public = True
                st.caption(i18n.t("audience_1", lang_))
        # a row that wraps (a phone) rather than cutting a label
        with st.container(horizontal=True, vertical_alignment="center", key="brief_actions"):
            st.button(
                i18n.t("present", lang_),
                key="brief_present",
                type="primary",
                icon=":material/slideshow:",
                shortcut="P",
                help=i18n.t("present_help", lang_),
                on_click=_set_presenting,
                args=(True,),
            )
            if st.button(i18n.t("leave_briefing", lang_), icon=":material/logout:", key="leave"):
                st.switch_page(PAGE_HOME)
            operator = not state.print_mode() and not presenting()
            if fr is not None and operator and auth.can_export():
                # the files wait in a popover
                with st.popover(i18n.t("export_menu", lang_), icon=":material/download:"):
                    export_deck_button(fr, choice, public, lang_)
    return briefing.Quarter.parse(choice), public


def deck_data(fr: metrics.Frames, quarter: str, public: bool, lang_: str) -> narrative.Deck:
    """The deck as data and text (narrative.build_deck), cached per store version: the slides
    draw it, and the PowerPoint, the press release and the export's checks read it."""
    return queries.brief_deck(fr, briefing.Quarter.parse(quarter), public, lang_)


def export_deck_button(fr: metrics.Frames, quarter: str, public: bool, lang_: str) -> None:
    """PowerPoint and the press-release draft straight from the data (a second), and the PDF +
    PNGs printed by headless Chromium from this very server, checked complete before they are
    offered (it takes a while, so it shows progress)."""
    if not auth.can_export():
        return
    deck = deck_data(fr, quarter, public, lang_)
    q = briefing.Quarter.parse(quarter)
    st.download_button(
        i18n.t("export_pptx", lang_),
        lambda: pptx_deck.build(deck),
        file_name=f"{deck.stem}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        icon=":material/slideshow:",
        key="deck_pptx",
        on_click="ignore",
    )
    release = press.build(fr, q, public, lang_)
    st.download_button(
        i18n.t("export_press", lang_) + " (.docx)",
        lambda: release.docx(),
        file_name=f"{release.stem}.docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        icon=":material/article:",
        key="deck_press_docx",
        on_click="ignore",
    )
    st.download_button(
        i18n.t("export_press", lang_) + " (.md)",
        release.markdown(),
        file_name=f"{release.stem}.md",
        mime="text/markdown",
        icon=":material/article:",
        key="deck_press_md",
        on_click="ignore",
    )
    if not deck_export.available():
        st.caption(i18n.t("export_needs_chromium", lang_))
        return
    if st.button(i18n.t("export_deck", lang_), icon=":material/picture_as_pdf:", key="export"):
        st.session_state.pop("deck_files", None)
        with st.spinner(i18n.t("exporting_deck", lang_)), tempfile.TemporaryDirectory() as tmp:
            try:
                with _deck_server() as (base, token):
                    files = deck_export.export_deck(
                        base,
                        quarter,
                        lang_,
                        public,
                        len(deck.slides),
                        Path(tmp),
                        expected=deck.expected_numbers(),
                        stem=deck.stem,
                        token=token,
                    )
            except deck_export.ExportIncomplete as e:
                st.error(i18n.t("export_failed", lang_, error=e), icon=":material/error:")
                files = None
            if files is not None:
                st.session_state["deck_files"] = (
                    files.pdf.name,
                    files.pdf.read_bytes(),
                    deck_export.zip_pngs(files.pngs),
                )
    if "deck_files" in st.session_state:
        name, pdf, pngs = st.session_state["deck_files"]
        st.download_button(
            "PDF",
            pdf,
            file_name=name,
            mime="application/pdf",
            icon=":material/download:",
            key="deck_pdf",
            on_click="ignore",
        )
        st.download_button(
            "PNG (zip)",
            pngs,
            file_name=name.replace(".pdf", "_png.zip"),
            mime="application/zip",
            icon=":material/download:",
            key="deck_png",
            on_click="ignore",
        )


@contextlib.contextmanager
def _deck_server():
    """(base URL, token) of the server Chromium prints the deck from: this one in the open demo;
    behind sign-in, a private one on a loopback port for the print's few seconds, which lets in
    only the holder of its one-time token (the headless browser has no sign-in of its own; only
    an analyst reaches this button)."""
    if auth.access_settings().open:
        yield f"http://127.0.0.1:{st.get_option('server.port')}", ""
    else:
        with deck_export.print_server() as server:
            yield server.base_url, server.token
