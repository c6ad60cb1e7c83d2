"""The personal API tokens of a Parquet store (vss_dash/api_tokens.py): api_tokens.json beside
its tables, one JSON object a token (its SHA-256, never its secret; who made it, label, role,
times as ISO 8601 text).

Read without a lock (the file is only ever replaced whole); changed under the store's write lock
(parquet.py's `.store.lock`) by one read-modify-write: a new file written beside it, synced,
then one os.replace. Like the import log (parquet_log.py), the file is never followed if it is
a symbolic link, nor read if it is not a regular file: UnsafeFile, and nothing is written.
"""

from __future__ import annotations

import hmac
import json
import os
import stat
import uuid
from collections.abc import Callable
from pathlib import Path

from vss_dash.store import parquet
from vss_dash.store.parquet_log import UnsafeFile

TOKENS_FILE = "api_tokens.json"
TOKENS_READ_MAX = 16 * 1024 * 1024  # a file larger than this is not a tokens file


def read(directory: Path) -> list[dict]:
    """Every token's record ([] when there is no file yet)."""
    path = Path(directory) / TOKENS_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        return []
    except OSError:
        if path.is_symlink():
            raise UnsafeFile(path, "symbolic link / liên kết tượng trưng") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile(path, "not a regular file / không phải tệp thường")
        data = os.pread(fd, TOKENS_READ_MAX, 0)
    finally:
        os.close(fd)
    body = json.loads(data.decode("utf-8")) if data.strip() else {"tokens": []}
    tokens = body.get("tokens") if isinstance(body, dict) else None
    if not isinstance(tokens, list) or not all(isinstance(t, dict) for t in tokens):
        raise ValueError(f"{path}: not a tokens file / không phải tệp mã truy cập")
    return tokens


def find(directory: Path, digest: str) -> dict | None:
    """The record whose hash is `digest`: every record compared in constant time."""
    found = None
    for record in read(directory):
        if hmac.compare_digest(str(record.get("hash", "")), digest):
            found = record
    return found


def _replace(directory: Path, tokens: list[dict]) -> None:
    """Write the records as the new file: a temporary file (named as parquet.py's cleaning of a
    crashed write expects), synced, then one os.replace (the caller holds the write lock)."""
    d = Path(directory)
    tmp = d / f".{TOKENS_FILE}.{uuid.uuid4().hex}.tmp"
    body = json.dumps({"tokens": tokens}, ensure_ascii=False, indent=1).encode("utf-8")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        os.write(fd, body)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    os.replace(tmp, d / TOKENS_FILE)
    dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def change(directory: Path, edit: Callable[[list[dict]], bool]) -> bool:
    """Under the store's write lock: the records read, `edit` changes the list in place and
    says whether it did; if so, the file is replaced. Returns what `edit` said."""
    d = Path(directory)
    with parquet.write_lock(d):
        tokens = read(d)  # UnsafeFile before anything is written
        changed = edit(tokens)
        if changed:
            _replace(d, tokens)
    return changed


def add(directory: Path, record: dict) -> None:
    """Store a new token's record."""
    change(directory, lambda tokens: tokens.append(dict(record)) or True)


def update(directory: Path, token_id: str, fields: dict, owner: str | None = None) -> bool:
    """Set `fields` of the token `token_id` (of `owner`, when given) that is not revoked;
    False if there is none."""

    def edit(tokens: list[dict]) -> bool:
        for record in tokens:
            if record.get("id") != token_id or record.get("revoked") is not None:
                continue
            if owner is not None and record.get("owner") != owner:
                continue
            record.update(fields)
            return True
        return False

    return change(directory, edit)
