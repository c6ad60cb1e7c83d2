"""Page-ready time in headless Chromium, as a ratio to a trivial Streamlit page with one Plotly
chart measured in the same run. Prints figures; asserts nothing.

    uv run python bench/page_ready.py [--runs 5]

Ready = the websocket is connected, the script has finished, and every Plotly chart has drawn a
trace. Cold = the first visit after the server started (empty caches); warm = the median of the
next visits, each in a fresh browser context.
"""

from __future__ import annotations

import argparse
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
from playwright.sync_api import Browser, sync_playwright  # noqa: E402

from vss_dash.pages import PAGES  # noqa: E402


def ready_seconds(browser: Browser, url: str) -> tuple[float, int]:
    """Seconds until ready, and bytes of HTTP responses received."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    received = [0]
    page.on(
        "requestfinished",
        lambda r: received.__setitem__(0, received[0] + (r.sizes()["responseBodySize"] or 0)),
    )
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
        context.close()


def measure(browser: Browser, url: str, runs: int) -> dict:
    cold, cold_bytes = ready_seconds(browser, url)
    warm = [ready_seconds(browser, url)[0] for _ in range(runs)]
    return {"cold": cold, "warm": statistics.median(warm), "bytes": cold_bytes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="warm visits per page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = launch_chromium(pw)
        tmp = Path(tmp)
        with start_server(tmp / "base", script="bench/trivial_app.py") as base_url:
            baseline = measure(browser, base_url, args.runs)
        results = {}
        with start_server(tmp / "app") as app_url:
            for p in PAGES:
                results[p.url_path] = measure(browser, f"{app_url}{p.address}", args.runs)
        browser.close()
    print(f"{'page':<12} {'cold s':>7} {'warm s':>7} {'warm ratio':>10} {'cold KB':>8}")
    print(
        f"{'(baseline)':<12} {baseline['cold']:7.2f} {baseline['warm']:7.2f} {1:10.2f} "
        f"{baseline['bytes'] / 1024:8.0f}"
    )
    for name, r in results.items():
        ratio = r["warm"] / baseline["warm"]
        print(
            f"{name:<12} {r['cold']:7.2f} {r['warm']:7.2f} {ratio:10.2f} {r['bytes'] / 1024:8.0f}"
        )
    print("goal: every page warm <= 1.5 x the baseline")


if __name__ == "__main__":
    main()
