"""A write killed at any point leaves the store loadable, equal to the store before or after the
write, never a mix; the next write cleans what the crash left.

Every call a write makes that touches the disk (os and shutil functions, Polars' write) is a
point. In-process, a `Killed` exception (a BaseException, so no clean-up handler of the store
runs, as after a real kill) stops the write just before point k, for every k. In a subprocess,
os._exit does the same for real, for every k of the common case.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from test_store import PLANS, SOURCES, legacy, obs

from vss_dash import store
from vss_dash.paths import ROOT

POINTS = (
    "open", "mkdir", "rmdir", "unlink", "rename", "replace", "symlink", "link", "chmod",
    "fsync", "write", "scandir",
)  # fmt: skip


class Killed(BaseException):
    pass


class Kill:
    """Patches every point; raises Killed just before the k-th (k=None: counts only)."""

    def __init__(self, k: int | None):
        self.k, self.count, self.saved = k, 0, []

    def _wrap(self, owner, attr):
        real = getattr(owner, attr)

        def wrapper(*args, **kwargs):
            self.count += 1
            if self.count == self.k:
                raise Killed(f"{attr} #{self.count}")
            return real(*args, **kwargs)

        self.saved.append((owner, attr, real))
        setattr(owner, attr, wrapper)

    def __enter__(self):
        for attr in POINTS:
            self._wrap(os, attr)
        self._wrap(pl.DataFrame, "write_parquet")
        return self

    def __exit__(self, *exc):
        for owner, attr, real in reversed(self.saved):
            setattr(owner, attr, real)


def snapshot(d: Path) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    s = store.load(d)
    return s.observations.collect(), s.plans, s.sources


def equal(a, b) -> bool:
    try:
        for x, y in zip(a, b, strict=True):
            assert_frame_equal(x, y)
    except AssertionError:
        return False
    return True


def no_leftovers(d: Path) -> None:
    assert not [p for p in d.iterdir() if p.name.endswith(".tmp")]
    gens = sorted(p.name for p in (d / "generations").iterdir())
    assert not [g for g in gens if g.startswith(".")], gens
    assert len(gens) <= 1 + store.KEEP_PREVIOUS
    for g in gens:
        assert sorted(p.name for p in (d / "generations" / g).iterdir()) == sorted(
            store.FILES.values()
        )


def make_with_history(d: Path) -> None:
    for i, g in enumerate("AB"):
        store.write(d, obs(value=float(i)), PLANS, SOURCES, generation_id=g)


def make_demo(d: Path) -> None:
    store.write(d, obs(value=1.0), PLANS, SOURCES, generation_id="demo")


SCENARIOS = {
    # a store with two earlier writes; a new generation C
    "new generation": (make_with_history, dict(generation_id="C", value=7.0)),
    # the earlier layout (three files at the top), converted by the write
    "earlier layout": (lambda d: legacy(d, 1.0, "L"), dict(generation_id="C", value=7.0)),
    # the current generation rewritten under its own id (the demo regenerated)
    "same id rewritten": (make_demo, dict(generation_id="demo", value=7.0)),
}


def the_write(d: Path, generation_id: str, value: float) -> None:
    store.write(d, obs(value=value), PLANS, SOURCES, generation_id=generation_id)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_write_killed_at_any_point_leaves_the_old_or_the_new_store(tmp_path, scenario):
    make, args = SCENARIOS[scenario]
    template = tmp_path / "template"
    make(template)
    before = snapshot(template)
    done = tmp_path / "done"
    shutil.copytree(template, done, symlinks=True)
    with Kill(None) as count:
        the_write(done, **args)
    after = snapshot(done)
    assert not equal(before, after)
    points = count.count
    assert points > 10
    seen = {"before": 0, "after": 0}
    for k in range(1, points + 1):
        d = tmp_path / f"k{k}"
        shutil.copytree(template, d, symlinks=True)
        with Kill(k), pytest.raises(Killed):
            the_write(d, **args)
        now = snapshot(d)  # loads and validates: never "store invalid"
        state = "before" if equal(now, before) else "after" if equal(now, after) else "mixed"
        assert state != "mixed", f"killed before point {k}"
        seen[state] += 1
        # the next write recovers by itself and leaves nothing of the crash behind
        store.write(d, obs(value=9.0), PLANS, SOURCES, generation_id="R")
        assert store.load(d).observations.collect().item(0, "value") == 9.0
        no_leftovers(d)
        shutil.rmtree(d)
    assert seen["before"] and seen["after"], seen  # the switch happened somewhere in between


CHILD = """
import os, sys
import polars as pl
from pathlib import Path
from vss_dash import store
points = {points!r}
k, count = int(sys.argv[2]), [0]
def wrap(owner, attr):
    real = getattr(owner, attr)
    def wrapper(*a, **kw):
        count[0] += 1
        if count[0] == k:
            os._exit(77)
        return real(*a, **kw)
    setattr(owner, attr, wrapper)
new = [pl.read_parquet(Path(sys.argv[3]) / f) for f in ("o", "p", "s")]
for attr in points:
    wrap(os, attr)
wrap(pl.DataFrame, "write_parquet")
store.write(Path(sys.argv[1]), *new, generation_id="C")
os._exit(0)
"""


def test_a_process_killed_at_any_point_of_a_write(tmp_path):
    """The real thing: a process that writes the store dies (os._exit) before each point."""
    template = tmp_path / "template"
    make_with_history(template)
    before = snapshot(template)
    frames = tmp_path / "frames"
    frames.mkdir()
    for df, f in ((obs(value=7.0), "o"), (PLANS, "p"), (SOURCES, "s")):
        df.write_parquet(frames / f)
    # the calls that change the disk (the in-process test above also stops at opens and syncs)
    changing = ("mkdir", "rmdir", "unlink", "rename", "replace", "symlink", "link", "write")
    script = CHILD.format(points=changing)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outcomes = []
    for k in range(1, 200):
        d = tmp_path / f"k{k}"
        shutil.copytree(template, d, symlinks=True)
        run = subprocess.run(
            [sys.executable, "-c", script, str(d), str(k), str(frames)], env=env, timeout=60
        )
        assert run.returncode in (0, 77)
        now = snapshot(d)
        if equal(now, before):
            outcomes.append("before")
        else:
            assert now[0].item(0, "value") == 7.0 and store.load(d).generation == "C"
            outcomes.append("after")
        store.write(d, obs(value=9.0), PLANS, SOURCES)
        no_leftovers(d)
        shutil.rmtree(d)
        if run.returncode == 0:
            break
    else:
        pytest.fail("the write never finished")
    # killed before the switch: the old store; after it: the new one; nothing else
    switch = outcomes.index("after")
    assert set(outcomes[:switch]) == {"before"} and set(outcomes[switch:]) == {"after"}
    assert switch > 5
