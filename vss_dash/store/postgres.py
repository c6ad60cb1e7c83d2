"""The store on PostgreSQL: the same tables, rules (schema.py) and generations as the Parquet
store (parquet.py), with transactions instead of renames. Pure data layer: no Streamlit.

Chosen by one setting, `VSS_STORE=postgresql://…` (store.location(); the package's store.load,
store.write, store.update and store.token dispatch here for such a URI). Polars reads and writes
through ADBC's PostgreSQL driver (libpq): a read is one binary COPY per table into Arrow, a write
one `adbc_ingest` (COPY) per table.

Schema `vss` (made by the first write, or `create_schema`):

    vss.status                  ENUM ('demo', 'reported', 'published'): schema.STATUS, in its order
    vss.generations             one row per write: id (the generation id), seq (write order),
                                written_at
    vss.current_generation      one row: the id of the current generation
    vss.observations            generation + schema.OBS_SCHEMA, key (generation, *schema.OBS_KEY)
    vss.plans                   generation + schema.PLAN_SCHEMA, key (generation, *schema.PLAN_KEY)
    vss.sources                 generation + schema.SOURCE_SCHEMA, key (generation, source_id)
    vss.current_observations, vss.current_plans, vss.current_sources
                                views of the current generation, for analysts' SQL
    vss.ingest_log              the import log (vss_dash/ingest): a row an import, kept or refused,
                                the fields of ingest_log.jsonl's entries as columns
                                (postgres_log.py)
    vss.api_tokens              personal API tokens' hashes, never secrets (postgres_tokens.py)

Periods and source dates are `date`, vintages `timestamptz`, plan years `integer`, values
`double precision`; every observation column is NOT NULL (store rule not_null). A generation's
rows go with it (ON DELETE CASCADE).

A write validates exactly as the Parquet store does (schema.prepare), then, in ONE transaction
serialised by the write lock (`LOCK TABLE vss.current_generation IN EXCLUSIVE MODE`: imports from
any host wait for each other, at most VSS_PG_LOCK_TIMEOUT, then StoreBusy "another import is
running"; the lock needs UPDATE on the table, which the viewer role lacks, and does not block
reads, so no reader can take it or stall behind it): the new generation's row, its three
tables, `current_generation` pointed at it, and the generations beyond the current one and the
`keep_previous` before it deleted. A failure or a killed writer rolls the whole transaction
back: the database is as before. A generation id written again (the demo's fixed id) replaces
that generation whole.

An import (`update`, through store.update and ingest.commit) is a read-modify-write in ONE
transaction: the write lock first, then the current generation read (READ COMMITTED, so it is
what the writer before committed), changed, validated and written, with its vss.ingest_log row;
two imports from any hosts therefore never lose each other's rows. A refusal's log row is a
transaction of its own.

A read (`load`) runs in one `REPEATABLE READ, READ ONLY` transaction: the current generation's id
and its three tables come from one snapshot, so no page is built from two writes, and a write that
commits meanwhile is not seen. Frames are sorted by the store's keys and cast to its schemas: they
equal (`DataFrame.equals`) what the Parquet store loads for the same data. A hot standby serves
reads (`load`, `token` and `read_log` run read-only and take no lock). Every write connects with
libpq's `target_session_attrs=read-write` (the URI's own replaced), so one URI may name a standby
and its primary (`?host=S,P&port=..&target_session_attrs=prefer-standby`): reads go to the
standby, writes to the server that takes them (the primary, or a promoted standby). Finding
none, or losing it mid-transaction, is PrimaryUnavailable: nothing committed.

Least privilege. Two roles, made by the database's administrator (never by this code):

    CREATE ROLE vss_viewer LOGIN;   -- the app's replicas: reads only
    CREATE ROLE vss_writer LOGIN;   -- imports, `vss-dash demo`, `vss-dash migrate`

The schema's owner (who ran the first write or `create_schema`) grants them with `grant(uri,
viewer=..., writer=...)`, which runs:

    GRANT USAGE ON SCHEMA vss TO vss_viewer, vss_writer;
    GRANT SELECT ON ALL TABLES IN SCHEMA vss TO vss_viewer;                 -- tables and views
    REVOKE SELECT ON vss.ingest_log FROM vss_viewer;                        -- then every column
    GRANT SELECT (seq, time, outcome, file, ...) ON vss.ingest_log TO vss_viewer;  -- but "by"
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA vss TO vss_writer;
    GRANT USAGE ON ALL SEQUENCES IN SCHEMA vss TO vss_writer;               -- generations.seq

The viewer can take no lock that blocks a write (its SELECT allows ACCESS SHARE only; advisory
locks are not used) and change nothing but tokens (postgres_tokens.py), nor read who
imported (read_log shows it "hidden"); the writer changes rows but cannot alter the schema. Every
value in a statement is a bound parameter (never pasted into the SQL, generation ids included), and
every session starts with `statement_timeout` (VSS_PG_STATEMENT_TIMEOUT, in libpq's startup
options). Passwords belong in the environment (PGPASSWORD), ~/.pgpass or a service file, not in the
URI; when a URI holds one, `masked()` hides it in every message this module raises, and the Store's
`directory` is the masked URI.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import adbc_driver_postgresql.dbapi as dbapi
import polars as pl

from vss_dash import i18n, settings
from vss_dash.store import postgres_log, postgres_tokens, schema
from vss_dash.store.postgres_log import LOG_COLUMNS, LOG_PRIVATE, LOG_READ_MAX

SCHEMA = "vss"
# the write lock: this table IN EXCLUSIVE MODE, which needs UPDATE on it (the writer's, never the
# viewer's); readers' ACCESS SHARE does not conflict with it, so pages read on while it is held
LOCK_TABLE = f"{SCHEMA}.current_generation"
LOCK_NOT_AVAILABLE = "55P03"  # SQLSTATE of a lock wait that ran past lock_timeout
STATEMENT_TIMEOUT_S, LOCK_TIMEOUT_S = 120.0, 30.0  # VSS_PG_STATEMENT_TIMEOUT, VSS_PG_LOCK_TIMEOUT
TABLES = {
    "observations": (schema.OBS_SCHEMA, schema.OBS_KEY),
    "plans": (schema.PLAN_SCHEMA, schema.PLAN_KEY),
    "sources": (schema.SOURCE_SCHEMA, ("source_id",)),
}
_SQL_TYPES = {
    pl.Date(): "date",
    pl.String(): 'text COLLATE "C"',  # byte order: keys sort as Polars sorts them
    pl.Float64(): "double precision",
    pl.Int32(): "integer",
    pl.Datetime("us", "UTC"): "timestamptz",
    schema.STATUS: f"{SCHEMA}.status",
}


class StoreUnavailable(OSError):
    """The database could not be reached or refused a statement (the message without password)."""


class StoreBusy(StoreUnavailable):
    """Another import holds the store's write lock and kept it past the lock timeout."""


class PrimaryUnavailable(StoreUnavailable):
    """A write found no server that accepts writes, or lost it inside its transaction."""


def _primary_unavailable(detail: str) -> str:
    """The refusal of a write that found no primary (texts.toml store.primary_unavailable)."""
    return " / ".join(i18n.both("store.primary_unavailable")) + f" ({detail})"


def _seconds(name: str, default: float) -> float:
    """A timeout setting in seconds (a positive number), else its default."""
    try:
        value = float(settings.env(name) or default)
    except ValueError:
        return default
    return value if 0 < value < 1e6 else default


def statement_timeout_s() -> float:
    return _seconds("VSS_PG_STATEMENT_TIMEOUT", STATEMENT_TIMEOUT_S)


def lock_timeout_s() -> float:
    return _seconds("VSS_PG_LOCK_TIMEOUT", LOCK_TIMEOUT_S)


def _session_uri(uri: str, write: bool = False) -> str:
    """`uri` with the session's statement_timeout among its startup options (libpq's `options`,
    after any the URI holds): set before the first statement of every connection, the server
    cancels a statement that runs longer, also one whose client has gone. `write`: also
    `target_session_attrs=read-write` (the URI's own replaced): a server that takes writes."""
    option = f"-c statement_timeout={round(statement_timeout_s() * 1000)}"
    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri  # dbapi.connect refuses it, with the masked URI in the message
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    given = [v for k, v in pairs if k == "options"]
    pairs = [(k, v) for k, v in pairs if k != "options"]
    pairs.append(("options", " ".join([*given, option])))
    if write:
        pairs = [(k, v) for k, v in pairs if k != "target_session_attrs"]
        pairs.append(("target_session_attrs", "read-write"))
    # %20 for a space: libpq reads no "+" as one
    return urlunsplit(parts._replace(query=urlencode(pairs, safe="/:,", quote_via=quote)))


# ---------------------------------------------------------------- credentials


def masked(uri: str) -> str:
    """The URI with any password replaced by ***, in its user part or a `password=` option."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "postgresql://***"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        netloc = f"{userinfo}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode(
            [(k, "***" if k.lower() == "password" else v) for k, v in pairs], safe="/:*,"
        )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _secrets(uri: str) -> list[str]:
    """The password as written in the URI and decoded, for scrubbing messages."""
    out = []
    with contextlib.suppress(ValueError):
        parts = urlsplit(uri)
        if parts.password:
            out.append(parts.password)
        out += [v for k, v in parse_qsl(parts.query) if k.lower() == "password"]
        userinfo = parts.netloc.rsplit("@", 1)[0] if "@" in parts.netloc else ""
        if ":" in userinfo:
            out.append(userinfo.split(":", 1)[1])
    return [s for s in out if s]


def _scrub(text: str, uri: str) -> str:
    text = text.replace(uri, masked(uri))
    for secret in sorted(_secrets(uri), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


@contextlib.contextmanager
def _connection(uri: str, write: bool = False) -> Iterator[dbapi.Connection]:
    """A connection (a transaction open, not autocommit), closed on exit. Every database error
    inside becomes StoreUnavailable with the password scrubbed; nothing chains to the original
    (whose text may hold it). `write`: to a server that takes writes (else PrimaryUnavailable)."""
    message, kind = None, StoreUnavailable
    try:
        conn = dbapi.connect(_session_uri(uri, write))
    except dbapi.Error as e:
        message = f"{masked(uri)}: cannot connect / không kết nối được: {_scrub(str(e), uri)}"
        if write:  # libpq's line a server tried, joined into one
            message = " | ".join(x.strip() for x in message.splitlines() if x.strip())
            message, kind = _primary_unavailable(message), PrimaryUnavailable
    if message is not None:
        raise kind(message)
    try:
        try:
            yield conn
        except dbapi.Error as e:
            message = f"{masked(uri)}: {_scrub(_first_line(e), uri)}"
            state = getattr(e, "sqlstate", None)  # none on a lost connection's errors (ADBC)
            gone = state is None or state[:2] == "08" or state in ("57P01", "57P02", "57P03")
            if write and gone and isinstance(e, dbapi.OperationalError):
                message, kind = _primary_unavailable(message), PrimaryUnavailable
            with contextlib.suppress(dbapi.Error):
                conn.rollback()
        if message is not None:
            raise kind(message)
    finally:
        with contextlib.suppress(dbapi.Error):
            conn.close()


def _first_line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


# ---------------------------------------------------------------- schema


def _columns(dtypes: dict[str, pl.DataType]) -> list[str]:
    return [f"{c} {_SQL_TYPES[t]}" for c, t in dtypes.items()]


def schema_sql() -> list[str]:
    """The statements that make the store's schema, one per item."""
    enum = ", ".join(f"'{v}'" for v in schema.STATUS_VALUES)
    out = [
        f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
        f"CREATE TYPE {SCHEMA}.status AS ENUM ({enum})",
        f"""CREATE TABLE {SCHEMA}.generations (
            id text PRIMARY KEY,
            seq bigserial NOT NULL UNIQUE,
            written_at timestamptz NOT NULL DEFAULT clock_timestamp())""",
        f"""CREATE TABLE {SCHEMA}.current_generation (
            one boolean PRIMARY KEY DEFAULT true CHECK (one),
            id text NOT NULL REFERENCES {SCHEMA}.generations (id) DEFERRABLE INITIALLY DEFERRED)""",
    ]
    for table, (dtypes, key) in TABLES.items():
        cols = _columns(dtypes)
        if table == "observations":
            cols = [f"{c} NOT NULL" for c in cols]
        out.append(
            f"""CREATE TABLE {SCHEMA}.{table} (
            generation text NOT NULL
                REFERENCES {SCHEMA}.generations (id) ON DELETE CASCADE,
            {", ".join(cols)},
            PRIMARY KEY (generation, {", ".join(key)}))"""
        )
        out.append(
            f"""CREATE VIEW {SCHEMA}.current_{table} AS
            SELECT {", ".join(dtypes)} FROM {SCHEMA}.{table}
            WHERE generation = (SELECT id FROM {SCHEMA}.current_generation)"""
        )
    out += [LOG_SQL, postgres_tokens.table_sql(SCHEMA)]
    return out


def _has_schema(cur) -> bool:
    cur.execute("SELECT to_regclass($1) IS NOT NULL", (f"{SCHEMA}.current_generation",))
    return bool(cur.fetchone()[0])


def create_schema(uri: str) -> None:
    """Make the store's schema if it is missing (as its future owner), and the import log if
    the schema predates it; one transaction."""
    with _connection(uri, write=True) as conn:
        cur = conn.cursor()
        _lock(cur)
        postgres_tokens.create(cur, SCHEMA)  # a schema may predate the tokens
        conn.commit()


_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def grant(uri: str, *, viewer: str, writer: str) -> None:
    """Grant the viewer role read access and the writer role row changes (see the module's
    docstring); run by the schema's owner. The roles must exist."""
    for role in (viewer, writer):
        if not _ROLE.fullmatch(role):
            raise ValueError(f"role {role!r}: lower-case letters, digits and '_' only")
    create_schema(uri)
    public_log = ", ".join(f'"{c}"' for c in ("seq", *LOG_COLUMNS) if c not in LOG_PRIVATE)
    with _connection(uri, write=True) as conn:
        cur = conn.cursor()
        for sql in (
            f"GRANT USAGE ON SCHEMA {SCHEMA} TO {viewer}, {writer}",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA {SCHEMA} TO {viewer}",
            # the import log without who imported (their e-mail): the viewer reads the rest
            f"REVOKE SELECT ON {SCHEMA}.ingest_log FROM {viewer}",
            f"GRANT SELECT ({public_log}) ON {SCHEMA}.ingest_log TO {viewer}",
            f'GRANT INSERT, UPDATE ("revoked", "last_used") ON {SCHEMA}.api_tokens TO {viewer}',
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {SCHEMA} TO {writer}",
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {writer}",
        ):
            cur.execute(sql)
        conn.commit()


# ---------------------------------------------------------------- reading


def _current_id(cur) -> str | None:
    cur.execute(f"SELECT id FROM {SCHEMA}.current_generation")
    row = cur.fetchone()
    return row[0] if row else None


def _read_table(cur, table: str, generation: str) -> pl.DataFrame:
    dtypes, key = TABLES[table]
    cols = ", ".join(f"{c}::text AS {c}" if t == schema.STATUS else c for c, t in dtypes.items())
    # the id, read from the database, is a value like any other: bound, never part of the SQL
    cur.execute(f"SELECT {cols} FROM {SCHEMA}.{table} WHERE generation = $1", (generation,))
    df = pl.from_arrow(cur.fetch_arrow_table())
    assert isinstance(df, pl.DataFrame)
    df = df.select(
        pl.col(c).cast(pl.String if t == schema.STATUS else t) for c, t in dtypes.items()
    ).sort(list(key))  # status stays text here: schema.assemble checks and casts it as for Parquet
    # Polars flags the columns of a frame it sorted as sorted, and its sums over them then take
    # another path, rounded differently in the last bit from the same frame read from Parquet:
    # through Arrow (no copy) the flags are gone and the figures are the Parquet store's exactly
    out = pl.from_arrow(df.rechunk().to_arrow())
    assert isinstance(out, pl.DataFrame)
    return out


def load(uri: str, validate: bool = True) -> schema.Store:
    """The current generation, read in one REPEATABLE READ transaction. FileNotFoundError when
    the database holds no store yet, StoreInvalid when it breaks a rule."""
    with _connection(uri) as conn:
        cur = conn.cursor()
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        generation = _current_id(cur) if _has_schema(cur) else None
        if generation is None:
            conn.rollback()
            raise FileNotFoundError(
                f"{masked(uri)}: chưa có kho dữ liệu / holds no store yet (observations)"
            )
        frames = [_read_table(cur, t, generation) for t in TABLES]
        conn.rollback()  # read only: nothing to keep
    return schema.assemble(*frames, masked(uri), generation, validate=validate)


_TOKEN_CONNECTIONS: dict[str, dbapi.Connection] = {}
_TOKEN_LOCK = threading.Lock()


def token(uri: str) -> tuple:
    """The current generation's id and its write's sequence number: changes with every write,
    also one that rewrites the same id. () for a database with no store yet. Asked on every
    page run, so it goes through one kept connection per URI (autocommit: one statement, never
    idle in a transaction); a connection that failed is dropped and made again once."""
    sql = (
        f"SELECT c.id, g.seq FROM {SCHEMA}.current_generation c "
        f"JOIN {SCHEMA}.generations g USING (id)"
    )
    with _TOKEN_LOCK:
        for attempt in (1, 2):
            conn = _TOKEN_CONNECTIONS.pop(uri, None)
            try:
                if conn is None:
                    conn = dbapi.connect(_session_uri(uri), autocommit=True)
                cur = conn.cursor()
                if not _has_schema(cur):
                    row = None
                else:
                    cur.execute(sql)
                    row = cur.fetchone()
                cur.close()
            except dbapi.Error as e:
                if conn is not None:
                    with contextlib.suppress(dbapi.Error):
                        conn.close()
                if attempt == 2:
                    message = f"{masked(uri)}: {_scrub(_first_line(e), uri)}"
                    break
                continue
            _TOKEN_CONNECTIONS[uri] = conn
            return tuple(row) if row else ()
    raise StoreUnavailable(message)


def generations(uri: str) -> list[str]:
    """Every generation kept, oldest write first."""
    with _connection(uri) as conn:
        cur = conn.cursor()
        cur.execute(f"SELECT id FROM {SCHEMA}.generations ORDER BY seq")
        out = [r[0] for r in cur.fetchall()]
        conn.rollback()
    return out


# ---------------------------------------------------------------- writing


def write(
    uri: str,
    observations: pl.DataFrame,
    plans: pl.DataFrame,
    sources: pl.DataFrame,
    generation_id: str | None = None,
    keep_previous: int = schema.KEEP_PREVIOUS,
) -> None:
    """Validate as store.write does (schema.prepare), then store the three tables as a new
    current generation in one transaction under the store's write lock; nothing changes if
    anything fails (StoreBusy when another writer keeps the lock past the lock timeout)."""
    tables = schema.prepare(observations, plans, sources)
    name = schema.generation_name(generation_id)
    with _connection(uri, write=True) as conn:
        cur = conn.cursor()
        _lock(cur)
        _insert(cur, tables, name, keep_previous)
        conn.commit()


def update(
    uri: str,
    change: Callable[[pl.DataFrame, pl.DataFrame, pl.DataFrame], schema.Tables],
    generation_id: str | None = None,
    keep_previous: int = schema.KEEP_PREVIOUS,
    log_entry: Callable[[], dict] | None = None,
) -> schema.Tables:
    """store.update on PostgreSQL, in ONE transaction: the write lock first (a writer on any
    host waits here until the one before it has committed, at most the lock timeout: then
    StoreBusy, "another import is running"), then the current generation's
    tables read (READ COMMITTED: each statement sees what was committed before it, so what the
    writer before wrote), `change` applied, its tables validated and written as a new
    generation, and `log_entry()` (if given; called after `change`) added to vss.ingest_log.
    Anything that raises rolls the whole transaction back: nothing is written."""
    name = schema.generation_name(generation_id)
    with _connection(uri, write=True) as conn:
        cur = conn.cursor()
        _lock(cur)  # before any read: the rows read are the last writer's
        generation = _current_id(cur)
        if generation is None:
            before = schema.empty_tables()
        else:
            frames = [_read_table(cur, t, generation) for t in TABLES]
            s = schema.assemble(*frames, masked(uri), generation, validate=False)
            before = (s.observations.collect(), s.plans, s.sources)
        tables = schema.prepare(*change(*before))
        _insert(cur, tables, name, keep_previous)
        if log_entry is not None:
            _append_log(cur, log_entry())
        conn.commit()
    return tables


def _lock(cur) -> None:
    """The store's write lock, held to the end of the transaction: LOCK_TABLE in EXCLUSIVE mode,
    which only a role that may UPDATE it can take (the writer, the owner; never the viewer, whose
    reads it does not block), waited for at most the lock timeout (then StoreBusy). The schema is
    made first if missing (by its owner: a first write; of two first writes at once, the second
    fails and changes nothing), and the import log if it predates it."""
    if not _has_schema(cur):
        for sql in schema_sql():
            cur.execute(sql)
    elif not _has_log(cur):
        cur.execute(LOG_SQL)
    cur.execute(
        "SELECT set_config('lock_timeout', $1, true)", (f"{round(lock_timeout_s() * 1000)}ms",)
    )
    cur.fetchall()
    try:
        cur.execute(f"LOCK TABLE {LOCK_TABLE} IN EXCLUSIVE MODE")
    except dbapi.Error as e:
        if getattr(e, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        busy = " / ".join(i18n.both("store.busy", seconds=f"{lock_timeout_s():g}"))
        raise StoreBusy(busy) from None


def _insert(cur, tables: schema.Tables, name: str, keep_previous: int) -> None:
    """Write prepared tables as the new current generation `name` (inside the caller's
    transaction, under the write lock) and delete the generations no longer kept."""
    cur.execute(f"DELETE FROM {SCHEMA}.generations WHERE id = $1", (name,))  # written again
    cur.execute(f"INSERT INTO {SCHEMA}.generations (id) VALUES ($1)", (name,))
    for table, df in zip(TABLES, tables, strict=True):
        rows = df.select(
            pl.lit(name).alias("generation"),
            *(pl.col(c).cast(pl.String) if c == "status" else pl.col(c) for c in df.columns),
        )
        if rows.height:
            cur.adbc_ingest(table, rows.to_arrow(), mode="append", db_schema_name=SCHEMA)
    cur.execute(
        f"INSERT INTO {SCHEMA}.current_generation (one, id) VALUES (true, $1) "
        "ON CONFLICT (one) DO UPDATE SET id = EXCLUDED.id",
        (name,),
    )
    cur.execute(
        f"DELETE FROM {SCHEMA}.generations WHERE id <> $1 AND id NOT IN ("
        f"SELECT id FROM {SCHEMA}.generations WHERE id <> $1 "
        "ORDER BY seq DESC LIMIT $2)",
        (name, int(keep_previous)),
    )


# ---------------------------------------------------------------- the import log
#
# vss.ingest_log: its columns and an entry's row are postgres_log.py's; the statements are here.

LOG_SQL = (
    f"CREATE TABLE IF NOT EXISTS {SCHEMA}.ingest_log (seq bigserial PRIMARY KEY, "
    + ", ".join(f'"{c}" {t}' for c, t in LOG_COLUMNS.items())
    + ")"
)


def _has_log(cur) -> bool:
    cur.execute("SELECT to_regclass($1) IS NOT NULL", (f"{SCHEMA}.ingest_log",))
    return bool(cur.fetchone()[0])


def _append_log(cur, entry: dict) -> None:
    """One entry (fields not in LOG_COLUMNS are not stored), bound as one JSON parameter."""
    names = ", ".join(f'"{c}"' for c in LOG_COLUMNS)
    cur.execute(
        f"INSERT INTO {SCHEMA}.ingest_log ({names}) SELECT {names} "
        f"FROM jsonb_populate_record(NULL::{SCHEMA}.ingest_log, $1::jsonb)",
        (postgres_log.as_json(entry),),
    )


def append_log(uri: str, entry: dict) -> None:
    """Add one entry to the import log in a transaction of its own (a refused file: the store's
    tables are not touched, nor is the store's lock taken)."""
    with _connection(uri, write=True) as conn:
        cur = conn.cursor()
        if not _has_log(cur):
            _lock(cur)  # makes the schema or the log table, under the store's lock
        _append_log(cur, entry)
        conn.commit()


def read_log(uri: str, limit: int = LOG_READ_MAX) -> tuple[list[dict], bool]:
    """The newest `limit` entries, oldest first, as the JSONL entries they mirror (every
    field, None where the entry had none), and whether older ones were left out. ([], False) for a
    database without the log."""
    with _connection(uri) as conn:
        cur = conn.cursor()
        if not _has_log(cur):
            conn.rollback()
            return [], False
        cur.execute("SELECT has_column_privilege($1, $2, 'SELECT')", (f"{SCHEMA}.ingest_log", "by"))
        private = not cur.fetchone()[0]  # the viewer role: who imported is not theirs to read
        names = ", ".join(
            "NULL::text"
            if private and c in LOG_PRIVATE
            else f'"{c}"::text'
            if LOG_COLUMNS[c] == "jsonb"
            else f'"{c}"'
            for c in LOG_COLUMNS
        )
        cur.execute(
            f"SELECT * FROM (SELECT seq, {names} FROM {SCHEMA}.ingest_log "
            "ORDER BY seq DESC LIMIT $1) newest ORDER BY seq",
            (int(limit) + 1,),
        )
        rows = cur.fetchall()
        conn.rollback()
    truncated = len(rows) > limit
    return postgres_log.entries(rows[1:] if truncated else rows, private), truncated
