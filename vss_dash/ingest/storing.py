"""Storing a clean report, and what the store keeps of imports. `commit()` stores the report's
values as a new vintage (earlier vintages are kept) through `store.update`, the store's one
read-modify-write, which validates the whole store and writes a new generation only once every
table is valid. Every import, stored or refused, is an entry of the store's import log, which
only the store writes, under its one write lock: with the values (store.update's `log_entry`),
or alone for a refusal (store.append_log); beside a Parquet store the file ingest_log.jsonl, in a
`postgresql://` store the table vss.ingest_log. `log()` reads it back (store.read_log) and keeps
the entries the Data page can show; `vintages()` and `compare_vintages()` show a month's
vintages.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from vss_dash import store
from vss_dash.ingest.findings import Report, printable

STATUS = "reported"


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class Stored:
    vintage: datetime
    source_id: str
    rows: int
    revised: int  # values that had a value before under the same key (revisions)


def commit(
    report: Report, directory: Path | str, *, by: str = "", now: datetime | None = None
) -> Stored:
    """Store a clean report's values as a new vintage and log it. Raises ValueError for a
    report with errors, and store.StoreInvalid if the store would break a rule; either way
    nothing is written to the store. `directory` is the store's location, a Parquet directory
    or a `postgresql://` URI: the values and the log's entry are written in one store.update
    (under its write lock), a refusal's entry alone (store.append_log). A log or lock that is
    not a plain file (store.UnsafeFile) stores and logs nothing."""
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

    try:
        store.update(
            directory, change, log_entry=lambda: _entry_for(report, "stored", by, vintage, done[-1])
        )
    except store.UnsafeFile:
        raise  # the log or the lock cannot be written: nothing stored, nothing logged
    except store.StoreInvalid:
        store.append_log(directory, _entry_for(report, "refused", by, vintage))
        raise
    return done[-1]


def log_refusal(report: Report, directory: Path | str, *, by: str = "") -> bool:
    """Record a refused file in the log; the store itself is not touched. A log or lock that is
    not a plain file is not written: a warning says so and the result is False. On a
    `postgresql://` store the entry goes to vss.ingest_log (a database that cannot be reached
    raises store.postgres.StoreUnavailable, an OSError)."""
    try:
        store.append_log(directory, _entry_for(report, "refused", by, datetime.now(UTC)))
    except store.UnsafeFile as e:
        warnings.warn(printable(str(e)), RuntimeWarning, stacklevel=2)
        return False
    return True


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


# what the Data page shows of an entry: key -> type
LOG_FIELDS: dict[str, type | tuple[type, ...]] = {
    "time": str,
    "outcome": str,
    "by": str,
    "file": str,
    "sha256": str,
    "stored": int,
}


class LogEntries(list):
    """The log's entries, oldest first, and what was left out: `skipped` lines that are not a
    whole entry (a line torn by a crash, text that is not JSON, an entry without its fields),
    `truncated` if only the newest LOG_READ_MAX bytes were read, `unsafe` the reason if the log
    is not a plain file (then it is not read at all)."""

    skipped: int = 0
    truncated: bool = False
    unsafe: str = ""


def _valid(e: dict) -> bool:
    """An entry with the fields the Data page shows, of their types."""
    ok = all(
        isinstance(e.get(k), t) and not isinstance(e.get(k), bool) for k, t in LOG_FIELDS.items()
    )
    return ok and e["outcome"] in ("stored", "refused")


def log(directory: Path | str) -> LogEntries:
    """The import log's entries, oldest first (store.read_log). Never raises for what is in
    the log: entries that are not whole (a line torn by a crash, text that is not JSON, an
    entry without its fields) are skipped and counted; a Parquet log that is a symbolic link or
    not a regular file is not followed or read."""
    out = LogEntries()
    entries, out.truncated, out.unsafe = store.read_log(directory)
    for e in entries:
        if e is not None and _valid(e):
            out.append(e)
        else:
            out.skipped += 1
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
