"""The process figures of the load benchmark and the deploy load test (vss_harness.procs)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from vss_harness import procs


@pytest.fixture
def child():
    burn = "import time\nt = time.process_time() + 0.2\nwhile time.process_time() < t: pass\n"
    proc = subprocess.Popen([sys.executable, "-c", burn + "time.sleep(60)  # vss-procs-probe"])
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


def test_a_tree_holds_the_children_and_a_gone_process_has_none(child):
    assert procs.tree(os.getpid())[0] == os.getpid()
    assert child.pid in procs.tree(os.getpid())
    assert procs.tree(None) == []
    assert procs.child_with("vss-procs-probe") == child.pid
    child.kill()
    child.wait()
    assert procs.tree(child.pid) == []
    assert procs.rss_mb([child.pid]) == 0 and procs.cpu_s([child.pid]) == 0


def test_memory_and_cpu_are_counted(child):
    assert 1 < procs.rss_mb([os.getpid()]) < procs.rss_mb([os.getpid(), child.pid])
    start = procs.Cpu.now([child.pid])
    deadline = time.monotonic() + 30
    while procs.cpu_s([child.pid]) < 0.2 and time.monotonic() < deadline:
        time.sleep(0.05)  # the child burns 0.2 s of CPU before it sleeps
    used = procs.Cpu.now([child.pid]).since(start)
    assert used.wall > 0 and used.server >= 0 and used.clients >= 0 and used.other >= 0
    assert procs.cpu_s([child.pid]) >= 0.2 and procs.machine_busy_s() > 0
    assert sum(used.percent(os.cpu_count() or 1)) > 0
