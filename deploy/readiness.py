"""The load test's readiness prober (deploy/loadtest.py): while a scenario runs, GET
/api/v1/ready about once a second through the proxy and at each replica's own port, and say
what it answered: 200 (with the store's generation), 503 (the store cannot be read) or
nothing (refused, timed out: a replica down).

Each target has a thread of its own that asks, waits for the answer, then waits a second: one
request at a time, so a target's probes never exceed the data API's rate limit (60 a minute
per client address, vss_dash/api.py). The proxy's probes carry no route cookie, so nginx
spreads them over the replicas (half of them each, counted under 127.0.0.1 as every request
through the proxy); a replica's own probes name themselves as a client of their own
(X-Real-IP, which a replica takes from a loopback connection), so that they and the proxy's
do not share one limit.

A generation must only move forward: generations are ranked in the order any probe first saw
them, and a target that answers a generation ranked below one it answered before went
backward (a replica serving an older store than it already served)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import httpx

from vss_harness import serve

EVERY_S = 1.0  # between a target's answer and its next probe
TIMEOUT_S = 5.0  # no answer within this: counted as "other" (no answer)


@dataclass
class Probe:
    target: str  # "proxy", or a replica's name (r0, r1, ...)
    at: float  # monotonic, when asked
    status: int | None  # None: no answer
    generation: str | None = None  # a 200's


class Prober:
    """Probes readiness in threads for the block (after the deployment is up: open it in the
    same `with` as serve.deployment, after it); `report` prints and returns the figures."""

    def __init__(self, dep: serve.Deployment, every: float = EVERY_S):
        self.every = every
        self.targets = {"proxy": dep.url} | {rep.name: rep.url for rep in dep.replicas}
        self.probes: list[Probe] = []
        self.order: list[str] = []  # generations in the order first seen, by any target
        self.backward: list[tuple[str, str, str]] = []  # (target, from, back to)
        self._top: dict[str, int] = {}  # each target's highest generation rank so far
        self.ended: float | None = None  # when the prober stopped
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(name, url), daemon=True)
            for name, url in self.targets.items()
        ]

    def _run(self, name: str, url: str) -> None:
        headers = {} if name == "proxy" else {"X-Real-IP": f"readiness-probe-{name}"}
        with httpx.Client(timeout=TIMEOUT_S, headers=headers) as client:
            while not self._stop.is_set():
                client.cookies.clear()  # no route cookie: nginx picks a replica each time
                at = time.monotonic()
                try:
                    response = client.get(url + serve.READY)
                    generation = response.json().get("generation") if response.is_success else None
                    self._note(Probe(name, at, response.status_code, generation))
                except (httpx.HTTPError, ValueError):
                    self._note(Probe(name, at, None))
                self._stop.wait(self.every)

    def _note(self, probe: Probe) -> None:
        with self._lock:
            self.probes.append(probe)
            if probe.generation is None:
                return
            if probe.generation not in self.order:
                self.order.append(probe.generation)
            rank, top = self.order.index(probe.generation), self._top.get(probe.target, -1)
            if rank < top:
                self.backward.append((probe.target, self.order[top], probe.generation))
            self._top[probe.target] = max(rank, top)

    def __enter__(self) -> Prober:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()
        self.ended = time.monotonic()

    def seconds(
        self, target: str, answered, start: float = float("-inf"), end: float = float("inf")
    ) -> float:
        """How long `target`'s answers were such that `answered(status)`, within `start` to
        `end`: each probe's answer holds until that target's next probe (the last one's until
        the prober stopped)."""
        mine = [p for p in self.probes if p.target == target]
        ends = [p.at for p in mine[1:]] + [self.ended or time.monotonic()]
        return covered(
            [
                (max(p.at, start), min(until, end))
                for p, until in zip(mine, ends, strict=True)
                if answered(p.status) and p.at < end and until > start
            ]
        )

    def during(self, start: float, end: float) -> dict:
        """The probes asked between `start` and `end` (monotonic) by answer, and the seconds
        readiness said 503 then, summed over the targets (the proxy's and each replica's)."""
        statuses = [p.status for p in self.probes if start <= p.at <= end]
        return {
            "probes": len(statuses),
            "200": statuses.count(200),
            "503": statuses.count(503),
            "other": sum(s not in (200, 503) for s in statuses),
            "503_s": sum(self.seconds(t, lambda s: s == 503, start, end) for t in self.targets),
        }

    def report(self, visits: list | None = None) -> dict:
        """Print the probes by target and answer, the generations seen, any that went backward,
        and, given the scenario's page visits (loadtest.Visit), how long readiness said 503 or
        did not answer against how long pages failed. Returns the same figures."""
        by_target = {}
        for name in self.targets:
            statuses = [p.status for p in self.probes if p.target == name]
            by_target[name] = {
                "probes": len(statuses),
                "200": statuses.count(200),
                "503": statuses.count(503),
                "other": sum(s not in (200, 503) for s in statuses),
                "503_s": self.seconds(name, lambda s: s == 503),
                "no_answer_s": self.seconds(name, lambda s: s is None),
            }
        out = {k: sum(t[k] for t in by_target.values()) for k in ("probes", "200", "503", "other")}
        out.update(targets=by_target, generations=list(self.order), backward=list(self.backward))
        print(
            f"  readiness (GET {serve.READY} about every {self.every:g} s, through the proxy "
            f"and at each replica): {out['probes']} probes, {out['200']} x 200, "
            f"{out['503']} x 503, {out['other']} other (by target, 200/503/other: "
            + ", ".join(
                f"{name} {t['probes']} ({t['200']}/{t['503']}/{t['other']})"
                for name, t in by_target.items()
            )
            + ")"
        )
        went_back = "; ".join(f"{t} from {a} back to {b}" for t, a, b in self.backward)
        print(
            f"    generations seen, in order: {' -> '.join(self.order) or 'none'}; "
            f"went backward: {went_back or 'never'}"
        )
        if visits is not None:
            failed = [v for v in visits if v.error]
            out["pages_failed_s"] = covered([(v.started, v.ended) for v in failed])
            print(
                "    readiness said 503 for "
                + ", ".join(f"{n} {t['503_s']:.1f} s" for n, t in by_target.items())
                + "; no answer for "
                + ", ".join(f"{n} {t['no_answer_s']:.1f} s" for n, t in by_target.items())
                + f"; pages failed for {out['pages_failed_s']:.1f} s ({len(failed)} of "
                f"{len(visits)} pages)"
            )
        return out


def covered(spans: list[tuple[float, float]]) -> float:
    """Seconds covered by the union of (start, end) spans."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total
