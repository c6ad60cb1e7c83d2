"""Load and fault test of the scaled-out deployment (deploy/serve.py: nginx in front of Streamlit
replicas). Prints figures; asserts nothing.

    uv run --locked python deploy/loadtest.py [--quick] [--visits N] [--sessions 1,5,20]
                                              [--store parquet|postgresql|URI] [--only ...]

Every deployment runs on a copy of the store (VSS_DATA_DIR), so the imports below never touch
data/store. Two kinds of client, and every figure says which one it comes from:
- browser: a headless Chromium context (its own cookies, cache and Streamlit session); ready =
  websocket connected, script finished and every Plotly chart drawn (as bench/page_ready.py);
- protocol: what a browser does on the wire without drawing anything: GET the page (on a
  session's first visit also index.html's scripts and styles), /_stcore/health and host-config,
  then a websocket that sends Streamlit's rerun message and reads until the script has
  finished; ready = script finished. It exists because 20 Chromium contexts need more CPU than
  the two cores have (see the CPU lines: "clients" against "server").
Sessions are spread over the replicas by setting the sticky cookie (vss_route=rK, session i on
replica i mod N), as nginx's random first assignment would do on average.

1. Bytes on the wire per cold page (browser, new profile, through the proxy), with gzip (the
   browser's own Accept-Encoding) and without (Accept-Encoding: identity): nginx's $bytes_sent
   for every request of the visit, headers included, the websocket's frames included.
2. Load: 1 and 2 replicas behind the proxy; 1, 5 and 20 concurrent sessions, each visiting
   --visits pages (every page of vss_dash.pages.PAGES in turn, sessions starting at different
   pages); page-ready p50/p95, errors (not ready in time, exception shown, HTTP 5xx), peak RSS
   of each replica (RSS, psutil), and where the CPU went.
3. Kill: 2 replicas; sessions holding a page open and sessions visiting pages, on both replicas;
   SIGKILL one replica; what its sessions see, and how they recover.
4. Import while reading: browser and protocol sessions reload the overview while
   `vss-dash ingest` stores new vintages; each page's KPI figures must equal the figures of one
   vintage, read (by a protocol session) after each import had finished.
5. The same question at the data layer, many times a second: threads load the store the way
   the app does (store.load, then metrics.Frames.from_store) while another process rewrites it
   with store.write, alternating two vintages; every load is classified.
6. With --store postgresql (the default when VSS_STORE names a database; `make loadtest
   STORE=postgresql`): scenario 4's question and a kill, on a Parquet store and on PostgreSQL in
   the same run, 2 replicas each, in rounds Parquet, PostgreSQL, PostgreSQL, Parquet (one round
   with --quick). A throwaway server (vss_harness.postgres, never the database VSS_STORE names)
   gets the demo; writer processes store.write new vintages while protocol and browser sessions
   reload the overview; one writer is killed (SIGKILL) as soon as its write is seen under way
   (it holds the store's write lock: PostgreSQL's table lock, i.e. inside its transaction;
   Parquet's lock file), and one more write follows. Reported per backend: pages, mixed, errors,
   page times (median, p95) and the ratio PostgreSQL / Parquet (goal <= 1.2x). `--store URI`
   runs it on that database instead: a scratch one, since its store is overwritten. The
   throwaway server's replicas connect as the store's viewer role, its writers as the writer
   role (vss_harness.postgres.roles: the store's own grant()).
7. With --store postgresql: a hot standby keeps pages up. A primary and a streaming standby
   (vss_harness.postgres.replicated); two replicas read the standby as the viewer role, imports
   (`vss-dash ingest`) write through the same kind of URI as the writer role, which reaches the
   primary. The primary is killed (an immediate stop) as soon as an import holds its write lock;
   pages must keep showing the last whole generation, an import during the outage must be
   refused with the bilingual message, and once the primary is started again (without --quick,
   a second round: the standby promoted instead) the import must land with every earlier row
   kept and nothing of the killed one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import multiprocessing
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from argparse import SUPPRESS
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx
import polars as pl
import websockets
from adbc_driver_postgresql import dbapi as pg_dbapi
from playwright.async_api import Browser, BrowserContext, async_playwright
from playwright.async_api import Error as PlaywrightError
from polars.exceptions import PanicException
from readiness import Prober  # deploy/readiness.py, beside this file
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from vss_dash import i18n, metrics, store
from vss_dash.pages import PAGES
from vss_dash.paths import store_dir
from vss_harness import postgres, serve
from vss_harness.browser import (
    APP_CONNECTED,
    APP_IDLE,
    CHART_STATUS_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
)
from vss_harness.ingest_files import Wide
from vss_harness.procs import Cpu, rss_mb, tree

CORES = os.cpu_count() or 1
TIMEOUT_MS = 120_000
# every simulated session comes from 127.0.0.1: the proxy's per-address limits (a flood
# from one address) would count them all as one client, so they do not apply to it here
LOCAL = ("127.0.0.1",)
GOAL_P95_RATIO, GOAL_COLD_MB = 3.0, 2.5
SCENARIOS = ("bytes", "load", "kill", "import", "store", "backends", "standby")
RERUN = ForwardMsg.FINISHED_EARLY_FOR_RERUN  # a script stopped for a rerun: wait for that one
STORE_ERRORS = [i18n.t(k, lang) for k in ("store_invalid", "store_missing") for lang in i18n.LANGS]


# ---------------------------------------------------------------- memory and CPU


def deployment_pids(dep: serve.Deployment) -> list[int]:
    """The replicas and nginx, with their children."""
    return [p for rep in dep.replicas for p in tree(rep.pid)] + tree(dep.nginx.pid)


def shares(cpu: Cpu) -> str:
    """Where the CPU went: the deployment (replicas + nginx), the clients (Chromium, the
    Playwright driver, this process) and everything else on the machine."""
    srv, cli, other = cpu.percent(CORES)
    return f"server {srv:3.0f}%, clients {cli:3.0f}%, other {other:3.0f}%"


class PeakRss:
    """Samples each replica's RSS every 0.5 s in a thread; keeps the peak per replica."""

    def __init__(self, dep: serve.Deployment):
        self.dep, self.peak = dep, {rep.name: 0.0 for rep in dep.replicas}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            for rep in self.dep.replicas:
                self.peak[rep.name] = max(self.peak[rep.name], rss_mb(tree(rep.pid)))

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


# ---------------------------------------------------------------- browser client


@dataclass
class Visit:
    page: str
    seconds: float | None  # None: not ready
    error: str | None = None
    started: float = 0.0  # monotonic
    ended: float = 0.0
    route: str | None = None  # the sticky cookie after the visit
    figures: tuple[str, ...] = ()


async def new_context(browser: Browser, base: str, route: str | None, **kw) -> BrowserContext:
    context = await browser.new_context(viewport=VIEWPORT, **kw)
    if route:
        await context.add_cookies([{"name": "vss_route", "value": route, "url": base}])
    return context


async def route_of(context: BrowserContext) -> str | None:
    return {c["name"]: c["value"] for c in await context.cookies()}.get("vss_route")


# the KPI figures, read in one go, and whether the page was settled then: the script not running
# and no stale element (one the last run drew and a rerun has not yet replaced)
SNAPSHOT_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const state = app && app.getAttribute('data-test-script-state');
  return {idle: state === 'notRunning' || state === 'compilationError',
          stale: document.querySelectorAll('[data-stale="true"]').length,
          figures: Array.from(document.querySelectorAll('[data-testid="stMetricValue"]'))
                        .map((e) => e.innerText)};
}
"""


async def settled_figures(page, expected: int = 0, timeout_s: float = 30.0) -> tuple[str, ...]:
    """The KPI figures of a settled page: idle, nothing stale, at least `expected` cards drawn
    (a card's code loads lazily in each new page), and the same in two snapshots 0.3 s apart."""
    deadline = time.monotonic() + timeout_s
    last = None
    while True:
        snap = await page.evaluate(SNAPSHOT_JS)
        settled = snap["idle"] and not snap["stale"] and len(snap["figures"]) >= expected
        if (settled and snap == last) or time.monotonic() > deadline:
            return tuple(snap["figures"])
        last = snap if settled else None
        await asyncio.sleep(0.3)


async def browser_visit(
    context: BrowserContext, page, url: str, name: str, expected: int = 0
) -> Visit:
    """Open `url` in `page` and wait until ready; the error, if any, says why not."""
    failed: list[str] = []

    def on_response(response) -> None:
        if response.status >= 500:
            failed.append(f"HTTP {response.status} {response.url}")

    page.on("response", on_response)
    started = time.monotonic()
    try:
        await page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT_MS)
        await page.locator(APP_CONNECTED).wait_for(state="attached", timeout=TIMEOUT_MS)
        await page.locator(APP_IDLE).wait_for(state="attached", timeout=TIMEOUT_MS)
        await page.wait_for_function(
            f"({CHART_STATUS_JS})().problems.length === 0", timeout=TIMEOUT_MS
        )
        seconds = time.monotonic() - started
        error = None
        if await page.get_by_test_id("stException").count():
            error = "exception shown"
        elif any(text in body for body in [await page.inner_text("body")] for text in STORE_ERRORS):
            error = "store error shown"
        elif failed:
            error = failed[0]
        figures = await settled_figures(page, expected)
    except PlaywrightError as e:
        seconds, error, figures = None, f"not ready: {str(e).splitlines()[0][:80]}", ()
    finally:
        page.remove_listener("response", on_response)
    visit = Visit(name, seconds, error, started, time.monotonic(), figures=figures)
    visit.route = await route_of(context)
    return visit


def _going(k: int, n: int, until: asyncio.Event | None) -> bool:
    return not until.is_set() if until is not None else k < n


async def browser_session(
    browser: Browser,
    base: str,
    route: str | None,
    n: int,
    first: int = 0,
    until: asyncio.Event | None = None,
    pages=PAGES,
    sink: list[Visit] | None = None,
    expected: int = 0,
) -> list[Visit]:
    """One session: `n` visits (or until `until` is set), page after page from pages[first]."""
    context = await new_context(browser, base, route)
    tab = await context.new_page()
    visits = sink if sink is not None else []
    k = 0
    while _going(k, n, until):
        p = pages[(first + k) % len(pages)]
        visits.append(await browser_visit(context, tab, base + p.address, p.url_path, expected))
        k += 1
    await context.close()
    return visits


# ---------------------------------------------------------------- protocol client


class ProtocolSession:
    """A Streamlit session on the wire, without a browser (see the module's docstring)."""

    def __init__(self, base: str, route: str | None):
        self.base = base
        self.http = httpx.AsyncClient(base_url=base, timeout=TIMEOUT_MS / 1000)
        if route:  # as nginx would set it: host-only, path /
            self.http.cookies.set("vss_route", route, domain=httpx.URL(base).host, path="/")
        self.cold = True

    def cookies(self) -> dict[str, str]:
        return {c.name: c.value for c in self.http.cookies.jar}

    async def visit(self, page) -> Visit:
        started = time.monotonic()
        error = None
        try:
            html = await self._get(page.address)
            if self.cold:  # index.html's own scripts and styles, once per session (then cached)
                for asset in re.findall(r'(?:src|href)="\.?/?(static/[^"]+)"', html):
                    await self._get("/" + asset)
                self.cold = False
            await self._get("/_stcore/health")
            await self._get("/_stcore/host-config")
            error, figures = await self._run(page)
        except (httpx.HTTPError, websockets.WebSocketException, OSError, TimeoutError) as e:
            error, figures = f"{type(e).__name__}: {str(e)[:80]}", ()
        shown = error is None or error.endswith("shown")  # the page finished, with an error box
        seconds = time.monotonic() - started if shown else None
        visit = Visit(page.url_path, seconds, error, started, time.monotonic(), figures=figures)
        visit.route = self.cookies().get("vss_route")
        return visit

    async def _get(self, path: str) -> str:
        response = await self.http.get(path)
        if response.status_code >= 500:
            raise httpx.HTTPStatusError(
                f"HTTP {response.status_code} {path}", request=response.request, response=response
            )
        return response.text

    async def _run(self, page) -> tuple[str | None, tuple[str, ...]]:
        """Rerun the page's script over the websocket: (error or None, the KPI figures)."""
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies().items())
        url = self.base.replace("http://", "ws://") + "/_stcore/stream"
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_name = "" if page is PAGES[0] else page.url_path
        errors: list[str] = []
        figures: list[str] = []
        async with websockets.connect(
            url,
            subprotocols=["streamlit"],
            additional_headers={"Cookie": cookie},
            origin=self.base,
            max_size=None,
            compression=None,
            open_timeout=60,
        ) as ws:
            await ws.send(msg.SerializeToString())
            while True:
                fm = ForwardMsg()
                fm.ParseFromString(await asyncio.wait_for(ws.recv(), TIMEOUT_MS / 1000))
                kind = fm.WhichOneof("type")
                if kind == "new_session":  # a (re)run starts: its elements replace the last's
                    errors, figures = [], []
                elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                    el = fm.delta.new_element
                    which = el.WhichOneof("type")
                    if which == "exception":
                        errors.append("exception shown")
                    elif which == "alert" and any(s in el.alert.body for s in STORE_ERRORS):
                        errors.append("store error shown")
                    elif which == "metric":
                        figures.append(el.metric.body)
                elif kind == "script_finished" and fm.script_finished != RERUN:
                    break
        return (errors[0] if errors else None), tuple(figures)

    async def close(self) -> None:
        await self.http.aclose()


async def protocol_session(
    base: str,
    route: str | None,
    n: int,
    first: int = 0,
    until: asyncio.Event | None = None,
    pages=PAGES,
) -> list[Visit]:
    session = ProtocolSession(base, route)
    visits, k = [], 0
    while _going(k, n, until):
        visits.append(await session.visit(pages[(first + k) % len(pages)]))
        k += 1
    await session.close()
    return visits


# ---------------------------------------------------------------- 1. bytes per cold page


def log_lines(dep: serve.Deployment, probe: str) -> list[str]:
    return [ln for ln in dep.access_log.read_text().splitlines() if f"probe={probe}" in ln]


async def cold_page_bytes(browser: Browser, dep: serve.Deployment, page, gzip: bool) -> dict:
    """Bytes nginx sent for one cold visit: HTTP responses, and the websocket's frames."""
    probe = uuid.uuid4().hex[:12]
    headers = {} if gzip else {"Accept-Encoding": "identity"}
    context = await new_context(browser, dep.url, "r0", extra_http_headers=headers)
    await context.add_cookies([{"name": "vss_probe", "value": probe, "url": dep.url}])
    tab = await context.new_page()
    visit = await browser_visit(context, tab, dep.url + page.address, page.url_path)
    await context.close()
    lines: list[str] = []
    for _ in range(50):  # nginx logs the websocket when it closes, a moment after the tab
        lines = log_lines(dep, probe)
        if any("/_stcore/stream" in ln for ln in lines):
            break
        await asyncio.sleep(0.2)
    sent = [(int(re.search(r"bytes=(\d+)", ln)[1]), "/_stcore/stream" in ln) for ln in lines]
    # Accept-Encoding of each request, the websocket's handshake marked apart
    encodings = [
        ("websocket " if "/_stcore/stream" in ln else "") + re.search(r'ae="([^"]*)"', ln)[1]
        for ln in lines
    ]
    return {
        "http": sum(b for b, ws in sent if not ws),
        "ws": sum(b for b, ws in sent if ws),
        "requests": len(sent),
        "ae": encodings,
        "error": visit.error,
        "largest": sorted(
            (
                (int(re.search(r"bytes=(\d+)", ln)[1]), re.search(r'"GET (\S+)', ln)[1])
                for ln in lines
            ),
            reverse=True,
        )[:5],
    }


async def scenario_bytes(browser: Browser, dep: serve.Deployment) -> dict[str, dict]:
    print("\n1. Bytes on the wire per cold page, through the proxy (browser client)")
    print(
        f"{'page':<10} {'gzip KB':>8} {'(http+ws)':>13} {'identity KB':>12} {'(http+ws)':>13}"
        f" {'requests':>8}"
    )
    out = {}
    for page in PAGES:
        z = await cold_page_bytes(browser, dep, page, gzip=True)
        plain = await cold_page_bytes(browser, dep, page, gzip=False)
        out[page.url_path] = {"gzip": z, "identity": plain}
        print(
            f"{page.url_path:<10} {(z['http'] + z['ws']) / 1024:8.0f} "
            f"{z['http'] / 1024:6.0f}+{z['ws'] / 1024:<6.0f} "
            f"{(plain['http'] + plain['ws']) / 1024:12.0f} "
            f"{plain['http'] / 1024:6.0f}+{plain['ws'] / 1024:<6.0f} {z['requests']:8d}"
            + "".join(f"  ({v['error']})" for v in (z, plain) if v["error"])
        )
    worst = max(out, key=lambda k: out[k]["gzip"]["http"] + out[k]["gzip"]["ws"])
    print(
        f"  largest responses of the {worst} page, gzip: "
        + ", ".join(
            f"{path.rsplit('/', 1)[-1]} {b / 1024:.0f} KB"
            for b, path in out[worst]["gzip"]["largest"]
        )
    )
    for kind in ("gzip", "identity"):
        seen: dict[str, int] = {}
        for v in out.values():
            for e in v[kind]["ae"]:
                seen[e] = seen.get(e, 0) + 1
        print(f"  Accept-Encoding of the requests of the {kind} visits: {seen}")
    print("  KB = 1024 bytes; http = responses with their headers, ws = the websocket's frames")
    return out


# ---------------------------------------------------------------- 2. load


@dataclass
class Phase:
    replicas: int
    client: str
    sessions: int
    visits: list[Visit]
    cpu: Cpu
    rss: dict[str, float]
    ready: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ready = [v.seconds for v in self.visits if v.seconds is not None]

    @property
    def errors(self) -> list[Visit]:
        return [v for v in self.visits if v.error]


async def load_phase(
    browser: Browser, dep: serve.Deployment, client: str, n: int, visits: int
) -> Phase:
    routes = [rep.name for rep in dep.replicas]
    start = Cpu.now(deployment_pids(dep))
    with PeakRss(dep) as rss:
        if client == "browser":
            jobs = [
                browser_session(browser, dep.url, routes[i % len(routes)], visits, i)
                for i in range(n)
            ]
        else:
            jobs = [protocol_session(dep.url, routes[i % len(routes)], visits, i) for i in range(n)]
        results = await asyncio.gather(*jobs)
    cpu = Cpu.now(deployment_pids(dep)).since(start)
    phase = Phase(len(routes), client, n, [v for r in results for v in r], cpu, rss.peak)
    served = {r: sum(v.route == r for v in phase.visits) for r in routes}
    print(
        f"{len(routes):>3} {client:<8} {n:>3} {len(phase.visits):>6} {pct(phase.ready, 0.5):6.2f} "
        f"{pct(phase.ready, 0.95):6.2f} {len(phase.errors):>6}  "
        f"{' / '.join(f'{phase.rss[r]:.0f}' for r in routes):<11} {shares(phase.cpu)}  "
        f"visits by replica {served}"
    )
    for v in phase.errors[:3]:
        print(f"      error: {v.page}: {v.error}")
    return phase


async def scenario_load(browser: Browser, data_dir: Path, args) -> list[Phase]:
    print("\n2. Load: page-ready seconds, errors, peak RSS per replica (MB), CPU shares")
    print(
        f"{'rep':>3} {'client':<8} {'ses':>3} {'visits':>6} {'p50':>6} {'p95':>6} {'errors':>6}"
        f"  {'RSS r0 / r1':<11} CPU (of {CORES} cores)"
    )
    phases = []
    for replicas in (1, 2):
        with (
            serve.deployment(
                limit_exempt=LOCAL,
                replicas=replicas,
                run_dir=args.tmp / f"load{replicas}",
                data_dir=data_dir,
            ) as dep,
            Prober(dep) as ready,
        ):
            # warm the server's caches: every page once, on every replica
            for rep in dep.replicas:
                await browser_session(browser, dep.url, rep.name, len(PAGES), 0)
            mine = len(phases)
            for client in ("browser", "protocol"):
                for n in args.sessions:
                    phases.append(await load_phase(browser, dep, client, n, args.visits))
        ready.report([v for p in phases[mine:] for v in p.visits])
    return phases


# ---------------------------------------------------------------- 3. kill a replica

WATCH_JS = """
window.__vss = [];
(function watch() {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) { setTimeout(watch, 50); return; }
  const note = () => window.__vss.push([Date.now(), app.getAttribute('data-test-connection-state'),
                                        app.getAttribute('data-test-script-state')]);
  note();
  new MutationObserver(note).observe(app, {attributes: true,
    attributeFilter: ['data-test-connection-state', 'data-test-script-state']});
})();
"""


async def _until(check, timeout_s: float) -> bool:
    """Poll `check` (a coroutine function) every 0.5 s until it is true or the time is up."""
    deadline = time.monotonic() + timeout_s
    while not await check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.5)
    return True


def _transitions(log: list, since_ms: float) -> list[tuple[float, str, str]]:
    """The app root's (seconds after since_ms, connection state, script state), changes only."""
    out: list[tuple[float, str, str]] = []
    for ms, conn, script in log:
        if ms >= since_ms and (not out or out[-1][1:] != (conn, script)):
            out.append(((ms - since_ms) / 1000, conn, script))
    return out


async def scenario_kill(browser: Browser, data_dir: Path, args) -> dict:
    print(
        "\n3. Kill one replica (SIGKILL) while sessions hold pages open and visit pages "
        "(browser client, 2 replicas)"
    )
    routes = ("r0", "r0", "r1", "r1")
    with (
        serve.deployment(
            limit_exempt=LOCAL, replicas=2, run_dir=args.tmp / "kill", data_dir=data_dir
        ) as dep,
        Prober(dep) as ready,
    ):
        for rep in dep.replicas:
            await browser_session(browser, dep.url, rep.name, 1)  # warm
        # holders: a page open, in English (a view kept in the URL), watched by WATCH_JS
        holders = []
        for route in routes:
            context = await new_context(browser, dep.url, route)
            await context.add_init_script(WATCH_JS)
            tab = await context.new_page()
            await browser_visit(context, tab, dep.url + "/?lang=en", "overview")
            holders.append((route, context, tab))
        # visitors: page after page, until told to stop
        stop = asyncio.Event()
        sinks: list[list[Visit]] = [[] for _ in routes]
        tasks = [
            asyncio.create_task(browser_session(browser, dep.url, r, 0, i, stop, sink=sinks[i]))
            for i, r in enumerate(routes)
        ]

        async def steady() -> bool:
            return all(len(s) >= 1 for s in sinks)

        await _until(steady, 300)
        victim = dep.replicas[0]
        killed_ms, killed = time.time() * 1000, time.monotonic()
        os.kill(victim.pid, signal.SIGKILL)

        async def recovered() -> bool:
            last = [await tab.evaluate("window.__vss.at(-1)") for _, _, tab in holders]
            return all(s[1] == "CONNECTED" and s[2] == "notRunning" for s in last)

        async def visitors_done() -> bool:
            after = [sum(v.started > killed for v in s) for s in sinks]
            return victim.restarts > 0 and min(after) >= 2

        await asyncio.sleep(1)
        await _until(recovered, 120)
        await _until(visitors_done, 300)
        stop.set()
        await asyncio.gather(*tasks)
        restarted = next((t for t, m in dep.events if "restarted" in m), float("nan"))
        print(
            f"  r0 killed at 0 s; the launcher saw it and started it again at "
            f"{restarted - killed:.1f} s"
        )
        holder_rows = []
        for i, (route, context, tab) in enumerate(holders):
            steps = _transitions(await tab.evaluate("window.__vss"), killed_ms)
            lost = next((s for s in steps if s[1] != "CONNECTED"), None)
            back = next((s for s in steps if lost and s[0] > lost[0] and s[1] == "CONNECTED"), None)
            rerun = next((s for s in steps if back and s[0] >= back[0] and s[2] == "running"), None)
            drawn = next(
                (s for s in steps if rerun and s[0] > rerun[0] and s[2] == "notRunning"), None
            )
            exc = await tab.get_by_test_id("stException").count()
            english = i18n.t("overview_title", "en") in await tab.inner_text("body")
            # the first interaction since: switch the language; does the script run, and obey?
            mark = time.time() * 1000
            await tab.get_by_text(i18n.t("lang_vi", "en"), exact=True).first.click()
            with contextlib.suppress(PlaywrightError):
                await tab.wait_for_function(
                    "t => window.__vss.some(s => s[0] >= t && s[2] === 'running')",
                    arg=mark,
                    timeout=15_000,
                )
                await tab.locator(APP_IDLE).wait_for(state="attached", timeout=TIMEOUT_MS)
            ran = any(
                s[0] >= mark and s[2] == "running" for s in await tab.evaluate("window.__vss")
            )
            obeyed = i18n.t("overview_title", "vi") in await tab.inner_text("body")
            again = await browser_visit(context, tab, dep.url + "/?lang=en", "overview")
            await context.close()
            row = {
                "route": route,
                "lost": lost,
                "back": back,
                "rerun": rerun,
                "drawn": drawn,
                "exceptions": exc,
                "english": english,
                "click_ran": ran,
                "click_obeyed": obeyed,
                "route_after": again.route,
                "next_error": again.error,
            }
            holder_rows.append(row)
            if route == "r0" and i == 0:
                print("  a page held open on r0 (app root's connection/script state):")
                print("    " + " -> ".join(f"{s[0]:.1f} s {s[1]}/{s[2]}" for s in steps))
            print(
                f"  holder on {route}: "
                + (
                    f"connection lost at {lost[0]:.1f} s, connected again at "
                    f"{_s(back and back[0])}, "
                    + (
                        f"script rerun at {rerun[0]:.1f} s, redrawn at {_s(drawn and drawn[0])}"
                        if rerun
                        else "no rerun: the old page stays on screen"
                    )
                    if lost
                    else "no change"
                )
                + f"; exception boxes {exc}; still English {english}; then a click on the "
                f"language switch: script ran {ran}, page switched {obeyed}; cookie now "
                f"{again.route}, next visit {again.error or 'ok'}"
            )
        visits = [v for s in sinks for v in s]
        during = [v for v in visits if v.started <= killed <= v.ended]
        after = [v for v in visits if v.started > killed]
        print(
            f"  visitors ({len(routes)} sessions, 2 per replica, page after page): {len(visits)} "
            f"visits, {sum(bool(v.error) for v in visits)} errors; in flight at the kill: "
            + ", ".join(f"{v.page} on {v.route} {_s(v.seconds)}" for v in during)
            + f"; after it by cookie: r0 {sum(v.route == 'r0' for v in after)}, "
            f"r1 {sum(v.route == 'r1' for v in after)}"
        )
        for v in [v for v in visits if v.error][:4]:
            print(f"      error: {v.page}: {v.error}")
        print_nginx_errors(dep)
    readiness = ready.report(visits)
    return {
        "holders": holder_rows,
        "visits": visits,
        "restart_s": restarted - killed,
        "readiness": readiness,
    }


def print_nginx_errors(dep: serve.Deployment) -> None:
    """nginx's error log, counted by message (the address and request cut off)."""
    counts: dict[str, int] = {}
    for line in (dep.run_dir / "error.log").read_text().splitlines():
        m = re.search(r"\[(error|warn|crit|alert)\] \d+#\d+: (?:\*\d+ )?([^,]+)", line)
        if m:
            counts[f"{m[1]}: {m[2]}"] = counts.get(f"{m[1]}: {m[2]}", 0) + 1
    for message, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"  nginx error log: {n} x {message}")


def _s(x: float | None) -> str:
    return "never" if x is None else f"{x:.1f} s"


# ---------------------------------------------------------------- 4. import while reading


def make_reports(data_dir: Path, out_dir: Path, count: int) -> list[Path]:
    """Report files for the newest month, each with every value lowered by 3% more than the
    last, so that each vintage shows other KPI figures (and stays within the import checks)."""
    frames = metrics.Frames.from_store(store.load(data_dir))
    period = frames.latest_period()
    wide = Wide.from_store(frames, period)
    paths = []
    for k in range(1, count + 1):
        f = 1 - 0.03 * k
        rows = {
            name: {m: round(v * f) for m, v in values.items()} for name, values in wide.rows.items()
        }
        path = out_dir / f"report_{k}_{period:%Y_%m}.csv"
        path.write_bytes(Wide(period, rows).csv_bytes())
        paths.append(path)
    return paths


async def scenario_import(browser: Browser, data_dir: Path, args) -> dict:
    print("\n4. Import while sessions read the overview (2 replicas; browser and protocol readers)")
    reports = make_reports(data_dir, args.tmp, args.imports)
    cli = Path(sys.executable).parent / "vss-dash"
    overview = [PAGES[0]]
    with (
        serve.deployment(
            limit_exempt=LOCAL, replicas=2, run_dir=args.tmp / "import", data_dir=data_dir
        ) as dep,
        Prober(dep) as ready,
    ):
        # the figures of each vintage, read while no import runs (the text of Streamlit's metric
        # elements: what the browser shows in its cards)
        calibrator = ProtocolSession(dep.url, "r0")

        async def calibrate() -> tuple[str, ...]:
            return (await calibrator.visit(PAGES[0])).figures

        vintages = [await calibrate()]
        stop = asyncio.Event()
        readers = {
            "browser": [
                asyncio.create_task(
                    browser_session(
                        browser,
                        dep.url,
                        f"r{i % 2}",
                        0,
                        0,
                        stop,
                        pages=overview,
                        expected=len(vintages[0]),
                    )
                )
                for i in range(args.readers)
            ],
            "protocol": [
                asyncio.create_task(
                    protocol_session(dep.url, f"r{i % 2}", 0, 0, stop, pages=overview)
                )
                for i in range(args.readers)
            ],
        }
        import_s = []
        for path in reports:
            await asyncio.sleep(3)
            t0 = time.monotonic()
            proc = await asyncio.create_subprocess_exec(
                str(cli),
                "ingest",
                str(path),
                "--store",
                str(data_dir),
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
            )
            stdout, _ = await proc.communicate()
            import_s.append(time.monotonic() - t0)
            if proc.returncode != 0:
                print(f"  import of {path.name} failed: {stdout.decode()[-300:]}")
            vintages.append(await calibrate())
        await asyncio.sleep(3)
        stop.set()
        visits = {
            kind: [v for task in tasks for v in await task] for kind, tasks in readers.items()
        }
        await calibrator.close()
    print(
        f"  {len(reports)} imports by `vss-dash ingest` ({statistics.mean(import_s):.1f} s "
        f"each) while {args.readers} browser and {args.readers} protocol sessions reloaded the "
        "overview; each page's KPI figures compared with each vintage's"
    )
    out = classify(visits, vintages)
    if len(set(vintages)) < len(vintages):
        print("  note: two vintages showed the same figures, so the check above is weaker")
    out["readiness"] = ready.report([v for vs in visits.values() for v in vs])
    return out


def classify(visits: dict[str, list[Visit]], vintages: list[tuple[str, ...]]) -> dict:
    """Print, per kind of client, the pages by the vintage they showed, the mixed, incomplete
    and failed ones; return the totals (pages, mixed, errors)."""
    out = {"pages": 0, "mixed": 0, "errors": 0}
    index = {sig: k for k, sig in enumerate(vintages)}
    for kind, vs in visits.items():
        ok = [v for v in vs if not v.error]
        unmatched = [v for v in ok if v.figures not in index]
        # a figure that belongs to no vintage, or a page of two vintages, is mixed; a page
        # with cards missing is incomplete
        mixed = [v for v in unmatched if len(v.figures) == len(vintages[0])]
        errors = [v for v in vs if v.error]
        by_vintage = {k: sum(index.get(v.figures) == k for v in ok) for k in range(len(vintages))}
        print(
            f"  {kind:<8} {len(vs):4d} pages; by vintage shown (0 = before the first import) "
            f"{by_vintage}; mixed {len(mixed)}; incomplete {len(unmatched) - len(mixed)}; "
            f"with an error {len(errors)}"
        )
        for v in errors[:3]:
            print(f"      {v.page}: {v.error}")
        for v in unmatched[:3]:  # each figure: the vintages that show it
            where = [
                "/".join(str(k) for k, s in enumerate(vintages) if i < len(s) and s[i] == f)
                or "none"
                for i, f in enumerate(v.figures)
            ]
            print(f"      {len(v.figures)} of {len(vintages[0])} figures, from vintages {where}")
        out["pages"] += len(vs)
        out["mixed"] += len(mixed)
        out["errors"] += len(errors)
    return out


# ---------------------------------------------------------------- 5. the data layer


def _writer(directory: str, versions: list[tuple], seconds: float, count) -> None:
    """In its own process: rewrite the store with store.write, alternating the versions."""
    end, k = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        obs, plans, sources = versions[k % 2]
        store.write(Path(directory), obs, plans, sources)
        k += 1
    count.value = k


def load_app(directory: Path) -> metrics.Frames:
    """What the app does (vss_dash.ui.queries.frames, uncached)."""
    return metrics.Frames.from_store(store.load(directory))


def load_pinned(directory: Path) -> metrics.Frames:
    """The read proposed for store.load (not in vss_dash): open the three files first and read
    each only through its own handle, so a rename can never tear a read (an open file keeps
    its inode); compare the handles' generation ids, and open again if a write is half done."""
    key = getattr(store, "GENERATION_KEY", "vss_store_generation")
    order = ("observations", "plans", "sources")
    for _ in range(50):
        with contextlib.ExitStack() as stack:
            handles = [stack.enter_context(open(directory / store.FILES[n], "rb")) for n in order]
            ids = {pl.read_parquet_metadata(h).get(key, "") for h in handles}
            if len(ids) == 1:
                for h in handles:
                    h.seek(0)
                obs, plans, sources = (pl.read_parquet(h) for h in handles)
                return metrics.Frames.from_store(
                    store.Store(obs.lazy(), plans, sources, directory, ids.pop())
                )
        time.sleep(0.02)
    raise store.StoreInvalid([])


def probe(live: Path, versions: list[tuple], new_ids: set[str], loader, seconds: float):
    """Two threads load with `loader` while another process rewrites the store; every load is
    classified: version A or B, mixed (sources of one, observations of the other), refused as
    invalid, or failed while reading."""
    counts = dict.fromkeys(["A", "B", "mixed", "StoreInvalid", "read error"], 0)
    errors: dict[str, int] = {}
    stop, lock = threading.Event(), threading.Lock()

    def reader() -> None:
        while not stop.is_set():
            try:
                frames = loader(live)
            except store.StoreInvalid:
                key = "StoreInvalid"
            except (Exception, PanicException) as e:  # noqa: BLE001 - counted, the loop goes on
                key = "read error"
                first = f"{type(e).__name__}: {str(e).splitlines()[0][:60]}"
                with lock:
                    errors[first] = errors.get(first, 0) + 1
            else:
                in_sources = bool(new_ids & set(frames.sources["source_id"]))
                in_obs = bool(new_ids & set(frames.obs["source_id"].unique()))
                key = "mixed" if in_sources != in_obs else "B" if in_obs else "A"
            with lock:
                counts[key] += 1

    ctx = multiprocessing.get_context("spawn")
    writes = ctx.Value("i", 0)
    writer = ctx.Process(target=_writer, args=(str(live), versions, seconds, writes))
    threads = [threading.Thread(target=reader) for _ in range(2)]
    writer.start()
    for th in threads:
        th.start()
    writer.join()
    stop.set()
    for th in threads:
        th.join()
    return writes.value, counts, errors


def scenario_store(data_dir: Path, report: Path, args) -> dict:
    print(
        "\n5. The data layer: two threads load the store while another process rewrites it "
        "with store.write, back to back, alternating two vintages A and B"
    )
    a_dir, b_dir, live = args.tmp / "va", args.tmp / "vb", args.tmp / "live"
    for d in (a_dir, b_dir, live):
        shutil.copytree(data_dir, d, dirs_exist_ok=True)
    cli = str(Path(sys.executable).parent / "vss-dash")
    subprocess.run([cli, "ingest", str(report), "--store", str(b_dir)], capture_output=True)
    versions = []
    for d in (a_dir, b_dir):
        s = store.load(d)
        versions.append((s.observations.collect(), s.plans, s.sources))
    new_ids = set(versions[1][2]["source_id"]) - set(versions[0][2]["source_id"])
    out = {}
    print(
        f"  {'loader':<44} {'writes':>6} {'loads':>6} {'A':>5} {'B':>5} {'mixed':>5} "
        f"{'invalid':>7} {'read error':>10}"
    )
    for name, loader in (
        ("app: store.load + Frames.from_store", load_app),
        ("proposed: one open handle per file", load_pinned),
    ):
        writes, counts, errors = probe(live, versions, new_ids, loader, args.probe_s)
        out[name] = counts
        print(
            f"  {name:<44} {writes:6d} {sum(counts.values()):6d} {counts['A']:5d} "
            f"{counts['B']:5d} {counts['mixed']:5d} {counts['StoreInvalid']:7d} "
            f"{counts['read error']:10d}"
        )
        for message, n in sorted(errors.items(), key=lambda kv: -kv[1]):
            print(f"      {n} x {message}")
    return out


# ---------------------------------------------------------------- 6. Parquet and PostgreSQL

GOAL_STORE_RATIO = 1.2  # page times on PostgreSQL at most this many times Parquet's, same run
WRITE_VINTAGE = "--write-vintage"  # this script as the writer process: WHERE DEMO_DIR K
DEMO_DB = "vss_loadtest"  # the throwaway server's database


def vintage(demo: store.Store, k: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The demo with every value of its newest month lowered by 3 % k times (k = 0: the demo
    itself), so that each vintage shows other KPI figures on the overview."""
    obs = demo.observations.collect()
    latest = metrics.Frames.from_store(demo).latest_period()
    value = pl.col("value")
    lowered = pl.when(pl.col("period") == latest).then(value * (1 - 0.03 * k)).otherwise(value)
    return obs.with_columns(lowered.alias("value")), demo.plans, demo.sources


def _place(where: str) -> Path | str:
    """store.write and store.load take a URI as text and a directory as a Path."""
    return where if store.is_database(where) else Path(where)


def write_vintage(where: str, demo_dir: str, k: int) -> None:
    """The writer process (`loadtest.py --write-vintage WHERE DEMO_DIR K`): one store.write of
    vintage k as generation loadtest-k, as an import would; prints `writing` as the write starts
    (after the demo is read and the vintage made), and `done SECONDS` after it."""
    tables = vintage(store.load(Path(demo_dir)), k)
    if store.is_database(where):  # its driver loaded first: the kill is to hit the write itself
        import vss_dash.store.postgres  # noqa: F401
    print("writing", flush=True)
    t0 = time.monotonic()
    try:
        store.write(_place(where), *tables, generation_id=f"loadtest-{k}")
    except OSError as e:  # the database gone (the URI masked): said as the CLI says it
        print(f"refused: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
    print(f"done {time.monotonic() - t0:.3f}", flush=True)


class WriteWatch:
    """Whether a write holds the store's write lock right now, asked from outside the writer:
    on PostgreSQL, a session holds the store's write lock (vss.current_generation in EXCLUSIVE
    mode, taken first in a write's transaction and held to its end; asked through one kept
    connection); in a Parquet directory, the
    lock file `store.WRITE_LOCK` is locked (taken before a write's first file, released after
    the switch; tested with a non-blocking flock, released at once when it was free)."""

    def __init__(self, where: str):
        self.where = where
        self.conn = pg_dbapi.connect(where, autocommit=True) if store.is_database(where) else None

    def __call__(self) -> bool:
        if self.conn is not None:
            cur = self.conn.cursor()
            cur.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'current_generation' AND l.mode = 'ExclusiveLock' AND l.granted"
            )
            row = cur.fetchone()
            cur.close()
            return bool(row and row[0])
        fd = os.open(Path(self.where) / store.WRITE_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)  # releases the lock if this took it
        return False

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(pg_dbapi.Error):  # its server may have been killed
                self.conn.close()


def _kill_when_writing(
    pid: int, where: str, finished: threading.Event, action: Callable[[], None] | None = None
) -> bool:
    """In a thread (the event loop is busy with the readers): poll every millisecond until the
    writer holds the write lock, then SIGKILL it (or run `action`: kill its server). True when it
    was killed so."""
    watch = WriteWatch(where)
    try:
        deadline = time.monotonic() + 60
        while not finished.is_set() and time.monotonic() < deadline:
            if watch():
                if action is not None:
                    action()
                    return True
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                return True
            time.sleep(0.001)
        return False
    finally:
        watch.close()


async def run_writer(
    where: str, demo_dir: Path, k: int, kill: bool = False, watch: str | None = None
) -> dict:
    """Write vintage k from a separate process; with `kill`, SIGKILL it as soon as it holds the
    store's write lock (WriteWatch, asked at `watch`, default `where`): inside its transaction,
    or with its files half written. Returns its exit code, the write's seconds (None: it did not
    finish), whether the kill hit a write under way, the process's start and end (monotonic) and
    the end of its error output."""
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(Path(__file__).resolve()), WRITE_VINTAGE, where, str(demo_dir), str(k),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    first = await proc.stdout.readline()
    hit = False
    if kill and first.startswith(b"writing"):
        finished = threading.Event()
        killer = asyncio.create_task(
            asyncio.to_thread(_kill_when_writing, proc.pid, watch or where, finished)
        )
        out, err = await proc.communicate()
        finished.set()
        hit = await killer
    else:
        out, err = await proc.communicate()
    done = re.search(rb"done ([\d.]+)", first + out)
    return {
        "code": proc.returncode,
        "seconds": float(done[1]) if done else None,
        "hit": hit,
        "window": (started, time.monotonic()),
        "error": err.decode(errors="replace")[-300:] if proc.returncode and not hit else "",
    }


LOST = ("unexpected EOF on client connection with an open transaction", "connection to client lost")


def _connections_lost(log: Path | None) -> int | None:
    """How many clients the PostgreSQL server lost in the middle of something, by its log: a
    killed writer in a COPY, or between statements of its transaction."""
    if log is None or not log.exists():
        return None
    text = log.read_text(errors="replace")
    return sum(text.count(line) for line in LOST)


def start_readers(
    dep: serve.Deployment,
    readers: int,
    browser: Browser | None,
    browsers: int,
    stop: asyncio.Event,
    pages: list,
    expected: int,
) -> dict[str, list[asyncio.Task]]:
    """Readers of `pages` until `stop`, alternating between the two replicas' routes: protocol
    sessions, and browser sessions when a browser is given (each expecting `expected` figures)."""
    tasks = {
        "protocol": [
            asyncio.create_task(protocol_session(dep.url, f"r{i % 2}", 0, 0, stop, pages=pages))
            for i in range(readers)
        ]
    }
    if browser is not None and browsers:
        tasks["browser"] = [
            asyncio.create_task(
                browser_session(
                    browser, dep.url, f"r{i % 2}", 0, 0, stop, pages=pages, expected=expected
                )
            )
            for i in range(browsers)
        ]
    return tasks


async def backend_run(
    label: str,
    where: str,
    demo_dir: Path,
    run_dir: Path,
    browser: Browser | None,
    readers: int,
    browsers: int,
    writes: int,
    gap: float,
    server_log: Path | None = None,
    read_at: str | None = None,
) -> dict:
    """One backend: the demo written as vintage 0 into `where` (a Parquet directory or a
    PostgreSQL URI, the writer role's on a throwaway server), two replicas on it (on `read_at`
    when given: the viewer role's URI of the same database), `readers` protocol and `browsers`
    browser sessions reloading the overview while `writes` writer processes each store.write the
    next vintage; then a writer killed (SIGKILL) half-way through its write, and one more write.
    Each page's KPI figures must be one vintage's (read by a protocol session after each write).
    Returns
    pages, mixed, errors, the page seconds by client, the writes' seconds and what the kill did."""
    read_at = read_at or where
    print(f"  {label}: {store.shown(where)}" + (f", read as {store.shown(read_at)}"
                                                if read_at != where else ""))  # fmt: skip
    demo = store.load(demo_dir)
    store.write(_place(where), *vintage(demo, 0), generation_id="loadtest-0")
    overview = [PAGES[0]]
    with (
        serve.deployment(limit_exempt=LOCAL, replicas=2, run_dir=run_dir, store=read_at) as dep,
        Prober(dep) as ready,
    ):
        for route in ("r0", "r1"):  # each replica's first page imports the app and loads
            warm = ProtocolSession(dep.url, route)
            await warm.visit(PAGES[0])
            await warm.close()
        calibrator = ProtocolSession(dep.url, "r0")

        async def calibrate() -> tuple[str, ...]:
            return (await calibrator.visit(PAGES[0])).figures

        vintages = [await calibrate()]
        stop = asyncio.Event()
        tasks = start_readers(dep, readers, browser, browsers, stop, overview, len(vintages[0]))
        done = []
        for k in range(1, writes + 1):
            await asyncio.sleep(gap)
            done.append(await run_writer(where, demo_dir, k))
            vintages.append(await calibrate())
        # the kill: a writer killed in the middle of its write
        await asyncio.sleep(gap)
        lost = _connections_lost(server_log)
        killed = await run_writer(where, demo_dir, writes + 1, kill=True, watch=read_at)
        after = (await asyncio.to_thread(store.load, _place(read_at))).generation
        lost_after = _connections_lost(server_log)
        # the server logs the lost client when it next reads from or writes to it: give it time
        for _ in range(50):
            if lost_after is None or lost is None or lost_after > lost:
                break
            await asyncio.sleep(0.1)
            lost_after = _connections_lost(server_log)
        left = (
            len(list((Path(where) / store.GENERATIONS).glob(store.TMP_PREFIX + "*")))
            if not store.is_database(where)
            else None
        )
        if (figures := await calibrate()) != vintages[-1]:  # the killed write had landed
            vintages.append(figures)
        # the next write after the kill: nothing left locked
        await asyncio.sleep(gap)
        done.append(await run_writer(where, demo_dir, writes + 2))
        vintages.append(await calibrate())
        await asyncio.sleep(gap)
        stop.set()
        visits = {kind: [v for t in ts for v in await t] for kind, ts in tasks.items()}
        await calibrator.close()
        final = (await asyncio.to_thread(store.load, _place(read_at))).generation
    for w in [*done, killed]:
        if w["error"] and w is not killed:
            print(f"    a write failed (exit {w['code']}): {w['error']}")
    mid = killed["hit"] and killed["code"] == -signal.SIGKILL and killed["seconds"] is None
    kill = {
        "mid": mid,
        "as_before": after == f"loadtest-{writes}",
        # killed after its switch (Parquet cleans up under the lock): the new store, whole
        "landed": after == f"loadtest-{writes + 1}",
        "after": after,
        "next_write": final == f"loadtest-{writes + 2}",
        "lost": None if lost is None or lost_after is None else lost_after - lost,
        "left": left,
    }
    out = classify(visits, vintages)
    out["times"] = {
        kind: [v.seconds for v in vs if v.seconds is not None and not v.error]
        for kind, vs in visits.items()
    }
    # the pages no writer process overlapped: the read path alone, without the writer's CPU
    windows = [w["window"] for w in [*done, killed]]
    out["quiet"] = {
        kind: [
            v.seconds
            for v in vs
            if v.seconds is not None
            and not v.error
            and not any(v.started < t1 and v.ended > t0 for t0, t1 in windows)
        ]
        for kind, vs in visits.items()
    }
    out["writes"] = [w["seconds"] for w in done if w["seconds"] is not None]
    out["kill"] = kill
    print(
        f"    writes: {len(out['writes'])} of {len(done)} finished, "
        f"{statistics.mean(out['writes']) if out['writes'] else float('nan'):.2f} s each "
        "(store.write in the writer process)"
    )
    print(
        "    writer killed during its write: "
        + ("yes" if mid else f"NO, not seen writing (exit {killed['code']})")
        + f"; the store then: {after} ("
        + (
            "as before"
            if kill["as_before"]
            else "the killed write's, whole: killed after its switch"
            if kill["landed"]
            else "NEITHER"
        )
        + ")"
        + (
            ""
            if kill["lost"] is None
            else f"; server log: {kill['lost']} connection lost mid-write"
        )
        + ("" if left is None else f"; {left} temporary directory left for the next write")
        + f"; the next write {'landed' if kill['next_write'] else 'DID NOT LAND'}"
    )
    out["readiness"] = ready.report([v for vs in visits.values() for v in vs])
    return out


def merge(runs: list[dict]) -> dict:
    """The rounds of one backend as one: counts added, times and writes pooled, kills listed."""
    out = {key: sum(r[key] for r in runs) for key in ("pages", "mixed", "errors")}
    for key in ("times", "quiet"):
        out[key] = {k: [t for r in runs for t in r[key].get(k, [])] for k in runs[0][key]}
    out["writes"] = [w for r in runs for w in r["writes"]]
    out["kills"] = [r["kill"] for r in runs]
    return out


def _ms(times: list[float], q: float) -> str:
    return f"{pct(times, q) * 1000:.0f}" if times else "-"


async def scenario_backends(
    browser: Browser | None, demo_dir: Path, tmp: Path, where: str, args
) -> dict[str, dict]:
    """The same import-while-reading and kill scenario on a Parquet store and on PostgreSQL
    (`where`: "postgresql" for a throwaway server, or the URI of a scratch database), one after
    the other in this run, and the ratio of their page times."""
    print(
        "\n6. Parquet and PostgreSQL in the same run: imports (store.write of a new vintage by a "
        "separate process) while sessions read the overview, then a writer killed mid-write; "
        "2 replicas on each"
    )
    runs: dict[str, list[dict]] = {"parquet": [], "postgresql": []}
    with contextlib.ExitStack() as stack:
        log, read_at = None, None
        if where == "postgresql":  # as the store's roles: replicas the viewer, writers the writer
            server = stack.enter_context(postgres.server())
            server.create_database(DEMO_DB)
            read_at, where = postgres.roles(server, DEMO_DB)
            log = server.log
        # rounds in the order Parquet, PostgreSQL, PostgreSQL, Parquet, ...: a machine that gets
        # busier or quieter during the run weighs on both alike
        order = [("parquet", "postgresql"), ("postgresql", "parquet")]
        for n in range(args.rounds):
            for label in order[n % 2]:
                at, server_log, reader = (
                    (where, log, read_at)
                    if label == "postgresql"
                    else (str(tmp / f"parquet-{n}"), None, None)
                )
                runs[label].append(
                    await backend_run(
                        label,
                        at,
                        demo_dir,
                        tmp / f"backend-{label}-{n}",
                        browser,
                        readers=args.readers,
                        browsers=args.backend_browsers,
                        writes=args.imports,
                        gap=args.gap,
                        server_log=server_log,
                        read_at=reader,
                    )  # fmt: skip
                )
    results: dict[str, dict] = {label: merge(rs) for label, rs in runs.items()}
    kinds = [k for k in ("protocol", "browser") if k in results["parquet"]["times"]]
    print(
        f"  {'backend':<11} {'pages':>5} {'mixed':>5} {'errors':>6} "
        + " ".join(f"{k + ' median / p95 ms':>26}" for k in kinds)
        + f" {'write s':>7} {'kills mid-write, store as before':>33}"
    )
    for label, r in results.items():
        print(
            f"  {label:<11} {r['pages']:5d} {r['mixed']:5d} {r['errors']:6d} "
            + " ".join(
                f"{_ms(r['times'][k], 0.5) + ' / ' + _ms(r['times'][k], 0.95):>26}" for k in kinds
            )
            + f" {statistics.median(r['writes']) if r['writes'] else float('nan'):7.2f}"
            + f" {sum(k['mid'] and k['as_before'] for k in r['kills']):>18} of {len(r['kills'])}"
            + f" ({sum(k['mid'] and k['landed'] for k in r['kills'])} after the switch)"
        )
    for k in kinds:
        pq, pg = results["parquet"]["times"][k], results["postgresql"]["times"][k]
        if pq and pg:
            r50, r95 = pct(pg, 0.5) / pct(pq, 0.5), pct(pg, 0.95) / pct(pq, 0.95)
            results.setdefault("ratio", {})[k] = (r50, r95)
            print(
                f"  PostgreSQL / Parquet page time ({k} client): median {r50:.2f}x, p95 {r95:.2f}x"
            )
    # the same for the pages that overlapped no writer process: a PostgreSQL write costs its
    # writer and the server far more CPU than a Parquet one, which the readers share
    pq, pg = results["parquet"]["quiet"]["protocol"], results["postgresql"]["quiet"]["protocol"]
    if pq and pg:
        r50, r95 = pct(pg, 0.5) / pct(pq, 0.5), pct(pg, 0.95) / pct(pq, 0.95)
        results["quiet_ratio"] = (r50, r95)
        print(
            f"  pages no write overlapped (protocol client): Parquet {len(pq)}, "
            f"{_ms(pq, 0.5)} / {_ms(pq, 0.95)} ms; PostgreSQL {len(pg)}, {_ms(pg, 0.5)} / "
            f"{_ms(pg, 0.95)} ms; ratio median {r50:.2f}x, p95 {r95:.2f}x"
        )
    return results


# ---------------------------------------------------------------- 7. a standby keeps pages up


async def run_ingest(
    report: Path, where: str, watch: str | None = None, action: Callable[[], None] | None = None
) -> dict:
    """`vss-dash ingest REPORT --store WHERE` as an importer runs it; with `watch` and `action`,
    `action()` (a kill) as soon as a session holds the store's write lock there (WriteWatch),
    i.e. inside the import's transaction. Returns its exit code, seconds, whether the action hit
    the import under way, and its output."""
    cli = Path(sys.executable).parent / "vss-dash"
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        str(cli), "ingest", str(report), "--store", where,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    hit = False
    if watch is not None:
        finished = threading.Event()
        killer = asyncio.create_task(
            asyncio.to_thread(_kill_when_writing, proc.pid, watch, finished, action)
        )
        out, err = await proc.communicate()
        finished.set()
        hit = await killer
    else:
        out, err = await proc.communicate()
    return {
        "code": proc.returncode,
        "seconds": time.monotonic() - started,
        "hit": hit,
        "out": out.decode(errors="replace"),
        "err": err.decode(errors="replace"),
    }


def _refusal(result: dict) -> str:
    """The refused import's message as the importer saw it: its last line on stderr (after the
    report's warnings)."""
    return (result["err"].strip().splitlines() or [""])[-1]


def _refused_at_the_store(uri: str) -> float | None:
    """Seconds until store.update (an import's write, the change aside) is refused while the
    primary is down; None if it was not refused."""
    started = time.monotonic()
    try:
        store.update(uri, lambda o, p, s: (o, p, s))
    except OSError:
        return time.monotonic() - started
    return None


def _short(text: str, n: int = 140) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


async def standby_run(
    demo_dir: Path,
    run_dir: Path,
    browser: Browser | None,
    readers: int,
    browsers: int,
    gap: float,
    reports: list[Path],
    promote: bool = False,
) -> dict:
    """A primary and a hot standby (postgres.replicated, the store's roles); two replicas read the
    standby as the viewer role while `readers` protocol and `browsers` browser sessions reload
    the overview. Imports by `vss-dash ingest` as the writer role (the same URI: writes go to the
    primary): one lands; the primary is killed (an immediate stop, a crash) as soon as the second
    holds the write lock; an import during the outage; the primary started again (`promote`:
    the standby promoted instead), the second report imported again. Every page's KPI figures
    must be one vintage's, the pages during the outage the last whole one's; the store after it
    must hold every row of the first import's generation and the second import's rows, and
    nothing of the killed one."""
    demo = store.load(demo_dir)
    with postgres.replicated(DEMO_DB) as pair:
        viewer, writer = pair.uri(postgres.VIEWER), pair.uri(postgres.WRITER)
        on_primary = pair.primary.uri(DEMO_DB, postgres.VIEWER)
        print(f"  replicas read {store.shown(viewer)}; imports write {store.shown(writer)}")
        store.write(writer, *vintage(demo, 0), generation_id="loadtest-0")
        pair.caught_up()
        overview = [PAGES[0]]
        with (
            serve.deployment(limit_exempt=LOCAL, replicas=2, run_dir=run_dir, store=viewer) as dep,
            Prober(dep) as ready,
        ):
            for route in ("r0", "r1"):
                warm = ProtocolSession(dep.url, route)
                await warm.visit(PAGES[0])
                await warm.close()
            calibrator = ProtocolSession(dep.url, "r0")

            async def calibrate() -> tuple[str, ...]:
                if not times.get("promoted"):  # what the primary committed, replayed
                    await asyncio.to_thread(pair.caught_up)
                return (await calibrator.visit(PAGES[0])).figures

            times: dict[str, float] = {}

            vintages = [await calibrate()]
            stop = asyncio.Event()
            tasks = start_readers(dep, readers, browser, browsers, stop, overview, len(vintages[0]))
            await asyncio.sleep(gap)
            first = await run_ingest(reports[0], writer)
            vintages.append(await calibrate())
            before = await asyncio.to_thread(store.load, viewer)
            await asyncio.sleep(gap)

            def kill_primary() -> None:
                times["kill"] = time.monotonic()
                pair.primary.stop()

            killed = await run_ingest(reports[1], writer, watch=on_primary, action=kill_primary)
            times.setdefault("kill", time.monotonic())
            during = (await calibrator.visit(PAGES[0])).figures  # replicas on the standby
            shown_during = (await asyncio.to_thread(store.load, viewer)).generation
            refused = await run_ingest(reports[1], writer)  # during the outage
            store_refused_s = await asyncio.to_thread(_refused_at_the_store, writer)
            await asyncio.sleep(gap)
            times["back"] = time.monotonic()
            if promote:  # the same URIs: writes now find the promoted standby
                await asyncio.to_thread(pair.standby.promote)
                times["promoted"] = 1.0
            else:
                await asyncio.to_thread(pair.primary.start)
            times["started"] = time.monotonic()
            again = await run_ingest(reports[1], writer)
            times["landed"] = time.monotonic()
            vintages.append(await calibrate())
            times["shown"] = time.monotonic()
            await asyncio.sleep(gap)
            stop.set()
            visits = {kind: [v for t in ts for v in await t] for kind, ts in tasks.items()}
            await calibrator.close()
        after = store.load(viewer)
        generations = (
            (pair.standby if promote else pair.primary)
            .psql("SELECT string_agg(id, ' ' ORDER BY seq) FROM vss.generations", database=DEMO_DB)
            .split()
        )
    # nothing lost or mixed: the rows of the first import's generation all kept, plus the
    # second import's own rows (its one new source), and no generation of the killed import
    new_ids = set(after.sources["source_id"]) - set(before.sources["source_id"])
    after_obs, before_obs = after.observations.collect(), before.observations.collect()
    kept = after_obs.filter(~pl.col("source_id").is_in(list(new_ids)))
    added = after_obs.height - kept.height
    outage = [
        v
        for vs in visits.values()
        for v in vs
        if v.started >= times["kill"] and v.ended <= times["started"]
    ]
    out = classify(visits, vintages)
    out.update(
        promote=promote,
        first_landed=first["code"] == 0,
        killed_mid=killed["hit"] and killed["code"] != 0,
        killed_message=_refusal(killed),
        during_same=during == vintages[1] and shown_during == before.generation,
        refused=refused["code"] == 1 and "Traceback" not in refused["err"],
        refused_s=refused["seconds"],
        store_refused_s=store_refused_s,
        refused_message=_refusal(refused),
        outage_pages=len(outage),
        outage_errors=sum(bool(v.error) for v in outage),
        outage_wrong=sum(bool(v.figures) and v.figures != vintages[1] for v in outage),
        outage_s=times["started"] - times["kill"],
        restart_s=times["started"] - times["back"],
        again_landed=again["code"] == 0,
        again_s=again["seconds"],
        shown_s=times["shown"] - times["landed"],
        generations=generations,
        kept=kept.equals(before_obs),
        added=added,
        one_source=len(new_ids) == 1,
    )
    out["whole"] = (
        out["kept"]
        and out["one_source"]
        and generations[:2] == ["loadtest-0", before.generation]
        and len(generations) == 3
        and after.generation == generations[-1]
    )
    out["outage_times"] = [v.seconds for v in outage if v.seconds is not None and not v.error]
    out["readiness"] = ready.report([v for vs in visits.values() for v in vs])
    out["readiness"]["outage"] = ready.during(times["kill"], times["started"])
    return out


async def scenario_standby(browser: Browser | None, demo_dir: Path, tmp: Path, args) -> dict:
    print(
        "\n7. A hot standby keeps pages up: replicas read the standby (viewer role), imports "
        "write to the primary (writer role); the primary killed mid-import, an import during the "
        "outage, the primary started again (without --quick, then also: the standby promoted "
        "instead), the import again"
    )
    reports = make_reports(demo_dir, tmp, 2)
    out = {}
    for promote in (False,) if args.quick else (False, True):
        print("  " + ("the standby promoted" if promote else "the primary started again") + ":")
        out["promote" if promote else "restart"] = r = await standby_run(
            demo_dir, tmp / f"standby-{promote}", browser, readers=args.readers,
            browsers=args.backend_browsers, gap=args.gap, reports=reports, promote=promote,
        )  # fmt: skip
        _print_standby(r)
    return out


def _print_standby(r: dict) -> None:
    yes = {True: "yes", False: "NO"}
    back = "standby promoted" if r["promote"] else "primary started again"
    on = "the promoted standby" if r["promote"] else "the primary"
    print(
        f"  first import landed: {yes[r['first_landed']]}; primary killed while the second "
        f"held the write lock: {yes[r['killed_mid']]} (the importer said: "
        f"{_short(r['killed_message']) or '-'})"
    )
    print(
        f"  outage {r['outage_s']:.1f} s: {r['outage_pages']} pages read whole, "
        f"{r['outage_wrong']} not showing the last whole generation, {r['outage_errors']} with an "
        f"error; page median / p95 {_ms(r['outage_times'], 0.5)} / "
        f"{_ms(r['outage_times'], 0.95)} ms; replicas' generation unchanged: "
        f"{yes[r['during_same']]}"
    )
    during = r["readiness"]["outage"]
    print(
        f"  readiness during the outage: {during['probes']} probes, {during['200']} x 200, "
        f"{during['503']} x 503, {during['other']} other (said 503 for {during['503_s']:.1f} s; "
        f"pages with an error meanwhile: {r['outage_errors']})"
    )
    print(
        f"  import during the outage refused, no traceback: {yes[r['refused']]} after "
        f"{r['refused_s']:.1f} s (reading the report and checking it against the standby's "
        f"store come first; store.update alone is refused in "
        f"{_ms([r['store_refused_s']], 0.5) if r['store_refused_s'] else 'NEVER'} ms): "
        f"{_short(r['refused_message'])}"
    )
    print(
        f"  {back} in {r['restart_s']:.1f} s; the import again: "
        f"{'landed' if r['again_landed'] else 'FAILED'} in {r['again_s']:.1f} s, on the "
        f"replicas {r['shown_s']:.1f} s later"
    )
    print(
        f"  generations on {on}: {' '.join(r['generations'])}; every row of the first "
        f"import's kept: {yes[r['kept']]}; the second import's rows: {r['added']} "
        f"(one source: {yes[r['one_source']]}); nothing lost or mixed: {yes[r['whole']]}"
    )


# ---------------------------------------------------------------- summary


def summary(
    bytes_: dict, phases: list[Phase], kill: dict, imp: dict, backends: dict, standby: dict
) -> None:
    print(
        f"\nGoals ({date.today()}, this machine: {CORES} cores shared with the clients and "
        "other work; timings are noisy, compare ratios)"
    )
    if phases:
        errors = sum(len(p.errors) for p in phases)
        print(
            f"- 0 errors under load (both clients): {errors} errors in "
            f"{sum(len(p.visits) for p in phases)} visits -> {'met' if errors == 0 else 'missed'}"
        )
    for client in ("browser", "protocol"):
        by_n = {p.sessions: p for p in phases if p.replicas == 2 and p.client == client}
        if 1 in by_n and max(by_n) > 1:
            n = max(by_n)
            ratio = pct(by_n[n].ready, 0.95) / pct(by_n[1].ready, 0.95)
            print(
                f"- p95 with {n} sessions on 2 replicas <= {GOAL_P95_RATIO:g}x one session "
                f"({client} client): {ratio:.2f}x -> "
                f"{'met' if ratio <= GOAL_P95_RATIO else 'missed'} (CPU meanwhile: "
                f"{shares(by_n[n].cpu)})"
            )
    if bytes_:
        worst = max(bytes_, key=lambda p: bytes_[p]["gzip"]["http"] + bytes_[p]["gzip"]["ws"])
        mb = (bytes_[worst]["gzip"]["http"] + bytes_[worst]["gzip"]["ws"]) / 2**20
        print(
            f"- cold page <= {GOAL_COLD_MB} MB on the wire through the proxy: largest "
            f"{worst} {mb:.2f} MB -> {'met' if mb <= GOAL_COLD_MB else 'missed'}"
        )
    if imp:
        print(
            f"- import while reading: {imp['mixed']} mixed or partial pages, {imp['errors']} "
            f"errors in {imp['pages']} pages"
        )
    if kill:
        visits = kill["visits"]
        moved = [h for h in kill["holders"] if h["lost"]]
        print(
            f"- replica killed: {sum(bool(v.error) for v in visits)} errors in {len(visits)} "
            f"visits around it; {len(moved)} open pages reconnected to the other replica after "
            + ", ".join(_s(h["back"] and h["back"][0]) for h in moved)
        )
    for label in ("parquet", "postgresql") if backends else ():
        r = backends[label]
        good = sum(
            k["mid"] and (k["as_before"] or k["landed"]) and k["next_write"] for k in r["kills"]
        )
        print(
            f"- {label}, imports while reading: {r['mixed']} mixed, {r['errors']} errors in "
            f"{r['pages']} pages; writers killed mid-write: {good} of {len(r['kills'])} left the "
            "store before or after that write, whole, and the next write landed"
        )
    for client, (r50, r95) in backends.get("ratio", {}).items():
        met = max(r50, r95) <= GOAL_STORE_RATIO
        print(
            f"- page times on PostgreSQL <= {GOAL_STORE_RATIO:g}x Parquet ({client} client): "
            f"median {r50:.2f}x, p95 {r95:.2f}x -> {'met' if met else 'missed'}"
        )
    if "quiet_ratio" in backends:
        r50, r95 = backends["quiet_ratio"]
        print(f"  (pages no write overlapped, protocol client: median {r50:.2f}x, p95 {r95:.2f}x)")
    for r in standby.values():
        met = (
            r["killed_mid"] and r["during_same"] and r["refused"] and r["again_landed"]
            and r["whole"] and not (r["mixed"] or r["errors"] or r["outage_wrong"])
        )  # fmt: skip
        print(
            f"- primary killed mid-import: {r['outage_pages']} pages during the "
            f"{r['outage_s']:.1f} s outage, {r['mixed']} mixed and {r['errors']} errors in "
            f"{r['pages']} pages; import refused during it; after the "
            f"{'promotion' if r['promote'] else 'restart'} the import landed with nothing lost "
            f"or mixed -> {'met' if met else 'missed'}"
        )


async def main_async(args) -> None:
    data_dir = args.tmp / "store"
    shutil.copytree(store_dir(), data_dir, ignore=shutil.ignore_patterns("ingest_log.jsonl", ".*"))
    bytes_, phases, kill, imp, backends, standby = {}, [], {}, {}, {}, {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        if "bytes" in args.only:
            with serve.deployment(
                limit_exempt=LOCAL, replicas=2, run_dir=args.tmp / "bytes", data_dir=data_dir
            ) as dep:
                bytes_ = await scenario_bytes(browser, dep)
        if "load" in args.only:
            phases = await scenario_load(browser, data_dir, args)
        if "kill" in args.only:
            kill = await scenario_kill(browser, data_dir, args)
        if "import" in args.only:
            imp = await scenario_import(browser, data_dir, args)
        if "backends" in args.only:
            backends = await scenario_backends(browser, data_dir, args.tmp, args.store, args)
        if "standby" in args.only:
            standby = await scenario_standby(browser, data_dir, args.tmp, args)
        await browser.close()
    if "store" in args.only:
        scenario_store(store_dir(), make_reports(store_dir(), args.tmp, 1)[0], args)
    summary(bytes_, phases, kill, imp, backends, standby)


def _store_choice(value: str) -> str:
    if value in ("parquet", "postgresql") or store.is_database(value):
        return value
    raise argparse.ArgumentTypeError("parquet, postgresql or a postgresql:// URI")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=7, help="page visits per session")
    parser.add_argument("--sessions", default="1,5,20", help="concurrent sessions per phase")
    parser.add_argument("--imports", type=int, default=4, help="imports while reading")
    parser.add_argument("--readers", type=int, default=6, help="sessions reading during imports")
    parser.add_argument("--probe-s", type=float, default=20.0, help="data-layer probe seconds")
    parser.add_argument(
        "--only",
        help=f"scenarios to run, of {','.join(SCENARIOS)} (default: all; backends only with "
        "--store postgresql or a URI, standby with --store postgresql)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer visits, imports, seconds (about 8 minutes)"
    )
    default_store = "postgresql" if store.is_database(store.location()) else "parquet"
    parser.add_argument(
        "--store",
        type=_store_choice,
        default=default_store,
        help="parquet: scenarios 1-5 on the Parquet store (about 35 minutes, --quick 8); "
        "postgresql: also scenario 6, the import and kill scenario on Parquet and on a "
        "throwaway PostgreSQL server in the same run, with the ratio of their page times "
        "(about 3 more minutes, --quick 2; `--only backends` runs it alone); a postgresql:// "
        "URI: scenario 6 on that database, whose store it overwrites; standby (scenario 7, "
        "with postgresql: a throwaway primary and hot standby, the primary killed mid-import) "
        f"(default here: {default_store}, from VSS_STORE)",
    )
    parser.add_argument(WRITE_VINTAGE, nargs=3, metavar=("WHERE", "DEMO", "K"), help=SUPPRESS)
    args = parser.parse_args()
    if args.write_vintage:  # the writer process of scenario 6
        where, demo, k = args.write_vintage
        write_vintage(where, demo, int(k))
        return
    # scenario 6: seconds between writes, browser readers, rounds of both backends
    args.gap, args.backend_browsers, args.rounds = 3.0, 2, 2
    if args.quick:
        args.visits, args.imports, args.readers, args.probe_s = 2, 2, 3, 8.0
        args.gap, args.backend_browsers, args.rounds = 2.0, 1, 1
    args.sessions = [int(n) for n in args.sessions.split(",")]
    scenarios = {"parquet": SCENARIOS[:-2], "postgresql": SCENARIOS}.get(args.store, SCENARIOS[:-1])
    args.only = set(args.only.split(",")) if args.only else set(scenarios)
    if args.only - set(SCENARIOS):
        parser.error(f"unknown scenarios {sorted(args.only - set(SCENARIOS))}")
    if "backends" in args.only and args.store == "parquet":
        parser.error("the backends scenario needs --store postgresql (or a URI)")
    if "standby" in args.only and args.store != "postgresql":
        parser.error("the standby scenario needs --store postgresql (its own throwaway servers)")
    print(f"load test of deploy/ on {date.today()}, {CORES} cores; nginx {serve.nginx_binary()}")
    with tempfile.TemporaryDirectory(prefix="vss-loadtest-") as tmp:
        args.tmp = Path(tmp)
        asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
