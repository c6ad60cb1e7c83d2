"""The store on PostgreSQL (vss_dash/store/postgres.py) against a throwaway server: the demo
comes back equal to the Parquet store's frames and reproduces the same published figures; a write
is one transaction (a failed validation or a writer killed inside it leaves the store as before);
writers wait for each other; a read is one snapshot; the viewer role cannot write; no password
reaches a message. The tests shared with the Parquet store are in tests/test_store.py."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
import traceback
import uuid

import paused_writer
import polars as pl
import pytest
from test_store import PLANS, SOURCES, obs

from vss_dash import metrics, published, store
from vss_dash.store import postgres


def plans(target: float) -> pl.DataFrame:
    return PLANS.with_columns(target=pl.lit(target))


def test_the_demo_comes_back_equal_and_reproduces_the_same_figures(demo_store, pg_uri):
    obs_df = demo_store.observations.collect()
    store.write(pg_uri, obs_df, demo_store.plans, demo_store.sources, generation_id="demo-1")
    s = store.load(pg_uri)
    assert s.generation == "demo-1"
    assert s.observations.collect().equals(obs_df)
    assert s.observations.collect_schema() == demo_store.observations.collect_schema()
    assert s.plans.equals(demo_store.plans) and s.sources.equals(demo_store.sources)
    on_pg = published.check(metrics.Frames.from_store(s))
    on_parquet = published.check(metrics.Frames.from_store(demo_store))
    assert [(c.ok, c.computed) for c in on_pg] == [(c.ok, c.computed) for c in on_parquet]


def test_a_second_write_is_the_new_current_generation(pg_uri):
    store.write(pg_uri, obs(value=1.0), plans(5.0), SOURCES, generation_id="A")
    first = store.token(pg_uri)
    store.write(pg_uri, obs(value=2.0), plans(6.0), SOURCES, generation_id="B")
    s = store.load(pg_uri)
    assert s.generation == "B" and s.observations.collect().item(0, "value") == 2.0
    assert s.plans.item(0, "target") == 6.0
    assert store.token(pg_uri) != first
    assert postgres.generations(pg_uri) == ["A", "B"]


def test_the_same_id_written_again_replaces_that_generation(pg_uri):
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="demo-1")
    before = store.token(pg_uri)
    store.write(pg_uri, obs(value=2.0), PLANS, SOURCES, generation_id="demo-1")
    assert store.load(pg_uri).observations.collect().item(0, "value") == 2.0
    assert postgres.generations(pg_uri) == ["demo-1"]
    assert store.token(pg_uri) != before  # a cache keyed on the token sees the new data


def test_a_failed_validation_leaves_the_previous_generation_current(pg_uri):
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    token = store.token(pg_uri)
    with pytest.raises(store.StoreInvalid) as e:
        store.write(pg_uri, obs(value=-1.0), PLANS, SOURCES, generation_id="B")
    assert [p.rule for p in e.value.problems] == ["non_negative"]
    assert store.token(pg_uri) == token and postgres.generations(pg_uri) == ["A"]
    assert store.load(pg_uri).observations.collect().item(0, "value") == 1.0


def test_a_database_error_inside_the_write_rolls_everything_back(pg_uri, monkeypatch):
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    real = postgres.dbapi.Cursor.adbc_ingest

    def fail_on_plans(self, table, *args, **kwargs):
        if table == "plans":
            self.execute("SELECT 1/0")  # a real error from the server, mid-transaction
        return real(self, table, *args, **kwargs)

    monkeypatch.setattr(postgres.dbapi.Cursor, "adbc_ingest", fail_on_plans)
    with pytest.raises(postgres.StoreUnavailable, match="division by zero"):
        store.write(pg_uri, obs(value=2.0), PLANS, SOURCES, generation_id="B")
    assert postgres.generations(pg_uri) == ["A"]
    assert store.load(pg_uri).observations.collect().item(0, "value") == 1.0


def _write_locks(server, database: str) -> int:
    """Sessions holding the store's write lock (its table in EXCLUSIVE mode)."""
    sql = (
        "SELECT count(*) FROM pg_locks WHERE granted AND mode = 'ExclusiveLock' "
        f"AND relation = '{postgres.LOCK_TABLE}'::regclass"
    )
    return int(server.psql(sql, database=database).strip())


def _database(uri: str) -> str:
    return uri.split("@/", 1)[1].split("?", 1)[0]


def test_a_writer_killed_inside_its_transaction_leaves_the_database_as_before(pg_server, pg_uri):
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    token = store.token(pg_uri)
    with paused_writer.start(pg_uri, "B", 2.0) as p:
        assert _write_locks(pg_server, _database(pg_uri)) == 1  # held, in its transaction
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
    assert p.returncode == -signal.SIGKILL
    assert store.token(pg_uri) == token and postgres.generations(pg_uri) == ["A"]
    s = store.load(pg_uri)
    assert s.generation == "A" and s.observations.collect().item(0, "value") == 1.0
    # the server ended the dead session's transaction: its lock is gone, the next write goes on
    store.write(pg_uri, obs(value=3.0), PLANS, SOURCES, generation_id="C")
    assert postgres.generations(pg_uri) == ["A", "C"]
    assert store.load(pg_uri).observations.collect().item(0, "value") == 3.0


def test_two_writers_are_serialised(pg_uri):
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    with paused_writer.start(pg_uri, "B", 2.0) as first:  # inside its transaction, holding the lock
        second = threading.Thread(
            target=store.write, args=(pg_uri, obs(value=3.0), PLANS, SOURCES), daemon=True,
            kwargs={"generation_id": "C"},
        )  # fmt: skip
        second.start()
        second.join(timeout=1.5)
        assert second.is_alive(), "the second writer did not wait for the first"
        assert postgres.generations(pg_uri) == ["A"]
        assert first.stdout is not None
        paused_writer.go(first)
        assert first.stdout.readline().strip() == "done"
        assert first.wait(timeout=30) == 0
    second.join(timeout=30)
    assert not second.is_alive()
    assert postgres.generations(pg_uri) == ["A", "B", "C"]  # in the order they took the lock
    assert store.load(pg_uri).observations.collect().item(0, "value") == 3.0


def test_a_read_is_one_snapshot(pg_uri, monkeypatch):
    """A write commits after the reader read the observations of A: plans and sources still
    come from A."""
    store.write(pg_uri, obs(value=1.0), plans(5.0), SOURCES, generation_id="A")
    real = postgres._read_table
    read = []

    def read_then_a_write_lands(cur, table, generation):
        df = real(cur, table, generation)
        read.append(table)
        if len(read) == 1:
            store.write(pg_uri, obs(value=2.0), plans(6.0), SOURCES, generation_id="B")
        return df

    monkeypatch.setattr(postgres, "_read_table", read_then_a_write_lands)
    s = store.load(pg_uri)
    assert s.generation == "A"
    assert s.observations.collect().item(0, "value") == 1.0 and s.plans.item(0, "target") == 5.0
    assert store.token(pg_uri)[0] == "B"  # the write did land


def test_the_viewer_role_reads_and_cannot_write(pg_server, pg_uri):
    viewer, writer = (f"vss_{who}_{uuid.uuid4().hex[:8]}" for who in ("viewer", "writer"))
    pg_server.psql(f"CREATE ROLE {viewer} LOGIN")
    pg_server.psql(f"CREATE ROLE {writer} LOGIN")
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    postgres.grant(pg_uri, viewer=viewer, writer=writer)
    database = pg_uri.split("@/", 1)[1].split("?", 1)[0]
    as_viewer = pg_server.uri(database, user=viewer)
    as_writer = pg_server.uri(database, user=writer)

    assert store.load(as_viewer).generation == "A"
    with pytest.raises(postgres.StoreUnavailable, match="permission denied"):
        store.write(as_viewer, obs(value=2.0), PLANS, SOURCES, generation_id="B")
    assert postgres.generations(pg_uri) == ["A"]
    for sql in ("DELETE FROM vss.generations", "UPDATE vss.current_generation SET id = 'x'"):
        with pytest.raises(subprocess.CalledProcessError):
            pg_server.psql(sql, database=database, user=viewer)

    store.write(as_writer, obs(value=2.0), PLANS, SOURCES, generation_id="B")
    assert store.load(as_viewer).generation == "B"
    with pytest.raises(subprocess.CalledProcessError):  # rows, not the schema
        pg_server.psql("DROP TABLE vss.plans CASCADE", database=database, user=writer)


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("postgresql://vss:s3cr%40t@db.example:5432/vss", "postgresql://vss:***@db.example:5432/vss"),
        ("postgresql://vss@db/vss?password=s3cr%40t&sslmode=require",
         "postgresql://vss@db/vss?password=***&sslmode=require"),
        ("postgresql://vss@/vss?host=/run/pg&port=5433", "postgresql://vss@/vss?host=/run/pg&port=5433"),
    ],
)  # fmt: skip
def test_a_uri_is_shown_without_its_password(uri, shown):
    assert postgres.masked(uri) == shown


def test_no_password_in_an_error(pg_server):
    secret = "s3cretPW-x9"
    uri = f"postgresql://vss:{secret}@/nowhere?host={pg_server.directory}&port=1"
    for attempt in (
        lambda: store.load(uri),
        lambda: store.write(uri, obs(), PLANS, SOURCES),
        lambda: store.token(uri),
    ):
        with pytest.raises(postgres.StoreUnavailable) as e:
            attempt()
        text = "".join(traceback.format_exception(e.value)) + repr(e.value)
        assert secret not in text and "vss:***@" in text
    wrong_user = pg_server.uri("postgres", user="nobody_here", password=secret)
    with pytest.raises(postgres.StoreUnavailable) as e:
        store.load(wrong_user)
    assert secret not in "".join(traceback.format_exception(e.value))


def test_a_uri_as_a_path_is_refused(tmp_path):
    from pathlib import Path

    with pytest.raises(ValueError, match="as text"):
        store.load(Path("postgresql://vss@db/vss"))


def test_the_setting_chooses_the_backend(monkeypatch, tmp_path):
    monkeypatch.delenv("VSS_STORE", raising=False)
    monkeypatch.setenv("VSS_DATA_DIR", str(tmp_path))
    assert store.location() == tmp_path
    monkeypatch.setenv("VSS_STORE", "postgresql://vss@db/vss")
    assert store.location() == "postgresql://vss@db/vss" and store.is_database(store.location())


def test_migrate_parquet_to_postgresql_and_back_gives_equal_frames(demo_store, pg_uri, tmp_path,
                                                                   capsys):  # fmt: skip
    from vss_dash import cli

    back = tmp_path / "back"
    assert cli.main(["migrate", str(demo_store.directory), pg_uri]) == 0
    assert cli.main(["migrate", pg_uri, str(back)]) == 0
    out = capsys.readouterr().out
    assert out.count("read back equal") == 2 and "password" not in out
    s = store.load(back)
    assert s.generation == demo_store.generation
    assert s.observations.collect().equals(demo_store.observations.collect())
    assert s.plans.equals(demo_store.plans) and s.sources.equals(demo_store.sources)
    before, after = store.files(demo_store.directory), store.files(back)
    for table in store.FILES:  # the same generation id, the same frames: the same bytes
        assert before[table].read_bytes() == after[table].read_bytes(), table


def test_cli_errors_name_the_database_without_its_password(pg_server, capsys):
    from vss_dash import cli

    uri = f"postgresql://vss:pw-not-shown@/nowhere?host={pg_server.directory}&port=1"
    assert cli.main(["validate", "--store", uri]) == 1
    err = capsys.readouterr().err
    assert "pw-not-shown" not in err and "vss:***@" in err


def test_demo_writes_to_postgresql(demo_store, pg_uri, monkeypatch, capsys):
    """`vss-dash demo --store postgresql://…` (the demo's generation itself, seconds long, is
    the Parquet test's in tests/test_cli.py: here it is the committed store's frames)."""
    from vss_dash import cli, demo

    frames = (demo_store.observations.collect(), demo_store.plans, demo_store.sources)
    monkeypatch.setattr(demo, "generate", lambda: frames)
    assert cli.main(["demo", "--store", pg_uri]) == 0
    assert "259/264" in capsys.readouterr().out
    assert store.load(pg_uri).generation == demo_store.generation
    assert cli.main(["validate", "--store", pg_uri]) == 0


# ------------------------------------------------------------ no reader can stall or steer (#27)

OLD_LOCK_KEY = 0x7653_5344_0019  # the advisory lock key every import waited on before #27


def _roles(pg_server, pg_uri) -> tuple[str, str]:
    """A viewer's and a writer's URI on pg_uri's database, granted by its owner."""
    viewer, writer = (f"vss_{who}_{uuid.uuid4().hex[:8]}" for who in ("viewer", "writer"))
    pg_server.psql(f"CREATE ROLE {viewer} LOGIN")
    pg_server.psql(f"CREATE ROLE {writer} LOGIN")
    postgres.grant(pg_uri, viewer=viewer, writer=writer)
    database = _database(pg_uri)
    return pg_server.uri(database, user=viewer), pg_server.uri(database, user=writer)


def _timed(f, *args, **kwargs) -> tuple[float, object]:
    """(seconds, result or the exception raised) of f run in a thread, given up after 20 s."""
    out: list = []

    def run():
        started = time.monotonic()
        try:
            out.append(f(*args, **kwargs))
        except Exception as e:  # noqa: BLE001 - reported to the test
            out.append(e)
        out.insert(0, time.monotonic() - started)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout=20)
    return (out[0], out[1]) if len(out) == 2 else (float("inf"), None)


LOCK_MODES = ("ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE",
              "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE")  # fmt: skip


def test_a_viewer_holding_any_lock_delays_no_import(pg_server, pg_uri, monkeypatch):
    """Before: the viewer took the advisory lock every import waited on, and every import
    waited forever. Now the viewer holds the old advisory key, every table lock its grants
    allow and its reads, and an import (ingest's path, store.update) takes well under the
    lock timeout; what would block a writer is refused to the viewer."""
    monkeypatch.setenv("VSS_PG_LOCK_TIMEOUT", "3")
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    postgres.append_log(pg_uri, {**LOG_ENTRY})
    as_viewer, as_writer = _roles(pg_server, pg_uri)
    held = postgres.dbapi.connect(as_viewer, autocommit=True)
    tx = postgres.dbapi.connect(as_viewer)  # a transaction left open, holding what it got
    advisory, cur = held.cursor(), tx.cursor()
    try:
        advisory.execute(f"SELECT pg_advisory_lock({OLD_LOCK_KEY})")
        advisory.fetchall()
        taken, refused = [], []
        for table in ("current_generation", "generations", "observations", "plans", "sources",
                      "ingest_log"):  # fmt: skip
            for mode in LOCK_MODES:
                try:
                    cur.execute(f"LOCK TABLE vss.{table} IN {mode} MODE")
                    taken.append((table, mode))
                except postgres.dbapi.Error:
                    refused.append((table, mode))
                    tx.rollback()  # the transaction is aborted: start again, taking what it had
                    for t, m in taken:
                        cur.execute(f"LOCK TABLE vss.{t} IN {m} MODE")
            for row_lock in ("FOR KEY SHARE", "FOR SHARE", "FOR UPDATE"):
                try:
                    cur.execute(f"SELECT 1 FROM vss.{table} {row_lock}")
                    cur.fetchall()
                    taken.append((table, row_lock))
                except postgres.dbapi.Error:
                    refused.append((table, row_lock))
                    tx.rollback()
                    for t, m in taken:
                        cur.execute(f"LOCK TABLE vss.{t} IN {m} MODE")
        assert {m for _, m in taken} == {"ACCESS SHARE"}  # reads only: they block no write
        assert ("current_generation", "EXCLUSIVE") in refused
        cur.execute("SELECT count(*) FROM vss.current_observations")
        assert cur.fetchone()[0] == 1  # and it reads, inside the same open transaction

        def change(o, p, s):
            return o.with_columns(value=pl.lit(2.0)), p, s

        seconds, result = _timed(store.update, as_writer, change, generation_id="B")
        assert not isinstance(result, BaseException), result
        assert seconds < 2.0, f"the import waited {seconds:.1f} s behind the viewer"
        assert store.load(as_viewer).generation == "B"
    finally:
        for c in (advisory, cur, tx, held):
            c.close()


def test_a_second_import_gives_up_after_the_lock_timeout_saying_why(pg_uri, monkeypatch, capsys):
    monkeypatch.setenv("VSS_PG_LOCK_TIMEOUT", "1.5")
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    with paused_writer.start(pg_uri, "B", 2.0) as first:  # inside its transaction, holding the lock
        seconds, result = _timed(store.write, pg_uri, obs(value=3.0), PLANS, SOURCES,
                                 generation_id="C")  # fmt: skip
        assert isinstance(result, postgres.StoreBusy), result
        assert 1.4 < seconds < 5, seconds
        assert "Another import is running" in str(result)
        assert "Một lần nhập khác đang chạy" in str(result)
        assert isinstance(result, OSError)  # the CLI and the Data page say it as they do
        assert first.stdout is not None
        paused_writer.go(first)
        assert first.stdout.readline().strip() == "done"
        assert first.wait(timeout=30) == 0
    assert postgres.generations(pg_uri) == ["A", "B"]  # the second changed nothing


HOSTILE_ID = "A' AND pg_sleep(3) IS NOT NULL AND 'a'='a"


def test_a_generation_id_holding_a_quote_runs_no_sql(pg_server, pg_uri):
    """Before: the id read from vss.current_generation was pasted into the SELECTs, and this
    one made every read sleep 3 s a table. Now it is a value: it matches no rows, quickly."""
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    database = _database(pg_uri)
    quoted = HOSTILE_ID.replace("'", "''")
    pg_server.psql(
        f"INSERT INTO vss.generations (id) VALUES ('{quoted}'); "
        f"UPDATE vss.current_generation SET id = '{quoted}'",
        database=database,
    )
    started = time.monotonic()
    s = store.load(pg_uri, validate=False)
    assert time.monotonic() - started < 2
    assert s.generation == HOSTILE_ID and s.observations.collect().height == 0
    sleeping = pg_server.psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sl%'"
                              " AND pid <> pg_backend_pid()", database=database)  # fmt: skip
    assert sleeping.strip() == "0"


def test_no_sql_is_built_from_a_value():
    """Every statement postgres.py executes is a constant, or an f-string that fills in only names
    of the schema (tables, columns, the roles grant() checked): values go as parameters."""
    import ast
    from pathlib import Path

    identifiers = {"SCHEMA", "LOCK_TABLE", "table", "cols", "names", "viewer", "writer",
                   "public_log"}  # fmt: skip
    tree = ast.parse(Path(postgres.__file__).read_text())
    checked = 0
    for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        loops = {n.target.id: n.iter for n in ast.walk(fn)
                 if isinstance(n, ast.For) and isinstance(n.target, ast.Name)}  # fmt: skip
        assigned = {n.targets[0].id: n.value for n in ast.walk(fn)
                    if isinstance(n, ast.Assign)
                    and isinstance(n.targets[0], ast.Name)}  # fmt: skip
        for call in ast.walk(fn):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "execute"):  # fmt: skip
                continue
            sql = call.args[0]
            if isinstance(sql, ast.Name) and sql.id in loops:
                source = loops[sql.id]
                if isinstance(source, ast.Call) and ast.unparse(source) == "schema_sql()":
                    continue  # DDL from the store's constants: checked below
                assert isinstance(source, ast.Tuple), ast.unparse(source)
                statements = source.elts
            elif isinstance(sql, ast.Name) and sql.id == "LOG_SQL":
                continue
            elif isinstance(sql, ast.Name):
                statements = [assigned[sql.id]]
            else:
                statements = [sql]
            for s in statements:
                assert isinstance(s, ast.Constant | ast.JoinedStr), (fn.name, ast.unparse(s))
                for part in getattr(s, "values", []):
                    if isinstance(part, ast.FormattedValue):
                        v = part.value
                        assert isinstance(v, ast.Name) and v.id in identifiers, (
                            f"{fn.name}: {ast.unparse(s)}"
                        )
                checked += 1
    assert checked >= 15
    literals = {lit for sql in postgres.schema_sql() for lit in re.findall(r"'([^']*)'", sql)}
    # the only literals in the DDL: the status enum's labels and the log's two outcomes
    assert literals == {*store.STATUS_VALUES, "stored", "refused"}


def test_every_session_has_a_statement_timeout(pg_uri, monkeypatch):
    """Before: none, and the server ran on a query its client had left. Now every connection
    starts with statement_timeout (VSS_PG_STATEMENT_TIMEOUT), kept beside the URI's options."""
    monkeypatch.setenv("VSS_PG_STATEMENT_TIMEOUT", "0.5")
    with postgres._connection(pg_uri) as conn, conn.cursor() as cur:
        cur.execute("SELECT current_setting('statement_timeout')")
        assert cur.fetchone()[0] == "500ms"
    started = time.monotonic()
    with (
        pytest.raises(postgres.StoreUnavailable, match="statement timeout"),
        postgres._connection(pg_uri) as conn,
        conn.cursor() as cur,
    ):
        cur.execute("SELECT pg_sleep(5)")
        cur.fetchall()
    assert time.monotonic() - started < 3
    assert "options=-c%20geqo%3Doff%20-c%20statement_timeout%3D500" in postgres._session_uri(
        pg_uri + "&options=-c%20geqo%3Doff"
    )
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    assert store.token(pg_uri)[0] == "A"  # the kept connection of token() has it too
    conn = postgres._TOKEN_CONNECTIONS[pg_uri]
    cur = conn.cursor()
    cur.execute("SELECT current_setting('statement_timeout')")
    assert cur.fetchone()[0] == "500ms"
    cur.close()


LOG_ENTRY = {"time": "2026-01-01T00:00:00+00:00", "outcome": "stored", "by": "web:ana@vss.gov.vn",
             "file": "r.xlsx", "sha256": "ab" * 32, "stored": 3, "revised": 0}  # fmt: skip


def test_the_viewer_reads_the_import_log_without_the_e_mails(pg_server, pg_uri):
    """Before: the viewer role read vss.ingest_log whole, importers' e-mails included. Now its
    column `by` is not granted to the viewer, and the Data page's quality panel (ingest.log
    through the replica's viewer URI) still lists every import, who imported shown as hidden."""
    from vss_dash import i18n, ingest
    from vss_dash.ui import data_quality

    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    postgres.append_log(pg_uri, LOG_ENTRY)
    as_viewer, as_writer = _roles(pg_server, pg_uri)
    database, viewer = _database(pg_uri), as_viewer.split("//", 1)[1].split("@", 1)[0]
    with pytest.raises(subprocess.CalledProcessError) as e:
        pg_server.psql('SELECT "by" FROM vss.ingest_log', database=database, user=viewer)
    assert "permission denied" in e.value.stderr
    for sql in ("SELECT * FROM vss.ingest_log", "SELECT to_jsonb(l) FROM vss.ingest_log l"):
        with pytest.raises(subprocess.CalledProcessError):
            pg_server.psql(sql, database=database, user=viewer)
    entries = ingest.log(as_viewer)
    assert len(entries) == 1 and entries.skipped == 0
    assert entries[0]["by"] == " / ".join(i18n.both("store.log_by_hidden"))
    assert entries[0]["file"] == "r.xlsx" and entries[0]["stored"] == 3
    assert "ana@vss.gov.vn" not in str(data_quality.log_view(entries, "en").rows())
    assert ingest.log(as_writer)[0]["by"] == "web:ana@vss.gov.vn"  # the importing side sees it
    assert ingest.log(pg_uri)[0]["by"] == "web:ana@vss.gov.vn"
