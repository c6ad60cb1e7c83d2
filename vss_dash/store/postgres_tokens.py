"""The personal API tokens of the PostgreSQL store (vss_dash/api_tokens.py): the table
`vss.api_tokens`, one row a token (its SHA-256, never its secret), and its statements.

The table is made with the schema (postgres.schema_sql) and, for a schema that predates it, by
`postgres.create_schema` (which `postgres.grant` runs as the schema's owner). `grant` lets the
viewer role, the pages' own, insert tokens and update their `revoked` and `last_used` only:
the one table it may write, and no column that says what a token may do. A token is read by
its hash (the primary key's index: a hash of 256 random bits tells a timing nothing); every
value is a bound parameter. Reads may go to a standby; writes go to the primary.

This module does not import postgres.py (which imports it for the table's statement): each
function is handed `connect`, postgres's connection opener bound to the store's URI (called with
write=True for the primary), and the schema's name (store/__init__.py does it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager

# postgres's connection opener bound to a URI: `connect()` to read, `connect(write=True)` to write
Connect = Callable[..., AbstractContextManager]

TABLE = "api_tokens"
COLUMNS: dict[str, str] = {
    "hash": "text PRIMARY KEY",  # SHA-256 of the secret, hex
    "id": "text NOT NULL UNIQUE",
    "owner": "text NOT NULL",
    "label": "text NOT NULL",
    "role": "text NOT NULL",  # api_tokens.ROLES: checked when it is made, and when read
    "created": "timestamptz NOT NULL",
    "expires": "timestamptz NOT NULL",
    "revoked": "timestamptz",
    "last_used": "timestamptz",
}
# the columns the viewer role may update (postgres.grant: INSERT, and UPDATE of these only)
VIEWER_UPDATES = ("revoked", "last_used")


def table_sql(schema: str) -> str:
    """The statement that makes the table in `schema`."""
    cols = ", ".join(f'"{c}" {t}' for c, t in COLUMNS.items())
    return f"CREATE TABLE IF NOT EXISTS {schema}.{TABLE} ({cols})"


def create(cur, schema: str) -> None:
    """Make the table if it is missing (inside the caller's transaction, as the schema's owner)."""
    if not _exists(cur, schema):
        cur.execute(table_sql(schema))


def _exists(cur, schema: str) -> bool:
    cur.execute("SELECT to_regclass($1) IS NOT NULL", (f"{schema}.{TABLE}",))
    return bool(cur.fetchone()[0])


def _select(schema: str) -> str:
    cols = ", ".join(f'"{c}"' for c in COLUMNS)
    return f"SELECT {cols} FROM {schema}.{TABLE}"


def _records(rows) -> list[dict]:
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows]


def read(connect: Connect, schema: str, owner: str | None = None) -> list[dict]:
    """Every token's record, or `owner`'s ([] when the table does not exist yet)."""
    with connect() as conn:
        cur = conn.cursor()
        if not _exists(cur, schema):
            conn.rollback()
            return []
        if owner is None:
            cur.execute(_select(schema))
        else:
            cur.execute(f'{_select(schema)} WHERE "owner" = $1', (owner,))
        rows = cur.fetchall()
        conn.rollback()
    return _records(rows)


def find(connect: Connect, schema: str, digest: str) -> dict | None:
    """The record whose hash is `digest` (None when there is none, or no table)."""
    with connect() as conn:
        cur = conn.cursor()
        if not _exists(cur, schema):
            conn.rollback()
            return None
        cur.execute(f'{_select(schema)} WHERE "hash" = $1', (digest,))
        rows = cur.fetchall()
        conn.rollback()
    return _records(rows)[0] if rows else None


def add(connect: Connect, schema: str, record: dict) -> None:
    """Store a new token's record (one parameter, its JSON: times as ISO 8601 text)."""
    names = ", ".join(f'"{c}"' for c in COLUMNS)
    with connect(write=True) as conn:
        cur = conn.cursor()
        cur.execute(
            f"INSERT INTO {schema}.{TABLE} ({names}) SELECT {names} "
            f"FROM jsonb_populate_record(NULL::{schema}.{TABLE}, $1::jsonb)",
            (json.dumps({c: record.get(c) for c in COLUMNS}, ensure_ascii=False),),
        )
        conn.commit()


def update(
    connect: Connect, schema: str, token_id: str, fields: dict, owner: str | None = None
) -> bool:
    """Set `fields` (of VIEWER_UPDATES: times as ISO text) of the token `token_id` (of `owner`,
    when given) that is not revoked; False if there is none."""
    if not fields or not set(fields) <= set(VIEWER_UPDATES):
        raise ValueError(f"only {', '.join(VIEWER_UPDATES)} change")
    names = list(fields)
    sets = ", ".join(f'"{c}" = ${i}::timestamptz' for i, c in enumerate(names, start=1))
    n = len(names)
    where = f'"id" = ${n + 1} AND "revoked" IS NULL'
    params = [fields[c] for c in names] + [token_id]
    if owner is not None:
        where += f' AND "owner" = ${n + 2}'
        params.append(owner)
    with connect(write=True) as conn:
        cur = conn.cursor()
        cur.execute(
            f'UPDATE {schema}.{TABLE} SET {sets} WHERE {where} RETURNING "id"',
            tuple(params),
        )
        done = bool(cur.fetchall())
        conn.commit()
    return done
