"""Bytes on the wire for a first visitor, through the shipped proxy (deploy/: nginx with gzip in
front of the replicas): every page of the registry in a new browser profile (empty cache), what
the browser received as transferred (compressed) bytes and requests, beside the Streamlit floor
anchor served by plain Streamlit in the same run (no proxy; its uncompressed size is what a
proxy-less Streamlit sends). Prints figures; asserts nothing.

    uv run python bench/cold_bytes.py

Goal of issue #18: a cold page <= 2.5 MB on the wire through the proxy; map geometry <= 300 KB.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from vss_dash.pages import PAGES
from vss_harness.browser import launch_chromium, wait_charts_drawn, wait_idle
from vss_harness.serve import deployment

GOAL_KB = 2.5 * 1024


def visit(browser, url: str) -> tuple[int, int, int]:
    """(transferred bytes, requests, bytes of the largest geometry response) of a cold visit."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    requests = []
    page.on("requestfinished", lambda r: requests.append(r))
    try:
        page.goto(url)
        wait_idle(page)
        wait_charts_drawn(page, 60_000)
        page.wait_for_timeout(500)
        sizes = []
        for r in requests:
            s = r.sizes()
            sizes.append((r.url, s["responseBodySize"] + s["responseHeadersSize"]))
        geometry = max((n for u, n in sizes if "geojson" in u or "topojson" in u), default=0)
        return sum(n for _, n in sizes), len(sizes), geometry
    finally:
        context.close()


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            with deployment(replicas=1, run_dir=Path(tmp) / "run") as d:
                for p in PAGES:
                    rows.append((p.address, *visit(browser, f"{d.url}{p.address}?lang=vi")))
        finally:
            browser.close()
    print(f"{'page':<12} {'KB':>7} {'requests':>9} {'geometry KB':>12}   (through nginx, gzip)")
    for address, size, n, geometry in rows:
        print(f"{address:<12} {size / 1024:7.0f} {n:9d} {geometry / 1024:12.0f}")
    worst = max(size for _, size, _, _ in rows) / 1024
    verdict = "met" if worst <= GOAL_KB else "missed"
    print(f"goal: every cold page <= {GOAL_KB:.0f} KB on the wire: largest {worst:.0f} KB", verdict)


if __name__ == "__main__":
    main()
