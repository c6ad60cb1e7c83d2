"""The press briefing's slides: the deck one slide at a time (keys, clicks, ?slide=N) and each
slide drawn from the data at the slide's own 1920x1080 pixels."""

from __future__ import annotations

import html

import polars as pl
import streamlit as st

from vss_dash import boundaries, briefing, catalog, charts, geo, i18n, metrics, narrative, store
from vss_dash.ui import queries, state
from vss_dash.ui.briefing_page import presenting
from vss_dash.ui.briefing_style import KEYS_STYLE, SLIDE_W, WATCH_STYLE
from vss_dash.ui.map_page import TOPOJSON_URL
from vss_dash.ui.plan_page import plan_summary
from vss_dash.ui.widgets import demo_notice, kpi_grid, status_badge, status_label

SOURCES_ON_SLIDE = 6  # more would not fit a slide at 1080 px
MAP_H = 860  # what the title, date line and badge leave of 1080 px
PLAN_CHART_H = 450  # what the title and the plan, completion and projection cards leave
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
    state.seed("slide", options, "1")
    state.notices(lang_)
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
        draw_slide(fr, deck[current - 1], current, n, quarter, public, lang_)


def draw_slide(
    fr: metrics.Frames, slide, number: int, total: int, quarter, public: bool, lang_: str
) -> None:
    period = quarter.end
    qlabel = i18n.t("quarter_label", lang_, q=quarter.q, year=quarter.year)
    with st.container(key=f"slide_{number}"):
        st.title(i18n.t(i18n.SLIDE_KEYS[slide.kind], lang_))
        # no page counter on the slide: the operator's "n/7" lives in the presenter bar
        subtitle = f"{qlabel} · {i18n.t('as_of', lang_, date=i18n.format_date(period, lang_))}"
        if slide.kind == "benefits":  # every number on it is year to date: said once
            subtitle += f" · {i18n.t('ytd', lang_).capitalize()}"
        st.caption(subtitle)
        if queries.brief_data_status(fr, period).get("demo"):
            status_badge("demo", None, lang_)
        if slide.kind == "headline":
            snap, _ = queries.kpis(fr, list(slide.measures), period)
            rows = [list(slide.measures[i : i + 3]) for i in range(0, len(slide.measures), 3)]
            # no sparklines on a slide: the numbers must fit one screen, readable from the back
            kpi_grid(rows, snap, _NO_HISTORY, lang_, fr.source_titles())
        elif slide.kind == "map":
            layout = geo.layout_for_period(period)
            table = queries.province_table(fr, briefing.MAP_MEASURE, layout, period)
            national = queries.value_at(fr, briefing.MAP_MEASURE, "VN", geo.NATIONAL, period)
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
            view = queries.brief_plan(fr, slide.measures[0], period)
            plan_summary(view, lang_)
            st.plotly_chart(
                _projector_type(
                    charts.plan_chart(
                        view,
                        lang_,
                        height=PLAN_CHART_H,
                        prov=queries.provenance(fr),
                    )
                ),
                config={"displayModeBar": False, "staticPlot": True},
                key=f"brief_plan_{number}",
                width="content",  # the figure's own size, in the slide's pixels (see below)
            )
        elif slide.kind == "watch":
            rows = queries.brief_watch_rows(fr, period, public)
            st.html(WATCH_STYLE + watch_html(narrative.watch_table(rows, lang_)))
        elif slide.kind == "benefits":
            snap, _ = queries.kpis(fr, list(slide.measures), period)
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


def watch_slide_table(rows: pl.DataFrame, lang_: str) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                i18n.t("col_reason", lang_): i18n.t(i18n.REASON_KEYS[r["reason"]], lang_),
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
        schema=[
            i18n.t("col_reason", lang_),
            i18n.t("col_province", lang_),
            i18n.t("col_value", lang_),
            i18n.t("national", lang_),
        ],
    )


def closing_slide(fr: metrics.Frames, period, lang_: str) -> None:
    shares = queries.brief_data_status(fr, period)
    st.subheader(i18n.t("data_status", lang_))
    for status in reversed(store.STATUS_VALUES):  # the strongest first
        if status in shares:
            st.markdown(
                f"- {status_label(status, lang_)}: "
                f"{i18n.format_percent(100 * shares[status], lang_, 1)}"
            )
    if shares.get("demo"):
        demo_notice(lang_)
    st.subheader(i18n.t("sources", lang_))
    used = queries.brief_sources_used(fr, period)
    for sid in used[:SOURCES_ON_SLIDE]:
        st.markdown(f"- {i18n.md_escape(briefing.source_line(fr, sid, lang_))}")
    if len(used) > SOURCES_ON_SLIDE:
        st.caption(i18n.t("sources_more", lang_, n=len(used) - SOURCES_ON_SLIDE))
