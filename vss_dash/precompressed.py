"""Streamlit's own scripts and styles sent brotli-compressed, compressed once (issue 28).

Streamlit serves /static/ uncompressed and leaves compression to a proxy: straight from
`make run` the overview's first visit is 7.5 MB, and through nginx's gzip Plotly's bundle alone is
1,431 KB. Brotli at its best quality makes that bundle 1,060 KB, but takes seconds a megabyte,
far too slow for a request. So each file is compressed once and kept:

- `Precompressed` is an ASGI middleware in front of the app. A GET of /static/<file> (a name
  with its content hash, as all of Streamlit's bundles have) from a client that accepts br is
  answered from <cache>/<file>.br when that exists, with the headers Streamlit gives such a file
  (its type, cached for a year as `immutable`) and `Content-Encoding: br`. Anything else passes to Streamlit as
  before (nginx then gzips it), and a compressible file not yet in the cache is queued.
- One worker thread compresses the queue a file at a time, in a child process at low priority
  (`python -m vss_dash.precompressed SRC DEST`), so the pages lose neither the GIL nor a core
  to it. The child writes beside the target and renames it, so nobody reads half a file, and
  replicas that share the cache may race harmlessly.
- The cache is VSS_STATIC_CACHE, by default .cache/static in the project, one folder per
  Streamlit version. A cache that cannot be written is logged once, and everything then
  passes through as before.

So the first request for a file after an install goes out as before; every later one, from any
process that shares the cache, goes out as brotli.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import logging
import mimetypes
import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.responses import FileResponse

from vss_dash import settings
from vss_dash.paths import ROOT

LOG = logging.getLogger(__name__)
# what Streamlit serves at / (found without importing Streamlit, which the child need not)
STATIC_DIR = Path(importlib.util.find_spec("streamlit").origin).resolve().parent / "static"
STREAMLIT = importlib.metadata.version("streamlit")
PREFIX = "/static/"
COMPRESSIBLE = frozenset({".js", ".css", ".json", ".svg", ".txt", ".map", ".ttf"})
MIN_BYTES = 1024  # smaller files gain less than their headers
QUALITY = 11  # brotli's best: 1,431 KB of gzip -> 1,060 KB for Plotly's bundle
IMMUTABLE = "public, immutable, max-age=31536000"  # what Streamlit sends for a hashed asset
CHILD_TIMEOUT_S = 300
_SAFE = re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")
# a bundle's name carries its content hash (index.DormvYxC.js): the same name never changes, so
# its brotli copy is good for as long as the name is, and may be cached as `immutable`
_HASHED = re.compile(r"\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


def cache_dir() -> Path:
    """Where the compressed files live: one folder per Streamlit version."""
    base = settings.env("VSS_STATIC_CACHE") or ROOT / ".cache" / "static"
    return Path(base) / STREAMLIT


def relative(path: str) -> str | None:
    """The file under STATIC_DIR a request path names ("static/js/index.DormvYxC.js"), or None
    for a path outside /static/, one with a step up or an unusual character, a name without a
    content hash, or a file not worth compressing (another type)."""
    if not path.startswith(PREFIX):
        return None
    rel = path.lstrip("/")
    if not _SAFE.fullmatch(rel) or any(part in ("", ".", "..") for part in rel.split("/")):
        return None
    if not _HASHED.search(rel):
        return None
    return rel if Path(rel).suffix in COMPRESSIBLE else None


def accepts_br(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether Accept-Encoding names br with a weight other than 0."""
    for name, value in headers:
        if name.lower() != b"accept-encoding":
            continue
        for item in value.decode("latin-1").split(","):
            coding, _, params = item.strip().partition(";")
            if coding.strip().lower() == "br":
                q = params.strip().lower()
                return not re.fullmatch(r"q\s*=\s*0(\.0*)?", q)
    return False


def compress_file(src: Path, dest: Path, quality: int = QUALITY) -> None:
    """Write `src` brotli-compressed to `dest`, by a rename, so no reader sees half of it."""
    import brotli

    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(brotli.compress(src.read_bytes(), quality=quality))
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


class Compressor:
    """The queue of files to compress and the one thread that works through it."""

    def __init__(self, static_dir: Path, cache: Path) -> None:
        self.static_dir, self.cache = static_dir, cache
        self.queue: queue.Queue[str] = queue.Queue()
        self.pending: set[str] = set()  # queued or being compressed
        self.lock = threading.Lock()
        self.broken = False  # the cache cannot be written: stop trying
        self.thread: threading.Thread | None = None

    def want(self, rel: str) -> None:
        """Queue `rel` once, if it is a file worth compressing."""
        with self.lock:
            if self.broken or rel in self.pending:
                return
            src = self.static_dir / rel
            try:
                if not src.is_file() or src.stat().st_size < MIN_BYTES:
                    return
            except OSError:
                return
            self.pending.add(rel)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._work, name="precompress", daemon=True)
                self.thread.start()
        self.queue.put(rel)

    def _work(self) -> None:
        while True:
            rel = self.queue.get()
            try:
                self._compress(rel)
            finally:
                with self.lock:
                    self.pending.discard(rel)

    def _compress(self, rel: str) -> None:
        dest = self.cache / f"{rel}.br"
        if dest.exists():
            return
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "vss_dash.precompressed",
                    str(self.static_dir / rel),
                    str(dest),
                ],
                check=True,
                timeout=CHILD_TIMEOUT_S,
                capture_output=True,
            )
        except OSError as e:
            LOG.warning(
                "precompressed: the cache %s cannot be written (%s); serving as is", self.cache, e
            )
            self.broken = True
        except (subprocess.SubprocessError, ValueError) as e:
            LOG.warning("precompressed: %s was not compressed: %s", rel, e)


class Precompressed:
    """The middleware (see the module's docstring); `static_dir` and `cache` for tests."""

    def __init__(
        self,
        app: Callable[[Scope, Receive, Send], Awaitable[None]],
        static_dir: Path = STATIC_DIR,
        cache: Path | None = None,
    ) -> None:
        self.app = app
        self.compressor = Compressor(static_dir, cache or cache_dir())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        rel = None
        if scope.get("type") == "http" and scope.get("method") == "GET":
            rel = relative(scope.get("path", ""))
        headers = scope.get("headers", [])
        if rel is None or not accepts_br(headers) or any(n.lower() == b"range" for n, _ in headers):
            await self.app(scope, receive, send)
            return
        br = self.compressor.cache / f"{rel}.br"
        if not br.is_file():
            self.compressor.want(rel)
            await self.app(scope, receive, send)
            return
        response = FileResponse(
            br,
            media_type=mimetypes.guess_type(rel)[0] or "application/octet-stream",
            headers={
                "Content-Encoding": "br",
                "Vary": "Accept-Encoding",
                "Cache-Control": IMMUTABLE,
            },
        )
        await response(scope, receive, send)


def main(argv: list[str]) -> int:
    """The child: `python -m vss_dash.precompressed SRC DEST`, at low priority."""
    src, dest = (Path(a) for a in argv)
    os.nice(10)
    compress_file(src, dest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
