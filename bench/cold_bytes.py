"""Bytes on the wire for a first visitor, through the shipped proxy (deploy/: nginx with gzip in
front of the replicas): every page of the registry in a new browser profile (empty cache), what
the browser received as transferred (compressed) bytes and requests, beside the Streamlit floor
anchor served by plain Streamlit in the same run (no proxy; its uncompressed size is what a
proxy-less Streamlit sends). Prints figures; asserts nothing.

The deployment starts with an empty cache of compressed scripts (vss_dash/precompressed.py), so
each page is visited twice: first as the first visitor after an install (Streamlit's scripts go out
as nginx's gzip, and are queued for brotli), then, once the cache is full, as every later first
visitor (an empty browser cache) meets it. The goal is judged on the second.

    uv run python bench/cold_bytes.py

Goal of issue #18: a cold page <= 2.5 MB on the wire through the proxy; map geometry <= 300 KB.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

from vss_dash import precompressed
from vss_dash.pages import PAGES
from vss_harness.browser import launch_chromium, wait_charts_drawn, wait_idle
from vss_harness.serve import deployment

GOAL_KB = 2.5 * 1024


def visit(browser, url: str, paths: set[str] | None = None) -> tuple[int, int, int]:
    """(transferred bytes, requests, bytes of the largest geometry response) of a cold visit;
    the path of every request is added to `paths`."""
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
        (paths if paths is not None else set()).update(urlsplit(u).path for u, _ in sizes)
        return sum(n for _, n in sizes), len(sizes), geometry
    finally:
        context.close()


def settle(paths: set[str], cache: Path, timeout_s: float = 300.0) -> int:
    """Wait until every script the visits fetched that is worth compressing is in the cache (or
    `timeout_s` has passed); how many are."""
    wanted = []
    for path in paths:
        rel = precompressed.relative(path)
        src = precompressed.STATIC_DIR / rel if rel else None
        if src and src.is_file() and src.stat().st_size >= precompressed.MIN_BYTES:
            wanted.append(cache / precompressed.STREAMLIT / f"{rel}.br")
    end = time.monotonic() + timeout_s
    while time.monotonic() < end and not all(p.exists() for p in wanted):
        time.sleep(0.5)
    return sum(p.exists() for p in wanted)


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        cache = Path(tmp) / "static_cache"
        os.environ["VSS_STATIC_CACHE"] = str(cache)  # the replicas start with none compressed
        browser = launch_chromium(pw)
        try:
            with deployment(replicas=1, run_dir=Path(tmp) / "run") as d:
                fetched: set[str] = set()
                first = {
                    p.address: visit(browser, f"{d.url}{p.address}?lang=vi", fetched) for p in PAGES
                }
                files = settle(fetched, cache)
                for p in PAGES:
                    later = visit(browser, f"{d.url}{p.address}?lang=vi")
                    rows.append((p.address, *later, first[p.address][0]))
        finally:
            browser.close()
    print(
        f"{'page':<12} {'KB':>7} {'requests':>9} {'geometry KB':>12} {'after install KB':>17}"
        "   (through nginx: brotli scripts, else gzip)"
    )
    for address, size, n, geometry, installed in rows:
        print(
            f"{address:<12} {size / 1024:7.0f} {n:9d} {geometry / 1024:12.0f} "
            f"{installed / 1024:17.0f}"
        )
    print(f"compressed scripts in the cache after the first visits: {files}")
    worst = max(row[1] for row in rows) / 1024
    verdict = "met" if worst <= GOAL_KB else "missed"
    print(f"goal: every cold page <= {GOAL_KB:.0f} KB on the wire: largest {worst:.0f} KB", verdict)


if __name__ == "__main__":
    main()
