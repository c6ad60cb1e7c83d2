"""Page-ready time in headless Chromium, as a ratio to a trivial Streamlit page with one Plotly
chart measured in the same run. Prints figures; asserts nothing.

    uv run python bench/page_ready.py [--runs 7] [--quick]

Ready = the websocket is connected, the script has finished, and every Plotly chart has drawn a
trace. Cold = the first visit after the server started, in a new browser profile (empty caches on
both sides); warm = the median of later visits in new tabs of the same profile. Every page of
vss_dash.pages.PAGES is measured, so a page is benchmarked the moment it is listed there.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT))

from harness import (  # noqa: E402
    APP_CONNECTED,
    APP_IDLE,
    VIEWPORT,
    launch_chromium,
    start_server,
    wait_charts_drawn,
)
from playwright.sync_api import BrowserContext, sync_playwright  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402

from vss_dash.pages import PAGES  # noqa: E402


def ready_seconds(context: BrowserContext, url: str) -> tuple[float, int]:
    """Seconds until ready, and bytes of HTTP responses received, for a new tab of `context`."""
    page = context.new_page()
    received = [0]

    def count(request) -> None:
        with contextlib.suppress(PlaywrightError):  # the page closed before the size was read
            received[0] += request.sizes()["responseBodySize"] or 0

    page.on("requestfinished", count)
    try:
        t0 = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded")
        page.locator(APP_CONNECTED).wait_for(state="attached", timeout=60_000)
        page.locator(APP_IDLE).wait_for(state="attached", timeout=60_000)
        status = wait_charts_drawn(page, 60_000)
        elapsed = time.perf_counter() - t0
        if status["problems"]:
            print(f"  warning: {url}: charts not drawn: {status['problems']}")
        return elapsed, received[0]
    finally:
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="warm visits per page")
    parser.add_argument("--quick", action="store_true", help="2 warm visits per page")
    args = parser.parse_args()
    if args.quick:
        args.runs = 2
    with (
        tempfile.TemporaryDirectory() as tmp,
        sync_playwright() as pw,
        start_server(Path(tmp) / "base", script="bench/trivial_app.py") as base_url,
        start_server(Path(tmp) / "app") as app_url,
    ):
        browser = launch_chromium(pw)
        urls = {"(baseline)": base_url} | {p.url_path: f"{app_url}{p.address}" for p in PAGES}
        # one browser profile per page: its first visit is cold (empty HTTP cache, and the
        # server's caches empty for that page); later tabs of the same profile are "returning"
        # visits; a new profile each time is a "new visitor" to a warm server
        contexts = {name: browser.new_context(viewport=VIEWPORT) for name in urls}
        cold = {name: ready_seconds(contexts[name], url) for name, url in urls.items()}
        # visits interleaved, so that drift in the machine's load hits every page alike
        returning: dict[str, list[float]] = {name: [] for name in urls}
        new: dict[str, list[float]] = {name: [] for name in urls}
        for _ in range(args.runs):
            for name, url in urls.items():
                returning[name].append(ready_seconds(contexts[name], url)[0])
                fresh = browser.new_context(viewport=VIEWPORT)
                new[name].append(ready_seconds(fresh, url)[0])
                fresh.close()
        browser.close()
    base_r = statistics.median(returning["(baseline)"])
    base_n = statistics.median(new["(baseline)"])
    print(
        f"{'page':<12} {'cold s':>7} {'new s':>6} {'ratio':>6} {'return s':>8} {'ratio':>6} "
        f"{'cold KB':>8}"
    )
    for name in urls:
        r, n = statistics.median(returning[name]), statistics.median(new[name])
        print(
            f"{name:<12} {cold[name][0]:7.2f} {n:6.2f} {n / base_n:6.2f} {r:8.2f} "
            f"{r / base_r:6.2f} {cold[name][1] / 1024:8.0f}"
        )
    print(
        f"medians of {args.runs} visits (new visitor, returning visitor) to a warm server; "
        "ratio to the baseline page; goal: <= 1.5"
    )


if __name__ == "__main__":
    main()
