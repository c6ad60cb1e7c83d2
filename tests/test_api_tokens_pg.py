"""Personal API tokens on the PostgreSQL store (vss_dash/store/postgres_tokens.py) against a
throwaway server (skipped, saying why, without one): made, verified, revoked and expired as on
Parquet, only the hash stored; the table made with the schema and for a schema that predates it;
and the grants: the pages' role (viewer) inserts tokens and updates their `revoked` and
`last_used`, and may write nothing else, neither another column nor another table."""

from __future__ import annotations

import subprocess
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from test_store import PLANS, SOURCES, obs

from vss_dash import api_tokens, store
from vss_dash.store import postgres

OWNER = "http://localhost:9400 ana-1"
T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def _database(uri: str) -> str:
    return uri.split("@/", 1)[1].split("?", 1)[0]


def test_tokens_on_postgresql(pg_uri, pg_server):
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    assert api_tokens.owned(OWNER, pg_uri) == []
    secret, token = api_tokens.make(OWNER, "R – monthly", "analyst", days=30, where=pg_uri, now=T0)
    stored = pg_server.psql("SELECT * FROM vss.api_tokens", database=_database(pg_uri))
    assert secret not in stored and secret[4:] not in stored and api_tokens.digest(secret) in stored
    got = api_tokens.verify(secret, where=pg_uri, now=T0 + timedelta(hours=2))
    assert (got.id, got.role, got.label, got.created) == (token.id, "analyst", "R – monthly", T0)
    [listed] = api_tokens.owned(OWNER, pg_uri)
    assert listed.last_used == T0 + timedelta(hours=2) and listed.expires == T0 + timedelta(30)
    with pytest.raises(api_tokens.Refused, match="expired"):
        api_tokens.verify(secret, where=pg_uri, now=T0 + timedelta(days=30))
    with pytest.raises(api_tokens.Refused, match="unknown"):
        api_tokens.verify(api_tokens.new_secret(), where=pg_uri, now=T0)
    assert not api_tokens.revoke("someone else", token.id, pg_uri)
    assert api_tokens.revoke(OWNER, token.id, pg_uri, now=T0 + timedelta(hours=3))
    with pytest.raises(api_tokens.Refused, match="revoked"):
        api_tokens.verify(secret, where=pg_uri, now=T0 + timedelta(hours=4))


def test_a_database_without_a_store_has_no_tokens(pg_uri):
    with pytest.raises(api_tokens.Refused, match="unknown"):
        api_tokens.verify(api_tokens.new_secret(), where=pg_uri)
    assert api_tokens.owned(OWNER, pg_uri) == []


def test_a_schema_that_predates_the_tokens_gets_their_table(pg_uri, pg_server):
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    database = _database(pg_uri)
    pg_server.psql("DROP TABLE vss.api_tokens", database=database)
    postgres.create_schema(pg_uri)
    assert pg_server.psql("SELECT to_regclass('vss.api_tokens')", database=database).strip()


def test_the_viewer_writes_the_tokens_table_and_nothing_else(pg_server, pg_uri):
    viewer, writer = (f"vss_{who}_{uuid.uuid4().hex[:8]}" for who in ("viewer", "writer"))
    pg_server.psql(f"CREATE ROLE {viewer} LOGIN")
    pg_server.psql(f"CREATE ROLE {writer} LOGIN")
    store.write(pg_uri, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    postgres.grant(pg_uri, viewer=viewer, writer=writer)
    database = _database(pg_uri)
    as_viewer = pg_server.uri(database, user=viewer)

    # the pages, as the viewer: make, use (last use written), list and revoke a token
    secret, token = api_tokens.make(OWNER, "x", "leadership", where=as_viewer)
    assert api_tokens.verify(secret, where=as_viewer).role == "leadership"
    assert api_tokens.owned(OWNER, as_viewer)[0].last_used is not None
    assert api_tokens.revoke(OWNER, token.id, as_viewer)

    # what the viewer may write, table by table: the tokens only, and only some columns
    rows = pg_server.psql(
        "SELECT c.relname, p.priv FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "CROSS JOIN unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p(priv) "
        f"WHERE n.nspname = 'vss' AND c.relkind IN ('r', 'v') "
        f"AND (has_table_privilege('{viewer}', c.oid, p.priv) "
        f"OR (p.priv = 'UPDATE' AND has_any_column_privilege('{viewer}', c.oid, 'UPDATE'))) "
        "ORDER BY 1, 2",
        database=database,
    )
    assert rows.split() == ["api_tokens|INSERT", "api_tokens|UPDATE"]
    for column in ("revoked", "last_used"):
        assert (
            pg_server.psql(
                f"SELECT has_column_privilege('{viewer}', 'vss.api_tokens', '{column}', 'UPDATE')",
                database=database,
            ).strip()
            == "t"
        )
    for sql in (
        "DELETE FROM vss.api_tokens",
        "UPDATE vss.api_tokens SET role = 'analyst'",
        "UPDATE vss.api_tokens SET expires = now() + interval '10 years'",
        "UPDATE vss.api_tokens SET owner = 'someone else'",
        "INSERT INTO vss.generations (id) VALUES ('x')",
        "UPDATE vss.current_generation SET id = 'x'",
        "CREATE TABLE vss.mine (x int)",
    ):
        with pytest.raises(subprocess.CalledProcessError):
            pg_server.psql(sql, database=database, user=viewer)
    # the writer (imports) reads and writes the tokens like any table
    as_writer = pg_server.uri(database, user=writer)
    assert [t.id for t in api_tokens.owned(OWNER, as_writer)] == [token.id]
