"""The import log of the PostgreSQL store (postgres.py): the columns of `vss.ingest_log`, and an
entry as the row it is stored as and back. No SQL runs here: postgres.py runs the statements.

vss.ingest_log holds what ingest_log.jsonl holds beside a Parquet store: one row an import,
stored or refused, with the JSONL entry's fields as columns (the lists and the rules' counts
as jsonb). A stored import's row is written in the transaction that stores its values, a
refusal's in one of its own. Not tied to generations: pruning keeps every entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from vss_dash import i18n

LOG_COLUMNS: dict[str, str] = {
    "time": "text NOT NULL",  # ISO 8601, as in the JSONL entry
    "outcome": "text NOT NULL CHECK (outcome IN ('stored', 'refused'))",
    "by": "text NOT NULL",
    "file": "text NOT NULL",
    "sha256": "text NOT NULL",
    "bytes": "bigint",
    "shape": "text",
    "encoding": "text",
    "sheet": "text",
    "periods": "jsonb",
    "layouts": "jsonb",
    "provinces": "integer",
    "measures": "jsonb",
    "values": "integer",
    "errors": "integer",
    "warnings": "integer",
    "vintage": "text",
    "source_id": "text",
    "stored": "integer NOT NULL",
    "revised": "integer NOT NULL",
    "first_errors": "jsonb",
    "rules": "jsonb",
}
LOG_READ_MAX = 50_000  # the newest entries read back (ingest.log's LOG_READ_MAX, in rows)
# who imported (an e-mail address): not granted to the viewer role, whose reads show HIDDEN
LOG_PRIVATE = ("by",)


def as_json(entry: dict) -> str:
    """One entry as the JSON parameter its row is made from (jsonb_populate_record: fields not
    in LOG_COLUMNS are not stored)."""
    return json.dumps(_no_nul(entry), ensure_ascii=False)


def _no_nul(v):
    """`v` without NUL characters in its strings (PostgreSQL's text and jsonb hold none)."""
    if isinstance(v, str):
        return v.replace("\x00", "")
    if isinstance(v, dict):
        return {_no_nul(k): _no_nul(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_no_nul(x) for x in v]
    return v


def entries(rows: Iterable[Sequence], private: bool) -> list[dict]:
    """Rows read back (seq, then LOG_COLUMNS, jsonb as text) as the JSONL entries they mirror:
    every field, None where the entry had none; the private fields "hidden" when `private`."""
    hidden = " / ".join(i18n.both("store.log_by_hidden"))
    out = []
    for row in rows:
        entry = {}
        for c, v in zip(LOG_COLUMNS, row[1:], strict=True):
            if v is not None and LOG_COLUMNS[c] == "jsonb":
                v = json.loads(v)
            entry[c] = hidden if private and c in LOG_PRIVATE else v
        out.append(entry)
    return out
