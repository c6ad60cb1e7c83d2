"""The store on PostgreSQL (vss_dash/store_pg.py) against a throwaway server: the demo comes back
equal to the Parquet store's frames and reproduces the same published figures; a write is one
transaction (a failed validation or a writer killed inside it leaves the store as before);
writers wait for each other; a read is one snapshot; the viewer role cannot write; no password
reaches a message. The tests shared with the Parquet store are in tests/test_store.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import traceback
import uuid

import polars as pl
import pytest
from test_store import PLANS, SOURCES, obs

from vss_dash import metrics, published, store, store_pg


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
    assert store_pg.generations(pg_uri) == ["A", "B"]


def test_the_same_id_written_again_replaces_that_generation(pg_uri):
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="demo-1")
    before = store.token(pg_uri)
    store.write(pg_uri, obs(value=2.0), PLANS, SOURCES, generation_id="demo-1")
    assert store.load(pg_uri).observations.collect().item(0, "value") == 2.0
    assert store_pg.generations(pg_uri) == ["demo-1"]
    assert store.token(pg_uri) != before  # a cache keyed on the token sees the new data


def test_a_failed_validation_leaves_the_previous_generation_current(pg_uri):
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    token = store.token(pg_uri)
    with pytest.raises(store.StoreInvalid) as e:
        store.write(pg_uri, obs(value=-1.0), PLANS, SOURCES, generation_id="B")
    assert [p.rule for p in e.value.problems] == ["non_negative"]
    assert store.token(pg_uri) == token and store_pg.generations(pg_uri) == ["A"]
    assert store.load(pg_uri).observations.collect().item(0, "value") == 1.0


def test_a_database_error_inside_the_write_rolls_everything_back(pg_uri, monkeypatch):
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    real = store_pg.dbapi.Cursor.adbc_ingest

    def fail_on_plans(self, table, *args, **kwargs):
        if table == "plans":
            self.execute("SELECT 1/0")  # a real error from the server, mid-transaction
        return real(self, table, *args, **kwargs)

    monkeypatch.setattr(store_pg.dbapi.Cursor, "adbc_ingest", fail_on_plans)
    with pytest.raises(store_pg.StoreUnavailable, match="division by zero"):
        store.write(pg_uri, obs(value=2.0), PLANS, SOURCES, generation_id="B")
    assert store_pg.generations(pg_uri) == ["A"]
    assert store.load(pg_uri).observations.collect().item(0, "value") == 1.0


# A writer in its own process that stops inside its transaction (after the observations are
# copied, before the plans) and says so, then waits for a line on stdin before going on.
WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[4])  # tests/, for test_store's frames
    from vss_dash import store, store_pg
    from test_store import PLANS, SOURCES, obs

    real = store_pg.dbapi.Cursor.adbc_ingest

    def pause(self, table, *args, **kwargs):
        if table == "plans":
            print("inside", flush=True)
            sys.stdin.readline()
        return real(self, table, *args, **kwargs)

    store_pg.dbapi.Cursor.adbc_ingest = pause
    store.write(sys.argv[1], obs(value=float(sys.argv[3])), PLANS, SOURCES,
                generation_id=sys.argv[2])
    print("done", flush=True)
    """
)


def _writer(uri: str, generation: str, value: float) -> subprocess.Popen:
    tests = os.path.dirname(os.path.abspath(__file__))
    p = subprocess.Popen(
        [sys.executable, "-c", WRITER, uri, generation, str(value), tests],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert p.stdout is not None
    assert p.stdout.readline().strip() == "inside", "the writer did not reach its transaction"
    return p


def _advisory_locks(server) -> int:
    return int(server.psql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").strip())


def test_a_writer_killed_inside_its_transaction_leaves_the_database_as_before(pg_server, pg_uri):
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    token = store.token(pg_uri)
    with _writer(pg_uri, "B", 2.0) as p:
        assert _advisory_locks(pg_server) == 1  # it holds the store's lock, in its transaction
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
    assert p.returncode == -signal.SIGKILL
    assert store.token(pg_uri) == token and store_pg.generations(pg_uri) == ["A"]
    s = store.load(pg_uri)
    assert s.generation == "A" and s.observations.collect().item(0, "value") == 1.0
    # the server ended the dead session's transaction: its lock is gone, the next write goes on
    store.write(pg_uri, obs(value=3.0), PLANS, SOURCES, generation_id="C")
    assert store_pg.generations(pg_uri) == ["A", "C"]
    assert store.load(pg_uri).observations.collect().item(0, "value") == 3.0


def test_two_writers_are_serialised(pg_uri):
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    with _writer(pg_uri, "B", 2.0) as first:  # inside its transaction, holding the lock
        second = threading.Thread(
            target=store.write, args=(pg_uri, obs(value=3.0), PLANS, SOURCES), daemon=True,
            kwargs={"generation_id": "C"},
        )  # fmt: skip
        second.start()
        second.join(timeout=1.5)
        assert second.is_alive(), "the second writer did not wait for the first"
        assert store_pg.generations(pg_uri) == ["A"]
        assert first.stdin is not None and first.stdout is not None
        first.stdin.write("go\n")
        first.stdin.flush()
        assert first.stdout.readline().strip() == "done"
        assert first.wait(timeout=30) == 0
    second.join(timeout=30)
    assert not second.is_alive()
    assert store_pg.generations(pg_uri) == ["A", "B", "C"]  # in the order they took the lock
    assert store.load(pg_uri).observations.collect().item(0, "value") == 3.0


def test_a_read_is_one_snapshot(pg_uri, monkeypatch):
    """A write commits after the reader read the observations of A: plans and sources still
    come from A."""
    store.write(pg_uri, obs(value=1.0), plans(5.0), SOURCES, generation_id="A")
    real = store_pg._read_table
    read = []

    def read_then_a_write_lands(cur, table, generation):
        df = real(cur, table, generation)
        read.append(table)
        if len(read) == 1:
            store.write(pg_uri, obs(value=2.0), plans(6.0), SOURCES, generation_id="B")
        return df

    monkeypatch.setattr(store_pg, "_read_table", read_then_a_write_lands)
    s = store.load(pg_uri)
    assert s.generation == "A"
    assert s.observations.collect().item(0, "value") == 1.0 and s.plans.item(0, "target") == 5.0
    assert store.token(pg_uri)[0] == "B"  # the write did land


def test_the_viewer_role_reads_and_cannot_write(pg_server, pg_uri):
    viewer, writer = (f"vss_{who}_{uuid.uuid4().hex[:8]}" for who in ("viewer", "writer"))
    pg_server.psql(f"CREATE ROLE {viewer} LOGIN")
    pg_server.psql(f"CREATE ROLE {writer} LOGIN")
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    store_pg.grant(pg_uri, viewer=viewer, writer=writer)
    database = pg_uri.split("@/", 1)[1].split("?", 1)[0]
    as_viewer = pg_server.uri(database, user=viewer)
    as_writer = pg_server.uri(database, user=writer)

    assert store.load(as_viewer).generation == "A"
    with pytest.raises(store_pg.StoreUnavailable, match="permission denied"):
        store.write(as_viewer, obs(value=2.0), PLANS, SOURCES, generation_id="B")
    assert store_pg.generations(pg_uri) == ["A"]
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
    assert store_pg.masked(uri) == shown


def test_no_password_in_an_error(pg_server):
    secret = "s3cretPW-x9"
    uri = f"postgresql://vss:{secret}@/nowhere?host={pg_server.directory}&port=1"
    for attempt in (
        lambda: store.load(uri),
        lambda: store.write(uri, obs(), PLANS, SOURCES),
        lambda: store.token(uri),
    ):
        with pytest.raises(store_pg.StoreUnavailable) as e:
            attempt()
        text = "".join(traceback.format_exception(e.value)) + repr(e.value)
        assert secret not in text and "vss:***@" in text
    wrong_user = pg_server.uri("postgres", user="nobody_here", password=secret)
    with pytest.raises(store_pg.StoreUnavailable) as e:
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
