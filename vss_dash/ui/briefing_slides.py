"""The press briefing's slides: the deck one slide at a time (keys, clicks, ?slide=N) and each
slide drawn from the data at the slide's own 1920x1080 pixels."""

from __future__ import annotations

import html

import polars as pl
import streamlit as st

from vss_dash import boundaries, charts, i18n, metrics, narrative
from vss_dash.ui import queries, state
from vss_dash.ui.briefing_page import presenting
from vss_dash.ui.briefing_style import KEYS_STYLE, WATCH_STYLE
from vss_dash.ui.map_page import TOPOJSON_URL
from vss_dash.ui.plan_page import plan_summary
from vss_dash.ui.widgets import kpi_grid, status_badge

SOURCES_ON_SLIDE = 6  # more would not fit a slide at 1080 px
# The charts' heights where the slide does not set them (the print layout): what the title, date
# line and badge leave of 1080 px; what the title and the plan, completion and projection cards
# leave. On screen a chart takes what its slide leaves (briefing_style._CHART_FILL).
MAP_H = 860
PLAN_CHART_H = 450
_NO_HISTORY = pl.DataFrame(schema={"measure": pl.String, "value": pl.Float64})


def _move_slide(step: int, n: int) -> None:
    current = int(st.session_state.get("slide", "1"))
    st.session_state["slide"] = str(min(max(current + step, 1), n))


def _go_to(number: int) -> None:
    st.session_state["slide"] = str(number)


@st.fragment
def slide_deck(fr: metrics.Frames, deck: narrative.Deck, lang_: str) -> None:
    """One slide at a time, kept in ?slide=N. A fragment: changing slides redraws the slide only,
    so the rest of the screen does not flash. Keys: ← → (the arrows' buttons), Home, End and a
    slide's digit (hidden buttons' shortcuts, no script of our own); in presentation mode a
    click or tap anywhere is the next slide."""
    n = len(deck.slides)
    options = [str(i) for i in range(1, n + 1)]
    state.seed("slide", options, "1")
    state.notices(lang_)
    current = int(st.session_state["slide"])
    cols = st.container(key="brief_nav").columns([2, 5, 2], vertical_alignment="center")
    # callbacks move the slide before the run draws the buttons, so both are enabled right
    cols[0].button(
        i18n.t("prev_slide_label", lang_),
        icon=":material/arrow_back:",
        key="brief_prev",
        shortcut="Left",
        disabled=current == 1,
        help=i18n.t("prev_slide", lang_),
        on_click=_move_slide,
        args=(-1, n),
    )
    cols[2].button(
        i18n.t("next_slide_label", lang_),
        icon=":material/arrow_forward:",
        key="brief_next",
        shortcut="Right",
        disabled=current == n,
        help=i18n.t("next_slide", lang_),
        on_click=_move_slide,
        args=(1, n),
    )
    cols[1].caption(i18n.t("slide_of", lang_, n=current, total=n))
    st.html(KEYS_STYLE)
    with st.container(key="brief_keys", horizontal=True):
        st.button("Home", key="brief_home", shortcut="Home", on_click=_go_to, args=(1,))
        st.button("End", key="brief_end", shortcut="End", on_click=_go_to, args=(n,))
        for i in range(1, min(n, 9) + 1):
            st.button(str(i), key=f"brief_go_{i}", shortcut=str(i), on_click=_go_to, args=(i,))
    if presenting():
        st.button(
            i18n.t("next_tap", lang_),
            key="brief_tap",
            on_click=_move_slide,
            args=(1 if current < n else 1 - n, n),  # the last slide's click goes back to 1
        )
    state.write("slide", str(current), "1")
    state.flush()  # a fragment's run ends here as far as the URL goes
    with st.container(key="brief_stage"):
        draw_slide(fr, deck.slides[current - 1], lang_)


def draw_slide(fr: metrics.Frames, slide: narrative.SlideData, lang_: str) -> None:
    """A slide of the deck (narrative.build_deck) as it is: the renderer draws what the deck
    holds and queries nothing, so the page, the PDF printed from it, the PowerPoint and the
    notes show the same figures. `fr` only names sources and events."""
    with st.container(key=f"slide_{slide.number}"):
        st.title(slide.title)
        # no page counter on the slide: the operator's "n/7" lives in the presenter bar
        st.caption(slide.subtitle)
        if slide.demo:
            status_badge("demo", None, lang_)
        match slide:
            case narrative.KpiSlide():
                per_row = 3 if slide.kind == "headline" else 4
                measures = [k.measure for k in slide.kpis]
                rows = [measures[i : i + per_row] for i in range(0, len(measures), per_row)]
                # no sparklines on a slide: the numbers must fit one screen, readable from afar
                kpi_grid(rows, _snapshot(slide.kpis), _NO_HISTORY, lang_, fr.source_titles())
            case narrative.MapSlide():
                labels = [
                    {"lon": a["lon"], "lat": a["lat"], "text": i18n.t(a["label_key"], lang_)}
                    for a in boundaries.archipelagos()
                ]
                fig = charts.choropleth(
                    slide.table,
                    boundaries.load_geojson(slide.layout),
                    slide.kpi.measure,
                    lang_,
                    slide.national,
                    labels,
                    height=MAP_H,
                )
                _projector_type(fig)
                st.plotly_chart(
                    fig,
                    config={
                        "displayModeBar": False,
                        "topojsonURL": TOPOJSON_URL,
                        "staticPlot": True,
                    },
                    key=f"brief_map_{slide.number}",
                    width="stretch",  # and as tall as the slide leaves (briefing_style)
                )
            case narrative.PlanSlide():
                plan_summary(slide.view, lang_)
                chart = charts.plan_chart(
                    slide.view, lang_, height=PLAN_CHART_H, prov=queries.provenance(fr)
                )
                st.plotly_chart(
                    _projector_type(chart),
                    config={"displayModeBar": False, "staticPlot": True},
                    key=f"brief_plan_{slide.number}",
                    width="stretch",  # and as tall as the slide leaves (briefing_style)
                )
            case narrative.WatchSlide():
                st.html(WATCH_STYLE + watch_html(slide.table))
            case narrative.ClosingSlide():
                closing_slide(slide, lang_)


def _snapshot(kpis: list[narrative.Kpi]) -> pl.DataFrame:
    """The deck's KPIs as the rows the KPI cards take (metrics.snapshot's columns)."""
    return pl.DataFrame(
        [
            {
                "measure": k.measure,
                "period": None,
                "value": k.value,
                "status": k.status,
                "source_id": k.source_id,
                "change": k.change,
                "change_kind": k.change_kind,
            }
            for k in kpis
        ],
        schema={
            "measure": pl.String,
            "period": pl.Date,
            "value": pl.Float64,
            "status": pl.String,
            "source_id": pl.String,
            "change": pl.Float64,
            "change_kind": pl.String,
        },
    )


def _projector_type(fig):
    """Type a projector can carry to the back of the room: axes, legend, labels at 24 px."""
    # the chart's size is its box's on the slide, in the slide's own pixels however the slide is
    # scaled (briefing_style._CHART_FILL); the figure's height holds where that does not apply
    fig.update_layout(
        font_size=24,
        legend_font_size=24,
        hoverlabel_font_size=20,
    )
    fig.update_xaxes(tickfont_size=24, title_font_size=24)
    fig.update_yaxes(tickfont_size=24, title_font_size=24)  # the unit on the plan axis
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


def closing_slide(slide: narrative.ClosingSlide, lang_: str) -> None:
    """The data's status by share, and the sources the deck's figures come from."""
    st.subheader(i18n.t("data_status", lang_))
    for line in slide.bullets:
        st.markdown(f"- {i18n.md_escape(line)}")
    st.subheader(i18n.t("sources", lang_))
    for line in slide.sources[:SOURCES_ON_SLIDE]:
        st.markdown(f"- {i18n.md_escape(line)}")
    if len(slide.sources) > SOURCES_ON_SLIDE:
        st.caption(i18n.t("sources_more", lang_, n=len(slide.sources) - SOURCES_ON_SLIDE))
