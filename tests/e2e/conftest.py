"""Browser tier: the real Streamlit server driven by Debian's Chromium through Playwright.

Every test under tests/e2e gets the `e2e` marker; without /usr/bin/chromium they are all skipped.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

E2E_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = E2E_DIR.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach Google's hosts, which
# this machine's closed network refuses; they also keep the request log down to the app's own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 900}
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


# `-m "not e2e"` deselects in _pytest.mark's own modifyitems hook: the marker must be on first.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder `e2e`, and skip them all when Chromium is missing."""
    skip = pytest.mark.skip(reason="chromium not installed: browser tier skipped")
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                item.add_marker(skip)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate the server's whole process group, escalating to SIGKILL after 10 s."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        proc.wait(timeout=10)


@contextlib.contextmanager
def start_server(log_dir: Path) -> Iterator[str]:
    """Run `streamlit run app.py` on a free port until the block ends; yield its base URL."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    streamlit = Path(sys.executable).parent / "streamlit"
    cmd = [
        str(streamlit if streamlit.exists() else PROJECT_ROOT / ".venv" / "bin" / "streamlit"),
        "run",
        "app.py",
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        # No file watching: edits made while the tests run must not trigger reruns mid-test.
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    env = dict(os.environ)  # passes VSS_DATA_DIR through when it is set
    log_path = log_dir / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so _stop reaches any children
        )  # fmt: skip
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT_S
            while not _healthy(f"{base}/_stcore/health"):
                if proc.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_text(errors="replace")[-3000:]
                    rc = proc.poll()
                    state = "timed out" if rc is None else f"exited with {rc}"
                    pytest.fail(f"streamlit server {state}; log:\n{tail}", pytrace=False)
                time.sleep(0.25)
            yield base
        finally:
            _stop(proc)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app server shared by the session: base URL, e.g. http://127.0.0.1:PORT."""
    with start_server(tmp_path_factory.mktemp("streamlit")) as base:
        yield base


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[str]:
    """A server of its own, for tests whose outcome depends on being its first visitor."""
    with start_server(tmp_path) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium, launched by Playwright with the flags this machine needs."""
    if not CHROMIUM.exists():
        pytest.skip("chromium not installed: browser tier skipped")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own context (no shared cookies or storage) at 1440×900."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield context.new_page()
    finally:
        context.close()


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


@pytest.fixture(name="open_page")
def open_page_fixture() -> Callable[[Page, str], None]:
    """`open_page` for test modules (importing from a conftest is fragile across rootdirs)."""
    return open_page
