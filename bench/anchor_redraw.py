"""The anchors of the redraw benchmark: the Streamlit floor and the Dash page of shared/anchors,
each with a month picker that changes the values drawn (issue 18: "add a month picker to both
anchors").

shared/anchors stays as it is: `anchors.prepare` copies it into a temporary folder (with the real
province shapes and plotly.js's base map served locally), and the two variants are written beside
the copies, so they import the same `geo.py` and draw the same 63 shapes. Each is its original
with as little added as a month picker needs:

- `streamlit_map_months.py`: streamlit_map.py with an `st.selectbox` of months above the metrics;
  the script reruns on a change, as any Streamlit page does.
- `dash_map_months.py`: dash_map.py with a `dcc.Dropdown` of months above the numbers and one
  callback that returns the four numbers and a new figure for the month (built by geo.py's
  `choropleth`, as the original's figure is, so the callback ships the shapes again, as a
  straightforward Dash app would; no `Patch`).
- `months.py`: 24 months, newest first, and `month_table(month)`: geo.py's table for the newest
  month, its values moved by a month-dependent amount for the others (every month differs).

    with serve_redraw_anchors(Path(tmp)) as urls:   # {"floor": URL, "dash": URL}
        ...
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from anchors import _process, prepare  # bench/, beside this script

from vss_dash import deck_export

MONTHS_PY = '''"""Months for the anchors' month pickers (bench/anchor_redraw.py)."""
import polars as pl
from geo import table

MONTHS = [f"{y}-{m:02d}" for y in (2025, 2024) for m in range(12, 0, -1)]  # newest first

def month_table(month):
    """geo.table() for the newest month; for the others its values moved by a month's amount."""
    k = MONTHS.index(month)
    return table().with_columns(coverage=(60 + (pl.col("coverage") - 60 + 2.9 * k) % 35).round(1),
                                insured=pl.col("insured") + 1_000 * k)
'''

STREAMLIT_PY = '''"""Anchor: streamlit_map.py with a month picker (bench/anchor_redraw.py)."""
import streamlit as st
from geo import choropleth, stats
from months import MONTHS, month_table

df = month_table(st.selectbox("Month", MONTHS))
for col, (label, value) in zip(st.columns(4), stats(df)):
    col.metric(label, value)
# plotly.js fetches a base-map topojson for every geo subplot; served from ./static
st.plotly_chart(choropleth(df), config={"topojsonURL": "/app/static/"})
'''

DASH_PY = '''"""Anchor: dash_map.py with a month picker and its callback (bench/anchor_redraw.py).
usage: python dash_map_months.py PORT"""
import sys
from dash import Dash, Input, Output, dcc, html
from geo import choropleth, stats
from months import MONTHS, month_table

def numbers(df):
    return [html.Div([html.Div(label), html.H3(value)]) for label, value in stats(df)]

df = month_table(MONTHS[0])
app = Dash(__name__, assets_folder="static")  # ./static holds world_110m.json
app.layout = html.Div([
    dcc.Dropdown(MONTHS, MONTHS[0], id="month", clearable=False, style={"width": "12em"}),
    html.Div(numbers(df), id="numbers",
             style={"display": "flex", "gap": "3em", "fontFamily": "sans-serif"}),
    dcc.Graph(id="map", figure=choropleth(df), config={"topojsonURL": "/assets/"}),
])

@app.callback(Output("numbers", "children"), Output("map", "figure"), Input("month", "value"),
              prevent_initial_call=True)
def redraw(month):
    df = month_table(month)
    return numbers(df), choropleth(df)

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=False)
'''


def write_variants(folder: Path) -> dict[str, str]:
    """The anchors copied into `folder` with the two variants beside them; their environment."""
    env = prepare(folder)
    for name, text in (
        ("months.py", MONTHS_PY),
        ("streamlit_map_months.py", STREAMLIT_PY),
        ("dash_map_months.py", DASH_PY),
    ):
        (folder / name).write_text(text, encoding="utf-8")
    return env


@contextlib.contextmanager
def serve_redraw_anchors(folder: Path) -> Iterator[dict[str, str]]:
    """Both variants on their own loopback ports for the block: {"floor": URL, "dash": URL}."""
    env = write_variants(folder)
    with contextlib.ExitStack() as stack:
        urls = {
            "floor": stack.enter_context(
                deck_export.serve(
                    "streamlit_map_months.py",
                    folder,
                    log=folder / "floor_months.log",
                    env=env,
                    args=("--server.enableStaticServing", "true"),
                )
            )  # fmt: skip
        }
        port = deck_export.free_port()
        urls["dash"] = stack.enter_context(
            _process(
                [sys.executable, "dash_map_months.py", str(port)], folder,
                f"http://127.0.0.1:{port}/", env, folder / "dash_months.log",
            )
        )  # fmt: skip
        yield urls


if __name__ == "__main__":  # a look at the variants by hand
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, serve_redraw_anchors(Path(tmp)) as urls:
        print(urls)
        input("press Enter to stop ")
