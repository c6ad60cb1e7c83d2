"""The press briefing's look: the projector theme, one slide as a 1920x1080 box, and how that box
is shown in the print layout (?print=1), in presentation mode (?present=1) and on the operator's
page."""

from __future__ import annotations

import streamlit as st

SLIDE_W, SLIDE_H = 1920, 1080  # a slide's design size: the projector's, the PDF page's

# What the projector and the printed deck never show: the sidebar, the header, the toolbar. The
# operator's page keeps the sidebar (the pages and the language switch) and its header.
_NO_CHROME = """
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"]
{ display: none !important; }
"""

# Projector theme: no toolbar; large, high-contrast type. At the slide's design size KPI numbers
# are 64 px tall and every label, caption, badge, axis and table 24 px (a browser test measures
# them). Text is #000/#1F2430/#3A3F4B on white: 9:1 at least, so it keeps AA on a washed-out
# projector (a test checks a screenshot under a grey veil).
_PRESENTER_STYLE = """<style>
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
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

# A slide's chart fills what the slide leaves below its text, and fills it in the slide's own
# pixels however the slide is scaled. Streamlit sizes a plotly figure to its frame's measured
# box (getBoundingClientRect: the width of stFullScreenFrame, the height of stPlotlyChart), and
# under a `transform: scale(s)` that box is s times the layout box: the chart came out s times too
# small, then was scaled once more by the slide. So the frame is laid out 1/s times the box the
# slide gives the chart, measures as that box, and what is past the box (empty: plotly draws the
# figure at the size measured) is clipped. --vss-scale is the slide's scale on screen (presentation
# mode, the operator's preview); the print layout, unscaled, keeps the figures' own heights.
_CHART_FILL = """
[class*="st-key-slide_"] > [data-testid="stElementContainer"]:has([data-testid="stPlotlyChart"])
{ flex: 1 1 0 !important; min-height: 0 !important; height: auto !important;
  width: 100% !important; overflow: hidden !important; }
[class*="st-key-slide_"] [data-testid="stFullScreenFrame"]:has(> [data-testid="stPlotlyChart"]) {
  width: calc(100% / var(--vss-scale, 1)) !important;
  height: calc(100% / var(--vss-scale, 1)) !important; }
[class*="st-key-slide_"] [data-testid="stPlotlyChart"] { width: 100% !important;
  height: 100% !important; }
"""

# The print layout (?print=1), which the PDF and PNGs are made from: every slide exactly one
# 1920x1080 page, nothing of the operator's controls, no gaps between slides.
_PRINT_STYLE = (
    "<style>"
    + _NO_CHROME
    + """
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
    "<style>"
    + _NO_CHROME
    + """
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
    + _CHART_FILL
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
    max-width: max(480px, calc((100vh - 300px) * 16 / 9)); margin: 0 auto; }
  .st-key-brief_stage [class*="st-key-slide_"] { position: absolute !important; left: 0; top: 0;
    --vss-scale: calc(100cqw / 1920px); transform-origin: 0 0; transform: scale(var(--vss-scale)); }
}
@supports not (scale: calc(100cqw / 1920px)) { .st-key-brief_stage { overflow: hidden; } }
"""
    + _SLIDE_BOX
    + _CHART_FILL
    + "</style>"
)

# Buttons that only carry a keyboard shortcut (Home, End, a digit): never shown.
KEYS_STYLE = "<style>.st-key-brief_keys { display: none !important; }</style>"

WATCH_STYLE = """<style>
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


def present_style() -> None:
    st.html(_PRESENT_STYLE)


def stage_style() -> None:
    st.html(_STAGE_STYLE)
