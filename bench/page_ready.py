"""Page-ready time in headless Chromium, as ratios to anchor pages measured in the same run: the
Streamlit floor (four metrics and the 63-province map, shared/anchors/streamlit_map.py), the Dash
page with the same content, plain HTML + plotly.js, and Streamlit's cheapest page. Prints
figures; asserts nothing.

    uv run python bench/page_ready.py [--runs 5] [--quick]

Ready = for a Streamlit page, the websocket is connected, the script has finished, and every
Plotly chart has drawn a trace; for Dash and the static page, their charts have drawn. Cold = the
first visit after the servers started, in a new browser profile (empty caches on both sides);
warm = the median of later visits each in a new browser profile (a new visitor to a warm server),
interleaved over all targets so that drift in the machine's load hits every one alike; returning =
later tabs of the first profile. KB and requests are what the browser received for a warm visit,
straight from the server (no proxy, no gzip). Memory = resident memory of the app's server and of
the floor's (each process with its children) once every visit is over. Every page of
vss_dash.pages.PAGES is measured, so a page is benchmarked the moment it is listed there.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from pathlib import Path

from anchors import NAMES, available, serve_anchors  # bench/, beside this script
from playwright.sync_api import BrowserContext, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from vss_dash.pages import PAGES
from vss_harness.browser import (
    APP_CONNECTED,
    APP_IDLE,
    CHART_STATUS_JS,
    VIEWPORT,
    launch_chromium,
    start_server,
    wait_charts_drawn,
)
from vss_harness.procs import child_with, rss_mb, tree

# charts a non-Streamlit anchor draws (Streamlit pages say when their script has finished)
EXPECTED_CHARTS = {"static": 2, "dash": 1}


def ready_seconds(context: BrowserContext, url: str, charts: int = 0) -> tuple[float, int, int]:
    """Seconds until ready, KB received and requests made, for a new tab of `context`.
    `charts` > 0: a page that is not Streamlit, ready when that many charts have drawn."""
    page = context.new_page()
    received, requests = [0], [0]

    def count(request) -> None:
        requests[0] += 1
        with contextlib.suppress(PlaywrightError):  # the page closed before the size was read
            received[0] += request.sizes()["responseBodySize"] or 0

    page.on("requestfinished", count)
    try:
        t0 = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded")
        if charts:
            page.wait_for_function(
                f"(() => {{ const s = ({CHART_STATUS_JS})(); "
                f"return s.count >= {charts} && s.problems.length === 0; }})()",
                timeout=60_000,
            )
            status = {"problems": []}
        else:
            page.locator(APP_CONNECTED).wait_for(state="attached", timeout=60_000)
            page.locator(APP_IDLE).wait_for(state="attached", timeout=60_000)
            status = wait_charts_drawn(page, 60_000)
        elapsed = time.perf_counter() - t0
        if status["problems"]:
            print(f"  warning: {url}: charts not drawn: {status['problems']}")
        return elapsed, received[0], requests[0]
    finally:
        page.close()


# the process of each server whose memory is compared: a word of its command line
SERVERS = {"app": "asgi.py", "floor": "streamlit_map.py"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="warm visits per page")
    parser.add_argument("--quick", action="store_true", help="2 warm visits per page")
    args = parser.parse_args()
    if args.quick:
        args.runs = 2
    if not available():
        print("anchors missing (shared/anchors beside the project, and the dash package)")
        return
    with (
        tempfile.TemporaryDirectory() as tmp,
        sync_playwright() as pw,
        serve_anchors(Path(tmp) / "anchors") as anchor_urls,
        start_server(Path(tmp) / "app") as app_url,
    ):
        browser = launch_chromium(pw)
        urls = {f"[{k}]": u for k, u in anchor_urls.items()}
        urls |= {p.address: f"{app_url}{p.address}" for p in PAGES}
        charts = {f"[{k}]": n for k, n in EXPECTED_CHARTS.items()}
        contexts = {name: browser.new_context(viewport=VIEWPORT) for name in urls}
        cold = {
            name: ready_seconds(contexts[name], u, charts.get(name, 0)) for name, u in urls.items()
        }
        returning: dict[str, list[float]] = {name: [] for name in urls}
        warm: dict[str, list[tuple[float, int, int]]] = {name: [] for name in urls}
        for _ in range(args.runs):
            for name, url in urls.items():
                returning[name].append(ready_seconds(contexts[name], url, charts.get(name, 0))[0])
                fresh = browser.new_context(viewport=VIEWPORT)
                warm[name].append(ready_seconds(fresh, url, charts.get(name, 0)))
                fresh.close()
        browser.close()
        # memory once every page has been visited: each server process with its children
        memory = {name: rss_mb(tree(child_with(word))) for name, word in SERVERS.items()}
    med = {n: statistics.median(v[0] for v in warm[n]) for n in urls}
    floor, dash, floor_cold = med["[floor]"], med["[dash]"], cold["[floor]"][0]
    print(
        f"{'target':<12} {'warm ms':>8} {'/floor':>7} {'/dash':>6} {'cold ms':>8} {'/floor':>7} "
        f"{'return ms':>9} {'KB':>6} {'requests':>8}"
    )
    for name in urls:
        w = med[name]
        kb = statistics.median(v[1] for v in warm[name]) / 1024
        reqs = statistics.median(v[2] for v in warm[name])
        r = statistics.median(returning[name])
        print(
            f"{name:<12} {1000 * w:8.0f} {w / floor:7.2f} {w / dash:6.2f} "
            f"{1000 * cold[name][0]:8.0f} {cold[name][0] / floor_cold:7.2f} {1000 * r:9.0f} "
            f"{kb:6.0f} {reqs:8.0f}"
        )
    print(
        f"server memory after the visits (RSS, MB): app {memory['app']:.0f}, [floor] "
        f"{memory['floor']:.0f}: {memory['app'] / memory['floor']:.2f}x [floor] (goal <= 1.5x)"
    )
    print("anchors: " + "; ".join(f"[{k}] {v}" for k, v in NAMES.items()))
    print(
        f"warm: median of {args.runs} visits, each in a new browser profile, to warm servers; "
        "goals: every page warm <= 1.10x [floor], cold <= 1.3x [floor]'s cold"
    )


if __name__ == "__main__":
    main()
