"""A Plotly chart as an SVG file, drawn on the server by plotly.js's own SVG export in headless
Chromium (Debian's `chromium`, as for the briefing's PDF): the page is blank, plotly.js comes from
the installed plotly package (`plotly.min.js`, inlined), and every request the page would make is
refused, so nothing is fetched from outside. No Streamlit import.

The chart is drawn as the app shows it: the figure's own layout over Streamlit's light chart theme
(`STREAMLIT_LIGHT`, which the app's frontend lays under every chart), with the chart's title (and
its demo mark) on top so the file says what it shows on its own.
"""

from __future__ import annotations

import contextlib
import copy
import html
import re
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import plotly
import plotly.graph_objects as go

from vss_dash import deck_export

WIDTH = 960  # px: about the chart's width on a 1366 px laptop (906) and a 1440 px screen (960)
TIMEOUT_S = 30.0
# two shared cores: one Chromium at a time per server process, the next click waits its turn
_ONE_AT_A_TIME = threading.Lock()
PER_SESSION_PER_MINUTE = 4  # SVGs one browser session may have drawn in any 60 s


class TooMany(RuntimeError):
    """A session asked for an SVG while its previous one is still drawn or waiting ("busy"), or
    for more than its share in the last minute ("rate"); nothing was drawn."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SessionLimit:
    """One SVG at a time per session (drawn or waiting for the shared Chromium) and at most
    `per_minute` in any `window` seconds, so one visitor cannot fill the process-wide queue.
    Thread-safe; the clock is passed in, for tests."""

    def __init__(self, per_minute: int = PER_SESSION_PER_MINUTE, window: float = 60.0) -> None:
        self.per_minute, self.window = per_minute, window
        self._lock = threading.Lock()
        self._active: set[str] = set()
        self._times: dict[str, deque[float]] = {}

    @contextlib.contextmanager
    def slot(self, session: str, now: float | None = None) -> Iterator[None]:
        """Hold the session's one slot for the block; TooMany if it is taken or spent."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if session in self._active:
                raise TooMany("busy")
            for sid in list(self._times):  # forget what left the window (and idle sessions)
                times = self._times[sid]
                while times and now - times[0] >= self.window:
                    times.popleft()
                if not times and sid not in self._active:
                    del self._times[sid]
            times = self._times.setdefault(session, deque())
            if len(times) >= self.per_minute:
                raise TooMany("rate")
            times.append(now)
            self._active.add(session)
        try:
            yield
        finally:
            with self._lock:
                self._active.discard(session)


SESSIONS = SessionLimit()

# Streamlit 1.67's light theme for Plotly charts, as its frontend builds it under every chart
# (`theme="streamlit"`: read from the drawn chart's layout.template). The figure's own settings
# win over these, as in the app. Fonts: the figure names Source Sans; the file falls back to
# sans-serif where the font is not installed.
_GREY, _LINE = "#808495", "#e6eaf1"
_SANS = '"Source Sans", sans-serif'
STREAMLIT_LIGHT = {
    "colorway": [
        "#0068c9",
        "#83c9ff",
        "#ff2b2b",
        "#ffabab",
        "#29b09d",
        "#7defa1",
        "#ff8700",
        "#ffd16a",
        "#6d3fc0",
        "#d5dae5",
    ],
    "font": {"color": _GREY, "family": _SANS, "size": 12, "weight": 400},
    "title": {
        "font": {"family": _SANS, "size": 16, "color": "#1F2430"},
        "pad": {"l": 4},
        "xanchor": "left",
        "x": 0,
    },
    "legend": {
        "title": {"font": {"size": 12, "color": _GREY}, "side": "top"},
        "valign": "top",
        "bordercolor": "rgba(0,0,0,0)",
        "borderwidth": 0,
        "font": {"size": 12, "color": "#262730"},
    },
    "paper_bgcolor": "#FFFFFF",
    "plot_bgcolor": "#FFFFFF",
    "xaxis": {
        "zerolinecolor": _LINE,
        "gridcolor": _LINE,
        "showgrid": False,
        "tickfont": {"color": _GREY, "size": 12},
        "tickcolor": _LINE,
        "title": {"font": {"color": _GREY, "size": 14}, "standoff": 20},
        "zeroline": False,
        "automargin": True,
    },
    "yaxis": {
        "ticklabelposition": "outside",
        "zerolinecolor": _LINE,
        "title": {"font": {"color": _GREY, "size": 14}, "standoff": 24},
        "tickcolor": _LINE,
        "tickfont": {"color": _GREY, "size": 12},
        "gridcolor": _LINE,
        "automargin": True,
    },
    "margin": {"pad": 8, "r": 0, "l": 0},
    "hoverlabel": {"bgcolor": "#FFFFFF", "font": {"color": _GREY, "family": _SANS, "size": 12}},
}
# Streamlit's Python side gives figures a template of placeholder colours (#000001...) that its
# frontend swaps for the theme's; the file gets the swap done here
_PLACEHOLDER = re.compile(r"#0000(0[1-9]|[12][0-9]|30)\b")
_TITLE_ROOM = 64  # px above the legend for the title and its subtitle


class SvgError(RuntimeError):
    """The chart could not be drawn as SVG (no Chromium, a timeout, plotly.js refused it)."""


def available() -> bool:
    return deck_export.available()


@cache
def _plotly_js() -> str:
    """plotly.js as the installed plotly package bundles it (no CDN)."""
    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text("utf-8")


def themed(fig: go.Figure) -> dict:
    """The figure as the app draws it, as a plotly.js spec: Streamlit's light theme as its
    template, under the figure's own layout (the page's figure is left as it is)."""
    spec = copy.deepcopy(fig.to_plotly_json())
    spec.setdefault("layout", {})["template"] = {"layout": copy.deepcopy(STREAMLIT_LIGHT)}
    return spec


def title_layout(title: str, subtitle: str = "") -> dict:
    """The file's title (and subtitle, e.g. the demo mark) at the top left, above the legend.
    Escaped: plotly.js reads tags in text (<a href>, <br>), and a title is never markup."""
    return {
        "text": html.escape(title, quote=False),
        "subtitle": {"text": html.escape(subtitle, quote=False)} if subtitle else None,
        "x": 0,
        "xref": "paper",
        "xanchor": "left",
        "y": 1,
        "yref": "container",
        "yanchor": "top",
        "pad": {"t": 8},
    }


def _swap_placeholders(json_text: str) -> str:
    colours = STREAMLIT_LIGHT["colorway"]
    return _PLACEHOLDER.sub(lambda m: colours[(int(m.group(1)) - 1) % len(colours)], json_text)


def render(
    fig: go.Figure,
    title: str = "",
    subtitle: str = "",
    width: int | None = None,
    session: str | None = None,
) -> bytes:
    """The chart as a standalone SVG document (UTF-8 bytes), `width` px wide (default: the
    figure's, else WIDTH) and as high as the figure, plus room for `title` (and `subtitle`)
    when given. Raises SvgError; with a `session` (a browser session's id), TooMany when that
    session already has one drawn or waiting, or had its share this minute (SESSIONS)."""
    with SESSIONS.slot(session) if session else contextlib.nullcontext():
        return _render(fig, title, subtitle, width)


def _render(fig: go.Figure, title: str, subtitle: str, width: int | None) -> bytes:
    if not available():
        raise SvgError(f"no Chromium at {deck_export.CHROMIUM}")
    import plotly.io as pio

    spec = themed(fig)
    layout = spec["layout"]
    size = {"width": int(width or layout.get("width") or WIDTH), "height": layout.get("height")}
    size["height"] = int(size["height"] or 450)
    spec_json = _swap_placeholders(pio.to_json(spec, validate=False, engine="json"))
    top = {"title": title_layout(title, subtitle), "room": _TITLE_ROOM} if title else None
    # Playwright's sync API refuses a thread that runs an event loop: a thread of its own
    with _ONE_AT_A_TIME, ThreadPoolExecutor(max_workers=1) as pool:
        svg = pool.submit(_draw, spec_json, size, top).result()
    check(svg)
    return svg.encode("utf-8")


# Draw the chart as the page does (the legend pushes the top margin as it needs), then, with a
# title, grow the top margin and the height by the title's room: the plot keeps its size and the
# title sits above however many rows the legend takes.
_DRAW_JS = """async ([spec, size, top]) => {
    const fig = JSON.parse(spec);
    const gd = document.createElement('div');
    document.body.appendChild(gd);
    const layout = Object.assign(fig.layout, {width: size.width, height: size.height});
    await Plotly.newPlot(gd, fig.data, layout, {staticPlot: true});
    let height = size.height;
    if (top) {
        height += top.room;
        await Plotly.relayout(gd, {'margin.t': gd._fullLayout._size.t + top.room,
                                   height: height, title: top.title});
    }
    return await Plotly.toImage(gd, {format: 'svg', width: size.width, height: height,
                                     scale: 1});
}"""


def _draw(spec_json: str, size: dict, top: dict | None) -> str:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright  # heavy: only when drawing

    refused: list[str] = []

    def refuse(route) -> None:
        refused.append(route.request.url)
        route.abort()

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(deck_export.CHROMIUM),
                headless=True,
                args=deck_export.CHROMIUM_ARGS,
            )
            try:
                page = browser.new_page()
                page.set_default_timeout(TIMEOUT_S * 1000)
                page.route("**/*", refuse)
                page.set_content("<!doctype html><meta charset=utf-8><body></body>")
                page.add_script_tag(content=_plotly_js())
                url = page.evaluate(_DRAW_JS, [spec_json, size, top])
            finally:
                browser.close()
    except PlaywrightError as e:
        raise SvgError(str(e).splitlines()[0]) from e
    prefix = "data:image/svg+xml,"
    if not isinstance(url, str) or not url.startswith(prefix):
        raise SvgError("plotly.js returned no SVG")
    return urllib.parse.unquote(url[len(prefix) :])


# what may point outside the file: an href or xlink:href, or a url(...) in a style, that is not
# a fragment of the document itself (#clip..., #pattern...)
_EXTERNAL = re.compile(
    r"""(?:href\s*=\s*["'](?!#)[^"']+["'])|(?:url\(\s*["']?(?!#)[^)]*\))|@import""", re.I
)


def external_references(svg: str) -> list[str]:
    """Every reference of `svg` to something outside itself (none is expected)."""
    return [m.group(0) for m in _EXTERNAL.finditer(svg)]


def check(svg: str) -> None:
    """A well-formed SVG document that stands alone, else SvgError."""
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(svg)
    except Exception as e:  # ParseError, or defusedxml's refusal of entities
        raise SvgError(f"not well-formed SVG: {e}") from e
    if root.tag != "{http://www.w3.org/2000/svg}svg":
        raise SvgError(f"not an SVG document: <{root.tag}>")
    if refs := external_references(svg):
        raise SvgError(f"refers outside itself: {refs[:3]}")


def error_svg(message: str, width: int = WIDTH, height: int = 120) -> bytes:
    """A small SVG that says `message` (in the page's language): what the SVG button gives when
    the chart could not be drawn, instead of an error the page cannot show."""
    from xml.sax.saxutils import escape

    lines = [message[i : i + 110] for i in range(0, min(len(message), 440), 110)] or [""]
    texts = "".join(
        f'<text x="16" y="{32 + 22 * n}">{escape(line)}</text>' for n, line in enumerate(lines)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><rect width="100%" height="100%" fill="#FFFFFF"/>'
        f'<g font-family="sans-serif" font-size="14" fill="#B00020">{texts}</g></svg>'
    ).encode()


def timed(fig: go.Figure, **kw) -> tuple[bytes, float]:
    """render() and its seconds (bench/chart_svg.py)."""
    started = time.monotonic()
    svg = render(fig, **kw)
    return svg, time.monotonic() - started
