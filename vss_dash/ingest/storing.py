"""Storing a clean report, and what the store keeps of imports. `commit()` stores the report's
values as a new vintage (earlier vintages are kept) through `store.update`, the store's one
read-modify-write, which validates the whole store and writes a new generation only once every
table is valid. Every import, stored or refused, is an entry of the ingest log: beside a Parquet
store the file ingest_log.jsonl, appended to by this module under the import lock (.ingest.lock,
held around the store's update and the log's line); in a `postgresql://` store the table
vss.ingest_log, through store.update's `log_entry`, store.append_log and store.read_log.
`log()` reads it back; `vintages()` and `compare_vintages()` show a month's vintages.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from vss_dash import store
from vss_dash.ingest.findings import Report, printable

LOG_FILE = "ingest_log.jsonl"
LOCK_FILE = ".ingest.lock"
STATUS = "reported"


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class Stored:
    vintage: datetime
    source_id: str
    rows: int
    revised: int  # values that had a value before under the same key (revisions)


class UnsafeFile(store.StoreInvalid, OSError):
    """The import log or its lock is not a plain file (a symbolic link, a directory, a pipe):
    it is neither followed nor written, and nothing is stored."""

    def __init__(self, path: Path, what: str):
        super().__init__(
            [
                store.Problem(
                    path.name,
                    str(path),
                    "unsafe_file",
                    f"{path.name} không phải tệp thường ({what}): không ghi gì",
                    f"{path.name} is not a plain file ({what}): nothing written",
                )
            ]
        )


def _open_plain(path: Path, flags: int) -> int:
    """Open `path` (created if missing) without following a symbolic link, and only if it is a
    regular file; else UnsafeFile. O_NONBLOCK: a pipe put in its place cannot hang the open."""
    flags |= os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as e:
        if path.is_symlink():
            raise UnsafeFile(path, "symbolic link / liên kết tượng trưng") from None
        if path.exists() and not path.is_file():
            raise UnsafeFile(path, "not a regular file / không phải tệp thường") from None
        raise e
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnsafeFile(path, "not a regular file / không phải tệp thường")
    return fd


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One import at a time per store. Readers never wait: the store switches atomically. A lock
    file that is a symbolic link is refused, not followed."""
    directory.mkdir(parents=True, exist_ok=True)
    fd = _open_plain(directory / LOCK_FILE, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def commit(
    report: Report, directory: Path | str, *, by: str = "", now: datetime | None = None
) -> Stored:
    """Store a clean report's values as a new vintage and log it. Raises ValueError for a
    report with errors, and store.StoreInvalid if the store would break a rule; either way
    nothing is written to the store. `directory` is the store's location: a Parquet directory
    (the import lock and ingest_log.jsonl beside the store) or a `postgresql://` URI (the
    database serialises imports; the entry goes to vss.ingest_log in the same transaction as
    the values, a refusal in one of its own)."""
    if not report.ok:
        raise ValueError("a report with errors is never stored")
    vintage = (now or datetime.now(UTC)).astimezone(UTC)
    source_id = f"ingest_{vintage:%Y%m%dT%H%M%S%f}_{report.sha256[:8]}"
    new = report.rows.select(
        "period",
        "layout",
        "geo_code",
        "measure",
        "value",
        status=pl.lit(STATUS),
        source_id=pl.lit(source_id),
        vintage=pl.lit(vintage, dtype=store.OBS_SCHEMA["vintage"]),
    )
    source = {
        "source_id": source_id,
        "title": f"Báo cáo tỉnh tải lên / Uploaded provincial report: {report.file_name}",
        "publisher": "BHXH tỉnh / Provincial social security office",
        "date": vintage.date(),
        "reference": f"{report.file_name} sha256:{report.sha256}",
        "note": f"{new.height} values for " + ", ".join(f"{p:%Y-%m}" for p in report.periods()),
    }
    done: list[Stored] = []

    def change(obs: pl.DataFrame, plans: pl.DataFrame, sources: pl.DataFrame) -> store.Tables:
        keys = ["period", "layout", "geo_code", "measure"]
        revised = new.join(obs.select(keys).unique(), on=keys, how="semi").height
        done.append(Stored(vintage, source_id, new.height, revised))
        observations = pl.concat(
            [store.conform(obs, store.OBS_SCHEMA), new], how="vertical_relaxed"
        )
        sources = pl.concat(
            [
                store.conform(sources, store.SOURCE_SCHEMA),
                pl.DataFrame([source], schema=store.SOURCE_SCHEMA),
            ]
        )
        return observations, plans, sources

    if store.is_database(directory):
        uri = str(directory)
        try:
            store.update(
                uri, change, log_entry=lambda: _entry_for(report, "stored", by, vintage, done[-1])
            )
        except store.StoreInvalid:
            store.append_log(uri, _entry_for(report, "refused", by, vintage))
            raise
        return done[-1]
    directory = Path(directory)
    with _locked(directory), _log_file(directory) as log_fd:  # both checked before any write
        try:
            store.update(directory, change)
        except store.StoreInvalid:
            _log(log_fd, report, "refused", by, vintage)
            raise
        stored = done[-1]
        _log(log_fd, report, "stored", by, vintage, stored)
        return stored


def log_refusal(report: Report, directory: Path | str, *, by: str = "") -> bool:
    """Record a refused file in the log; the store itself is not touched. A log or lock that is
    not a plain file is not written: a warning says so and the result is False. On a
    `postgresql://` store the entry goes to vss.ingest_log (a database that cannot be reached
    raises store.postgres.StoreUnavailable, an OSError)."""
    if store.is_database(directory):
        store.append_log(str(directory), _entry_for(report, "refused", by, datetime.now(UTC)))
        return True
    directory = Path(directory)
    try:
        with _locked(directory), _log_file(directory) as log_fd:
            _log(log_fd, report, "refused", by, datetime.now(UTC))
    except UnsafeFile as e:
        warnings.warn(printable(str(e)), RuntimeWarning, stacklevel=2)
        return False
    return True


@contextlib.contextmanager
def _log_file(directory: Path) -> Iterator[int]:
    """The import log, open for appending (held under the import lock)."""
    fd = _open_plain(directory / LOG_FILE, os.O_RDWR | os.O_APPEND)
    try:
        yield fd
    finally:
        os.close(fd)


def _entry_for(
    report: Report, outcome: str, by: str, when: datetime, stored: Stored | None = None
) -> dict:
    """The log's entry for an import (one JSON line beside a Parquet store, one row of
    vss.ingest_log on PostgreSQL)."""
    return {
        "time": when.isoformat(),
        "outcome": outcome,
        "by": by,
        **report.summary(),
        "vintage": stored.vintage.isoformat() if stored else None,
        "source_id": stored.source_id if stored else None,
        "stored": stored.rows if stored else 0,
        "revised": stored.revised if stored else 0,
        "first_errors": [str(f) for f in report.errors[:5]],
        "rules": {g.rule: g.count for g in report.groups()},
    }


def _log(
    fd: int, report: Report, outcome: str, by: str, when: datetime, stored: Stored | None = None
) -> None:
    """Append one JSON line. The log is only ever appended to, with one write a line; a last
    line left without its end by a crash is ended first, so it cannot swallow this one."""
    entry = _entry_for(report, outcome, by, when, stored)
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    size = os.fstat(fd).st_size
    if size and os.pread(fd, 1, size - 1) != b"\n":
        line = b"\n" + line
    os.write(fd, line)
    os.fsync(fd)


# what the Data page shows of an entry: key -> type
LOG_FIELDS: dict[str, type | tuple[type, ...]] = {
    "time": str,
    "outcome": str,
    "by": str,
    "file": str,
    "sha256": str,
    "stored": int,
}
LOG_READ_MAX = 8 * 1024 * 1024  # the newest 8 MB of the log are read (tens of thousands of lines)


class LogEntries(list):
    """The log's entries, oldest first, and what was left out: `skipped` lines that are not a
    whole entry (a line torn by a crash, text that is not JSON, an entry without its fields),
    `truncated` if only the newest LOG_READ_MAX bytes were read, `unsafe` the reason if the log
    is not a plain file (then it is not read at all)."""

    skipped: int = 0
    truncated: bool = False
    unsafe: str = ""


def _entry(line: bytes) -> dict | None:
    try:
        e = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return e if isinstance(e, dict) and _valid(e) else None


def _valid(e: dict) -> bool:
    """An entry with the fields the Data page shows, of their types."""
    ok = all(
        isinstance(e.get(k), t) and not isinstance(e.get(k), bool) for k, t in LOG_FIELDS.items()
    )
    return ok and e["outcome"] in ("stored", "refused")


def log(directory: Path | str) -> LogEntries:
    """The ingest log's entries, oldest first. Never raises for what is in the file: lines that
    are not whole entries are skipped and counted; a log that is a symbolic link or not a
    regular file is not followed or read. On a `postgresql://` store: the rows of
    vss.ingest_log (the newest store.postgres_log.LOG_READ_MAX), checked as the file's lines
    are."""
    out = LogEntries()
    if store.is_database(directory):
        entries, out.truncated = store.read_log(str(directory))
        for e in entries:
            if _valid(e):
                out.append(e)
            else:
                out.skipped += 1
        return out
    path = Path(directory) / LOG_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        return out
    except OSError:
        out.unsafe = "symbolic link" if path.is_symlink() else "cannot be opened"
        return out
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            out.unsafe = "not a regular file"
            return out
        start = max(0, st.st_size - LOG_READ_MAX)
        data = os.pread(fd, st.st_size - start, start)
    finally:
        os.close(fd)
    if start:
        out.truncated = True
        data = data[data.find(b"\n") + 1 :] if b"\n" in data else b""
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        entry = _entry(line)
        if entry is None:
            out.skipped += 1
        else:
            out.append(entry)
    return out


# ---------------------------------------------------------------- vintages


def vintages(observations: pl.DataFrame, period: date) -> pl.DataFrame:
    """The vintages stored for a month, newest first: vintage, values, source ids, statuses."""
    return (
        observations.filter(pl.col("period") == period)
        .group_by("vintage")
        .agg(
            values=pl.len(),
            source_ids=pl.col("source_id").unique().sort().str.join(", "),
            statuses=pl.col("status").unique().sort().str.join(", "),
        )
        .sort("vintage", descending=True)
    )


def compare_vintages(
    observations: pl.DataFrame, period: date, old: datetime, new: datetime
) -> pl.DataFrame:
    """A month's values in two vintages side by side: layout, geo_code, measure, old, new,
    change (null where one vintage lacks the key)."""
    keys = ["layout", "geo_code", "measure"]
    month = observations.filter(pl.col("period") == period)
    a = month.filter(pl.col("vintage") == old).select(*keys, old=pl.col("value"))
    b = month.filter(pl.col("vintage") == new).select(*keys, new=pl.col("value"))
    return (
        a.join(b, on=keys, how="full", coalesce=True)
        .with_columns(change=pl.col("new") - pl.col("old"))
        .sort(keys)
    )
