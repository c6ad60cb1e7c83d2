"""The briefing deck as files: one PDF with a page per slide, and a PNG per slide, printed by
headless Chromium (Debian's `chromium`) from the app's own briefing page, so the files show exactly
what the presenter projects. No Streamlit import: the CLI and the page both call `export_deck`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from vss_dash import settings
from vss_dash.paths import ROOT

CHROMIUM = Path(settings.env("VSS_CHROMIUM") or "/usr/bin/chromium")
# flags this kind of machine needs: no sandbox as root, and no calls home on a closed network
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
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


APP = "vss_dash/asgi.py"  # what `make run` starts: the pages and the data API in one app


@contextlib.contextmanager
def serve(
    script: str = APP,
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
        str(streamlit),
        "run",
        script,
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *args,
    ]
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
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
class PrintServer:
    base_url: str
    token: str = field(repr=False)


SERVE_TIMEOUT_S = 60.0  # serve()'s default: the server's start
EXPORT_TIMEOUT_S = 90.0  # export_deck's default, for each of its two waits


@contextlib.contextmanager
def print_server(
    log: Path | None = None, seconds: float = SERVE_TIMEOUT_S + 2 * EXPORT_TIMEOUT_S + 10
) -> Iterator[PrintServer]:
    """A private server for one export, on a loopback port: the print profile, which serves only
    a visitor with the token made here (in its environment, which other users cannot read, not on
    its command line), and only for `seconds` from now (VSS_PRINT_TOKEN_EXPIRES: the server's
    start and one export's waits); see access.py. The server stops when the block ends."""
    token = secrets.token_urlsafe(32)
    env = {
        "VSS_PROFILE": "print",
        "VSS_PRINT_TOKEN": token,
        "VSS_PRINT_TOKEN_EXPIRES": f"{time.time() + seconds:.3f}",
    }
    # the app as `make run` serves it (serve's default: the ASGI app, its middleware and
    # settings), so that the deck is printed by what the presenter sees it on
    with serve(env=env, log=log, timeout_s=min(SERVE_TIMEOUT_S, seconds)) as base:
        yield PrintServer(base, token)


@dataclass(frozen=True)
class DeckFiles:
    pdf: Path
    pngs: list[Path]
    seconds: float = 0.0


class ExportIncomplete(RuntimeError):
    """The page was not completely drawn (a placeholder, a missing number, a slide that does
    not fit): no file is written rather than a half-drawn one."""


# what a half-drawn Streamlit page shows: skeletons, stale elements of a previous run, a spinner
PLACEHOLDERS = (
    '[data-testid="stSkeleton"], [data-testid="stAppSkeleton"], [data-testid="stSkeletonElement"],'
    ' [data-stale="true"], [data-testid="stSpinner"], [data-testid="stException"]'
)
# the operator's controls never print: pickers, buttons, page counters, the open-demo banner
CHROME = (
    '.st-key-brief_controls, .st-key-brief_nav, [data-testid="stAlertContainer"]:has('
    '[data-testid="stAlertContentWarning"]), [data-testid="stButton"],'
    ' [data-testid="stDownloadButton"], [data-testid="stSelectbox"]'
)
SLIDE_SELECTOR = '[class*="st-key-slide_"]'


def _norm(text: str) -> str:
    """Spaces as one plain space (Chromium and the PDF text layer use NBSPs and line breaks)."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _wait_ready(page, timeout_ms: int = 60_000) -> None:
    page.locator(APP_CONNECTED).wait_for(state="attached", timeout=timeout_ms)
    page.locator(APP_IDLE).wait_for(state="attached", timeout=timeout_ms)
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".every(p => p.querySelector('svg.main-svg'))",
        timeout=timeout_ms,
    )
    page.wait_for_timeout(800)  # let fonts and the last layout pass settle before printing


def _wait_complete(page, slides: int, expected: dict[int, list[str]], timeout_ms: int) -> None:
    """Wait until every slide is there, no placeholder is left, every map has its provinces and
    every expected number is in its slide's text; then check that nothing of the operator's
    chrome shows and that every slide fits its 1920x1080 page. Raise ExportIncomplete with what
    is wrong when the time is up."""
    script = """([sel, placeholders, slides, expected]) => {
        const norm = (s) => s.replace(/[\u00a0\u202f\\s]+/g, ' ');
        const found = Array.from(document.querySelectorAll(sel));
        if (found.length !== slides) return false;
        if (document.querySelector(placeholders)) return false;
        for (const map of document.querySelectorAll('.js-plotly-plot .choroplethlayer'))
            if (!map.querySelector('path.choroplethlocation')) return false;
        for (const [n, numbers] of Object.entries(expected)) {
            const el = document.querySelector('.st-key-slide_' + n);
            if (!el) return false;
            const text = norm(el.textContent);
            if (!numbers.every((x) => text.includes(x))) return false;
        }
        return true;
    }"""
    exp = {str(n): [_norm(x) for x in xs] for n, xs in expected.items()}
    try:
        page.wait_for_function(
            script, arg=[SLIDE_SELECTOR, PLACEHOLDERS, slides, exp], timeout=timeout_ms
        )
    except Exception as e:  # playwright's TimeoutError: say what is missing
        raise ExportIncomplete(_diagnose(page, slides, exp)) from e
    page.wait_for_timeout(500)  # fonts and the last layout pass
    problems = page.evaluate(
        """([sel, chrome]) => {
            const out = [];
            for (const el of document.querySelectorAll(chrome)) {
                const r = el.getBoundingClientRect();
                if (r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden')
                    out.push('operator control visible: ' + (el.className || el.dataset.testid));
            }
            for (const el of document.querySelectorAll(sel)) {
                if (el.scrollHeight > el.clientHeight + 1 || el.clientHeight > 1080)
                    out.push(el.className.match(/st-key-slide_\\d+/)[0] + ' does not fit: '
                             + el.scrollHeight + ' px of content in ' + el.clientHeight);
            }
            return out;
        }""",
        [SLIDE_SELECTOR, CHROME],
    )
    if problems:
        raise ExportIncomplete("; ".join(problems))


def _diagnose(page, slides: int, expected: dict[str, list[str]]) -> str:
    state = page.evaluate(
        """([sel, placeholders, expected]) => {
            const norm = (s) => s.replace(/[\u00a0\u202f\\s]+/g, ' ');
            const missing = {};
            for (const [n, numbers] of Object.entries(expected)) {
                const el = document.querySelector('.st-key-slide_' + n);
                const text = el ? norm(el.textContent) : '';
                const gone = numbers.filter((x) => !text.includes(x));
                if (gone.length) missing[n] = gone;
            }
            return {slides: document.querySelectorAll(sel).length,
                    placeholders: document.querySelectorAll(placeholders).length, missing};
        }""",
        [SLIDE_SELECTOR, PLACEHOLDERS, expected],
    )
    parts = []
    if state["slides"] != slides:
        parts.append(f"{state['slides']} of {slides} slides drawn")
    if state["placeholders"]:
        parts.append(f"{state['placeholders']} placeholder(s) still on the page")
    for n, gone in state["missing"].items():
        parts.append(f"slide {n} lacks {', '.join(gone)}")
    return "the deck was not completely drawn: " + ("; ".join(parts) or "timed out")


def pdf_texts(data: bytes) -> list[str]:
    """The text layer of each page of a PDF (pypdf), spaces normalised."""
    import io

    from pypdf import PdfReader

    return [_norm(p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages]


def check_pdf(data: bytes, slides: int, expected: dict[int, list[str]]) -> None:
    """A page per slide, and every expected number in its page's text layer."""
    texts = pdf_texts(data)
    if len(texts) != slides:
        raise ExportIncomplete(f"the PDF has {len(texts)} pages for {slides} slides")
    missing = [
        f"page {n} lacks {', '.join(gone)}"
        for n, numbers in expected.items()
        if (gone := [x for x in map(_norm, numbers) if x not in texts[n - 1]])
    ]
    if missing:
        raise ExportIncomplete("the PDF's text layer is incomplete: " + "; ".join(missing))


def export_deck(
    base_url: str,
    quarter: str,
    lang: str,
    public: bool,
    slides: int,
    out_dir: Path,
    expected: dict[int, list[str]] | None = None,
    stem: str | None = None,
    timeout_s: float = EXPORT_TIMEOUT_S,
    token: str = "",
) -> DeckFiles:
    """Print the deck of `quarter` from a running app at `base_url` into out_dir: <stem>.pdf
    (default vss_briefing_<quarter>_<lang>[_public]) and <stem>_slide<N>.png, all from the
    print layout (?print=1: every slide at 1920x1080, no operator controls). `expected` maps a
    slide number to the numbers that must be drawn on it (narrative.expected_numbers); the
    export waits for them and raises ExportIncomplete, writing nothing, if the page is not
    complete or the PDF's text layer lacks one. `token`: the print server's (print_server)."""
    # Playwright's sync API refuses to start in a thread that already runs an event loop (a
    # caller's own Playwright session, say): a thread of its own always works.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(
            _export,
            base_url,
            quarter,
            lang,
            public,
            slides,
            out_dir,
            expected or {},
            stem,
            timeout_s,
            token,
        ).result()


def _export(
    base_url: str,
    quarter: str,
    lang: str,
    public: bool,
    slides: int,
    out_dir: Path,
    expected: dict[int, list[str]],
    stem: str | None,
    timeout_s: float,
    token: str,
) -> DeckFiles:
    from playwright.sync_api import sync_playwright  # heavy: only when exporting

    started = time.monotonic()
    stem = stem or f"vss_briefing_{quarter}_{lang}" + ("_public" if public else "")
    query = {"quarter": quarter, "lang": lang, "public": "1" if public else "0", "print": "1"}
    if token:
        query["token"] = token
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport=SLIDE)
            page.goto(f"{base_url}/briefing?{urlencode(query)}")
            _wait_ready(page, int(timeout_s * 1000))
            _wait_complete(page, slides, expected, int(timeout_s * 1000))
            shots = [
                page.locator(f".st-key-slide_{n}").screenshot(animations="disabled")
                for n in range(1, slides + 1)
            ]
            pdf_bytes = page.pdf(
                width="1920px",
                height="1080px",
                print_background=True,
                margin={"top": "0", "bottom": "0", "left": "0", "right": "0"},
            )
        finally:
            browser.close()
    check_pdf(pdf_bytes, slides, expected)
    out_dir.mkdir(parents=True, exist_ok=True)
    pngs = []
    for n, shot in enumerate(shots, start=1):
        path = out_dir / f"{stem}_slide{n}.png"
        path.write_bytes(shot)
        pngs.append(path)
    pdf = out_dir / f"{stem}.pdf"
    pdf.write_bytes(pdf_bytes)
    return DeckFiles(pdf, pngs, time.monotonic() - started)


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
