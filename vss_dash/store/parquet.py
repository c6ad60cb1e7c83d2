"""The Parquet store: the only code that reads or writes the data files (one Parquet file a
table, the tables and rules of schema.py).

A write is one generation: a new directory `generations/<id>/` holding the three files, then one
os.replace of the small file `current` that names it. A reader resolves `current` once and opens
the three files of that directory, so no page is ever built from two writes, and a crash at any
point of a write leaves the old store or the new one, never a mix. The next write cleans what a
crash left (temporary files and directories) and keeps the two generations before it for readers
still reading them. The three files also carry the generation id in their Parquet metadata, and a
reader checks that they agree. A directory with the three files at its top and no `current` (the
earlier layout) is read as it is and converted by its next write.

Chosen by the package (vss_dash/store/__init__.py) for any location that is not a
`postgresql://` URI; the rest of the app calls `store.load`, `store.write`, `store.update` and
`store.token`, which dispatch here.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl

from vss_dash import i18n
from vss_dash.paths import store_dir
from vss_dash.store import parquet_log, schema
from vss_dash.store.schema import FILES, KEEP_PREVIOUS, Problem, StoreInvalid, Tables

GENERATION_KEY = "vss_store_generation"
READ_ATTEMPTS = 50

# ---------------------------------------------------------------- layout on disk
#
#   current                     one line: the name of the current generation's directory
#   generations/<name>/         one directory per write, holding the three Parquet files
#   observations.parquet, ...   symbolic links into the current generation, for tools and for
#                               readers of the earlier layout; the store never reads them
#   .store.lock                 one write at a time
#
# A write fills a new directory, then replaces `current` with os.replace: the one step that
# switches every reader from the old store to the new. A directory without `current` is the
# earlier layout (the three files at the top); it is read as it is and converted by its next write.

CURRENT = "current"
GENERATIONS = "generations"
WRITE_LOCK = ".store.lock"
TMP_PREFIX = ".tmp-"  # a directory being written (or left by a crash)
_POINTER = re.compile(rf"(?:{re.escape(TMP_PREFIX)})?{schema.GENERATION_NAME.pattern}")


def _current_name(d: Path) -> str | None:
    """The generation `current` names; None if there is no pointer (the earlier layout)."""
    try:
        raw = (d / CURRENT).read_bytes()[:256]
    except FileNotFoundError:
        return None
    name = raw.decode("ascii", "replace").strip()
    if not _POINTER.fullmatch(name):
        raise StoreInvalid(
            [Problem(CURRENT, name[:40] or "-", "pointer", *i18n.both("store.pointer"))]
        )
    return name


def files(directory: Path | None = None) -> dict[str, Path]:
    """The current generation's files by table (the top-level files in the earlier layout).
    Resolved once: a write after this call does not change what the paths name."""
    d = Path(directory) if directory is not None else store_dir()
    name = _current_name(d)
    base = d if name is None else d / GENERATIONS / name
    return {table: base / fname for table, fname in FILES.items()}


def generation(path: Path) -> str:
    """The generation id a store file was written with ("" if none)."""
    return pl.read_parquet_metadata(path).get(GENERATION_KEY, "")


def _read_consistent(d: Path) -> tuple[str, tuple[pl.DataFrame, ...]]:
    """Read the three files of one generation. The pointer is resolved once per attempt and each
    file opened once, its id and table read through that handle (neither a rename nor a removal
    reaches an open file). The three ids must agree (a hand-made mix, or a reader of the earlier
    layout while a write converts it, would not), else the read starts again; so does a read
    whose generation was removed between the pointer and the open."""
    order = ("observations", "plans", "sources")
    paths: dict[str, Path] = {}
    for _ in range(READ_ATTEMPTS):
        paths = files(d)
        try:
            with contextlib.ExitStack() as stack:
                handles = [stack.enter_context(open(paths[n], "rb")) for n in order]
                ids = []
                for f in handles:
                    ids.append(pl.read_parquet_metadata(f).get(GENERATION_KEY, ""))
                    f.seek(0)
                if len(set(ids)) == 1:
                    return ids[0], tuple(pl.read_parquet(f) for f in handles)
        except FileNotFoundError:
            if not (d / CURRENT).exists():
                missing = next((n for n in order if not paths[n].exists()), "observations")
                raise FileNotFoundError(
                    f"{missing}: {paths[missing]} không tồn tại / does not exist"
                ) from None
        time.sleep(0.02)
    if not all(p.exists() for p in paths.values()):
        raise FileNotFoundError(f"{paths['observations'].parent}: không đủ tệp / files missing")
    ids = ", ".join(f"{n}={generation(paths[n]) or '-'}" for n in order)
    raise StoreInvalid([Problem("*", ids, "one_generation", *i18n.both("store.one_generation"))])


def _fsync_path(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _write_lock(d: Path) -> Iterator[None]:
    """One write at a time per store: a write, an import's read-modify-write and its log line.
    The lock file is never followed if it is a symbolic link (parquet_log.UnsafeFile)."""
    d.mkdir(parents=True, exist_ok=True)
    fd = parquet_log.open_plain(d / WRITE_LOCK, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def write_lock(directory: Path) -> contextlib.AbstractContextManager[None]:
    """The store's write lock, for a file changed beside the tables (parquet_tokens.py)."""
    return _write_lock(Path(directory))


def _complete(g: Path) -> bool:
    return all((g / f).is_file() for f in FILES.values())


def _same_files(a: Path, b: Path) -> bool:
    return all((a / f).read_bytes() == (b / f).read_bytes() for f in FILES.values())


def _clean(d: Path) -> None:
    """What a crashed write left: temporary files at the top and temporary directories that
    `current` does not name. Called under the write lock, so no write is using them."""
    current = _current_name(d)
    for p in d.iterdir():
        if p.name.startswith(".") and p.name.endswith(".tmp") and not p.is_dir():
            p.unlink(missing_ok=True)
    gens = d / GENERATIONS
    if gens.is_dir():
        for g in gens.iterdir():
            if g.name.startswith(TMP_PREFIX) and g.name != current:
                _remove(g)


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p)
    else:
        p.unlink(missing_ok=True)


def _prune(d: Path, keep: int) -> None:
    """Keep the current generation and the `keep` newest complete ones before it; remove the
    rest (older generations, and incomplete or temporary ones a crash left)."""
    current = _current_name(d)
    gens = d / GENERATIONS
    kept: list[tuple[int, Path]] = []
    for g in gens.iterdir():
        if g.name == current:
            continue
        if g.name.startswith(TMP_PREFIX) or not g.is_dir() or not _complete(g):
            _remove(g)
        else:
            kept.append((g.stat().st_mtime_ns, g))
    for _, g in sorted(kept, key=lambda x: x[0], reverse=True)[keep:]:
        _remove(g)


def _point(d: Path, name: str) -> None:
    """Make `name` the current generation: one os.replace of a small, synced file."""
    tmp = d / f".{CURRENT}.{uuid.uuid4().hex}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        os.write(fd, f"{name}\n".encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, d / CURRENT)
    _fsync_path(d, directory=True)


def _link_top_level(d: Path, name: str) -> None:
    """The top-level names as links into the current generation (for tools and readers of the
    earlier layout), each replaced atomically. Not part of the switch: nothing of the store's
    own reads them."""
    for fname in FILES.values():
        link, target = d / fname, f"{GENERATIONS}/{name}/{fname}"
        if link.is_symlink() and os.readlink(link) == target:
            continue
        tmp = d / f".{fname}.{uuid.uuid4().hex}.tmp"
        os.symlink(target, tmp)
        try:
            os.replace(tmp, link)
        except OSError:  # a directory in the way: leave it, the store does not need the link
            tmp.unlink(missing_ok=True)


def _install(d: Path, staging: Path, name: str) -> None:
    """Put the written directory `staging` under `name` and switch `current` to it."""
    gens = d / GENERATIONS
    target = gens / name
    if target.exists():
        if name == _current_name(d):
            if _same_files(staging, target):  # the same write again (the demo regenerated)
                shutil.rmtree(staging)
                return
            # the current generation rewritten under its own name: readers move to the staging
            # directory while the old one gives way, then back to the name
            _point(d, staging.name)
            shutil.rmtree(target)
            second = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=gens))
            for fname in FILES.values():
                os.link(staging / fname, second / fname)
            os.chmod(second, 0o755)
            os.rename(second, target)
            _fsync_path(gens, directory=True)
            _point(d, name)
            shutil.rmtree(staging)
            return
        _remove(target)  # left by an earlier write and not current
    os.rename(staging, target)
    _fsync_path(gens, directory=True)
    _point(d, name)


def load(directory: Path, validate: bool = True) -> schema.Store:
    """Open the store in `directory`. Raises FileNotFoundError if a table is missing,
    StoreInvalid if invalid (unless `validate` is false)."""
    d = Path(directory)
    generation_, (obs_df, plans, sources) = _read_consistent(d)
    return schema.assemble(obs_df, plans, sources, d, generation_, validate=validate)


def token(directory: Path) -> tuple:
    """The three files' times: they change with every write."""
    d = Path(directory)
    return tuple((f, (d / f).stat().st_mtime_ns) for f in FILES.values() if (d / f).exists())


def write(
    directory: Path,
    observations: pl.DataFrame,
    plans: pl.DataFrame,
    sources: pl.DataFrame,
    generation_id: str | None = None,
    keep_previous: int = KEEP_PREVIOUS,
) -> None:
    """Validate all three tables, then write them as one new generation; nothing is written if
    any fails. The three files go to a new directory, synced, and `current` is switched to it
    in one os.replace: a reader, or a crash at any point, sees the old store or the new one.
    What an earlier crash left is cleaned first; the `keep_previous` generations before the new
    one are kept, older ones removed. The files carry `generation_id` (default: a new random id),
    which also names the directory."""
    observations, plans, sources = schema.prepare(observations, plans, sources)
    name = schema.generation_name(generation_id)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with _write_lock(directory):
        _write_locked(directory, (observations, plans, sources), name, keep_previous)


def update(
    directory: Path,
    change: Callable[[pl.DataFrame, pl.DataFrame, pl.DataFrame], Tables],
    generation_id: str | None = None,
    keep_previous: int = KEEP_PREVIOUS,
    log_entry: Callable[[], dict] | None = None,
) -> Tables:
    """store.update on Parquet: the current tables read, changed, validated and written as a new
    generation under the store's write lock (one writer per directory, on this host), so no
    other write comes between the read and the write; then `log_entry()` (if given) appended to
    the import log under the same lock. The log is opened before anything is written, so a log
    that is not a plain file (UnsafeFile) stores nothing. Returns the tables written."""
    name = schema.generation_name(generation_id)
    directory = Path(directory)
    with _write_lock(directory), contextlib.ExitStack() as stack:
        log_fd = parquet_log.open_log(directory) if log_entry else None
        if log_fd is not None:
            stack.callback(os.close, log_fd)
        try:
            s = load(directory, validate=False)
            before = (s.observations.collect(), s.plans, s.sources)
        except FileNotFoundError:
            before = schema.empty_tables()
        tables = schema.prepare(*change(*before))
        _write_locked(directory, tables, name, keep_previous)
        if log_fd is not None:
            parquet_log.append(log_fd, log_entry())
    return tables


def append_log(directory: Path, entry: dict) -> None:
    """Add one entry to the import log (a refused file: the tables are not touched), under the
    write lock, so it falls between imports' entries, never inside one."""
    directory = Path(directory)
    with _write_lock(directory):
        fd = parquet_log.open_log(directory)
        try:
            parquet_log.append(fd, entry)
        finally:
            os.close(fd)


def _write_locked(directory: Path, tables_: Tables, name: str, keep_previous: int) -> None:
    """Write prepared tables as generation `name` (the caller holds the write lock)."""
    tables = dict(zip(FILES, tables_, strict=True))
    _clean(directory)
    gens = directory / GENERATIONS
    gens.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=gens))
    try:
        for table, df in tables.items():
            path = staging / FILES[table]
            df.write_parquet(path, statistics=True, metadata={GENERATION_KEY: name})
            os.chmod(path, 0o644)  # replicas may run as other users
            _fsync_path(path)
        os.chmod(staging, 0o755)  # mkdtemp makes 0700
        _fsync_path(staging, directory=True)
    except Exception:
        shutil.rmtree(staging, ignore_errors=True)  # a kill leaves it to the next write
        raise
    _install(directory, staging, name)
    _link_top_level(directory, name)
    _prune(directory, keep_previous)
