"""Imports into the PostgreSQL store (issue 19): a provincial report is stored as a new vintage
in one transaction with its log entry (vss.ingest_log, read back as the JSONL log's entries); a
refusal is logged on its own; an import from a second host (another process) waits for the first
and both land; the CLI and the Data page import into a database named by VSS_STORE."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import threading
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from vss_dash import access, cli, i18n, ingest, metrics, store
from vss_dash.paths import store_dir
from vss_dash.store import postgres
from vss_dash.ui import data_import, data_page
from vss_harness.ingest_files import Wide

SEP_2024 = date(2024, 9, 30)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wide(frames) -> Wide:
    return Wide.from_store(frames, SEP_2024)


@pytest.fixture
def pg_store(pg_uri, demo_store) -> str:
    """The demo store written to a new database."""
    store.write(pg_uri, demo_store.observations.collect(), demo_store.plans, demo_store.sources,
                generation_id="demo-1")  # fmt: skip
    return pg_uri


def _vintages(uri: str) -> list:
    obs = store.load(uri).observations.collect()
    return ingest.vintages(obs, SEP_2024)["vintage"].to_list()


def test_a_report_is_stored_as_a_new_vintage_and_logged_as_on_parquet(
    frames, wide, pg_store, tmp_path
):
    w = Wide(SEP_2024, {k: dict(v) for k, v in wide.rows.items()})
    w.rows["Hà Nội"]["hi_participants"] += 1000
    report = ingest.read(w.csv_bytes(), "thang9.csv", frames=frames)
    assert report.ok
    now = datetime(2026, 11, 20, 8, 0)
    before = store.load(pg_store).observations.collect().height
    stored = ingest.commit(report, pg_store, by="test", now=now)
    after = store.load(pg_store)  # validates the whole store
    assert after.observations.collect().height == before + 63 * 7
    assert (stored.rows, stored.revised) == (63 * 7, 63 * 7)
    fr = metrics.Frames.from_store(after)
    assert metrics.value_at(fr, "hi_participants", "P63", "01", SEP_2024) == (
        wide.rows["Hà Nội"]["hi_participants"] + 1000
    )
    assert _vintages(pg_store)[0] == stored.vintage and len(_vintages(pg_store)) == 2
    src = after.sources.filter(pl.col("source_id") == stored.source_id)
    assert report.sha256 in src["reference"].item()
    # the same entry as the Parquet store's log for the same import
    d = tmp_path / "store"
    shutil.copytree(store_dir(), d, ignore=shutil.ignore_patterns("ingest_log.jsonl", ".*"))
    on_parquet = ingest.commit(report, d, by="test", now=now)
    assert on_parquet == stored
    entries = ingest.log(pg_store)
    assert isinstance(entries, ingest.LogEntries) and len(entries) == 1
    assert entries == ingest.log(d)
    assert (entries.skipped, entries.truncated, entries.unsafe) == (0, False, "")


def test_a_refusal_is_logged_and_a_refused_commit_writes_nothing(frames, wide, pg_store,
                                                                 monkeypatch):  # fmt: skip
    bad = ingest.read(b"nonsense", "b.csv", frames=frames)
    assert ingest.log_refusal(bad, pg_store, by="test")
    token = store.token(pg_store)
    report = ingest.read(wide.csv_bytes(), "a.csv", frames=frames)

    def broken(o, p, s):  # a store that would break a rule once the values are added
        o = o.with_columns(value=pl.when(pl.col("source_id").str.starts_with("ingest_"))
                           .then(-1.0).otherwise(pl.col("value")))  # fmt: skip
        return o, p, s

    real = store.schema.prepare
    monkeypatch.setattr(store.schema, "prepare", lambda o, p, s: real(*broken(o, p, s)))
    with pytest.raises(store.StoreInvalid):
        ingest.commit(report, pg_store, by="test")
    assert store.token(pg_store) == token  # no generation written
    assert [e["outcome"] for e in ingest.log(pg_store)] == ["refused", "refused"]
    assert [e["file"] for e in ingest.log(pg_store)] == ["b.csv", "a.csv"]


# an import from a "second host": another process, paused inside its transaction
SECOND_HOST = textwrap.dedent(
    """
    import sys
    from vss_dash import cli
    from vss_dash.store import postgres
    real = postgres._insert
    def pause(*args, **kwargs):
        print("inside", flush=True)
        assert sys.stdin.readline().strip() == "go"
        return real(*args, **kwargs)
    postgres._insert = pause
    sys.exit(cli.main(["ingest", sys.argv[2], "--store", sys.argv[1]]))
    """
)


def test_an_import_from_a_second_host_is_serialised_and_both_land(frames, wide, pg_store,
                                                                  tmp_path):  # fmt: skip
    first_file = tmp_path / "host1.csv"
    first_file.write_bytes(wide.csv_bytes())
    w = Wide(SEP_2024, {k: dict(v) for k, v in wide.rows.items()})
    w.rows["Hà Nội"]["si_voluntary"] += 7
    second = ingest.read(w.csv_bytes(), "host2.csv", frames=frames)
    with subprocess.Popen(
        [sys.executable, "-c", SECOND_HOST, pg_store, str(first_file)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
    ) as p:  # fmt: skip
        assert p.stdin is not None and p.stdout is not None
        out = ""
        for line in p.stdout:
            out += line
            if line.strip() == "inside":
                break
        assert out.endswith("inside\n"), out
        done: list = []
        t = threading.Thread(target=lambda: done.append(ingest.commit(second, pg_store, by="h2")),
                             daemon=True)  # fmt: skip
        t.start()
        t.join(timeout=1.5)
        assert t.is_alive(), "the second import did not wait for the first"
        p.stdin.write("go\n")
        p.stdin.flush()
        rest = p.stdout.read()
        assert p.wait(timeout=60) == 0, rest
        assert "stored 441 values in postgresql://" in rest
    t.join(timeout=60)
    assert done and done[0].rows == 441
    assert done[0].revised == 441  # it read the first import's rows (and the demo's)
    obs = store.load(pg_store).observations.collect()
    sources = obs.filter(pl.col("period") == SEP_2024)["source_id"].unique()
    assert sources.str.starts_with("ingest_").sum() == 2  # both imports' values are there
    assert len(_vintages(pg_store)) == 3
    log = ingest.log(pg_store)
    assert [(e["outcome"], e["file"]) for e in log] == [
        ("stored", "host1.csv"), ("stored", "host2.csv")
    ]  # fmt: skip
    fr = metrics.Frames.from_store(store.load(pg_store))
    assert (
        metrics.value_at(fr, "si_voluntary", "P63", "01", SEP_2024)
        == (w.rows["Hà Nội"]["si_voluntary"])
    )


def test_cli_ingest_into_a_database_never_prints_its_password(pg_server, wide, tmp_path,
                                                              capsys):  # fmt: skip
    path = tmp_path / "r.csv"
    path.write_bytes(wide.csv_bytes())
    uri = "postgresql://vss:s3cret-pw@127.0.0.1:1/nowhere"
    assert cli.main(["ingest", str(path), "--store", uri]) == 1
    out, err = capsys.readouterr()
    assert "s3cret-pw" not in out + err and "postgresql://vss:***@127.0.0.1:1/nowhere" in err


def test_the_data_page_imports_into_the_database(frames, wide, pg_store, monkeypatch):
    monkeypatch.setenv("VSS_STORE", pg_store)
    monkeypatch.delenv("VSS_UPLOAD_SECRET", raising=False)
    monkeypatch.delenv("VSS_UPLOAD_ENABLED", raising=False)
    monkeypatch.setattr(data_import, "_SECRET_ATTEMPTS", access.Attempts(limit=5, window=300.0))
    w = Wide(SEP_2024, {k: dict(v) for k, v in wide.rows.items()})
    w.rows["Hà Nội"]["si_voluntary"] += 1234
    at = AppTest.from_file(str(ROOT / "views" / "data.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.secrets["upload"] = {"enabled": True}
    at.session_state[data_page.TAB_KEY] = i18n.t("tab_upload", "en")  # only the open tab runs
    at.run()
    at.file_uploader[0].set_value(("thang9.csv", w.csv_bytes(), "text/csv")).run()
    assert not at.exception
    at.button(key="up_store").click().run()
    assert not at.exception
    assert [s.value for s in at.success if "441" in s.value], [s.value for s in at.success]
    fr = metrics.Frames.from_store(store.load(pg_store))
    assert (
        metrics.value_at(fr, "si_voluntary", "P63", "01", SEP_2024)
        == (w.rows["Hà Nội"]["si_voluntary"])
    )
    entry = ingest.log(pg_store)[-1]
    assert (entry["outcome"], entry["file"]) == ("stored", "thang9.csv")
    assert entry["by"].startswith("web:open-demo:")
    at.session_state[data_page.TAB_KEY] = i18n.t("tab_quality", "en")
    at.run()
    assert "September 2024" in at.selectbox(key="revision_month").options  # two vintages now


def test_the_log_table_is_made_for_a_schema_that_predates_it(pg_store, frames):
    with postgres._connection(pg_store) as conn, conn.cursor() as cur:
        cur.execute(f"DROP TABLE {postgres.SCHEMA}.ingest_log")
        conn.commit()
    assert ingest.log(pg_store) == []
    assert ingest.log_refusal(ingest.read(b"x", "x.csv", frames=frames), pg_store)
    assert [e["file"] for e in ingest.log(pg_store)] == ["x.csv"]
