"""The data manager (vss_dash.data) and the reference files' release (vss_dash.reference): one
token for every cache, a new generation or release seen on the next call, frames read once and
shared read-only."""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import polars as pl
import pytest

from vss_dash import data, geo, metrics, published, reference, store
from vss_dash.paths import store_dir

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def own_reference(tmp_path, monkeypatch):
    """The reference files as copies in tmp_path that a test may change (a new release)."""
    copies = {}
    for name, p in reference.FILES.items():
        copies[name] = tmp_path / p.name
        shutil.copy(p, copies[name])
        monkeypatch.setitem(reference.FILES, name, copies[name])
    reference.recheck()
    yield copies
    monkeypatch.undo()
    reference.recheck()  # the next test reads the real files at once, not a second later


def new_release(p: Path, old: str, new: str) -> None:
    text = p.read_text(encoding="utf-8")
    assert old in text
    before = p.stat().st_mtime_ns
    p.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(p, ns=(before + 10**9, before + 10**9))  # a later time even on a coarse clock
    reference.recheck()


def test_every_dataset_has_a_name_and_a_kind():
    assert data.DATASETS["observations"] == "store"
    assert {n for n, k in data.DATASETS.items() if k == "reference"} == set(reference.FILES)
    assert all(p.is_file() for p in reference.FILES.values())
    with pytest.raises(KeyError, match="known: provinces"):
        reference.path("province")


def test_a_new_release_of_a_reference_file_is_read_on_the_next_call(own_reference):
    hanoi = geo.match_province("Hà Nội", "P34")
    assert geo.province_name("P34", hanoi) == "Hà Nội"
    figures = len(published.figures())
    new_release(own_reference["provinces"], "Hà Nội,", "Hà Nội mới,")
    assert geo.province_name("P34", hanoi) == "Hà Nội mới"
    # a figure added to a release's published file is a figure the next call returns
    more = own_reference["published_more"]
    last = more.read_text(encoding="utf-8").splitlines()[-1]
    with more.open("a", encoding="utf-8") as f:
        f.write(last + "\n")
    os.utime(more, ns=(more.stat().st_mtime_ns + 10**9,) * 2)
    reference.recheck()
    assert len(published.figures()) == figures + 1


def test_the_release_is_looked_at_again_only_after_a_second(own_reference):
    clock = [1000.0]
    first = reference.release(lambda: clock[0])
    new_release(own_reference["events"], "20", "19")
    seen = reference.recheck()
    assert seen != first
    p = own_reference["targets"]
    os.utime(p, ns=(p.stat().st_mtime_ns + 10**9,) * 2)
    clock[0] += 10**6  # far past recheck(): a later look
    later = reference.release(lambda: clock[0])
    assert later != seen
    clock[0] += reference.RECHECK_S / 2
    os.utime(p, ns=(p.stat().st_mtime_ns + 10**9,) * 2)
    assert reference.release(lambda: clock[0]) is later  # within the second: not looked at


@pytest.fixture
def tmp_store(tmp_path: Path) -> Path:
    d = tmp_path / "store"
    shutil.copytree(store_dir(), d, ignore=shutil.ignore_patterns("ingest_log.jsonl", ".*"))
    return d


def test_one_token_changes_with_the_generation_and_with_the_release(tmp_store, own_reference):
    first = data.token(tmp_store)
    assert data.token(tmp_store) == first
    s = store.load(tmp_store)
    store.write(tmp_store, s.observations.collect(), s.plans, s.sources)
    after_import = data.token(tmp_store)
    assert after_import[0] != first[0] and after_import[1] == first[1]
    new_release(own_reference["targets"], "2025", "2025")  # same text, a new file time
    after_release = data.token(tmp_store)
    assert after_release[0] == after_import[0] and after_release[1] != after_import[1]
    assert len({data.key_of(t) for t in (first, after_import, after_release)}) == 3


def test_frames_are_read_once_per_token_and_shared(tmp_store, monkeypatch):
    loads = []
    real = store.load

    def counting(where=None, validate=True):
        loads.append(where)
        return real(where, validate)

    monkeypatch.setattr(store, "load", counting)
    got: list[metrics.Frames] = []
    threads = [
        threading.Thread(target=lambda: got.append(data.frames(tmp_store))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(loads) == 1 and all(f is got[0] for f in got)
    fr = got[0]
    assert fr.key == data.key_of(data.token(tmp_store)) and fr.cache_key() == fr.key
    assert fr.version == real(tmp_store).generation
    # a new generation: read once more, under another key; the old frames stay as they were
    s = real(tmp_store)
    store.write(tmp_store, s.observations.collect(), s.plans, s.sources)
    again = data.frames(tmp_store)
    assert len(loads) == 2 and again is not fr and again.key != fr.key
    assert again.version != fr.version


# Polars frames are shared between sessions by the caches above; none of the project's code may
# change one in place (these are the polars calls that do; DataFrame.extend is left out, as a
# list's extend would match it).
IN_PLACE = re.compile(
    r"\.(insert_column|replace_column|drop_in_place)\("
    r"|\.columns\s*=[^=]|\bin_place\s*=\s*True"
)


def test_no_code_changes_a_polars_frame_in_place():
    found = []
    for py in sorted([*(ROOT / "vss_dash").rglob("*.py"), *(ROOT / "views").rglob("*.py")]):
        for n, line in enumerate(py.read_text(encoding="utf-8").splitlines(), 1):
            if IN_PLACE.search(line):
                found.append(f"{py.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "\n".join(found)
    # the pattern finds what it is for
    assert IN_PLACE.search("df.columns = ['a']") and IN_PLACE.search("df.insert_column(0, s)")
    assert not IN_PLACE.search("df.columns == ['a']")
    assert pl.DataFrame({"a": [1]}).columns == ["a"]


def test_the_warm_up_reads_the_store_once_for_the_first_visitor(tmp_store, monkeypatch, caplog):
    monkeypatch.setenv("VSS_DATA_DIR", str(tmp_store))
    data.clear()
    assert data.warm(("si_coverage_rate",)) > 0
    real, loads = store.load, []
    monkeypatch.setattr(store, "load", lambda *a, **k: loads.append(a))
    fr = data.frames()
    assert loads == [] and ("resolve", "si_coverage_rate", "P34", True) in fr._memo
    # a store that cannot be read is logged, never raised: the pages say so themselves
    monkeypatch.setattr(store, "load", real)
    monkeypatch.setenv("VSS_DATA_DIR", str(tmp_store / "missing"))
    data.warm(("si_coverage_rate",))
    assert "could not be read" in caplog.text
