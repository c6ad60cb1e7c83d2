"""The browser harness shared by the e2e tests, the benchmarks and the deploy load test: start a
real Streamlit server on a free port, drive Debian's Chromium, and wait until a page is idle and
drawn."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright, expect
from playwright.sync_api import Error as PlaywrightError

from vss_dash import deck_export, paths

PROJECT_ROOT = paths.ROOT
# Without the background-networking flags Chromium keeps trying to reach Google's hosts, which
# this machine's closed network refuses; they also keep the request log down to the app's own.
CHROMIUM, CHROMIUM_ARGS = deck_export.CHROMIUM, deck_export.CHROMIUM_ARGS
VIEWPORT = {"width": 1440, "height": 900}
# what `make run` starts: the pages (app.py) and the data API in one ASGI application
APP_SCRIPT = deck_export.APP  # what `make run` starts
# the three screens every page is held to: a laptop, a phone, a projector
SCREENS = {"1366x768": (1366, 768), "390x844": (390, 844), "1920x1080": (1920, 1080)}
SERVER_START_TIMEOUT_S = 60.0
IDLE_TIMEOUT_MS = 30_000
SETTLE_MS = 500

# Streamlit 1.67 sets these attributes on the app root (frontend bundle, `data-testid: stApp`):
# data-test-script-state is "initial" before the first run, then the ScriptRunState enum
# (running, notRunning, rerunRequested, stopRequested, compilationError); Streamlit's own e2e
# suite waits on the same two attributes. A script that fails to compile ends in
# compilationError, which counts as idle so the test reports the exception instead of timing out.
APP_CONNECTED = '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
APP_IDLE = (
    '[data-testid="stApp"]:is([data-test-script-state="notRunning"],'
    ' [data-test-script-state="compilationError"])'
)


@contextlib.contextmanager
def start_server(
    log_dir: Path, script: str = APP_SCRIPT, cwd: Path = PROJECT_ROOT
) -> Iterator[str]:
    """Run `streamlit run <script>` on a free port until the block ends; yield its base URL.
    The app's own `deck_export.serve` does it (no file watching, so edits made while the tests
    run trigger no reruns; the environment, VSS_DATA_DIR included, passes through)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    with deck_export.serve(script, cwd, log=log_dir / "server.log",
                           timeout_s=SERVER_START_TIMEOUT_S) as base:  # fmt: skip
        yield base


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Debian Chromium with the flags this machine needs."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def open_page(page: Page, url: str) -> None:
    """Navigate to `url` and wait until Streamlit is idle and every element has rendered."""
    page.goto(url, wait_until="domcontentloaded")
    wait_idle(page)
    expect(page.locator('[data-testid="stApp"]')).to_be_visible()


def wait_idle(page: Page) -> None:
    """Wait for: websocket connected, script finished, no skeletons or running widget, settle."""
    page.locator(APP_CONNECTED).wait_for(state="attached", timeout=IDLE_TIMEOUT_MS)
    page.locator(APP_IDLE).wait_for(state="attached", timeout=IDLE_TIMEOUT_MS)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=IDLE_TIMEOUT_MS)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=IDLE_TIMEOUT_MS)
    page.wait_for_timeout(SETTLE_MS)
    # A rerun may start right after the first run (query params written back, st.rerun): if the
    # script left the idle state during the settle, wait for it once more.
    page.locator(APP_IDLE).wait_for(state="attached", timeout=IDLE_TIMEOUT_MS)


# For each Plotly chart shown on the page: has plotly.js built it, and does any trace have a drawn
# shape? Traces live in `g.trace` groups (scatter, bar, pie, choropleth...); an empty bar is
# written as "M0,0Z", and a path with an empty bounding box drew nothing. Charts in a tab that is
# not open are not shown (no layout box); tests open each tab to check them.
CHART_STATUS_JS = """
() => {
  const drawn = (plot) => Array.from(plot.querySelectorAll('svg.main-svg g.trace path'))
    .some((p) => {
      const d = p.getAttribute('d') || '';
      if (!d || d === 'M0,0Z') return false;
      const box = p.getBBox();
      return box.width + box.height > 0;
    });
  const shown = (el) => el.getClientRects().length > 0;
  const containers = Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    .filter(shown);
  const plots = Array.from(document.querySelectorAll('.js-plotly-plot')).filter(shown);
  const status = containers
    .filter((c) => !c.querySelector('.js-plotly-plot'))
    .map((c, i) => ({chart: 'stPlotlyChart #' + i, problem: 'plotly.js never built the chart'}));
  plots.forEach((plot, i) => {
    const title = plot.querySelector('.gtitle')?.textContent || '';
    if (!plot.querySelector('svg.main-svg')) {
      status.push({chart: '#' + i + ' ' + title, problem: 'no .main-svg'});
    } else if (!drawn(plot)) {
      status.push({chart: '#' + i + ' ' + title, problem: 'no drawn trace path'});
    }
  });
  return {count: plots.length, problems: status};
}
"""


def wait_charts_drawn(page: Page, timeout_ms: int = 15_000) -> dict:
    """Wait until every Plotly chart has drawn; return the chart status (count, problems)."""
    with contextlib.suppress(PlaywrightError):  # the caller reports what did not draw
        page.wait_for_function(f"({CHART_STATUS_JS})().problems.length === 0", timeout=timeout_ms)
    return page.evaluate(CHART_STATUS_JS)
