"""The import log of a Parquet store: ingest_log.jsonl beside its tables, one JSON line an entry,
appended under the store's write lock (parquet.py) and read back newest-last.

The log and the lock are files in a directory others may write to, so neither is followed if it
is a symbolic link, nor opened if it is not a regular file (a pipe cannot hang the open):
UnsafeFile, raised before anything is written. A line torn by a crash is ended before the next
one is appended, so it cannot swallow it.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from vss_dash.store import schema

LOG_FILE = "ingest_log.jsonl"
LOG_READ_MAX = 8 * 1024 * 1024  # the newest 8 MB are read (tens of thousands of lines)


class UnsafeFile(schema.StoreInvalid, OSError):
    """The import log or the write lock is not a plain file (a symbolic link, a directory, a
    pipe): it is neither followed nor written, and nothing is stored."""

    def __init__(self, path: Path, what: str):
        super().__init__(
            [
                schema.Problem(
                    path.name,
                    str(path),
                    "unsafe_file",
                    f"{path.name} không phải tệp thường ({what}): không ghi gì",
                    f"{path.name} is not a plain file ({what}): nothing written",
                )
            ]
        )


def open_plain(path: Path, flags: int) -> int:
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


def open_log(directory: Path) -> int:
    """The log, open for appending (the caller holds the write lock and closes it)."""
    return open_plain(directory / LOG_FILE, os.O_RDWR | os.O_APPEND)


def append(fd: int, entry: dict) -> None:
    """Append one entry as one JSON line, in one write, synced."""
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    size = os.fstat(fd).st_size
    if size and os.pread(fd, 1, size - 1) != b"\n":
        line = b"\n" + line
    os.write(fd, line)
    os.fsync(fd)


class LogRead(list):
    """The log's entries, oldest first (None for a line that is not a JSON object: torn by a
    crash, or not JSON); `truncated` if only the newest LOG_READ_MAX bytes were read; `unsafe`
    the reason if the log is not a plain file (then it is not read at all)."""

    truncated: bool = False
    unsafe: str = ""


def read(directory: Path) -> LogRead:
    """The log beside the store at `directory`, without a lock (lines are appended whole)."""
    out = LogRead()
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
        if line.strip():
            out.append(_entry(line))
    return out


def _entry(line: bytes) -> dict | None:
    try:
        e = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return e if isinstance(e, dict) else None
