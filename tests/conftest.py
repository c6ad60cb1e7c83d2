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
