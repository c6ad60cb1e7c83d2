"""What the national overview draws that is worth building once for everyone."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go

from vss_dash import charts, metrics
from vss_dash.ui import queries


@queries.shared
def coverage_figure(
    fr: metrics.Frames, measures: tuple[str, ...], period: date, lang_: str
) -> go.Figure:
    """The coverage rates up to `period`, a panel each, with their national targets: built once
    per store and view and shared by every session (queries.shared), since making its panels
    was a quarter of the overview's run."""
    _, coverage = queries.kpis(fr, list(measures), period)
    return charts.trend_lines(
        coverage,
        lang_,
        queries.targets(fr, list(measures), coverage),
        height=560,
        prov=queries.provenance(fr),
        panels=True,
    )
