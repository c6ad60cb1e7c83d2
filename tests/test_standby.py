"""The PostgreSQL store with a hot standby (issue 27), against real local servers: a primary and
a streaming standby of it (vss_harness.postgres.standby). Reads go to the standby, writes to
the primary through one URI (`target_session_attrs`); the primary killed mid-import leaves the
standby showing the last whole generation, an import during the outage is refused with the
bilingual PrimaryUnavailable message (no traceback from the CLI), and once the primary is back,
or the standby promoted, imports land again with nothing lost or mixed. Skipped where
PostgreSQL's binaries are missing."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import paused_writer
import polars as pl
import pytest
from test_store import PLANS, SOURCES, obs

from vss_dash import cli, ingest, store
from vss_dash.store import postgres
from vss_harness import postgres as harness
from vss_harness.ingest_files import Wide

pytestmark = pytest.mark.skipif(harness.missing() is not None, reason=str(harness.missing()))

SEP_2024 = date(2024, 9, 30)
VI, EN = "Không kết nối được máy chủ chính", "The store's primary server"


@pytest.fixture
def servers():
    """A durable primary (no committed transaction lost to a kill) and its hot standby, with the
    store's roles granted: (primary, standby, database, viewer, writer)."""
    with harness.replicated("vss_" + uuid.uuid4().hex[:8]) as r:
        yield r.primary, r.standby, r.database, harness.VIEWER, harness.WRITER


def both(primary, standby, database, user) -> str:
    """The URI a replica uses: reads on the standby, writes on whichever server takes them."""
    return harness.multi_uri([standby, primary], database, user, target="prefer-standby")


def add(value: float):
    """An import's change: one more vintage of the one observation, at `value`."""

    def change(o, p, s):
        new = obs(value=value, vintage=datetime(2026, 1, int(value), tzinfo=UTC))
        return pl.concat([o, new.select(o.columns)]), p, s

    return change


def test_reads_go_to_the_standby_and_writes_to_the_primary(servers):
    primary, standby, database, viewer, writer = servers
    uri = both(primary, standby, database, writer)
    store.write(uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    standby.wait_caught_up(primary)
    on_standby = standby.uri(database, user=viewer)
    s = store.load(on_standby)
    assert s.generation == "A" and s.observations.collect().item(0, "value") == 1.0
    assert store.token(on_standby)[0] == "A"
    entry = {"time": "t", "outcome": "stored", "by": "web:ana@vss.gov.vn", "file": "r.csv",
             "sha256": "ab", "stored": 1, "revised": 0}  # fmt: skip
    postgres.append_log(uri, entry)
    standby.wait_caught_up(primary)
    assert [e["file"] for e in ingest.log(on_standby)] == ["r.csv"]  # the log, read-only
    # the replica's URI reads on the standby: a read is one snapshot there too
    with postgres._connection(uri) as conn, conn.cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery()")
        assert cur.fetchone()[0] is True
    # a write given the standby alone finds no server that takes it: refused, saying why
    with pytest.raises(postgres.PrimaryUnavailable) as e:
        store.update(standby.uri(database, user=writer), add(2.0))
    assert str(e.value).startswith(VI) and EN in str(e.value)
    assert postgres.generations(primary.uri(database)) == ["A"]


def test_the_primary_killed_mid_import_then_back(servers):
    primary, standby, database, viewer, writer = servers
    uri = both(primary, standby, database, writer)
    on_standby = standby.uri(database, user=viewer)
    store.write(uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    standby.wait_caught_up(primary)
    token = store.token(on_standby)
    with paused_writer.start(uri, "B", 9.0) as p:  # inside its transaction
        assert p.stdout is not None
        primary.stop()  # a crash: every server process ends at once, mid-transaction
        paused_writer.go(p)
        ended = p.stdout.read()
    assert ended.startswith(f"PrimaryUnavailable {VI}"), ended
    # pages: the standby still serves the last whole generation
    for where in (on_standby, uri):
        s = store.load(where)
        assert s.generation == "A" and s.observations.collect()["value"].to_list() == [1.0]
    assert store.token(on_standby) == token
    # an import during the outage is refused with the bilingual message, and changes nothing
    with pytest.raises(postgres.PrimaryUnavailable) as e:
        store.update(uri, add(2.0), generation_id="C")
    assert str(e.value).startswith(VI) and EN in str(e.value) and "***" not in str(e.value)
    # the primary back: the standby follows it again, and the next import lands on A
    primary.start()
    tables = store.update(uri, add(2.0), generation_id="C")
    standby.wait_caught_up(primary)
    s = store.load(on_standby)
    assert s.generation == "C"
    assert sorted(s.observations.collect()["value"].to_list()) == [1.0, 2.0]  # A's row kept
    assert tables[0].height == 2
    assert postgres.generations(primary.uri(database)) == ["A", "C"]  # B left nothing


def test_a_promoted_standby_takes_the_imports(servers):
    primary, standby, database, viewer, writer = servers
    uri = both(primary, standby, database, writer)
    store.write(uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    standby.wait_caught_up(primary)
    primary.stop()
    with pytest.raises(postgres.PrimaryUnavailable):
        store.update(uri, add(2.0), generation_id="B")
    standby.promote()  # the same URI now finds a server that takes writes: the old standby
    store.update(uri, add(2.0), generation_id="B")
    s = store.load(standby.uri(database, user=viewer))
    assert s.generation == "B"
    assert sorted(s.observations.collect()["value"].to_list()) == [1.0, 2.0]
    assert postgres.generations(standby.uri(database)) == ["A", "B"]


def test_the_cli_import_during_the_outage_says_why_without_a_traceback(
    servers, demo_store, frames, tmp_path, capsys
):
    primary, standby, database, viewer, writer = servers
    uri = both(primary, standby, database, writer)
    o = demo_store.observations.collect()
    store.write(uri, o, demo_store.plans, demo_store.sources, generation_id="demo-1")
    standby.wait_caught_up(primary)
    report = tmp_path / "thang9.csv"
    wide = Wide.from_store(frames, SEP_2024)
    wide.rows["Hà Nội"]["hi_participants"] += 1000
    report.write_bytes(wide.csv_bytes())
    primary.stop()
    assert cli.main(["ingest", str(report), "--store", uri]) == 1
    out, err = capsys.readouterr()
    assert VI in err and EN in err and "Traceback" not in out + err
    assert "nothing stored" in out
    primary.start()
    assert cli.main(["ingest", str(report), "--store", uri]) == 0
    standby.wait_caught_up(primary)
    after = store.load(standby.uri(database, user=viewer)).observations.collect()
    assert after.height == o.height + 63 * 7  # one import, whole


def test_the_data_page_import_during_the_outage_says_why_then_lands(
    servers, demo_store, frames, monkeypatch
):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from vss_dash import access, i18n
    from vss_dash.ui import data_import, data_page

    primary, standby, database, viewer, writer = servers
    uri = both(primary, standby, database, writer)
    o = demo_store.observations.collect()
    store.write(uri, o, demo_store.plans, demo_store.sources, generation_id="demo-1")
    standby.wait_caught_up(primary)
    monkeypatch.setenv("VSS_STORE", uri)
    monkeypatch.delenv("VSS_UPLOAD_SECRET", raising=False)
    monkeypatch.delenv("VSS_UPLOAD_ENABLED", raising=False)
    monkeypatch.setattr(data_import, "_SECRET_ATTEMPTS", access.Attempts(limit=5, window=300.0))
    wide = Wide.from_store(frames, SEP_2024)
    wide.rows["Hà Nội"]["si_voluntary"] += 1234
    root = Path(__file__).resolve().parent.parent
    at = AppTest.from_file(str(root / "views" / "data.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.secrets["upload"] = {"enabled": True}
    at.session_state[data_page.TAB_KEY] = i18n.t("tab_upload", "en")  # only the open tab runs
    at.run()
    at.file_uploader[0].set_value(("thang9.csv", wide.csv_bytes(), "text/csv")).run()
    assert not at.exception
    primary.stop()
    at.button(key="up_store").click().run()
    assert not at.exception
    assert any(VI in c.value and EN in c.value for c in at.code), [c.value for c in at.code]
    assert store.load(uri).generation == "demo-1"  # the page's reads: the standby, unchanged
    primary.start()
    at.button(key="up_store").click().run()
    assert not at.exception
    assert [s.value for s in at.success if "441" in s.value], [s.value for s in at.success]
    standby.wait_caught_up(primary)
    assert store.load(uri).observations.collect().height == o.height + 63 * 7
