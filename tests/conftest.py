"""Shared fixtures: the committed demo store, loaded once."""

from __future__ import annotations

import pytest

from vss_dash import metrics, store


@pytest.fixture(scope="session")
def demo_store() -> store.Store:
    return store.load()


@pytest.fixture(scope="session")
def frames(demo_store: store.Store) -> metrics.Frames:
    return metrics.Frames.from_store(demo_store)


# ---------------------------------------------------------------- the store on PostgreSQL


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server for the session (vss_harness.postgres); the tests that
    need it are skipped, saying why, where Debian's postgresql package is missing."""
    from vss_harness import postgres

    why = postgres.missing()
    if why:
        pytest.skip(f"no PostgreSQL server for the store's tests: {why}")
    with postgres.server() as server:
        yield server


@pytest.fixture
def pg_uri(pg_server, request) -> str:
    """A new empty database on the session's server, as the superuser's URI."""
    import re
    import uuid

    name = re.sub(r"[^a-z0-9_]", "_", request.node.name.lower())[:40] + "_" + uuid.uuid4().hex[:6]
    return pg_server.create_database(name)


@pytest.fixture(params=["parquet", "postgresql"])
def store_at(request, tmp_path) -> str | object:
    """Where a store test writes: a new Parquet directory, or a new PostgreSQL database."""
    if request.param == "parquet":
        return tmp_path / "store"
    return request.getfixturevalue("pg_uri")
