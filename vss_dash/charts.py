"""Pure chart builders: Polars frame in, Plotly figure out. No Streamlit here.

Colours come from the Okabe–Ito palette, which stays distinguishable for the common forms of colour
blindness; every line also has its own dash pattern, so no series is told apart by colour alone.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from vss_dash import catalog, i18n

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
    # Plotly names months in English only; Vietnamese readers get numeric months (10/2026)
    fig.update_xaxes(tickformat="%m/%Y" if lang == "vi" else "%b %Y")
    fig.update_layout(separators=",." if lang == "vi" else ".,")
    return _base_layout(fig, height)
