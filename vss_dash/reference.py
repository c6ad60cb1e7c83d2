"""The reference files by name, their release, and the cache of what is read from them.

Reference files come with a release of the app, not with an import: the province registry and
the crosswalk, the published figures and their pages, the targets, the events, the glossary and
the boundaries. Code asks for one by name (`path("provinces")`), never by spelling its path.

`release()` is a token of all of them (each file's size and modification time), checked at most
once a second. `by_release` caches a function of the reference files like `functools.cache`, but
keyed on the release too: when a new release of the files lands, the next call of every session
reads it, and nothing computed from the old files is kept. `vss_dash.data` puts the release in
the token every cache of the store's data is keyed on.
"""

from __future__ import annotations

import csv
import functools
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from vss_dash.paths import ASSETS_GEO_DIR, REFERENCE_DIR

P = ParamSpec("P")
R = TypeVar("R")

FILES: dict[str, Path] = {
    "provinces": REFERENCE_DIR / "provinces.csv",
    "crosswalk": REFERENCE_DIR / "crosswalk_2025.csv",
    "published_figures": REFERENCE_DIR / "published_figures.csv",
    "published_more": REFERENCE_DIR / "published_more.csv",
    "published_more_sources": REFERENCE_DIR / "published_more_sources.csv",
    "published_periods": REFERENCE_DIR / "published_periods.csv",
    "targets": REFERENCE_DIR / "targets.csv",
    "events": REFERENCE_DIR / "events.csv",
    "glossary": Path(__file__).with_name("glossary.toml"),
    "boundaries_p63": ASSETS_GEO_DIR / "provinces_p63.geojson",
    "boundaries_p34": ASSETS_GEO_DIR / "provinces_p34.geojson",
    "archipelagos": ASSETS_GEO_DIR / "archipelagos.json",
}

RECHECK_S = 1.0  # how often the files are looked at again (a stat each; about 20 µs in all)

_lock = threading.Lock()
_checked = {"at": float("-inf"), "release": ()}


def path(name: str) -> Path:
    """The file of the reference table `name` (KeyError names the known ones)."""
    try:
        return FILES[name]
    except KeyError:
        raise KeyError(f"no reference file {name!r}; known: {', '.join(FILES)}") from None


def _stat(p: Path) -> tuple[int, int] | None:
    try:
        s = p.stat()
    except FileNotFoundError:
        return None
    return (s.st_size, s.st_mtime_ns)


def release(now: Callable[[], float] = time.monotonic) -> tuple:
    """The reference files' release: (name, size, mtime_ns) of each, looked at again when the
    last look is older than RECHECK_S. Equal tokens mean the same files."""
    t = now()
    if t - _checked["at"] < RECHECK_S:  # the common case: no lock, no stat
        return _checked["release"]
    with _lock:
        if t - _checked["at"] >= RECHECK_S:
            _checked["release"] = tuple((n, _stat(p)) for n, p in FILES.items())
            _checked["at"] = t
        return _checked["release"]


def recheck() -> tuple:
    """Look at the files now (tests, and a command that has just replaced one)."""
    with _lock:
        _checked["at"] = float("-inf")
    return release()


def rows(name: str) -> list[dict[str, str]]:
    """The rows of a reference CSV as text (uncached: callers cache what they derive)."""
    with path(name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def by_release(fn: Callable[P, R]) -> Callable[P, R]:
    """`fn` cached on its (hashable) arguments and the release: a new release empties the cache.
    The values are shared by every caller and session: treat them as read-only."""
    cache: dict = {}
    seen: list[tuple] = [()]
    lock = threading.Lock()

    @functools.wraps(fn)
    def cached(*args: P.args, **kwargs: P.kwargs) -> R:
        rel = release()
        if seen[0] is not rel:
            with lock:
                if seen[0] != rel:
                    cache.clear()
                seen[0] = rel
        key = (args, tuple(sorted(kwargs.items()))) if kwargs else args
        try:
            return cache[key]
        except KeyError:
            pass
        value = fn(*args, **kwargs)
        with lock:
            if seen[0] is rel:
                cache[key] = value
        return value

    return cached
