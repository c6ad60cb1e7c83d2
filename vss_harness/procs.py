"""Process figures for the load benchmark (bench/load.py) and the deploy load test: the processes
under a pid, their resident memory and CPU seconds, and where a run's CPU went (psutil).

A process that ends while it is read counts as gone (no memory, no CPU), never as an error: the
figures are sampled while servers and browser tabs come and go.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass

import psutil

_GONE = (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess)


def tree(root: int | None) -> list[int]:
    """root and all its descendants (none if root is None or gone)."""
    if root is None:
        return []
    try:
        return [root, *(p.pid for p in psutil.Process(root).children(recursive=True))]
    except _GONE:
        return []


def rss_mb(pids: Iterable[int]) -> float:
    """Resident memory of the processes, in MiB."""
    total = 0
    for pid in pids:
        with contextlib.suppress(*_GONE):
            total += psutil.Process(pid).memory_info().rss
    return total / 2**20


def cpu_s(pids: Iterable[int]) -> float:
    """User + system CPU seconds of the processes, with their reaped children's (a closed
    Chromium tab's renderer is counted by the process that waited for it)."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(*_GONE):
            t = psutil.Process(pid).cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
    return total


def own_cpu_s() -> float:
    """This process's own CPU seconds (its children not included)."""
    t = psutil.Process().cpu_times()
    return t.user + t.system


def machine_busy_s() -> float:
    """CPU seconds all cores spent busy since boot: user, nice, system, irq, softirq and steal
    (Linux counts guest time inside user time already)."""
    t = psutil.cpu_times()
    return sum(t[:8]) - t.idle - t.iowait


def child_with(word: str) -> int:
    """The pid of a child of this process whose command line contains `word`."""
    for child in psutil.Process().children():
        with contextlib.suppress(*_GONE):
            if any(word in part for part in child.cmdline()):
                return child.pid
    raise RuntimeError(f"no {word} child process found")


@dataclass
class Cpu:
    """Wall time, and CPU seconds by side: the server's processes, the clients (this process and
    the rest of its tree: Chromium, the Playwright driver) and everything else on the machine.
    Cumulative at a moment (`now`), or used over a phase (`since`)."""

    wall: float
    server: float
    clients: float
    other: float

    @classmethod
    def now(cls, server: Iterable[int]) -> Cpu:
        server = set(server)
        me = os.getpid()
        clients = [p for p in tree(me) if p not in server and p != me]
        srv, cli = cpu_s(server), cpu_s(clients) + own_cpu_s()
        return cls(time.perf_counter(), srv, cli, machine_busy_s() - srv - cli)

    def since(self, start: Cpu) -> Cpu:
        return Cpu(
            self.wall - start.wall,
            self.server - start.server,
            self.clients - start.clients,
            max(self.other - start.other, 0.0),
        )

    def percent(self, cores: int) -> tuple[float, float, float]:
        """Server, clients and other as percentages of the capacity (wall time × cores)."""
        cap = self.wall * cores / 100
        return self.server / cap, self.clients / cap, self.other / cap
