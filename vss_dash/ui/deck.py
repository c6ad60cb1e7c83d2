"""Widgets of the press briefing: the presenter theme, the quarter and audience controls, the
deck export, and the slides."""

from __future__ import annotations

import contextlib
import html
import tempfile
from pathlib import Path

import polars as pl
import streamlit as st

from vss_dash import (
    access,
    boundaries,
    briefing,
    catalog,
    charts,
    deck_export,
    geo,
    i18n,
    metrics,
    narrative,
    pptx_deck,
    press,
)
from vss_dash.ui import (
    TOPOJSON_URL,
    _seed_from_url,
    _write_to_url,
    access_settings,
    compute,
    demo_notice,
    kpi_grid,
    print_mode,
    provenance,
    role,
    sees_internal,
    status_badge,
    status_label,
    url_notices,
    url_select,
)
from vss_dash.ui.plan import plan_summary, series_status

SOURCES_ON_SLIDE = 6  # more would not fit a slide at 1080 px
SLIDE_W, SLIDE_H = 1920, 1080  # a slide's design size: the projector's, the PDF page's
MAP_H = 860  # what the title, date line and badge leave of 1080 px
PLAN_CHART_H = 450  # what the title and the plan, completion and projection cards leave

# Projector theme: no sidebar, header or toolbar; large, high-contrast type. At the slide's
# design size KPI numbers are 64 px tall and every label, caption, badge, axis and table 24 px
# (a browser test measures them). Text is #000/#1F2430/#3A3F4B on white: 9:1 at least, so it
# keeps AA on a washed-out projector (a test checks a screenshot under a grey veil).
_PRESENTER_STYLE = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"]
{ display: none !important; }
.block-container { padding-top: 1rem !important; max-width: 100% !important; }
[class*="st-key-slide_"] [data-testid="stMarkdown"] p,
[class*="st-key-slide_"] [data-testid="stMarkdown"] li,
[class*="st-key-slide_"] [data-testid="stAlertContainer"] p { font-size: 26px !important; }
[class*="st-key-slide_"] [data-testid="stMetric"] [data-testid="stMetricValue"],
[class*="st-key-slide_"] [data-testid="stMetric"] [data-testid="stMetricValue"] * {
  font-size: 64px !important; line-height: 1.1 !important; color: #000000 !important; }
[class*="st-key-slide_"] [data-testid="stMetric"] [data-testid="stMetricLabel"] p,
[class*="st-key-slide_"] [data-testid="stMetric"] [data-testid="stMetricDelta"] p {
  font-size: 24px !important; line-height: 1.25 !important; }
[class*="st-key-slide_"] [data-testid="stMetricLabel"] p { color: #1F2430 !important; }
[class*="st-key-slide_"] [data-testid="stCaptionContainer"],
[class*="st-key-slide_"] [data-testid="stCaptionContainer"] p {
  font-size: 24px !important; color: #3A3F4B !important; opacity: 1 !important; }
[class*="st-key-slide_"] .stMarkdownBadge, [class*="st-key-slide_"] .stMarkdownBadge * {
  font-size: 24px !important; line-height: 1.3 !important; }
[class*="st-key-slide_"] [data-testid="stTooltipIcon"] { display: none !important; }
[class*="st-key-slide_"] h1 { font-size: 52px !important; color: #000000 !important; }
[class*="st-key-slide_"] h2, [class*="st-key-slide_"] h3 { font-size: 36px !important;
  color: #000000 !important; }
.vss-slide-break { break-after: page; height: 0; }
@media print { .st-key-brief_controls { display: none !important; } }
</style>"""

# One slide: a 1920x1080 box, whatever the screen; the print layout prints it as it is, the
# presentation mode scales it to the screen.
_SLIDE_BOX = """
[class*="st-key-slide_"] { width: 1920px !important; height: 1080px !important;
  min-width: 1920px !important; max-width: none !important;
  min-height: 1080px !important; max-height: 1080px !important; flex: none !important;
  justify-content: flex-start !important; box-sizing: border-box;
  padding: 28px 56px !important; overflow: hidden; gap: 0.6rem !important;
  break-inside: avoid; background: #FFFFFF; }
[class*="st-key-slide_"] h1 { padding: 0 0 4px 0 !important; }
"""

# The print layout (?print=1), which the PDF and PNGs are made from: every slide exactly one
# 1920x1080 page, nothing of the operator's controls, no gaps between slides.
_PRINT_STYLE = (
    """<style>
.st-key-brief_controls, .st-key-brief_nav { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 0 !important;
  max-width: none !important; }
[data-testid="stVerticalBlock"]:has([class*="st-key-slide_"]):not([class*="st-key-slide_"]),
[data-testid="stMain"], [data-testid="stAppViewContainer"] { gap: 0 !important;
  padding-top: 0 !important; }
.element-container:has(> .stHtml style:only-child) { display: none !important; }
[data-testid="stLayoutWrapper"]:has(> .st-key-brief_controls) { display: none !important; }
/* in print Streamlit lays blocks out with margins instead of flex gaps: none between slides */
[data-testid="stVerticalBlock"]:has([class*="st-key-slide_"]):not([class*="st-key-slide_"]) > *
{ margin: 0 !important; }
[class*="st-key-slide_"]:not(.st-key-slide_1) { break-before: page; }
@page { size: 1920px 1080px; margin: 0; }
"""
    + _SLIDE_BOX
    + "</style>"
)


def _fallback_scales() -> str:
    """Steps of scale for a browser without CSS typed arithmetic (calc(100vw / 1920px)):
    the largest step at which the slide still fits the screen."""
    steps = [1, 0.9, 0.8, 0.75, 2 / 3, 0.6, 8 / 15, 0.5, 0.4, 1 / 3, 0.25]
    return "\n".join(
        f"@media (max-width: {SLIDE_W * big - 0.02:.2f}px), "
        f"(max-height: {SLIDE_H * big - 0.02:.2f}px) {{ :root {{ --vss-scale: {small:.4f}; }} }}"
        for big, small in zip(steps, steps[1:], strict=False)
    )


# Presentation mode (?present=1): nothing but the slide, scaled to fill the screen (letterboxed
# on white), the same 1920x1080 layout at every size, so nothing reflows or overlaps on a
# 1366x768 laptop. The operator's bar, the page counter and the open-demo banner are not drawn
# or not shown; the arrow keys and the rest work through hidden buttons' shortcuts; a click or
# tap anywhere advances; Esc, or the faint button in the top-right corner, leaves.
_PRESENT_STYLE = (
    """<style>
:root { --vss-scale: 1; }
@supports (scale: calc(100vw / 1920px)) {
  :root { --vss-scale: min(calc(100vw / 1920px), calc(100vh / 1080px)); } }
@supports not (scale: calc(100vw / 1920px)) {
"""
    + _fallback_scales()
    + """
}
html, body, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] {
  overflow: hidden !important; background: #FFFFFF !important; }
.st-key-brief_controls, .st-key-brief_nav, .st-key-brief_keys,
[data-testid="stLayoutWrapper"]:has(> .st-key-brief_controls),
[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]:has(
  [data-testid="stAlertContainer"]):not([class*="st-key-slide_"] *),
[data-testid="stStatusWidget"] { display: none !important; }
[class*="st-key-slide_"] { position: fixed !important; left: 50%; top: 50%; z-index: 999990;
  transform: translate(-50%, -50%) scale(var(--vss-scale)); transform-origin: center center; }
.st-key-brief_tap { position: fixed !important; inset: 0; z-index: 999991; }
.st-key-brief_tap button { width: 100vw !important; height: 100vh !important; opacity: 0 !important;
  cursor: default !important; border: 0 !important; }
.st-key-brief_exit { position: fixed !important; top: 6px; right: 6px; width: auto !important;
  z-index: 999992; opacity: 0; transition: opacity 0.2s; }
.st-key-brief_exit:hover, .st-key-brief_exit:focus-within { opacity: 1; }
"""
    + _SLIDE_BOX
    + "</style>"
)

# The operator's page: the presenter bar above, the slide below as a preview of exactly what
# the projector shows (the same 1920x1080 box scaled to the page's width, 16:9). A browser
# without CSS typed arithmetic gets the slide box unscaled (cut at the page's edge, not reflowed).
_STAGE_STYLE = (
    """<style>
@supports (scale: calc(100cqw / 1920px)) {
  .st-key-brief_stage { container-type: inline-size; aspect-ratio: 16 / 9; overflow: hidden;
    position: relative; border: 1px solid #C9CED6; width: 100%;
    max-width: max(480px, calc((100vh - 250px) * 16 / 9)); margin: 0 auto; }
  .st-key-brief_stage [class*="st-key-slide_"] { position: absolute !important; left: 0; top: 0;
    transform-origin: 0 0; transform: scale(calc(100cqw / 1920px)); }
}
@supports not (scale: calc(100cqw / 1920px)) { .st-key-brief_stage { overflow: hidden; } }
"""
    + _SLIDE_BOX
    + "</style>"
)

# Buttons that only carry a keyboard shortcut (Home, End, a digit): never shown.
_KEYS_STYLE = "<style>.st-key-brief_keys { display: none !important; }</style>"

_WATCH_STYLE = """<style>
table.vss-watch { border-collapse: collapse; width: 100%; font-size: 26px; color: #1F2430; }
table.vss-watch th { text-align: left; border-bottom: 2px solid #1F2430; padding: 6px 12px; }
table.vss-watch td { padding: 5px 12px; border-bottom: 1px solid #C9CED6; }
table.vss-watch th.num, table.vss-watch td.num { text-align: right;
  font-variant-numeric: tabular-nums; }
table.vss-watch td.reason { font-weight: 600; }
</style>"""


def presenter_style() -> None:
    st.html(_PRESENTER_STYLE)


def print_style() -> None:
    st.html(_PRINT_STYLE)


def presenting() -> bool:
    """?present=1: presentation mode, nothing on screen but the slide."""
    return st.query_params.get("present") == "1" and not print_mode()


def _set_presenting(on: bool) -> None:
    if on:
        st.query_params["present"] = "1"
    else:
        st.query_params.pop("present", None)


def present_style() -> None:
    st.html(_PRESENT_STYLE)


def stage_style() -> None:
    st.html(_STAGE_STYLE)


def exit_button(lang_: str) -> None:
    """The way back from presentation mode: Esc, or a faint button in the top-right corner
    that shows under the mouse (outside the slide fragment, so the whole page redraws)."""
    st.button(
        _s("exit_present", lang_),
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
    with st.container(key="brief_controls"):
        cols = st.columns([2, 2, 2, 2, 2], vertical_alignment="bottom")
        with cols[0]:
            choice = url_select(
                i18n.t("quarter", lang_), keys, "quarter", lang_,
                format_func=lambda k: i18n.t("quarter_label", lang_, q=k[-1], year=k[:4]),
                container=st,
            )  # fmt: skip
        with cols[1]:
            if sees_internal():
                public = url_select(
                    i18n.t("audience", lang_), ["0", "1"], "public", lang_,
                    format_func=lambda v: i18n.t(f"audience_{v}", lang_), container=st,
                ) == "1"  # fmt: skip
            else:  # a viewer's deck is always the press-safe one
                public = True
                st.caption(i18n.t("audience_1", lang_))
        with cols[2]:
            st.button(
                _s("present", lang_),
                key="brief_present",
                type="primary",
                icon=":material/slideshow:",
                shortcut="P",
                help=_s("present_help", lang_),
                on_click=_set_presenting,
                args=(True,),
            )
        with cols[3]:
            if st.button(i18n.t("leave_briefing", lang_), icon=":material/logout:", key="leave"):
                st.switch_page(PAGE_HOME)
        with cols[4]:
            operator = not print_mode() and not presenting()
            if fr is not None and operator and access.can_export(role()):
                # one row of controls: the files wait in a popover
                with st.popover(_s("export_menu", lang_), icon=":material/download:"):
                    export_deck_button(fr, choice, public, lang_)
    return briefing.Quarter.parse(choice), public


_S = {  # strings of this module, until they are folded into i18n
    "present": {"vi": "Trình chiếu", "en": "Present"},
    "present_help": {
        "vi": "Toàn màn hình chỉ có trang trình chiếu (phím P). ← → Home End, số trang, nhấp"
        " chuột để chuyển trang; Esc để thoát. Nên bật toàn màn hình của trình duyệt (F11).",
        "en": "Nothing on screen but the slide (P key). ← → Home End, a slide number, a click"
        " to move; Esc to leave. Best with the browser's full screen (F11).",
    },
    "exit_present": {"vi": "Thoát chế độ trình chiếu (Esc)", "en": "Leave presentation (Esc)"},
    "next_tap": {"vi": "Trang sau", "en": "Next slide"},
    "export_menu": {"vi": "Xuất bản trình chiếu", "en": "Export the deck"},
    "export_pptx": {"vi": "Tải PowerPoint", "en": "Download PowerPoint"},
    "export_press": {"vi": "Bản nháp thông cáo báo chí", "en": "Press-release draft"},
    "export_failed": {
        "vi": "Không xuất được bản trình chiếu, không có tệp nào được tạo: {error}",
        "en": "The deck could not be exported and no file was written: {error}",
    },
}


def _s(key: str, lang_: str, **fmt) -> str:
    return _S[key][i18n.normalize_lang(lang_)].format(**fmt)


def deck_data(fr: metrics.Frames, quarter: str, public: bool, lang_: str) -> narrative.Deck:
    """The deck as data and text (narrative.build_deck), kept per store version in the
    session: the PowerPoint, the press release and the export's checks read it."""
    key = ("deck_data", fr.version, quarter, public, lang_)
    if key not in st.session_state:
        st.session_state[key] = narrative.build_deck(
            fr, briefing.Quarter.parse(quarter), public, lang_
        )
    return st.session_state[key]


def export_deck_button(fr: metrics.Frames, quarter: str, public: bool, lang_: str) -> None:
    """PowerPoint and the press-release draft straight from the data (a second), and the PDF +
    PNGs printed by headless Chromium from this very server, checked complete before they are
    offered (it takes a while, so it shows progress)."""
    if not access.can_export(role()):
        return
    deck = deck_data(fr, quarter, public, lang_)
    q = briefing.Quarter.parse(quarter)
    st.download_button(
        _s("export_pptx", lang_),
        lambda: pptx_deck.build(deck),
        file_name=f"{deck.stem}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        icon=":material/slideshow:",
        key="deck_pptx",
        on_click="ignore",
    )
    release = press.build(fr, q, public, lang_)
    st.download_button(
        _s("export_press", lang_) + " (.docx)",
        lambda: release.docx(),
        file_name=f"{release.stem}.docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        icon=":material/article:",
        key="deck_press_docx",
        on_click="ignore",
    )
    st.download_button(
        _s("export_press", lang_) + " (.md)",
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
                with _deck_server() as base:
                    files = deck_export.export_deck(
                        base, quarter, lang_, public, len(deck.slides), Path(tmp),
                        expected=deck.expected_numbers(), stem=deck.stem,
                    )  # fmt: skip
            except deck_export.ExportIncomplete as e:
                st.error(_s("export_failed", lang_, error=e), icon=":material/error:")
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
    """The server Chromium prints the deck from: this one in the open demo; behind sign-in, a
    private one on a loopback port for the print's few seconds (the headless browser has no
    sign-in of its own; only an analyst reaches this button)."""
    if access_settings().open:
        yield f"http://127.0.0.1:{st.get_option('server.port')}"
    else:
        with deck_export.serve(env={"VSS_PROFILE": "demo"}) as base:
            yield base


PAGE_HOME = "views/overview.py"
_NO_HISTORY = pl.DataFrame(schema={"measure": pl.String, "value": pl.Float64})


def _move_slide(step: int, n: int) -> None:
    current = int(st.session_state.get("slide", "1"))
    st.session_state["slide"] = str(min(max(current + step, 1), n))


def _go_to(number: int) -> None:
    st.session_state["slide"] = str(number)


@st.fragment
def slide_deck(fr: metrics.Frames, deck: list, quarter, public: bool, lang_: str) -> None:
    """One slide at a time, kept in ?slide=N. A fragment: changing slides redraws the slide only,
    so the rest of the screen does not flash. Keys: ← → (the arrows' buttons), Home, End and a
    slide's digit (hidden buttons' shortcuts, no script of our own); in presentation mode a
    click or tap anywhere is the next slide."""
    n = len(deck)
    options = [str(i) for i in range(1, n + 1)]
    _seed_from_url("slide", options, "1")
    url_notices(lang_)
    current = int(st.session_state["slide"])
    cols = st.container(key="brief_nav").columns([1, 6, 1], vertical_alignment="center")
    # callbacks move the slide before the run draws the buttons, so both are enabled right
    cols[0].button(
        "◀",
        key="brief_prev",
        shortcut="Left",
        disabled=current == 1,
        help=i18n.t("prev_slide", lang_),
        on_click=_move_slide,
        args=(-1, n),
    )
    cols[2].button(
        "▶",
        key="brief_next",
        shortcut="Right",
        disabled=current == n,
        help=i18n.t("next_slide", lang_),
        on_click=_move_slide,
        args=(1, n),
    )
    cols[1].caption(i18n.t("slide_of", lang_, n=current, total=n))
    st.html(_KEYS_STYLE)
    with st.container(key="brief_keys", horizontal=True):
        st.button("Home", key="brief_home", shortcut="Home", on_click=_go_to, args=(1,))
        st.button("End", key="brief_end", shortcut="End", on_click=_go_to, args=(n,))
        for i in range(1, min(n, 9) + 1):
            st.button(str(i), key=f"brief_go_{i}", shortcut=str(i), on_click=_go_to, args=(i,))
    if presenting():
        st.button(
            _s("next_tap", lang_),
            key="brief_tap",
            on_click=_move_slide,
            args=(1 if current < n else 1 - n, n),  # the last slide's click goes back to 1
        )
    _write_to_url("slide", str(current), "1")
    with st.container(key="brief_stage"):
        draw_slide(fr, deck[current - 1], current, n, quarter, public, lang_)


def draw_slide(
    fr: metrics.Frames, slide, number: int, total: int, quarter, public: bool, lang_: str
) -> None:
    period = quarter.end
    qlabel = i18n.t("quarter_label", lang_, q=quarter.q, year=quarter.year)
    with st.container(key=f"slide_{number}"):
        st.title(i18n.t(f"slide_{slide.kind}", lang_))
        # no page counter on the slide: the operator's "n/7" lives in the presenter bar
        subtitle = f"{qlabel} · {i18n.t('as_of', lang_, date=i18n.format_date(period, lang_))}"
        if slide.kind == "benefits":  # every number on it is year to date: said once
            subtitle += f" · {i18n.t('ytd', lang_).capitalize()}"
        st.caption(subtitle)
        if compute(fr, "data_status", period, module=briefing).get("demo"):
            status_badge("demo", None, lang_)
        if slide.kind == "headline":
            snap, _ = compute(fr, "kpis", list(slide.measures), period)
            rows = [list(slide.measures[i : i + 3]) for i in range(0, len(slide.measures), 3)]
            # no sparklines on a slide: the numbers must fit one screen, readable from the back
            kpi_grid(rows, snap, _NO_HISTORY, lang_, fr.source_titles())
        elif slide.kind == "map":
            layout = geo.layout_for_period(period)
            table = compute(fr, "province_table", briefing.MAP_MEASURE, layout, period)
            national = compute(fr, "value_at", briefing.MAP_MEASURE, "VN", geo.NATIONAL, period)
            labels = [
                {"lon": a["lon"], "lat": a["lat"], "text": i18n.t(a["label_key"], lang_)}
                for a in boundaries.archipelagos()
            ]
            fig = charts.choropleth(
                table,
                boundaries.load_geojson(layout),
                briefing.MAP_MEASURE,
                lang_,
                national,
                labels,
                height=MAP_H,
            )
            _projector_type(fig)
            st.plotly_chart(
                fig,
                config={"displayModeBar": False, "topojsonURL": TOPOJSON_URL, "staticPlot": True},
                key=f"brief_map_{number}",
                width="content",
            )
        elif slide.kind in ("plan_revenue", "plan_participants"):
            view = compute(fr, "plan", slide.measures[0], period, module=briefing)
            plan_summary(view, lang_)
            st.plotly_chart(
                _projector_type(
                    charts.plan_chart(
                        view,
                        lang_,
                        height=PLAN_CHART_H,
                        status=series_status(fr, view),
                        prov=provenance(fr),
                    )
                ),
                config={"displayModeBar": False, "staticPlot": True},
                key=f"brief_plan_{number}",
                width="content",  # the figure's own size, in the slide's pixels (see below)
            )
        elif slide.kind == "watch":
            rows = compute(fr, "watch_rows", period, public, module=briefing)
            st.html(_WATCH_STYLE + watch_html(narrative.watch_table(rows, lang_)))
        elif slide.kind == "benefits":
            snap, _ = compute(fr, "kpis", list(slide.measures), period)
            rows = [list(slide.measures[i : i + 4]) for i in range(0, len(slide.measures), 4)]
            kpi_grid(rows, snap, _NO_HISTORY, lang_, fr.source_titles())
        else:
            closing_slide(fr, period, lang_)


def _projector_type(fig):
    """Type a projector can carry to the back of the room: axes, legend, labels at 24 px."""
    # a fixed size in the slide's own pixels, as wide as its text (1920 less the margins): a
    # chart sized to its box would measure the box on screen, and in a scaled slide (the
    # presentation mode, the operator's preview) be scaled twice
    fig.update_layout(
        autosize=False,
        width=SLIDE_W - 2 * 56,
        font_size=24,
        legend_font_size=24,
        hoverlabel_font_size=20,
    )
    fig.update_xaxes(tickfont_size=24)
    fig.update_yaxes(tickfont_size=24)
    fig.update_annotations(font_size=24)
    fig.update_traces(selector={"type": "choropleth"}, colorbar_tickfont_size=24)
    fig.update_traces(selector={"type": "scattergeo"}, textfont_size=24)
    return fig


def watch_html(table: list[list[str]]) -> str:
    """The watch slide as an HTML table: text the PDF keeps as text, numbers right-aligned, the
    reason once per group, no empty rows."""
    head = "".join(
        f'<th class="{"num" if i >= 2 else ""}">{html.escape(c)}</th>'
        for i, c in enumerate(table[0])
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"num" if i >= 2 else "reason" if i == 0 else ""}">{html.escape(c)}</td>'
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in table[1:]
    )
    return f'<table class="vss-watch"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def watch_slide_table(rows: pl.DataFrame, lang_: str) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                i18n.t("col_reason", lang_): i18n.t(f"reason_{r['reason']}", lang_),
                i18n.t("col_province", lang_): r["name"],
                i18n.t("col_value", lang_): (
                    i18n.format_change(r["value"], lang_, "percent")
                    if r["value_kind"] == "mom_pct"
                    else i18n.format_value(r["value"], catalog.get(r["measure"]).unit, lang_)
                ),
                i18n.t("national", lang_): (
                    i18n.format_change(r["national"], lang_, "percent")
                    if r["value_kind"] == "mom_pct"
                    else i18n.format_value(r["national"], catalog.get(r["measure"]).unit, lang_)
                ),
            }
            for r in rows.iter_rows(named=True)
        ],
        schema=[i18n.t(k, lang_) for k in ("col_reason", "col_province", "col_value", "national")],
    )


def closing_slide(fr: metrics.Frames, period, lang_: str) -> None:
    shares = compute(fr, "data_status", period, module=briefing)
    st.subheader(i18n.t("data_status", lang_))
    for status in ("published", "reported", "demo"):
        if status in shares:
            st.markdown(
                f"- {status_label(status, lang_)}: "
                f"{i18n.format_percent(100 * shares[status], lang_, 1)}"
            )
    if shares.get("demo"):
        demo_notice(lang_)
    st.subheader(i18n.t("sources", lang_))
    used = compute(fr, "sources_used", period, module=briefing)
    for sid in used[:SOURCES_ON_SLIDE]:
        st.markdown(f"- {i18n.md_escape(briefing.source_line(fr, sid, lang_))}")
    if len(used) > SOURCES_ON_SLIDE:
        st.caption(i18n.t("sources_more", lang_, n=len(used) - SOURCES_ON_SLIDE))
