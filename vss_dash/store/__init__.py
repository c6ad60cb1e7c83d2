"""The store: the only code that reads or writes the data, on one of two backends.

    schema.py     the tables, their keys, statuses and rules, the Store a load returns: what both
                  backends share (every load and every write is validated by it)
    parquet.py    the Parquet store, a directory (the default, data/store/): one generation of
                  three files a write, switched by one rename; with parquet_log.py, its import
                  log, a file beside the tables written under the same lock
    postgres.py   the PostgreSQL store (`VSS_STORE=postgresql://…`): one generation of rows a
                  write, in one transaction; with postgres_log.py, the columns of its import log.
                  One URI may name a hot standby and its primary: reads go to the standby,
                  writes to the server that takes them (deploy/README.md)
    parquet_tokens.py, postgres_tokens.py
                  the personal API tokens' records (vss_dash/api_tokens.py: hashes, never
                  secrets): api_tokens.json beside a Parquet store's tables, under its lock;
                  the table vss.api_tokens, the one the pages' database role may write

This module is the interface the rest of the app uses, and the one place that chooses the
backend: a `postgresql://` URI is the PostgreSQL store, anything else a Parquet directory.
`load`, `write`, `update`, `token`, `append_log`, `read_log` and the `*api_token*` functions
take either and dispatch; the schema's names (STATUS, OBS_SCHEMA, StoreInvalid, conform, ...)
are re-exported here. Neither backend imports the other: what they share is schema.py (each log
and tokens module is its backend's own).
postgres.py, and its driver, is imported on a database's first use.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import polars as pl

from vss_dash import settings
from vss_dash.paths import store_dir
from vss_dash.store import parquet, parquet_log, parquet_tokens, schema
from vss_dash.store.parquet import (
    GENERATION_KEY,
    GENERATIONS,
    TMP_PREFIX,
    WRITE_LOCK,
    files,
    generation,
)
from vss_dash.store.parquet_log import LOG_FILE, UnsafeFile
from vss_dash.store.schema import (
    FILES,
    KEEP_PREVIOUS,
    LAYOUT_VALUES,
    OBS_KEY,
    OBS_SCHEMA,
    PLAN_KEY,
    PLAN_SCHEMA,
    SOURCE_SCHEMA,
    STATUS,
    STATUS_VALUES,
    Problem,
    Store,
    StoreInvalid,
    Tables,
    assemble,
    conform,
    current,
    empty_tables,
    generation_name,
    prepare,
    validate_observations,
    validate_plans,
    validate_references,
    validate_sources,
    weakest,
    with_status,
)

__all__ = [
    "DATABASE_SCHEMES",
    "FILES",
    "GENERATIONS",
    "GENERATION_KEY",
    "LOG_FILE",
    "KEEP_PREVIOUS",
    "LAYOUT_VALUES",
    "OBS_KEY",
    "OBS_SCHEMA",
    "PLAN_KEY",
    "PLAN_SCHEMA",
    "SOURCE_SCHEMA",
    "STATUS",
    "STATUS_VALUES",
    "TMP_PREFIX",
    "UnsafeFile",
    "WRITE_LOCK",
    "Problem",
    "Store",
    "StoreInvalid",
    "Tables",
    "add_api_token",
    "api_token",
    "api_tokens",
    "append_log",
    "assemble",
    "conform",
    "current",
    "empty_tables",
    "files",
    "generation",
    "generation_name",
    "is_database",
    "load",
    "location",
    "parquet",
    "prepare",
    "read_log",
    "schema",
    "set_api_token",
    "shown",
    "token",
    "update",
    "validate_observations",
    "validate_plans",
    "validate_references",
    "validate_sources",
    "weakest",
    "with_status",
    "write",
]

# ---------------------------------------------------------------- where the store is

DATABASE_SCHEMES = ("postgresql://", "postgres://")


def location() -> Path | str:
    """The store the app and the CLI use: `VSS_STORE` (a directory or a `postgresql://` URI),
    else the Parquet directory `paths.store_dir()` (`VSS_DATA_DIR`, else data/store)."""
    return settings.env("VSS_STORE") or store_dir()


def is_database(where: Path | str) -> bool:
    """True for a PostgreSQL URI. A URI passed through Path() has lost a slash and cannot be
    read back: refused, so it is never taken for a directory named `postgresql:`."""
    if isinstance(where, str):
        return where.startswith(DATABASE_SCHEMES)
    if str(where).startswith(tuple(s.rstrip("/") for s in DATABASE_SCHEMES)):
        raise ValueError("a PostgreSQL store is named by its URI as text, not as a Path")
    return False


def shown(where: Path | str) -> str:
    """The store's location as it may be printed or logged: a URI without its password."""
    if is_database(where):
        from vss_dash.store import postgres

        return postgres.masked(str(where))
    return str(where)


# ---------------------------------------------------------------- reading and writing


def load(directory: Path | str | None = None, validate: bool = True) -> Store:
    """Open the store. Raises FileNotFoundError if a table is missing, StoreInvalid if invalid.
    `directory` is a Parquet directory or a `postgresql://` URI (default: `location()`)."""
    where = location() if directory is None else directory
    if is_database(where):
        from vss_dash.store import postgres

        return postgres.load(str(where), validate=validate)
    return parquet.load(Path(where), validate=validate)


def token(where: Path | str | None = None) -> tuple:
    """Changes whenever the store gets a new current generation (cache keys): the current
    generation and its write's sequence number on PostgreSQL, the files' times for Parquet."""
    where = location() if where is None else where
    if is_database(where):
        from vss_dash.store import postgres

        return postgres.token(str(where))
    return parquet.token(Path(where))


def write(
    directory: Path | str,
    observations: pl.DataFrame,
    plans: pl.DataFrame,
    sources: pl.DataFrame,
    generation_id: str | None = None,
    keep_previous: int = KEEP_PREVIOUS,
) -> None:
    """Validate all three tables (schema.prepare), then write them as one new current
    generation; nothing is written if any fails, and a reader, or a crash at any point, sees
    the old store or the new one. The `keep_previous` generations before the new one are kept,
    older ones removed. `generation_id` (default: a new random id) names the generation. A
    directory: parquet.write (a new directory of files, switched by one rename); a
    `postgresql://` URI: postgres.write (one transaction)."""
    if is_database(directory):
        from vss_dash.store import postgres

        postgres.write(
            str(directory),
            observations,
            plans,
            sources,
            generation_id=generation_id,
            keep_previous=keep_previous,
        )
        return
    parquet.write(
        Path(directory),
        observations,
        plans,
        sources,
        generation_id=generation_id,
        keep_previous=keep_previous,
    )


def update(
    where: Path | str,
    change: Callable[[pl.DataFrame, pl.DataFrame, pl.DataFrame], Tables],
    generation_id: str | None = None,
    keep_previous: int = KEEP_PREVIOUS,
    log_entry: Callable[[], dict] | None = None,
) -> Tables:
    """A read-modify-write as one step: the current tables (every vintage; empty tables for a
    store that holds nothing yet) are read, `change(observations, plans, sources)` returns the
    new three, which are validated and written as a new generation, with no other write
    between the read and the write. Returns the tables written. If `change` raises or its
    tables break a rule, nothing is written. `log_entry()` (if given) is added to the import
    log with the write. Parquet: under the store's write lock (one writer per directory, on
    this host), the log being ingest_log.jsonl beside the tables (parquet_log.py); PostgreSQL:
    one transaction under the write lock (postgres.update), so writers on any host wait for
    each other, the log being vss.ingest_log in that transaction."""
    if is_database(where):
        from vss_dash.store import postgres

        return postgres.update(
            str(where),
            change,
            generation_id=generation_id,
            keep_previous=keep_previous,
            log_entry=log_entry,
        )
    return parquet.update(
        Path(where),
        change,
        generation_id=generation_id,
        keep_previous=keep_previous,
        log_entry=log_entry,
    )


# ---------------------------------------------------------------- the import log


def append_log(where: Path | str, entry: dict) -> None:
    """Add one entry to the store's import log on its own (a refused file: the tables are not
    touched): under the write lock beside a Parquet store, in a transaction of its own on
    PostgreSQL (a database that cannot be reached raises postgres.StoreUnavailable, an
    OSError). A log or lock that is not a plain file raises parquet_log.UnsafeFile."""
    if not is_database(where):
        parquet.append_log(Path(where), entry)
        return
    from vss_dash.store import postgres

    postgres.append_log(str(where), entry)


def read_log(where: Path | str, limit: int | None = None) -> tuple[list[dict | None], bool, str]:
    """The store's import log, oldest first: its entries (None for a line of a Parquet store's
    log that is not a JSON object), whether older ones were left out (the newest 8 MB of the
    file; the newest `limit` rows, default postgres_log.LOG_READ_MAX), and why the log was not
    read ("" when it was: a Parquet log that is not a plain file is not followed)."""
    if not is_database(where):
        got = parquet_log.read(Path(where))
        return list(got), got.truncated, got.unsafe
    from vss_dash.store import postgres

    uri = str(where)
    entries, truncated = postgres.read_log(uri) if limit is None else postgres.read_log(uri, limit)
    return entries, truncated, ""


# ---------------------------------------------------------------- personal API tokens


def _tokens_on(where: Path | str) -> tuple:
    """What postgres_tokens' functions take first: the connection opener bound to the store's
    URI, and the schema."""
    from vss_dash.store import postgres

    return functools.partial(postgres._connection, str(where)), postgres.SCHEMA


def api_tokens(where: Path | str, owner: str | None = None) -> list[dict]:
    """The personal API tokens' records (api_tokens.Token's fields), every one or `owner`'s."""
    if not is_database(where):
        records = parquet_tokens.read(Path(where))
        return [r for r in records if owner is None or r.get("owner") == owner]
    from vss_dash.store import postgres_tokens

    return postgres_tokens.read(*_tokens_on(where), owner)


def api_token(where: Path | str, digest: str) -> dict | None:
    """The record of the token whose secret's SHA-256 is `digest`, or None."""
    if not is_database(where):
        return parquet_tokens.find(Path(where), digest)
    from vss_dash.store import postgres_tokens

    return postgres_tokens.find(*_tokens_on(where), digest)


def add_api_token(where: Path | str, record: dict) -> None:
    """Store a new token's record: under the write lock beside a Parquet store, in a
    transaction of its own on PostgreSQL."""
    if not is_database(where):
        parquet_tokens.add(Path(where), record)
        return
    from vss_dash.store import postgres_tokens

    postgres_tokens.add(*_tokens_on(where), record)


def set_api_token(where: Path | str, token_id: str, fields: dict, owner: str | None = None) -> bool:
    """Set `revoked` or `last_used` (ISO 8601 text) of the token `token_id` (of `owner`, when
    given) if it is not revoked; False when there is no such token."""
    if not is_database(where):
        return parquet_tokens.update(Path(where), token_id, fields, owner)
    from vss_dash.store import postgres_tokens

    return postgres_tokens.update(*_tokens_on(where), token_id, fields, owner)
