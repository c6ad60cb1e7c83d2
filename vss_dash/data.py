"""The data manager: every dataset the app reads, by name, and the one token its caches key on.

Two kinds of data:
    store      observations, plans, sources: one generation at a time, replaced by an import
               (vss_dash.store, on Parquet or PostgreSQL)
    reference  the files of a release: the province registry, the crosswalk, the published
               figures, targets, events, glossary and boundaries (vss_dash.reference)

`token()` is (the store's token, the reference release): it changes when an import makes a new
generation or a new release of the reference files lands, and nothing else changes it.
`frames()` is the store's current data as `metrics.Frames`, read once per token and shared by
the pages and the data API of a process. The frames carry the token as `key`, so every cache of
a result computed from them (the pages' `st.cache_data`, the API's ETags) is keyed on it, and
the reference readers' caches (`reference.by_release`) on its second half: a new generation or
release is seen by every session on its next run. What is shared is read-only: polars frames
that no code changes in place (tests/test_data_manager.py holds the code to that).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
import time
from pathlib import Path

from vss_dash import metrics, reference, store

LOG = logging.getLogger(__name__)

STORE_TABLES = ("observations", "plans", "sources")
DATASETS: dict[str, str] = {
    **dict.fromkeys(STORE_TABLES, "store"),
    **dict.fromkeys(reference.FILES, "reference"),
}
KEEP = 2  # frames kept: the current token's and the one before (sessions still drawing it)


def token(where: Path | str | None = None) -> tuple:
    """(the store's token, the reference release) of the store at `where` (default: the
    app's store); equal tokens mean the same data."""
    where = store.location() if where is None else where
    return (store.token(where), reference.release())


def key_of(tok: tuple) -> str:
    """A short text that stands for a token in cache keys and ETags."""
    return hashlib.sha256(repr(tok).encode()).hexdigest()[:16]


class _FramesCache:
    """Frames by (store location, token), the newest KEEP; one reader loads a token while the
    others wait for it, so a new generation is read once however many sessions ask."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loading: dict[tuple, threading.Lock] = {}
        self._frames: dict[tuple, metrics.Frames] = {}

    def get(self, where: Path | str, tok: tuple) -> metrics.Frames:
        k = (str(where), tok)
        with self._lock:
            if k in self._frames:
                return self._frames[k]
            gate = self._loading.setdefault(k, threading.Lock())
        with gate:
            with self._lock:
                if k in self._frames:
                    return self._frames[k]
            try:
                fr = metrics.Frames.from_store(store.load(where))
            finally:  # a store that cannot be read is tried again by the next caller
                with self._lock:
                    self._loading.pop(k, None)
            fr = dataclasses.replace(fr, key=key_of(tok))
            with self._lock:
                self._frames[k] = fr
                for old in list(self._frames)[:-KEEP]:
                    del self._frames[old]
            return fr

    def clear(self) -> None:
        with self._lock:
            self._frames.clear()


_cache = _FramesCache()


def clear() -> None:
    """Forget every frames read (the next call reads the store again); for tests."""
    _cache.clear()


def frames(where: Path | str | None = None, tok: tuple | None = None) -> metrics.Frames:
    """The current data of the store at `where` (default: the app's store), read once per
    token. Raises what store.load raises (FileNotFoundError, store.StoreInvalid, OSError)."""
    where = store.location() if where is None else where
    return _cache.get(where, token(where) if tok is None else tok)


def warm(measures: tuple[str, ...] = (), layouts: tuple[str, ...] = ("VN", "P34")) -> float:
    """Read the store and resolve `measures` in `layouts`, so that the first visitor after a
    start does not wait for what every first screen needs (the server starts this in the
    background: vss_dash/asgi.py). Returns the seconds it took; a store that cannot be read is
    logged, not raised (the pages say so themselves)."""
    t0 = time.perf_counter()
    try:
        fr = frames()
        for m in measures:
            for layout in layouts:
                metrics.resolve(fr, m, layout)
    except Exception:
        LOG.exception("warm-up: the store could not be read")
    return time.perf_counter() - t0
