"""The dashboard and its data API in one server (issue 30):

    uv run --locked streamlit run vss_dash/asgi.py --server.port 8501

`streamlit run` finds the `st.App` below (streamlit.web.server.app_discovery), imports this file
as the module `asgi` and serves it with uvicorn: the pages of app.py as ever, and beside them the
routes of vss_dash/api.py under /api/v1/ (Streamlit reserves only /_stcore/, /media/,
/component/ and /static/; the App checks that no route of ours starts with one). `streamlit run
app.py` still serves the pages alone.

In front of Streamlit's own handlers, `UploadGuard` (vss_dash/upload_guard.py) answers an
upload that no uploader asked for, or that is too large or too frequent, before reading its body;
`Precompressed` (vss_dash/precompressed.py) sends Streamlit's scripts and styles as brotli,
compressed once per file and kept.

secrets.toml is Streamlit's to read (st.secrets): it is handed to the API as a mapping, so that
`[access] profile` decides there as it does on the pages. Importing this file tells the pages
that the API is served beside them (`api.mark_served`): their tables then link to their data.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import AsyncIterator

import streamlit as st
from starlette.middleware import Middleware

import vss_dash.hardening  # noqa: F401  (first, as in app.py: before any page caches anything)
from vss_dash import api, data, pages
from vss_dash.paths import ROOT
from vss_dash.precompressed import Precompressed
from vss_dash.upload_guard import UploadGuard


def _secrets() -> dict:
    """secrets.toml as a plain dict ({} when there is none)."""
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:
        return {}


def _warm_up() -> None:
    """What the first screens need, read before anyone asks: the store's frames, the measures
    of the overview and the map, the reference files they draw with, the chart module, and the
    pandas of the plan page's table. In one process (AppTest), the overview's first run took
    1.51 s without it and 0.85 s after it (0.18 s once every cache is full)."""
    from vss_dash import boundaries, charts, published  # noqa: F401  (imported to be warm)

    data.warm(tuple(m for row in pages.OVERVIEW_CARDS for m in row) + pages.COVERAGE)
    published.alternatives()
    published.events()
    boundaries.load_geojson("P34")
    # the plan page's completion table is a pandas Styler: importing pandas and the Styler took
    # its first visitor 1.7 s (memory: about 50 MB more in a process that never shows it)
    import pandas.io.formats.style  # noqa: F401
    # what the modules and the warm-up made lives as long as the process: Python's collector
    # need not walk it again (a full collection took 200-300 ms before this, 1 ms after)
    gc.freeze()


@contextlib.asynccontextmanager
async def _lifespan(_app: st.App) -> AsyncIterator[None]:
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()  # not awaited
    yield


app = st.App(
    str(ROOT / "app.py"),
    lifespan=_lifespan,  # the first visitor finds the store read
    routes=api.routes(secrets=_secrets),
    middleware=[
        Middleware(UploadGuard),  # an upload judged before its body is read
        Middleware(Precompressed),  # Streamlit's scripts as brotli, compressed once
    ],
)
api.mark_served()
