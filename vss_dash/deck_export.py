"""The briefing deck as files: one PDF with a page per slide, and a PNG per slide, printed by
headless Chromium (Debian's `chromium`) from the app's own briefing page, so the files show exactly
what the presenter projects. No Streamlit import: the CLI and the page both call `export_deck`.
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
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from vss_dash.paths import ROOT

CHROMIUM = Path(os.environ.get("VSS_CHROMIUM", "/usr/bin/chromium"))
# flags this kind of machine needs: no sandbox as root, and no calls home on a closed network
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SLIDE = {"width": 1920, "height": 1080}
APP_CONNECTED = '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def available() -> bool:
    return CHROMIUM.exists()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def serve(
    script: str = "app.py",
    cwd: Path = ROOT,
    log: Path | None = None,
    timeout_s: float = 60.0,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    port: int | None = None,
) -> Iterator[str]:
    """Run `streamlit run <script>` on a loopback port (default: a free one) for the block; yield
    its base URL. `env` adds to this process's environment; `args` are more streamlit options."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    streamlit = Path(sys.executable).parent / "streamlit"
    cmd = [
        str(streamlit), "run", script, "--server.headless", "true",
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *args,
    ]  # fmt: skip
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True, env={**os.environ, **(env or {})})  # fmt: skip
    try:
        deadline = time.monotonic() + timeout_s
        while not _healthy(f"{base}/_stcore/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-3000:] if log else ""
                state = "timed out" if proc.poll() is None else f"exited with {proc.poll()}"
                raise RuntimeError(f"streamlit server {state}\n{tail}")
            time.sleep(0.25)
        yield base
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        if log:
            out.close()


@dataclass(frozen=True)
class DeckFiles:
    pdf: Path
    pngs: list[Path]


def _wait_ready(page, timeout_ms: int = 60_000) -> None:
    page.locator(APP_CONNECTED).wait_for(state="attached", timeout=timeout_ms)
    page.locator(APP_IDLE).wait_for(state="attached", timeout=timeout_ms)
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".every(p => p.querySelector('svg.main-svg'))",
        timeout=timeout_ms,
    )
    page.wait_for_timeout(800)  # let fonts and the last layout pass settle before printing


def export_deck(
    base_url: str, quarter: str, lang: str, public: bool, slides: int, out_dir: Path
) -> DeckFiles:
    """Print the deck of `quarter` from a running app at `base_url` into out_dir:
    vss_briefing_<quarter>_<lang>[_public].pdf and one PNG per slide."""
    # Playwright's sync API refuses to start in a thread that already runs an event loop (a
    # caller's own Playwright session, say): a thread of its own always works.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_export, base_url, quarter, lang, public, slides, out_dir).result()


def _export(
    base_url: str, quarter: str, lang: str, public: bool, slides: int, out_dir: Path
) -> DeckFiles:
    from playwright.sync_api import sync_playwright  # heavy: only when exporting

    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"vss_briefing_{quarter}_{lang}" + ("_public" if public else "")
    query = {"quarter": quarter, "lang": lang, "public": "1" if public else "0"}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=CHROMIUM_ARGS)  # fmt: skip
        try:
            page = browser.new_page(viewport=SLIDE)
            pngs = []
            for n in range(1, slides + 1):
                page.goto(f"{base_url}/briefing?{urlencode({**query, 'slide': n})}")
                _wait_ready(page)
                path = out_dir / f"{stem}_slide{n}.png"
                page.screenshot(path=path)
                pngs.append(path)
            page.goto(f"{base_url}/briefing?{urlencode({**query, 'print': 1})}")
            _wait_ready(page)
            pdf = out_dir / f"{stem}.pdf"
            page.pdf(
                path=pdf,
                width="1920px",
                height="1080px",
                print_background=True,
                margin={"top": "0", "bottom": "0", "left": "0", "right": "0"},
            )
        finally:
            browser.close()
    return DeckFiles(pdf, pngs)


def zip_pngs(paths: list[Path]) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in paths:
            zf.write(path, path.name)
    return buf.getvalue()


def pdf_page_count(data: bytes) -> int:
    """Pages in a PDF Chromium wrote (it lists each page as a /Type /Page object)."""
    import re

    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
