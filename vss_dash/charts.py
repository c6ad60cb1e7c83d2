"""Pure chart builders: Polars frame in, Plotly figure out. No Streamlit here.

Colours come from the Okabe–Ito palette, which stays distinguishable for the common forms of colour
blindness; every line also has its own dash pattern, so no series is told apart by colour alone.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import date
from typing import Literal

import plotly.colors as pc
import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from vss_dash import catalog, i18n, metrics

# Okabe–Ito, darkened where needed for 3:1 contrast against white (WCAG 2.1 non-text contrast)
PALETTE = ["#0072B2", "#B35900", "#007A5A", "#9E3D75", "#444444", "#6B6B00"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
FONT = dict(family="Source Sans, Source Sans Pro, sans-serif", size=14, color="#1F2430")


def _base_layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        margin=dict(l=8, r=8, t=36, b=8),
        font=FONT,
        paper_bgcolor="white",
        plot_bgcolor="white",
        hovermode="x unified",
        legend=dict(
            orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, tracegroupgap=0
        ),
    )
    fig.update_xaxes(showgrid=False, linecolor="#6B6B6B", ticks="outside")
    fig.update_yaxes(gridcolor="#E3E3E3", zeroline=False)
    return fig


# ---------------------------------------------------------------- provenance on time charts

# The one place for how a value's status looks on a time chart. A published figure is a dark
# filled diamond with a white rim (it reads on every line colour, and by shape, not colour, for
# colour-blind readers); a demo month is a small open circle on its line, so a stretch of demo
# between two published points is visibly made of demo months; a reported month is a small dot.
PUBLISHED_MARKER = dict(
    symbol="diamond", size=12, color="#1F2430", line=dict(color="white", width=1.5)
)
POINT_MARKER = {  # status -> (symbol, size) of the month's marker on its own line
    "demo": ("circle-open", 6),
    "reported": ("circle", 6),
    "published": ("circle", 1),  # drawn over by PUBLISHED_MARKER
}
EVENT_LINE = dict(color="#5F6673", width=1, dash="dot")
EVENT_FONT = dict(size=10, color="#3D4350")


@dataclass(frozen=True)
class Provenance:
    """What a time chart shows besides its values: where published figures came from, what else
    was published for them, and the dated events on its time axis. Any part may be None.

    sources: source_id, publisher, date (the store's sources table).
    alternatives: period, layout, geo_code, measure, value, role, publisher
    (published.alternatives).
    events: date, label_vi, label_en, source (published.events).
    layout, geo_code: the place a chart of one place shows (series with their own columns of
    layout and geo_code use those)."""

    sources: pl.DataFrame | None = None
    alternatives: pl.DataFrame | None = None
    events: pl.DataFrame | None = None
    layout: str = "VN"
    geo_code: str = "VN"

    def source_text(self, source_id: str | None, lang: str) -> str:
        """ "Công bố: <publisher>, <date>" for a published value's source."""
        who, when = source_id or "?", None
        if self.sources is not None and source_id:
            hit = self.sources.filter(pl.col("source_id") == source_id)
            if hit.height:
                who = hit.item(0, "publisher") or hit.item(0, "title") or source_id
                when = hit.item(0, "date")
        return i18n.t("published_source", lang, who=who, date=i18n.format_date(when, lang))

    def also(
        self,
        measure: str,
        period: date,
        lang: str,
        layout: str | None = None,
        geo_code: str | None = None,
    ) -> str:
        """ "Cũng công bố: …" for a value, or ""."""
        if self.alternatives is None or not self.alternatives.height:
            return ""
        key = (period, layout or self.layout, geo_code or self.geo_code, measure)
        items = self._alt_index.get(key, [])
        return i18n.format_also_published(items, catalog.get(measure).unit, lang)

    @functools.cached_property
    def _alt_index(self) -> dict:
        """The alternatives by (period, layout, geo_code, measure), made at the first `also`
        (the overview's nine cards each made it again: 6 % of a run)."""
        index: dict[tuple, list] = {}
        for r in self.alternatives.iter_rows(named=True):
            key = (r["period"], r["layout"], r["geo_code"], r["measure"])
            index.setdefault(key, []).append(
                (r["value"], r["publisher"], r["role"] == "earlier estimate")
            )
        return index


def _status_points(
    fig: go.Figure,
    df: pl.DataFrame,
    measure: str | None,
    unit: str,
    lang: str,
    prov: Provenance | None,
    legend: set,
) -> tuple[list[str], dict]:
    """For a line's rows (period, value, and where known status, source_id, layout, geo_code):
    each row's hover text (value, status, what else was published), the line's per-point marker,
    and a trace of PUBLISHED_MARKER over its published rows, with the source in the hover.
    `legend` holds the legend entries already drawn (one "Published figure" for the chart)."""
    prov = prov or Provenance()
    has_status = "status" in df.columns
    statuses = df.get_column("status").to_list() if has_status else [None] * df.height
    sources = (
        df.get_column("source_id").to_list() if "source_id" in df.columns else [None] * df.height
    )
    layouts = df.get_column("layout").to_list() if "layout" in df.columns else [None] * df.height
    codes = df.get_column("geo_code").to_list() if "geo_code" in df.columns else [None] * df.height
    texts, pub_x, pub_y, pub_text = [], [], [], []
    for period, value, status, sid, lay, code in zip(
        df.get_column("period"),
        df.get_column("value"),
        statuses,
        sources,
        layouts,
        codes,
        strict=True,
    ):
        text = i18n.format_value(value, unit, lang)
        if status is not None:
            text += f" · {i18n.status_word(status, lang)}"
        also = prov.also(measure, period, lang, lay, code) if measure else ""
        if status == "published":
            pub_x.append(period)
            pub_y.append(value)
            pub_text.append("<br>".join(x for x in (prov.source_text(sid, lang), also) if x))
        elif also:
            text += f"<br>{also}"
        texts.append(text)
    marker = None
    if has_status:
        marker = dict(
            symbol=[POINT_MARKER.get(s, POINT_MARKER["demo"])[0] for s in statuses],
            size=[POINT_MARKER.get(s, POINT_MARKER["demo"])[1] for s in statuses],
        )
    if pub_x:
        name = i18n.status_word("published", lang)
        fig.add_trace(
            go.Scatter(
                x=pub_x,
                y=pub_y,
                mode="markers",
                name=name,
                legendgroup="published",
                showlegend="published" not in legend,
                marker=PUBLISHED_MARKER,
                hovertext=pub_text,
                hovertemplate="%{hovertext}<extra></extra>",
                legendrank=1001,
            )
        )
        legend.add("published")
    if has_status and "demo" in statuses and "demo" not in legend:
        fig.add_trace(  # a legend entry only: what the open circles on the lines mean
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=i18n.t("demo_between", lang),
                marker=dict(symbol="circle-open", size=8, color="#5F6673"),
                hoverinfo="skip",
                legendgroup="demo",
                legendrank=1002,
            )
        )
        legend.add("demo")
    return texts, marker or {}


def _event_groups(
    events: pl.DataFrame, start: date, end: date, min_gap: float
) -> list[tuple[date, list[dict]]]:
    """Events within [start, end], one group a label: events on one day share a label, and so do
    events closer than `min_gap` (a fraction of the range) to the group before them."""
    span = max((end - start).days, 1)
    groups: list[tuple[date, list[dict]]] = []
    for r in events.sort("date").iter_rows(named=True):
        if not (start <= r["date"] <= end):
            continue
        if groups and (r["date"] - groups[-1][0]).days / span < min_gap:
            groups[-1][1].append(r)
        else:
            groups.append((r["date"], [r]))
    return groups


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def add_events(
    fig: go.Figure,
    events: pl.DataFrame | None,
    lang: str,
    start: date,
    end: date,
    height: int = 380,
    min_gap: float = 0.025,
) -> go.Figure:
    """A dotted vertical line for each event of `events` within [start, end] (the chart's time
    range), named in the legend ("01/07/2025 · 63 → 34 tỉnh"), not by a label on the plot.
    Labels on the plot collided whatever their rule: with each other (the 2025 merger and the
    new Social Insurance Law fall on one day, the resolutions months apart), with the lines and
    targets they crossed, and on a phone with the plot's edge. The legend lays its entries out
    in rows at any width, and a click on one hides its line. Each event has its entry, its
    short name (`short_vi`/`short_en`) and date (events of one day draw one line over the
    other); the Sources page lists every event in full. Events closer than `min_gap` of the
    range form a group, which a click in the legend hides together; `height` is kept for
    callers."""
    if events is None or not events.height:
        return fig
    col = "label_vi" if lang == "vi" else "label_en"
    short = f"short_{lang}" if f"short_{lang}" in events.columns else col
    for day, group in _event_groups(events, start, end, min_gap):
        for r in group:
            fig.add_shape(
                type="line",
                x0=r["date"],
                x1=r["date"],
                xref="x",
                y0=0,
                y1=1,
                yref="paper",
                line=EVENT_LINE,
                layer="below",
                name=f"{i18n.format_date(r['date'], lang)} · {r[short]}",
                showlegend=True,
                legendgroup=f"event_{day:%Y%m%d}",
                legendrank=1100,
            )
    return fig


def _range(periods) -> tuple[date, date] | None:
    values = [p for p in periods if p is not None]
    return (min(values), max(values)) if values else None


def trend_lines(
    history: pl.DataFrame,
    lang: str,
    targets: pl.DataFrame | None = None,
    height: int = 380,
    prov: Provenance | None = None,
    panels: bool = False,
) -> go.Figure:
    """Lines over time, one per measure.

    history: columns measure, period, value (a long frame).
    targets: optional columns measure, year, target: a bar across the target's month in the
    measure's colour, its value in the hover and "Mục tiêu" in the legend (a label beside it
    sat on the lines and, on a phone, on the other targets' labels).
    panels: one panel a measure, stacked over one time axis, each with its own value axis
    (small multiples): coverage rates of 35 % and 95 % on one 30–100 % axis flattened the few
    points a year each gains; a panel's title names its line.
    """
    measures = history.get_column("measure").unique(maintain_order=True).to_list()
    panels = panels and len(measures) > 1
    if panels:
        fig = make_subplots(
            rows=len(measures),
            cols=1,
            shared_xaxes=True,
            vertical_spacing=0.09,
            subplot_titles=[catalog.get(mid).label(lang) for mid in measures],
        )
    else:
        fig = go.Figure()
    unit = catalog.get(measures[0]).unit if measures else "count"
    legend: set = set()
    for i, mid in enumerate(measures):
        m = catalog.get(mid)
        df = history.filter(pl.col("measure") == mid).sort("period")
        colour = PALETTE[i % len(PALETTE)]
        idx = len(fig.data)
        texts, marker = _status_points(fig, df, mid, m.unit, lang, prov, legend)
        fig.add_trace(
            go.Scatter(
                x=df.get_column("period").to_list(),
                y=df.get_column("value").to_list(),
                name=m.label(lang),
                mode="lines+markers" if marker else "lines",
                line=dict(color=colour, dash=DASHES[i % len(DASHES)], width=3),
                marker=dict(color=colour, **marker),
                customdata=texts,
                hovertemplate="%{customdata}<extra>" + m.label(lang) + "</extra>",
                showlegend=not panels,  # a panel's title names its line
            )
        )
        _line_first(fig, idx)
        if targets is not None:
            tg = targets.filter(pl.col("measure") == mid)
            for row in tg.iter_rows(named=True):
                label = i18n.t(
                    "target_label",
                    lang,
                    year=row["year"],
                    value=i18n.format_value(row["target"], m.unit, lang),
                )
                # a target is a bar across its month (not a diamond: those are published values)
                fig.add_trace(
                    go.Scatter(
                        x=[row["period"]],
                        y=[row["target"]],
                        mode="markers",
                        name=i18n.t("target_legend", lang),
                        legendgroup="target",
                        showlegend="target" not in legend,
                        marker=dict(
                            symbol="line-ew",
                            size=22,
                            line=dict(width=3, color=PALETTE[i % len(PALETTE)]),
                        ),
                        hovertemplate=label + "<extra></extra>",
                        legendrank=1003,
                    )
                )
                legend.add("target")
        if panels:  # the traces of this measure into its own panel
            axis = "" if i == 0 else str(i + 1)
            for trace in fig.data[idx:]:
                trace.update(xaxis=f"x{axis}", yaxis=f"y{axis}")
    if unit == "percent":
        # fitted to the lines and targets, not 0-100: a change of a few points must show
        fig.update_yaxes(ticksuffix="%", autorange=True, rangemode="normal")
    _month_axis(fig, history.get_column("period"), lang)
    if (span := _range(history.get_column("period"))) and prov is not None:
        add_events(fig, prov.events, lang, *span, height=height)
    fig.update_layout(separators=",." if lang == "vi" else ".,")
    _base_layout(fig, height)
    if panels:
        for title in fig.layout.annotations:  # each panel's title over its left edge
            title.update(x=0, xanchor="left", font=dict(size=14, color=FONT["color"]))
        # the legend under the time axis: over the plot it would sit on the first title
        fig.update_layout(
            legend=dict(
                orientation="h",
                yref="container",
                y=0,
                yanchor="bottom",
                x=0,
                xanchor="left",
                tracegroupgap=0,
            ),
            margin=dict(l=8, r=8, t=28, b=8),
        )
    return fig


def _line_first(fig: go.Figure, idx: int) -> None:
    """Move the trace just added (a line) before the traces added since position `idx` (its
    published markers), so the markers are drawn on top and the legend lists the line first."""
    if len(fig.data) - 1 > idx:
        traces = list(fig.data)
        fig.data = traces[:idx] + [traces[-1]] + traces[idx:-1]


def series_lines(
    df: pl.DataFrame,
    unit: str,
    lang: str,
    height: int = 360,
    prov: Provenance | None = None,
    measure: str | None = None,
) -> go.Figure:
    """Lines from a long frame with columns series, period, value; one line per series. With
    status (and source_id, layout, geo_code) columns, published values are marked and demo
    months shown as such; `measure` names what else was published for a value."""
    fig = go.Figure()
    legend: set = set()
    for i, name in enumerate(df.get_column("series").unique(maintain_order=True)):
        part = df.filter(pl.col("series") == name).sort("period")
        colour = PALETTE[i % len(PALETTE)]
        idx = len(fig.data)
        texts, marker = _status_points(fig, part, measure, unit, lang, prov, legend)
        fig.add_trace(
            go.Scatter(
                x=part.get_column("period").to_list(),
                y=part.get_column("value").to_list(),
                name=name,
                mode="lines+markers" if marker else "lines",
                line=dict(color=colour, dash=DASHES[i % len(DASHES)], width=3),
                marker=dict(color=colour, **marker),
                customdata=texts,
                hovertemplate="%{customdata}<extra>" + name + "</extra>",
            )
        )
        _line_first(fig, idx)
    if unit == "percent":
        fig.update_yaxes(ticksuffix="%")
    _month_axis(fig, df.get_column("period"), lang)
    if (span := _range(df.get_column("period"))) and prov is not None:
        add_events(fig, prov.events, lang, *span, height=height)
    fig.update_layout(separators=",." if lang == "vi" else ".,")
    return _base_layout(fig, height)


def _month_axis(fig: go.Figure, periods, lang: str, every: int | None = None) -> None:
    """Ticks on the month ends the data sits on (a tick at the 1st would label the previous
    month's point), thinned to about eight. Plotly names months in English only, so Vietnamese
    readers get numeric months (10/2026). Values on the y axis in full, with the language's
    separators, instead of "600k"."""
    months = sorted(set(periods))
    if months:
        step = every or max(1, len(months) // 8 + (len(months) % 8 > 0))
        fig.update_xaxes(tickvals=months[::-1][::step][::-1])
    fig.update_xaxes(tickformat="%m/%Y" if lang == "vi" else "%b %Y")
    fig.update_yaxes(tickformat=",~r")


def colour_scale(measure: str) -> tuple[str, float | None]:
    """(Plotly colour scale, midpoint) that reads right for the measure: plan completion diverges
    around 100 %; where lower is better, worse is darker (oranges); otherwise more is darker
    (blues). Single-hue and blue–orange scales stay readable for colour-blind viewers."""
    m = catalog.get(measure)
    if m.formula is not None and m.formula.op == "plan_ratio":
        return "PuOr", 100.0
    # the palest two steps are dropped: a province must never look like the white background
    if m.good == "down":
        return [list(p) for p in zip(_steps(7), pc.sequential.Oranges[2:], strict=True)], None
    return [list(p) for p in zip(_steps(7), pc.sequential.Blues[2:], strict=True)], None


def _steps(n: int) -> list[float]:
    return [i / (n - 1) for i in range(n)]


# Map frames (longitudes, latitudes). "all": the provinces' shapes (102.1–115.8 °E, 8.3–23.4 °N:
# the mainland and the Trường Sa islands) with a little room for the archipelagos' names, and no
# more, so that the country fills its frame; the two deltas, where provinces are a few pixels wide
# in the whole country's frame.
MAP_REGIONS: dict[str, tuple[list[float], list[float]]] = {
    "all": ([102.0, 116.0], [7.8, 23.45]),
    "red_river": ([104.8, 107.4], [19.7, 21.8]),
    "mekong": ([104.3, 107.1], [8.4, 11.3]),
}
# What the colour bar adds under a delta's frame, as a share of the frame's height (the whole
# country's bar lies in the sea north-east of the mainland, inside the frame).
_BAR_BELOW = 0.22


def _mercator(lat: float) -> float:
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def map_aspect(region: str = "all") -> float:
    """Width over height of the map of `region` (legend="map"), as plotly draws it: its frame in
    the Mercator projection, and under a delta's frame its colour bar. A box of this shape is
    filled by the map; Vietnam is tall (about 0.86)."""
    lon, lat = MAP_REGIONS[region]
    aspect = (lon[1] - lon[0]) / (_mercator(lat[1]) - _mercator(lat[0]))
    return aspect if region == "all" else aspect / (1 + _BAR_BELOW)


def _map_points(
    table: pl.DataFrame, measure: str, lang: str, period: date | None = None
) -> tuple[list[list[str]], str]:
    """Each province's hover (name, value, numerator, denominator, rank, change, and the month
    when `period` is given: a map that moves through time says which month it shows) and its
    template, for a choropleth of `table` (metrics.province_table)."""
    m = catalog.get(measure)
    n = table.height
    parts = m.formula
    num_unit = den_unit = m.unit
    if parts is not None and parts.op in ("ratio", "plan_ratio", "yoy_pct"):
        num_unit = catalog.get(parts.args[0]).unit
        den_unit = catalog.get(parts.args[-1]).unit
    custom = [
        [
            r["name"],
            i18n.format_value(r["value"], m.unit, lang),
            i18n.format_value(r["numerator"], num_unit, lang),
            i18n.format_value(r["denominator"], den_unit, lang),
            f"{r['rank']}/{n}",
            i18n.format_change(r["change"], lang, r["change_kind"]),
            i18n.format_month(period, lang) if period else "",
        ]
        for r in table.iter_rows(named=True)
    ]
    has_parts = parts is not None and parts.op != "sum"
    hover = (
        "<b>%{customdata[0]}</b>"
        + (" · %{customdata[6]}" if period else "")
        + "<br>"
        + f"{m.label(lang)}: %{{customdata[1]}}<br>"
        + (
            f"{i18n.t('numerator', lang)}: %{{customdata[2]}}<br>"
            f"{i18n.t('denominator', lang)}: %{{customdata[3]}}<br>"
            if has_parts
            else ""
        )
        + f"{i18n.t('rank', lang)}: %{{customdata[4]}}<br>"
        + f"{i18n.t('yoy_short', lang)}: %{{customdata[5]}}<extra></extra>"
    )
    return custom, hover


def _map_range(values: pl.Series, mid: float | None) -> tuple[float | None, float | None]:
    """The colour scale's ends: the values' range (a month with no value yet has nothing to
    scale), symmetric around the midpoint when there is one, so equal distances get equal
    colour."""
    known = values.filter(values.is_finite())
    zmin, zmax = known.min(), known.max()
    if mid is not None and zmin is not None:
        half = max(abs(zmax - mid), abs(mid - zmin))
        zmin, zmax = mid - half, mid + half
    return zmin, zmax


def _map_ticks(
    zmin: float | None, zmax: float | None, national: float | None, measure: str, lang: str, legend
) -> tuple[list[float], list[str]]:
    """The colour bar's ticks, and the national value marked among them."""
    m = catalog.get(measure)
    ticks = _ticks(zmin, zmax)
    tickvals = list(ticks)
    ticktext = [i18n.format_number(v, lang, decimals=_decimals(ticks)) for v in ticks]
    if national is not None:
        tickvals.append(national)
        said = f"{i18n.t('national', lang)} {i18n.format_value(national, m.unit, lang)}"
        # "below" (kept for its callers) prints its ▲ on the line of the other ticks, over one
        # the national value is near (issue 26); "map" leaves that line empty, then the ▲ at the
        # national value on a line of its own, then the words: it never covers a tick
        marker = {"right": f"◀ {said}", "below": f"▲<br>{said}"}
        ticktext.append(marker.get(legend, f"<br>▲<br>{said}"))
    return tickvals, ticktext


def month_slider(
    fig: go.Figure,
    months: dict[date, tuple[pl.DataFrame, float | None]],
    measure: str,
    lang: str,
    current: date,
) -> go.Figure:
    """The map through time in the browser: a frame a month of `months` (each month's
    metrics.province_table and national value) and, in the sea east of the mainland under the
    colour bar, a slider with a play button, so that moving through the months draws from data
    the page already holds, without a round trip to the server. One colour scale for all the
    months (a colour is the same value in every month); each frame carries its hover and its
    national mark. The slider starts at `current`, the page's month; the page's tables stay at
    that month. For `choropleth(..., legend="map", region="all")`, whose first trace it moves."""
    if len(months) < 2 or current not in months:
        return fig
    periods = sorted(months)
    _, mid = colour_scale(measure)
    zmin, zmax = _map_range(pl.concat([t.get_column("value") for t, _ in months.values()]), mid)
    tickvals, ticktext = _map_ticks(zmin, zmax, months[current][1], measure, lang, "map")
    fig.data[0].update(zmin=zmin, zmax=zmax, colorbar=dict(tickvals=tickvals, ticktext=ticktext))
    frames = []
    for p in periods:
        table, national = months[p]
        custom, _ = _map_points(table, measure, lang, p)
        tickvals, ticktext = _map_ticks(zmin, zmax, national, measure, lang, "map")
        frames.append(
            go.Frame(
                name=f"{p:%Y-%m}",
                traces=[0],
                data=[
                    go.Choropleth(
                        locations=table.get_column("geo_code").to_list(),
                        z=table.get_column("value").to_list(),
                        customdata=custom,
                        zmin=zmin,
                        zmax=zmax,
                        colorbar=dict(tickvals=tickvals, ticktext=ticktext),
                    )
                ],
            )
        )
    fig.frames = frames
    still = dict(frame=dict(duration=0, redraw=True), mode="immediate", transition=dict(duration=0))
    play = dict(still, frame=dict(duration=700, redraw=True), fromcurrent=True)
    del play["mode"]
    text = dict(size=13, color=FONT["color"])
    fig.update_layout(
        sliders=[
            dict(
                active=periods.index(current),
                steps=[
                    dict(
                        method="animate",
                        label=i18n.format_month(p, lang),
                        args=[[f"{p:%Y-%m}"], still],
                    )
                    for p in periods
                ],
                x=0.62,
                len=0.38,
                y=0.74,
                yanchor="top",
                pad=dict(t=4, b=0, l=0, r=0),
                currentvalue=dict(prefix="", font=text, xanchor="left"),
                font=dict(size=1, color="rgba(0,0,0,0)"),  # no step labels: they would collide
                ticklen=0,
                minorticklen=0,
                bgcolor="#E3E3E3",
                bordercolor="#6B6B6B",
                activebgcolor="#1F2430",
            )
        ],
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                showactive=False,
                x=0.6,
                xanchor="right",
                y=0.74,
                yanchor="top",
                pad=dict(t=0, r=4),
                font=text,
                bgcolor="#FFFFFF",
                bordercolor="#6B6B6B",
                buttons=[
                    dict(label="▶", method="animate", args=[None, play]),  # play from here
                    dict(label="❚❚", method="animate", args=[[None], still]),  # pause
                ],
            )
        ],
    )
    return fig


def choropleth(
    table: pl.DataFrame,
    geojson: dict,
    measure: str,
    lang: str,
    national: float | None,
    labels: list[dict] | None = None,
    height: int | None = 640,
    legend: Literal["right", "below", "map"] = "right",
    region: str = "all",
    highlight: str | None = None,
    period: date | None = None,
) -> go.Figure:
    """A province map. table: geo_code, name, value, numerator, denominator, rank, change,
    change_kind (metrics.province_table). labels: points to name on the map (lon, lat, text).
    The national value is marked on the colour bar, which stands at the right or lies below the
    map (a narrow screen: the map gets the whole width); "map" (the map page): in the empty sea
    north-east of the mainland, inside the frame, or below a delta's frame, with the national
    marker on a line of its own under the ticks, so that it never covers one. height: None for
    the height of the box it is drawn in. region: a frame of MAP_REGIONS. highlight: a
    province's code, outlined in a heavy dark line over its colour. period: the month shown,
    named in each province's hover (the map page's, whose slider moves through months)."""
    m = catalog.get(measure)
    scale, mid = colour_scale(measure)
    custom, hover = _map_points(table, measure, lang, period)
    values = table.get_column("value")
    zmin, zmax = _map_range(values, mid)
    tickvals, ticktext = _map_ticks(zmin, zmax, national, measure, lang, legend)
    unit = i18n.t(i18n.UNIT_KEYS[m.unit], lang)
    bar = dict(len=0.8, thickness=16, title=dict(text=unit, side="top"))
    if legend == "below":
        bar = dict(
            orientation="h",
            x=0.5,
            xanchor="center",
            y=0,
            yanchor="top",
            len=0.9,
            thickness=12,
            title=dict(text=unit, side="top"),
        )
    if legend == "map":
        # horizontal, with ticks never turned (a turned "▲" line would cross the others)
        bar = dict(bar, orientation="h", thickness=12, tickangle=0, len=0.9)
        bar.update(x=0.5, xanchor="center", y=0, yanchor="top")
        if region == "all":  # the top right corner: sea and China, nothing of Vietnam's
            bar.update(x=1, xanchor="right", y=1, yanchor="top", len=0.42, ypad=8)
    fig = go.Figure(
        go.Choropleth(
            geojson=geojson,
            featureidkey="id",
            locations=table.get_column("geo_code").to_list(),
            z=values.to_list(),
            zmin=zmin,
            zmax=zmax,
            zmid=mid,
            colorscale=scale,
            marker=dict(line=dict(color="#5F6673", width=0.5)),
            customdata=custom,
            hovertemplate=hover,
            colorbar=dict(tickvals=tickvals, ticktext=ticktext, **bar),
        )
    )
    if highlight is not None and highlight in set(table.get_column("geo_code")):
        clear = [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]]
        fig.add_trace(
            go.Choropleth(
                geojson=geojson,
                featureidkey="id",
                locations=[highlight],
                z=[0],
                colorscale=clear,
                showscale=False,
                marker=dict(line=dict(color="#1F2430", width=3)),
                hoverinfo="skip",
                name="selected",
            )
        )
    if labels:
        fig.add_trace(
            go.Scattergeo(
                lon=[p["lon"] for p in labels],
                lat=[p["lat"] for p in labels],
                # two lines ("QĐ. Hoàng Sa" / "(Đà Nẵng)"): short enough for a phone's frame
                text=[p["text"].replace(" (", "<br>(") for p in labels],
                mode="markers+text",
                marker=dict(size=5, color="#1F2430", symbol="circle-open"),
                # Trường Sa's name to its left, over open sea, so the frame need not reach far east
                textposition=["middle left" if p["lat"] < 12 else "middle right" for p in labels],
                textfont=dict(size=12, color="#1F2430"),
                hoverinfo="text",
                showlegend=False,
            )
        )
    lon, lat = MAP_REGIONS[region]
    fig.update_geos(visible=False, projection_type="mercator", lonaxis_range=lon, lataxis_range=lat)
    fig.update_layout(
        height=height,
        margin=dict(l=0, r=0, t=0, b=0),
        font=FONT,
        separators=",." if lang == "vi" else ".,",
        dragmode=False,
        hoverlabel=dict(bgcolor="#FFFFFF", bordercolor="#5F6673", font=dict(color="#1F2430")),
    )
    return fig


def _ticks(lo: float | None, hi: float | None, n: int = 5) -> list[float]:
    """About n round tick values between lo and hi; none when either is missing or infinite."""
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / n
    if not math.isfinite(raw):  # a span too wide for a float: the ends alone
        return [lo, hi]
    mag = 10 ** math.floor(math.log10(raw))
    step = min((s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw), default=10 * mag)
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 10) for i in range(int((hi - first) / step) + 1)]


def _decimals(ticks: list[float]) -> int:
    return 0 if all(float(t).is_integer() for t in ticks) else 1


def plan_chart(
    view,
    lang: str,
    height: int = 420,
    prov: Provenance | None = None,
) -> go.Figure:
    """This year's months against last year's, the plan (path or year-end target), the year-end
    projection with its interval, and resolution targets as reference lines.
    view: projection.PlanView, whose actual and last year's values carry their status and source
    (published values are marked); prov: sources, alternatives, events."""
    m = catalog.get(view.measure)

    def fmt(values) -> list[str]:
        return [i18n.format_value(v, m.unit, lang) for v in values]

    place = Provenance(
        prov.sources if prov else None,
        prov.alternatives if prov else None,
        None,
        view.layout,
        view.geo_code,
    )
    legend: set = set()
    fig = go.Figure()
    ly = view.last_year.sort("period")
    # last year's points sit on this year's months; their hover names their own month
    back = ly.with_columns(pl.col("period").dt.offset_by("-1y").dt.month_end())
    texts, _ = _status_points(go.Figure(), back, view.measure, m.unit, lang, place, {"demo"})
    fig.add_trace(
        go.Scatter(
            x=ly.get_column("period").to_list(),
            y=ly.get_column("value").to_list(),
            name=i18n.t("last_year", lang),
            mode="lines",
            line=dict(color="#6B6B6B", dash="dash", width=2),
            customdata=texts,
            hovertemplate="%{customdata}",
        )
    )
    if view.path is not None:
        fig.add_trace(
            go.Scatter(
                x=view.path.get_column("period").to_list(),
                y=view.path.get_column("path").to_list(),
                name=i18n.t("plan_path", lang),
                mode="lines+markers",
                line=dict(color=PALETTE[1], dash="dot", width=2),
                marker=dict(size=5),
                customdata=fmt(view.path.get_column("path")),
                hovertemplate="%{customdata}",
            )
        )
    elif view.plan is not None:
        fig.add_hline(
            y=view.plan,
            line=dict(color=PALETTE[1], dash="dot", width=2),
            annotation_text=i18n.t(
                i18n.PLAN_LINE_KEYS[view.plan_source],
                lang,
                value=i18n.format_value(view.plan, m.unit, lang),
            ),
            annotation_position="top left",
        )
    act = view.actual
    idx = len(fig.data)
    texts, marker = _status_points(fig, act, view.measure, m.unit, lang, place, legend)
    if marker:
        marker = dict(marker, size=[s + 2 for s in marker["size"]])
    fig.add_trace(
        go.Scatter(
            x=act.get_column("period").to_list(),
            y=act.get_column("value").to_list(),
            name=i18n.t("actual", lang),
            mode="lines+markers",
            line=dict(color=PALETTE[0], width=3),
            marker={"size": 7, "color": PALETTE[0], **marker},
            customdata=texts,
            hovertemplate="%{customdata}",
        )
    )
    _line_first(fig, idx)
    p = view.projection
    if p is not None:
        dec = date(view.period.year, 12, 31)
        fig.add_trace(
            go.Scatter(
                x=[dec],
                y=[p.year_end],
                name=i18n.t("projection", lang),
                mode="markers",
                marker=dict(symbol="diamond", size=12, color=PALETTE[3]),
                error_y=dict(
                    type="data",
                    symmetric=False,
                    array=[p.high - p.year_end],
                    arrayminus=[p.year_end - p.low],
                    color=PALETTE[3],
                    thickness=2,
                ),
                customdata=[
                    i18n.t(
                        "projection_hover",
                        lang,
                        value=i18n.format_value(p.year_end, m.unit, lang),
                        low=i18n.format_value(p.low, m.unit, lang),
                        high=i18n.format_value(p.high, m.unit, lang),
                    )
                ],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    for row in view.targets.iter_rows(named=True):
        if row["year"] < view.period.year:
            continue
        fig.add_hline(
            y=row["target"],
            line=dict(color="#444444", dash="longdash", width=1),
            annotation_text=i18n.t(
                "target_label",
                lang,
                year=row["year"],
                value=i18n.format_value(row["target"], m.unit, lang),
            ),
            annotation_position="bottom right",
        )
    year = view.period.year
    ends = [metrics.month_end(date(year, mo, 1)) for mo in range(1, 13)]
    _month_axis(fig, ends, lang, every=2)
    if m.unit == "percent":
        fig.update_yaxes(ticksuffix="%")
    else:  # the unit says what the axis counts ("người", "tỷ đồng")
        fig.update_yaxes(title=dict(text=i18n.t(i18n.UNIT_KEYS[m.unit], lang), standoff=6))
    # room on the right for the projection's marker on 31 December
    fig.update_xaxes(range=[date(year, 1, 1), date(year + 1, 1, 20)])
    if prov is not None:
        add_events(fig, prov.events, lang, date(year, 1, 1), date(year, 12, 31), height=height)
    # published points on top of everything (December's projection sits on December's value)
    traces = list(fig.data)
    fig.data = [t for t in traces if t.legendgroup != "published"] + [
        t for t in traces if t.legendgroup == "published"
    ]
    fig.update_layout(separators=",." if lang == "vi" else ".,")
    return _base_layout(fig, height)


# Status colours: published and reported (real figures) in the palette's blue and orange, demo in
# grey; bars also differ by pattern, so no status is told apart by colour alone.
STATUS_STYLE = {
    "published": ("#0072B2", ""),
    "reported": ("#B35900", "/"),
    "demo": ("#6B6B6B", "."),
}


def status_bars(
    presence: pl.DataFrame, lang: str, height: int = 300, events: pl.DataFrame | None = None
) -> go.Figure:
    """Stacked bars of province values by status per month (dataset.presence's columns), with
    the dated `events` (published.events) on the time axis."""
    fig = go.Figure()
    periods = presence.get_column("period").to_list()
    for status, (colour, pattern) in STATUS_STYLE.items():
        values = presence.get_column(status).to_list()
        texts = [i18n.format_number(v, lang) for v in values]
        fig.add_trace(
            go.Bar(
                x=periods,
                y=values,
                name=i18n.status_word(status, lang),
                marker=dict(
                    color=colour,
                    pattern=dict(shape=pattern, fgcolor="white", fillmode="overlay"),
                ),
                customdata=texts,
                hovertemplate="%{customdata}<extra>" + i18n.status_word(status, lang) + "</extra>",
            )
        )
    _base_layout(fig, height)
    fig.update_layout(barmode="stack", bargap=0.1, separators=",." if lang == "vi" else ".,")
    fig.update_yaxes(title=dict(text=i18n.t("col_values", lang), standoff=6))
    _month_axis(fig, periods, lang, every=6)
    if span := _range(periods):
        add_events(fig, events, lang, *span, height=height)
    return fig


def resets_in_january(measure: str) -> bool:
    """A year-to-date figure (or a share of the annual plan built on one) starts again each
    January: drawn as one line, it seems to collapse every year."""
    m = catalog.get(measure)
    if m.kind == "ytd_flow":
        return True
    return m.formula is not None and m.formula.op == "plan_ratio"


def sparkline_svg(
    periods: list[date],
    values: list[float | None],
    label: str,
    *,
    by_year: bool = False,
    colour: str = PALETTE[0],
    width: int = 240,
    height: int = 40,
) -> str:
    """A KPI card's sparkline as an inline SVG with a text alternative (role="img" and a
    <title>, which screen readers announce: `label`). With `by_year` (a year-to-date measure),
    each year is its own segment, so the January restart reads as a new year, not a collapse;
    a thin tick marks each new year. Missing values break the line. Scales to its box."""
    from html import escape

    pts = [(p, v) for p, v in zip(periods, values, strict=True) if v is not None]
    title = f"<title>{escape(label)}</title>"
    head = (
        f'<svg role="img" aria-label="{escape(label, quote=True)}" viewBox="0 0 {width} {height}"'
        f' preserveAspectRatio="none" width="100%" height="{height}"'
        ' xmlns="http://www.w3.org/2000/svg" style="display:block">'
    )
    if len(pts) < 2:
        return head + title + "</svg>"
    lo = min(v for _, v in pts)
    hi = max(v for _, v in pts)
    span = (hi - lo) or 1.0
    n = len(periods) - 1 or 1
    index = {p: i for i, p in enumerate(periods)}
    pad = 3

    def xy(p: date, v: float) -> tuple[float, float]:
        x = index[p] * width / n
        y = pad + (hi - v) / span * (height - 2 * pad)
        return round(x, 1), round(y, 1)

    segments: list[list[tuple[float, float]]] = [[]]
    ticks: list[float] = []
    prev = None
    for p in periods:
        v = dict(pts).get(p)
        new_year = by_year and prev is not None and p.year != prev.year
        if (v is None or new_year) and segments[-1]:
            segments.append([])
        if new_year:
            ticks.append(round(index[p] * width / n, 1))
        if v is not None:
            segments[-1].append(xy(p, v))
        prev = p
    body = "".join(
        f'<line x1="{x}" y1="0" x2="{x}" y2="{height}" stroke="#C9CDD4" stroke-width="1"'
        ' vector-effect="non-scaling-stroke"/>'
        for x in ticks
    )
    for seg in segments:
        if len(seg) == 1:
            x, y = seg[0]
            body += f'<circle cx="{x}" cy="{y}" r="1.5" fill="{colour}"/>'
        elif seg:
            d = " ".join(f"{x},{y}" for x, y in seg)
            body += (
                f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="2"'
                ' stroke-linejoin="round" vector-effect="non-scaling-stroke"/>'
            )
    return head + title + body + "</svg>"
