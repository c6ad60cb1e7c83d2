"""Server time of a page run (the script from start to finish, no browser), warm: every page of
the registry run through app.py by Streamlit's AppTest, against the Streamlit floor anchor's
script (four metrics and the 63-province map) run the same way in the same process. Prints
figures; asserts nothing.

    uv run python bench/server_time.py [--runs 20] [--quick]

Warm = after one run of each page has filled the caches. The goal of issue #18 is a p95 over all
pages of at most 150 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from anchors import available, prepare  # bench/, beside this script
from streamlit.testing.v1 import AppTest

from vss_dash.pages import PAGES
from vss_dash.paths import ROOT


def timed_runs(at: AppTest, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        at.run(timeout=120)
        out.append(time.perf_counter() - t0)
        if at.exception:
            raise RuntimeError([e.value for e in at.exception])
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="warm runs per page")
    parser.add_argument("--quick", action="store_true", help="5 warm runs per page")
    args = parser.parse_args()
    runs = 5 if args.quick else args.runs
    times: dict[str, list[float]] = {}
    if available():
        with tempfile.TemporaryDirectory() as tmp:
            env = prepare(Path(tmp))
            os.environ.update(env)  # Streamlit's script runner puts tmp on the path for its run
            floor = AppTest.from_file(str(Path(tmp) / "streamlit_map.py"), default_timeout=120)
            floor.run(timeout=120)
            times["[floor]"] = timed_runs(floor, runs)
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run(timeout=120)
        at.switch_page(page.script)
        at.run(timeout=120)  # the page's first run fills its caches
        times[page.address] = timed_runs(at, runs)
    base = statistics.median(times["[floor]"]) if "[floor]" in times else None
    print(f"{'target':<12} {'median ms':>9} {'p95 ms':>7} {'/floor':>7}")
    for name, values in times.items():
        med = statistics.median(values)
        ratio = f"{med / base:7.2f}" if base else "      -"
        print(f"{name:<12} {1000 * med:9.0f} {1000 * p95(values):7.0f} {ratio}")
    pages = [v for k, v in times.items() if not k.startswith("[")]
    every = [x for v in pages for x in v]
    print(
        f"p95 over all pages: {1000 * p95(every):.0f} ms (goal <= 150 ms); "
        f"{runs} warm runs a page, in-process (AppTest), after one run filled the caches"
    )


if __name__ == "__main__":
    main()
