"""Pure chart builders: Polars frame in, Plotly figure out. No Streamlit here.

Colours come from the Okabe–Ito palette, which stays distinguishable for the common forms of colour
blindness; every line also has its own dash pattern, so no series is told apart by colour alone.
"""

from __future__ import annotations

import math
from datetime import date

import plotly.colors as pc
import plotly.graph_objects as go
import polars as pl

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
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
    )
    fig.update_xaxes(showgrid=False, linecolor="#6B6B6B", ticks="outside")
    fig.update_yaxes(gridcolor="#E3E3E3", zeroline=False)
    return fig


def trend_lines(
    history: pl.DataFrame, lang: str, targets: pl.DataFrame | None = None, height: int = 380
) -> go.Figure:
    """Lines over time, one per measure.

    history: columns measure, period, value (a long frame).
    targets: optional columns measure, year, target: drawn as a labelled marker at the end of the
    target year, in the measure's colour.
    """
    fig = go.Figure()
    measures = history.get_column("measure").unique(maintain_order=True).to_list()
    unit = catalog.get(measures[0]).unit if measures else "count"
    for i, mid in enumerate(measures):
        m = catalog.get(mid)
        df = history.filter(pl.col("measure") == mid).sort("period")
        texts = [i18n.format_value(v, m.unit, lang) for v in df.get_column("value")]
        fig.add_trace(
            go.Scatter(
                x=df.get_column("period").to_list(),
                y=df.get_column("value").to_list(),
                name=m.label(lang),
                mode="lines",
                line=dict(color=PALETTE[i % len(PALETTE)], dash=DASHES[i % len(DASHES)], width=3),
                customdata=texts,
                hovertemplate="%{customdata}<extra>" + m.label(lang) + "</extra>",
            )
        )
        if targets is not None:
            tg = targets.filter(pl.col("measure") == mid)
            for row in tg.iter_rows(named=True):
                label = i18n.t(
                    "target_label",
                    lang,
                    year=row["year"],
                    value=i18n.format_value(row["target"], m.unit, lang),
                )
                fig.add_trace(
                    go.Scatter(
                        x=[row["period"]],
                        y=[row["target"]],
                        mode="markers+text",
                        marker=dict(
                            symbol="diamond-open",
                            size=12,
                            line=dict(width=2),
                            color=PALETTE[i % len(PALETTE)],
                        ),
                        text=[label],
                        textposition="top left",
                        showlegend=False,
                        hovertemplate=label + "<extra></extra>",
                    )
                )
    if unit == "percent":
        fig.update_yaxes(ticksuffix="%", range=[0, 100])
    _month_axis(fig, history.get_column("period"), lang)
    fig.update_layout(separators=",." if lang == "vi" else ".,")
    return _base_layout(fig, height)


def series_lines(df: pl.DataFrame, unit: str, lang: str, height: int = 360) -> go.Figure:
    """Lines from a long frame with columns series, period, value; one line per series."""
    fig = go.Figure()
    for i, name in enumerate(df.get_column("series").unique(maintain_order=True)):
        part = df.filter(pl.col("series") == name).sort("period")
        texts = [i18n.format_value(v, unit, lang) for v in part.get_column("value")]
        fig.add_trace(
            go.Scatter(
                x=part.get_column("period").to_list(),
                y=part.get_column("value").to_list(),
                name=name,
                mode="lines",
                line=dict(color=PALETTE[i % len(PALETTE)], dash=DASHES[i % len(DASHES)], width=3),
                customdata=texts,
                hovertemplate="%{customdata}<extra>" + name + "</extra>",
            )
        )
    if unit == "percent":
        fig.update_yaxes(ticksuffix="%")
    _month_axis(fig, df.get_column("period"), lang)
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


def choropleth(
    table: pl.DataFrame,
    geojson: dict,
    measure: str,
    lang: str,
    national: float | None,
    labels: list[dict] | None = None,
    height: int = 640,
) -> go.Figure:
    """A province map. table: geo_code, name, value, numerator, denominator, rank, change,
    change_kind (metrics.province_table). labels: points to name on the map (lon, lat, text).
    The national value is marked on the colour bar."""
    m = catalog.get(measure)
    n = table.height
    scale, mid = colour_scale(measure)
    parts = catalog.get(measure).formula
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
        ]
        for r in table.iter_rows(named=True)
    ]
    has_parts = parts is not None and parts.op != "sum"
    hover = (
        "<b>%{customdata[0]}</b><br>"
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
    values = table.get_column("value")
    zmin, zmax = values.min(), values.max()
    if mid is not None:  # symmetric around the midpoint, so equal distances get equal colour
        half = max(abs(zmax - mid), abs(mid - zmin))
        zmin, zmax = mid - half, mid + half
    ticks = _ticks(zmin, zmax)
    tickvals = list(ticks)
    ticktext = [i18n.format_number(v, lang, decimals=_decimals(ticks)) for v in ticks]
    if national is not None:
        tickvals.append(national)
        ticktext.append(f"◀ {i18n.t('national', lang)} {i18n.format_value(national, m.unit, lang)}")
    unit = i18n.t(f"unit_{m.unit}", lang)
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
            colorbar=dict(
                title=dict(text=unit, side="top"),
                tickvals=tickvals,
                ticktext=ticktext,
                len=0.8,
                thickness=16,
            ),
        )
    )
    if labels:
        fig.add_trace(
            go.Scattergeo(
                lon=[p["lon"] for p in labels],
                lat=[p["lat"] for p in labels],
                text=[p["text"] for p in labels],
                mode="markers+text",
                marker=dict(size=5, color="#1F2430", symbol="circle-open"),
                textposition="middle right",
                textfont=dict(size=12, color="#1F2430"),
                hoverinfo="text",
                showlegend=False,
            )
        )
    # fixed frame: the mainland and both archipelagos (fitting to all shapes would leave the
    # mainland small, squeezed by the Trường Sa polygons far to the south-east)
    fig.update_geos(
        visible=False,
        projection_type="mercator",
        lonaxis_range=[101.8, 120.5],
        lataxis_range=[7.6, 23.5],
    )
    fig.update_layout(
        height=height,
        margin=dict(l=0, r=0, t=0, b=0),
        font=FONT,
        separators=",." if lang == "vi" else ".,",
        dragmode=False,
        hoverlabel=dict(bgcolor="#FFFFFF", bordercolor="#5F6673", font=dict(color="#1F2430")),
    )
    return fig


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About n round tick values between lo and hi."""
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = min((s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw), default=10 * mag)
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 10) for i in range(int((hi - first) / step) + 1)]


def _decimals(ticks: list[float]) -> int:
    return 0 if all(float(t).is_integer() for t in ticks) else 1


def plan_chart(view, lang: str, height: int = 420) -> go.Figure:
    """This year's months against last year's, the plan (path or year-end target), the year-end
    projection with its interval, and resolution targets as reference lines.
    view: projection.PlanView."""
    m = catalog.get(view.measure)

    def fmt(values) -> list[str]:
        return [i18n.format_value(v, m.unit, lang) for v in values]

    fig = go.Figure()
    ly = view.last_year
    fig.add_trace(go.Scatter(
        x=ly.get_column("period").to_list(), y=ly.get_column("value").to_list(),
        name=i18n.t("last_year", lang), mode="lines",
        line=dict(color="#6B6B6B", dash="dash", width=2),
        customdata=fmt(ly.get_column("value")), hovertemplate="%{customdata}",
    ))  # fmt: skip
    if view.path is not None:
        fig.add_trace(go.Scatter(
            x=view.path.get_column("period").to_list(), y=view.path.get_column("path").to_list(),
            name=i18n.t("plan_path", lang), mode="lines+markers",
            line=dict(color=PALETTE[1], dash="dot", width=2), marker=dict(size=5),
            customdata=fmt(view.path.get_column("path")), hovertemplate="%{customdata}",
        ))  # fmt: skip
    elif view.plan is not None:
        fig.add_hline(
            y=view.plan, line=dict(color=PALETTE[1], dash="dot", width=2),
            annotation_text=i18n.t(f"{view.plan_source}_line", lang,
                                   value=i18n.format_value(view.plan, m.unit, lang)),
            annotation_position="top left",
        )  # fmt: skip
    act = view.actual
    fig.add_trace(go.Scatter(
        x=act.get_column("period").to_list(), y=act.get_column("value").to_list(),
        name=i18n.t("actual", lang), mode="lines+markers",
        line=dict(color=PALETTE[0], width=3), marker=dict(size=7),
        customdata=fmt(act.get_column("value")), hovertemplate="%{customdata}",
    ))  # fmt: skip
    p = view.projection
    if p is not None:
        dec = date(view.period.year, 12, 31)
        fig.add_trace(go.Scatter(
            x=[dec], y=[p.year_end], name=i18n.t("projection", lang), mode="markers",
            marker=dict(symbol="diamond", size=12, color=PALETTE[3]),
            error_y=dict(type="data", symmetric=False, array=[p.high - p.year_end],
                         arrayminus=[p.year_end - p.low], color=PALETTE[3], thickness=2),
            customdata=[i18n.t("projection_hover", lang,
                               value=i18n.format_value(p.year_end, m.unit, lang),
                               low=i18n.format_value(p.low, m.unit, lang),
                               high=i18n.format_value(p.high, m.unit, lang))],
            hovertemplate="%{customdata}<extra></extra>",
        ))  # fmt: skip
    for row in view.targets.iter_rows(named=True):
        if row["year"] < view.period.year:
            continue
        fig.add_hline(
            y=row["target"], line=dict(color="#444444", dash="longdash", width=1),
            annotation_text=i18n.t("target_label", lang, year=row["year"],
                                   value=i18n.format_value(row["target"], m.unit, lang)),
            annotation_position="bottom right",
        )  # fmt: skip
    year = view.period.year
    ends = [metrics.month_end(date(year, mo, 1)) for mo in range(1, 13)]
    _month_axis(fig, ends, lang, every=2)
    if m.unit == "percent":
        fig.update_yaxes(ticksuffix="%")
    # room on the right for the projection's marker on 31 December
    fig.update_xaxes(range=[date(year, 1, 1), date(year + 1, 1, 20)])
    fig.update_layout(separators=",." if lang == "vi" else ".,")
    return _base_layout(fig, height)


# Status colours: published and reported (real figures) in the palette's blue and orange, demo in
# grey; bars also differ by pattern, so no status is told apart by colour alone.
STATUS_STYLE = {
    "published": ("#0072B2", ""),
    "reported": ("#B35900", "/"),
    "demo": ("#6B6B6B", "."),
}


def status_bars(presence: pl.DataFrame, lang: str, height: int = 300) -> go.Figure:
    """Stacked bars of province values by status per month (dataset.presence's columns)."""
    fig = go.Figure()
    periods = presence.get_column("period").to_list()
    badge = {"published": "published_badge", "reported": "reported_badge", "demo": "demo_badge"}
    for status, (colour, pattern) in STATUS_STYLE.items():
        values = presence.get_column(status).to_list()
        texts = [i18n.format_number(v, lang) for v in values]
        fig.add_trace(
            go.Bar(
                x=periods,
                y=values,
                name=i18n.t(badge[status], lang),
                marker=dict(
                    color=colour,
                    pattern=dict(shape=pattern, fgcolor="white", fillmode="overlay"),
                ),
                customdata=texts,
                hovertemplate="%{customdata}<extra>" + i18n.t(badge[status], lang) + "</extra>",
            )
        )
    _base_layout(fig, height)
    fig.update_layout(barmode="stack", bargap=0.1)
    _month_axis(fig, periods, lang, every=6)
    return fig
