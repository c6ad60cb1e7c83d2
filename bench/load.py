"""Load benchmark: the Streamlit server's memory with 1 and with 10 browser sessions, and
page-ready times with 10 concurrent sessions as a ratio to one session. Prints figures; asserts
nothing.

    uv run python bench/load.py [--sessions 10] [--rounds 3] [--pages overview,map] [--quick]

One server (the app on the bundled store), one headless Chromium; a session is a browser
context (its own cookies, cache and Streamlit websocket session).

1. Memory: resident memory (RSS, psutil) of the server process and its children, before
   any session, with 1 session holding the overview open, and with --sessions sessions holding
   pages open (session i on page i mod the number of pages, so every page is held). A sampler
   also keeps the peak over the whole run.
2. Latency: every page visited once to warm the server's caches; then 1 session visits every
   page --rounds times, then --sessions sessions do the same at once, each starting at a
   different page. Ready = as in page_ready.py: websocket connected, script finished, every
   Plotly chart drawn. p50/p95 over all visits of a phase, and the ratio 10 : 1.
3. CPU: for each latency phase, CPU seconds used by the server tree, by the clients (Chromium,
   the Playwright driver and this process) and by everything else on the machine (psutil),
   against the capacity (wall time x cores); that tells which side the 10-session figure waits
   on. This machine has 2 cores and the clients run on them too.

If a visit is not ready within 60 s the server's health endpoint is asked; a server that no
longer answers is reported as hung and the phase stops early (the figures are then meaningless).
--pages limits the run to some pages (their url paths), e.g. to leave out one that hangs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, async_playwright

from vss_dash.pages import PAGES
from vss_harness.browser import (
    APP_CONNECTED,
    APP_IDLE,
    CHART_STATUS_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    start_server,
)
from vss_harness.procs import Cpu, child_with, rss_mb, tree

GOAL_MB, GOAL_P95_RATIO = 600, 3.0
TIMEOUT_MS = 60_000


# ---------------------------------------------------------------- CPU shares


def line(cpu: Cpu, cores: int) -> str:
    srv, cli, other = cpu.percent(cores)
    return (
        f"wall {cpu.wall:5.1f} s, capacity {cpu.wall * cores:5.1f} CPU-s: server "
        f"{cpu.server:5.1f} ({srv:3.0f}%), clients {cpu.clients:5.1f} ({cli:3.0f}%), "
        f"other processes {cpu.other:5.1f} ({other:3.0f}%)"
    )


# ---------------------------------------------------------------- browser


class Hung(Exception):
    """The server no longer answers its health check."""


def healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=15) as response:
            return response.status == 200
    except OSError:
        return False


async def visit(page: Page, url: str, base: str) -> float | None:
    """Seconds until ready, or None if the page did not get there within the timeout; raises
    Hung if the server has stopped answering."""
    t0 = time.perf_counter()
    try:
        await page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT_MS)
        await page.locator(APP_CONNECTED).wait_for(state="attached", timeout=TIMEOUT_MS)
        await page.locator(APP_IDLE).wait_for(state="attached", timeout=TIMEOUT_MS)
        await page.wait_for_function(
            f"({CHART_STATUS_JS})().problems.length === 0", timeout=TIMEOUT_MS
        )
    except PlaywrightError as e:
        print(f"  warning: {url}: not ready: {str(e).splitlines()[0]}")
        if not await asyncio.to_thread(healthy, base):
            raise Hung(url) from e
        return None
    return time.perf_counter() - t0


async def session_visits(browser, urls, base, rounds: int, first: int) -> list[float | None]:
    """One session visiting every page `rounds` times, starting at page `first`."""
    context = await browser.new_context(viewport=VIEWPORT)
    try:
        page = await context.new_page()
        order = urls[first:] + urls[:first]
        return [await visit(page, url, base) for _ in range(rounds) for url in order]
    finally:
        with contextlib.suppress(PlaywrightError):
            await context.close()


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by linear interpolation between order statistics."""
    s = sorted(values)
    k = (len(s) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


async def sample_peak(pid: int, peak: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], rss_mb(tree(pid)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.25)


async def run(args, base: str) -> None:
    server = child_with("streamlit")
    cores = os.cpu_count() or 1
    pages = [p for p in PAGES if not args.pages or p.url_path in args.pages.split(",")]
    urls = [f"{base}{p.address}" for p in pages]
    names = [p.url_path for p in pages]
    peak, stop = [0.0], asyncio.Event()
    sampler = asyncio.create_task(sample_peak(server, peak, stop))
    idle = rss_mb(tree(server))
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            # memory: 1 session, then `sessions` sessions holding pages open
            held = []
            for i in range(args.sessions):
                context = await browser.new_context(viewport=VIEWPORT)
                held.append(context)
                await visit(await context.new_page(), urls[i % len(urls)], base)
                if i == 0:
                    await asyncio.sleep(2)
                    one = rss_mb(tree(server))
            await asyncio.sleep(2)
            many = rss_mb(tree(server))
            for context in held:
                await context.close()
            print(
                f"server memory (RSS, MB): before any session {idle:.0f}, 1 session "
                f"({names[0]}) {one:.0f}, {args.sessions} sessions holding "
                f"{', '.join(names[: args.sessions])} {many:.0f}"
            )
            # latency: warm every page's caches, then 1 session, then `sessions` at once
            await session_visits(browser, urls, base, 1, 0)
            start = Cpu.now(tree(server))
            single = await session_visits(browser, urls, base, args.rounds, 0)
            cpu_one = Cpu.now(tree(server)).since(start)
            start = Cpu.now(tree(server))
            results = await asyncio.gather(
                *[
                    session_visits(browser, urls, base, args.rounds, i % len(urls))
                    for i in range(args.sessions)
                ],
                return_exceptions=True,
            )
            cpu_many = Cpu.now(tree(server)).since(start)
        except Hung as e:
            results = [e]
        finally:
            await browser.close()
    stop.set()
    await sampler
    if hung := [r for r in results if isinstance(r, BaseException)]:
        print(
            f"SERVER HUNG: it stopped answering its health check (first seen at {hung[0]}); "
            "no latency figures. Attach gdb or py-spy to the streamlit process to see why."
        )
        raise SystemExit(1)
    single = [t for t in single if t is not None]
    concurrent = [t for r in results for t in r if t is not None]
    failed = sum(t is None for r in results for t in r)
    after = rss_mb(tree(server))
    report(args, idle, one, many, after, peak[0], single, concurrent, failed)
    print("CPU during the latency phases:")
    print(f"  1 session:   {line(cpu_one, cores)}")
    print(f"  {args.sessions} sessions: {line(cpu_many, cores)}")
    print(f"  ({cores} cores; 'clients' = Chromium, the Playwright driver and this script)")


def report(args, idle, one, many, after, peak, single, concurrent, failed) -> None:
    n = args.sessions
    p50_1, p95_1 = pct(single, 0.5), pct(single, 0.95)
    p50_n, p95_n = pct(concurrent, 0.5), pct(concurrent, 0.95)
    print(f"server memory after the {n}-session run {after:.0f} MB, peak over the run {peak:.0f}")
    print(
        f"page ready, {len(single)} visits by 1 session: p50 {p50_1:.2f} s, p95 {p95_1:.2f} s; "
        f"{len(concurrent)} visits by {n} concurrent sessions: p50 {p50_n:.2f} s, "
        f"p95 {p95_n:.2f} s" + (f" ({failed} visits not ready)" if failed else "")
    )
    print(f"ratio {n} : 1 sessions: p50 {p50_n / p50_1:.2f}, p95 {p95_n / p95_1:.2f}")
    print(
        f"goal: server memory <= {GOAL_MB} MB with {n} sessions: {many:.0f} MB held, "
        f"{peak:.0f} MB peak -> {'met' if peak <= GOAL_MB else 'missed'}"
    )
    print(
        f"goal: p95 with {n} sessions <= {GOAL_P95_RATIO:g}x one session: "
        f"{p95_n / p95_1:.2f}x -> {'met' if p95_n / p95_1 <= GOAL_P95_RATIO else 'missed'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10, help="concurrent browser sessions")
    parser.add_argument("--rounds", type=int, default=3, help="visits of every page per session")
    parser.add_argument("--pages", default="", help="comma-separated url paths (default: all)")
    parser.add_argument("--quick", action="store_true", help="1 round")
    args = parser.parse_args()
    if args.quick:
        args.rounds = 1
    with tempfile.TemporaryDirectory() as tmp, start_server(Path(tmp)) as base:
        asyncio.run(run(args, base))


if __name__ == "__main__":
    main()
