"""store.update, the read-modify-write as one step, on both backends (the `store_at` fixture):
two updates at once each add their row and neither is lost; a change that raises or breaks a rule
writes nothing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import polars as pl
import pytest
from test_store import PLANS, SOURCES, obs

from vss_dash import store


def _add(geo_code: str, entered: threading.Event | None = None,
         go: threading.Event | None = None):  # fmt: skip
    """A change that adds one observation for `geo_code`; it signals `entered` once it has the
    current tables and waits for `go` before returning them."""
    seen: list[int] = []

    def change(o: pl.DataFrame, p: pl.DataFrame, s: pl.DataFrame) -> store.Tables:
        seen.append(o.height)
        if entered is not None:
            entered.set()
        if go is not None:
            assert go.wait(timeout=30)
        return pl.concat([o, obs(geo_code=geo_code)]), p, s

    change.seen = seen  # type: ignore[attr-defined]
    return change


def _codes(where) -> list[str]:
    return sorted(store.load(where).observations.collect()["geo_code"].to_list())


def test_an_update_on_an_empty_store_starts_from_empty_tables(store_at):
    seen = []

    def change(o, p, s):
        seen.append((o.height, p.height, s.height, o.schema == store.OBS_SCHEMA))
        return obs(), PLANS, SOURCES

    written = store.update(store_at, change)
    assert seen == [(0, 0, 0, True)]
    assert written[0].height == 1
    assert _codes(store_at) == ["01"]


def test_two_concurrent_updates_both_land(store_at):
    store.write(store_at, obs(geo_code="01"), PLANS, SOURCES)
    entered, go = threading.Event(), threading.Event()
    first = _add("02", entered, go)
    second = _add("04")
    errors: list[BaseException] = []

    def run(change):
        try:
            store.update(store_at, change)
        except BaseException as e:  # noqa: BLE001 - reported by the test below
            errors.append(e)

    a = threading.Thread(target=run, args=(first,), daemon=True)
    a.start()
    assert entered.wait(timeout=30), "the first update did not read the store"
    b = threading.Thread(target=run, args=(second,), daemon=True)
    b.start()
    b.join(timeout=1.0)
    assert b.is_alive(), "the second update did not wait for the first"
    assert second.seen == []  # it has not read yet: it would read the store without 02
    go.set()
    a.join(timeout=30)
    b.join(timeout=30)
    assert not errors and not a.is_alive() and not b.is_alive()
    assert first.seen == [1] and second.seen == [2]  # the second read the first's row
    assert _codes(store_at) == ["01", "02", "04"]


def test_a_change_that_raises_writes_nothing(store_at):
    store.write(store_at, obs(), PLANS, SOURCES, generation_id="A")
    token = store.token(store_at)

    def change(o, p, s):
        raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError, match="the change failed"):
        store.update(store_at, change)
    assert store.token(store_at) == token and store.load(store_at).generation == "A"
    store.update(store_at, _add("02"))  # the lock was released
    assert _codes(store_at) == ["01", "02"]


def test_a_change_that_breaks_a_rule_writes_nothing(store_at):
    store.write(store_at, obs(), PLANS, SOURCES, generation_id="A")
    token = store.token(store_at)
    later = datetime(2026, 3, 1, tzinfo=UTC)

    def change(o, p, s):
        return pl.concat([o, obs(value=-1.0, vintage=later)]), p, s

    with pytest.raises(store.StoreInvalid) as e:
        store.update(store_at, change)
    assert [p.rule for p in e.value.problems] == ["non_negative"]
    assert store.token(store_at) == token
    s = store.load(store_at)
    assert s.generation == "A" and s.observations.collect().height == 1
