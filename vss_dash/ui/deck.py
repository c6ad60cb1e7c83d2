"""Widgets of the press briefing: the presenter theme, the quarter and audience controls, the
deck export, and the slides."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import polars as pl
import streamlit as st

from vss_dash import access, boundaries, briefing, catalog, charts, deck_export, geo, i18n, metrics
from vss_dash.ui import (
    TOPOJSON_URL,
    _seed_from_url,
    _write_to_url,
    access_settings,
    compute,
    demo_notice,
    kpi_grid,
    role,
    sees_internal,
    status_badge,
    status_label,
    url_notices,
    url_select,
)
from vss_dash.ui.plan import plan_summary

# Projector theme: no sidebar, header or toolbar; large, high-contrast type. KPI numbers are at
# least 48 px tall at 1920x1080 (a browser test measures them).
SOURCES_ON_SLIDE = 6  # more would not fit a slide at 1080 px

_PRESENTER_STYLE = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"]
{ display: none !important; }
.block-container { padding-top: 1rem !important; max-width: 100% !important; }
[data-testid="stMetricValue"] { font-size: 64px !important; line-height: 1.1 !important;
  color: #000000 !important; }
[data-testid="stMetricLabel"] p { font-size: 24px !important; color: #1F2430 !important; }
[data-testid="stMetricDelta"] { font-size: 22px !important; }
h1 { font-size: 52px !important; color: #000000 !important; }
h2 { font-size: 40px !important; color: #000000 !important; }
.vss-slide-break { break-after: page; height: 0; }
@media print { .st-key-brief_controls { display: none !important; } }
</style>"""


def presenter_style() -> None:
    st.html(_PRESENTER_STYLE)


def briefing_controls(quarters: list, lang_: str):
    """Quarter (default: the last complete one) and public mode, in one row above the deck;
    both kept in the URL (?quarter=2026-Q3&public=1)."""
    keys = [q.key for q in quarters]
    with st.container(key="brief_controls"):
        cols = st.columns([2, 2, 2, 3], vertical_alignment="bottom")
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
            if st.button(i18n.t("leave_briefing", lang_), icon=":material/logout:", key="leave"):
                st.switch_page(PAGE_HOME)
        with cols[3]:
            export_deck_button(choice, public, lang_)
    return briefing.Quarter.parse(choice), public


def export_deck_button(quarter: str, public: bool, lang_: str) -> None:
    """Print the deck as PDF + PNGs with headless Chromium from this very server, then offer
    the files. Takes a while (a page load per slide), so it shows progress."""
    if not access.can_export(role()):
        return
    if not deck_export.available():
        st.caption(i18n.t("export_needs_chromium", lang_))
        return
    if st.button(i18n.t("export_deck", lang_), icon=":material/picture_as_pdf:", key="export"):
        with st.spinner(i18n.t("exporting_deck", lang_)), tempfile.TemporaryDirectory() as tmp:
            with _deck_server() as base:
                files = deck_export.export_deck(
                    base, quarter, lang_, public, len(briefing.slides(public)), Path(tmp)
                )
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


@st.fragment
def slide_deck(fr: metrics.Frames, deck: list, quarter, public: bool, lang_: str) -> None:
    """One slide at a time, kept in ?slide=N. A fragment: changing slides redraws the slide only,
    so the rest of the screen does not flash."""
    n = len(deck)
    options = [str(i) for i in range(1, n + 1)]
    _seed_from_url("slide", options, "1")
    url_notices(lang_)
    current = int(st.session_state["slide"])
    cols = st.columns([1, 6, 1], vertical_alignment="center")
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
    _write_to_url("slide", str(current), "1")
    draw_slide(fr, deck[current - 1], current, n, quarter, public, lang_)


def draw_slide(
    fr: metrics.Frames, slide, number: int, total: int, quarter, public: bool, lang_: str
) -> None:
    period = quarter.end
    qlabel = i18n.t("quarter_label", lang_, q=quarter.q, year=quarter.year)
    with st.container(key=f"slide_{number}"):
        st.title(i18n.t(f"slide_{slide.kind}", lang_))
        st.caption(
            f"{qlabel} · {i18n.t('as_of', lang_, date=i18n.format_date(period, lang_))}"
            f" · {number}/{total}"
        )
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
                height=780,
            )
            st.plotly_chart(
                fig,
                config={"displayModeBar": False, "topojsonURL": TOPOJSON_URL, "staticPlot": True},
                key=f"brief_map_{number}",
            )
        elif slide.kind in ("plan_revenue", "plan_participants"):
            view = compute(fr, "plan", slide.measures[0], period, module=briefing)
            plan_summary(view, lang_)
            st.plotly_chart(
                charts.plan_chart(view, lang_, height=560),
                config={"displayModeBar": False, "staticPlot": True},
                key=f"brief_plan_{number}",
            )
        elif slide.kind == "watch":
            rows = compute(fr, "watch_rows", period, public, module=briefing)
            st.dataframe(watch_slide_table(rows, lang_), hide_index=True, height=700)
        elif slide.kind == "benefits":
            snap, _ = compute(fr, "kpis", list(slide.measures), period)
            rows = [list(slide.measures[i : i + 3]) for i in range(0, len(slide.measures), 3)]
            kpi_grid(
                rows,
                snap,
                _NO_HISTORY,
                lang_,
                fr.source_titles(),
                {m: i18n.t("ytd", lang_).capitalize() for m in slide.measures},
            )
        else:
            closing_slide(fr, period, lang_)
    if number < total:
        st.html('<div class="vss-slide-break"></div>')


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
    titles = fr.source_titles()
    used = compute(fr, "sources_used", period, module=briefing)
    for sid in used[:SOURCES_ON_SLIDE]:
        st.markdown(f"- {i18n.md_escape(titles.get(sid, sid))}")
    if len(used) > SOURCES_ON_SLIDE:
        st.caption(i18n.t("sources_more", lang_, n=len(used) - SOURCES_ON_SLIDE))
