"""Redraw after a change of month (and of the map's measure and layout), in headless Chromium, as
ratios to the anchors' month pickers measured in the same run: the Dash page's callback and the
Streamlit floor's rerun (bench/anchor_redraw.py). Prints figures; asserts nothing.

    uv run python bench/redraw.py [--runs 5] [--quick]

Each target is opened once, in a new browser profile, and left idle with its charts drawn. Then,
round by round over all targets (so that drift in the machine's load hits every one alike), its
select box is changed as a user does it: a click opens the list, a click picks the option after
the one selected (the next older month; the next measure; the other layout). Timed in the page,
from the pointer going down on the option to the first frame in which every shown Plotly chart
holds new data (its traces' x, y, z or locations differ from before) and is drawn, and the app
is idle: for Streamlit the script has finished, nothing is stale and no status widget shows; for
Dash no component is loading. A rerun that starts within half a second of that frame (query
parameters written back) moves the end to its finish and is counted. KB = bytes the browser
received for the change (HTTP bodies and websocket frames). The app serves the demo store.
Two phases: N changes to new values (the app's caches miss), then N back (they hit). Each time
is split into input (to the request sent), server (on the wire, Chrome's network events) and
browser (the rest). Read "server" as an upper bound: Chrome reports a websocket frame when the
page's renderer takes it, so a page still drawing earlier messages shows part of its drawing
there. A sampling profile of the app's server during month changes on the overview (2026-12-07)
found its script thread busy about 40 ms a change and its event loop idle the rest, while this
column said about 200 ms: the rest of a Streamlit redraw is the browser's, about one React
update per element.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import statistics
import tempfile
import time
from pathlib import Path

from anchor_redraw import serve_redraw_anchors  # bench/, beside this script
from playwright.sync_api import BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from vss_harness.browser import (
    CHART_STATUS_JS,
    VIEWPORT,
    launch_chromium,
    open_page,
    start_server,
    wait_charts_drawn,
)
from vss_harness.procs import machine_busy_s

TIMEOUT_MS = 60_000
SETTLE_MS = 500


SLIDER = "slider"  # a target whose control is the map's month slider, not a select box


@dataclasses.dataclass(frozen=True)
class Target:
    name: str
    server: str  # "floor", "dash" or "app"
    path: str
    control: str  # the select box's label (Streamlit) or the Dropdown's id (Dash)
    what: str

    @property
    def dash(self) -> bool:
        return self.server == "dash"


TARGETS = [
    Target("[floor]", "floor", "", "Month", "Streamlit anchor: 4 metrics + map, month select"),
    Target("[dash]", "dash", "", "month", "Dash anchor: 4 numbers + map, month Dropdown callback"),
    Target("overview", "app", "/", "Tháng", "overview `/`, month (sidebar)"),
    Target("map", "app", "/map", "Tháng", "map `/map`, month (sidebar)"),
    Target("map slider", "app", "/map", SLIDER, "map `/map`, month on the map's slider (browser)"),
    Target("map measure", "app", "/map", "Chỉ tiêu", "map `/map`, measure (sidebar)"),
    # 63 provinces exist up to 2025-06 only: the layout target starts at a month that has both
    Target(
        "map layout",
        "app",
        "/map?month=2025-06",
        "Đơn vị hành chính",
        "map `/map?month=2025-06`, 34/63 provinces",
    ),  # fmt: skip
]

# Each change picks the option after the selected one (new values: a month, measure or layout not
# drawn since the server started, so the app's caches miss), then as many back to the option
# before it (values drawn a moment ago: the caches hit). The layout has two options: only its
# first change is new.
PHASES = {"new values": 1, "back to values drawn before": -1}

# What the page shows: every shown chart's trace values. Set up once per page: the time of the
# pointer going down (armed just before the option is clicked) and the script-state transitions.
SETUP_JS = """
() => {
  if (window.__redraw) return;
  window.__redraw = {armed: false, t0: null, states: []};
  performance.setResourceTimingBufferSize(100000);
  document.addEventListener('pointerdown', () => {
    const r = window.__redraw;
    if (r.armed && r.t0 === null) r.t0 = performance.now();
  }, true);
  window.__redrawSig = () => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter((g) => g.getClientRects().length > 0)
    .map((g) => JSON.stringify((g.data || []).map((t) => [t.x, t.y, t.z, t.locations])))
    .join('|');
  const app = document.querySelector('[data-testid="stApp"]');
  if (app) new MutationObserver(() => window.__redraw.states.push(
      [performance.now(), app.getAttribute('data-test-script-state')]))
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}
"""
ARM_JS = """
() => {
  const r = window.__redraw;
  Object.assign(r, {armed: true, t0: null, t1: null, states: [], sig: window.__redrawSig()});
}
"""
STREAMLIT_IDLE_JS = """
(() => !!document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]')
  && !document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSkeleton"]')
  && !document.querySelector('[data-stale="true"]'))()
"""
DIAGNOSE_JS = f"""
() => ({{changed: window.__redrawSig() !== window.__redraw.sig, idle: IDLE,
        charts: ({CHART_STATUS_JS})(), t0: window.__redraw.t0,
        state: document.querySelector('[data-testid="stApp"]')
          ?.getAttribute('data-test-script-state'),
        stale: document.querySelectorAll('[data-stale="true"]').length,
        status: document.querySelectorAll('[data-testid="stStatusWidget"]').length}})
"""
# after a change: its times, the script-state transitions, and Dash's callback request
TIMELINE_JS = """
() => {
  const r = window.__redraw;
  r.armed = false;
  const calls = performance.getEntriesByType('resource')
    .filter((e) => e.name.includes('_dash-update-component') && e.startTime >= r.t0);
  const last = calls[calls.length - 1];
  return {t0: r.t0, t1: r.t1, states: r.states, sent: window.__ws.sent,
          received: window.__ws.received,
          request: calls.length ? [calls[0].startTime, calls[0].responseStart, last.responseEnd]
                                : [r.t0, r.t0, r.t0]};
}
"""
# before the page loads: when the page sends and receives websocket messages (Streamlit's rerun
# request and its replies), noted as each is handed to the page
WEBSOCKET_JS = """
(() => {
  const Socket = window.WebSocket;
  window.__ws = {sent: [], received: []};
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => window.__ws.received.push(performance.now()));
    }
    send(data) {
      window.__ws.sent.push(performance.now());
      return super.send(data);
    }
  };
})();
"""
DASH_IDLE_JS = "(() => !document.querySelector('[data-dash-is-loading=\"true\"]'))()"


def redrawn_js(idle_js: str) -> str:
    """True (and the time noted) in the first frame with new data drawn and the app idle."""
    return f"""
    (() => {{
      const r = window.__redraw;
      if (window.__redrawSig() === r.sig || !({idle_js})) return false;
      if (({CHART_STATUS_JS})().problems.length) return false;
      r.t1 = performance.now();
      return true;
    }})()
    """


@dataclasses.dataclass
class Wire:
    """What the network saw of a Streamlit page's websocket (Chrome's own clock, in ms): frames
    as they left and arrived, whatever the page's main thread was busy with."""

    sent: list[float] = dataclasses.field(default_factory=list)
    received: list[float] = dataclasses.field(default_factory=list)


def open_target(
    context: BrowserContext, target: Target, url: str, received: list[int], wire: Wire
) -> Page:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.webSocketFrameSent", lambda e: wire.sent.append(1000 * e["timestamp"]))
    cdp.on("Network.webSocketFrameReceived", lambda e: wire.received.append(1000 * e["timestamp"]))

    def count(request) -> None:
        with contextlib.suppress(PlaywrightError):  # the page closed before the size was read
            received[0] += request.sizes()["responseBodySize"] or 0

    page.on("requestfinished", count)
    page.add_init_script(WEBSOCKET_JS)
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda payload: received.__setitem__(
            0, received[0] + len(payload))),
    )  # fmt: skip
    if target.dash:
        page.goto(url, wait_until="domcontentloaded")
        page.wait_for_function(
            f"(() => {{ const s = ({CHART_STATUS_JS})(); "
            f"return s.count >= 1 && s.problems.length === 0 && {DASH_IDLE_JS}; }})()",
            timeout=TIMEOUT_MS,
        )
    else:
        open_page(page, url)
        wait_charts_drawn(page, TIMEOUT_MS)
    page.evaluate(SETUP_JS)
    return page


def open_list(page: Page, target: Target) -> None:
    """Open the select box's list of options, as a click does."""
    if target.dash:
        page.locator(f"#{target.control}").click()
    else:
        label = page.get_by_test_id("stWidgetLabel").get_by_text(target.control, exact=True)
        box = page.get_by_test_id("stSelectbox").filter(has=label)
        box.locator('[role="combobox"]').click()
    page.get_by_role("option").first.wait_for(timeout=TIMEOUT_MS)


@dataclasses.dataclass(frozen=True)
class Change:
    ms: float  # pointer down to redrawn
    kb: float  # received meanwhile
    reruns: int  # runs that started after the redrawn frame (a rerun right after)
    # ms from the pointer down to the request sent by the page (the rerun's websocket message,
    # Dash's callback POST), and from the request leaving to its last reply arriving, on the wire
    wire: tuple[float, float]
    messages: int  # websocket messages received for it (Streamlit: about one per element)


def change(page: Page, target: Target, received: list[int], wire: Wire, step: int = 1) -> Change:
    """Pick the option `step` after the selected one (-1: before it), as a user does; wait until
    redrawn. The map's slider: a click on its rail, half its months before the one shown (`step`
    -1: after it)."""
    if target.control == SLIDER:
        return slide(page, target, received, wire, step)
    open_list(page, target)
    options = page.get_by_role("option")
    chosen = options.evaluate_all(
        "os => os.findIndex((o) => o.getAttribute('aria-selected') === 'true')"
    )
    option = options.nth((max(chosen, 0) + step) % options.count())
    idle = DASH_IDLE_JS if target.dash else STREAMLIT_IDLE_JS
    page.evaluate(ARM_JS)
    before, frames = received[0], len(wire.sent)
    option.click()
    try:
        page.wait_for_function(redrawn_js(idle), timeout=TIMEOUT_MS)
    except PlaywrightError as e:
        state = page.evaluate(DIAGNOSE_JS.replace("IDLE", idle))
        raise RuntimeError(f"{target.name}: no redraw in {TIMEOUT_MS} ms: {state}") from e
    page.wait_for_timeout(SETTLE_MS)
    if not target.dash:  # a rerun right after (URL written back): wait for it as well
        page.wait_for_function(STREAMLIT_IDLE_JS, timeout=TIMEOUT_MS)
    r = page.evaluate(TIMELINE_JS)
    t0, t1 = r["t0"], r["t1"]
    runs = [t for t, s in r["states"] if s == "running"]
    ends = [t for t, s in r["states"] if s == "notRunning"]
    later = [t for t in runs if t > t1]
    if later:  # the redraw ends when the last run has finished
        t1 = max(t1, max(ends))
    if target.dash:
        sent, server = r["request"][0] - t0, r["request"][2] - r["request"][0]
        messages = 1
    else:  # the page's send() and the frame leaving are the same moment on two clocks
        sent = min(t for t in r["sent"] if t >= t0) - t0
        leaves = wire.sent[frames]
        replies = [t for t in wire.received if leaves <= t <= leaves + (t1 - t0 - sent)]
        server, messages = replies[-1] - leaves, len(replies)
    return Change(t1 - t0, (received[0] - before) / 1024, len(later), (sent, server), messages)


SLIDER_JS = """
() => {
  const plot = document.querySelector('.js-plotly-plot');
  const r = plot.querySelector('g.slider-container rect.slider-rail-rect').getBoundingClientRect();
  const s = plot._fullLayout.sliders[0];
  return {x: r.left, y: r.top + r.height / 2, w: r.width, n: s.steps.length, active: s.active};
}
"""


def slide(page: Page, target: Target, received: list[int], wire: Wire, step: int) -> Change:
    """A click on the map slider's rail: drawn in the browser from the frames the page holds
    (no request: input and server are 0)."""
    rail = page.evaluate(SLIDER_JS)
    # half the slider away: a neighbouring step lies under the handle's grip, which a click on
    # the rail there does not move
    to = (rail["active"] - step * (rail["n"] // 2)) % rail["n"]
    x = rail["x"] + 8 + (rail["w"] - 16) * to / (rail["n"] - 1)  # plotly insets the steps
    page.evaluate(ARM_JS)
    before = received[0]
    page.mouse.click(x, rail["y"])
    try:
        page.wait_for_function(redrawn_js(STREAMLIT_IDLE_JS), timeout=TIMEOUT_MS)
    except PlaywrightError as e:
        state = page.evaluate(DIAGNOSE_JS.replace("IDLE", STREAMLIT_IDLE_JS))
        raise RuntimeError(f"{target.name}: no redraw in {TIMEOUT_MS} ms: {state}") from e
    page.wait_for_timeout(SETTLE_MS)
    r = page.evaluate(TIMELINE_JS)
    reruns = sum(1 for _, state in r["states"] if state == "running")
    return Change(r["t1"] - r["t0"], (received[0] - before) / 1024, reruns, (0.0, 0.0), 0)


def p90(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else values[0]
    )


def table(phase: str, changes: dict[str, list[Change]]) -> None:
    def median(name: str, field) -> float:
        return statistics.median(field(c) for c in changes[name])

    dash, floor = median("[dash]", lambda c: c.ms), median("[floor]", lambda c: c.ms)
    print(
        f"{'target':<13} {'median ms':>9} {'p90 ms':>7} {'/dash':>6} {'/floor':>7} "
        f"{'input':>5} {'server':>6} {'browser':>7} {'msgs':>4} {'KB':>5} {'reruns':>6}  what"
    )
    for t in TARGETS:
        med = median(t.name, lambda c: c.ms)
        sent, server = median(t.name, lambda c: c.wire[0]), median(t.name, lambda c: c.wire[1])
        rest = med - sent - server
        reruns = sum(c.reruns for c in changes[t.name])
        print(
            f"{t.name:<13} {med:9.0f} {p90([c.ms for c in changes[t.name]]):7.0f} "
            f"{med / dash:6.2f} {med / floor:7.2f} {sent:5.0f} {server:6.0f} {rest:7.0f} "
            f"{median(t.name, lambda c: c.messages):4.0f} "
            f"{median(t.name, lambda c: c.kb):5.0f} {reruns:6d}  {t.what}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="changes per target")
    parser.add_argument("--quick", action="store_true", help="2 changes per target")
    args = parser.parse_args()
    if args.quick:
        args.runs = 2
    with (
        tempfile.TemporaryDirectory() as tmp,
        sync_playwright() as pw,
        serve_redraw_anchors(Path(tmp) / "anchors") as anchor_urls,
        start_server(Path(tmp) / "app") as app_url,
    ):
        browser = launch_chromium(pw)
        bases = {**anchor_urls, "app": app_url}
        pages, received, wires = {}, {}, {}
        for t in TARGETS:
            received[t.name], wires[t.name] = [0], Wire()
            context = browser.new_context(viewport=VIEWPORT)
            url = bases[t.server] + t.path
            pages[t.name] = open_target(context, t, url, received[t.name], wires[t.name])
        load0, busy0, wall0 = os.getloadavg()[0], machine_busy_s(), time.monotonic()
        changes = {(phase, t.name): [] for phase in PHASES for t in TARGETS}
        for phase, step in PHASES.items():
            for _ in range(args.runs):
                for t in TARGETS:
                    change_ = change(pages[t.name], t, received[t.name], wires[t.name], step)
                    changes[phase, t.name].append(change_)
        busy = (machine_busy_s() - busy0) / ((time.monotonic() - wall0) * (os.cpu_count() or 1))
        load1 = os.getloadavg()[0]
        browser.close()
    for phase in PHASES:
        print(f"-- {phase}")
        table(phase, {t.name: changes[phase, t.name] for t in TARGETS})
    print(
        f"{args.runs} changes per target and phase, interleaved; ms from the pointer going down "
        "on the option to the first frame with the new data drawn and the app idle, in three parts "
        "(medians, so they add up only roughly): input = pointer down to the request sent by "
        "the page (Streamlit's rerun message, Dash's callback POST); server = the request "
        "leaving to its last reply arriving, on the wire; browser = the rest; msgs = messages "
        "received for the change; KB = bytes received"
    )
    print(
        f"machine: {os.cpu_count()} cores, {100 * busy:.0f} % busy during the changes "
        f"(this run included), load average {load0:.1f} -> {load1:.1f}; "
        "goal: month, measure or layout redrawn <= 1.0x [dash]"
    )


if __name__ == "__main__":
    main()
