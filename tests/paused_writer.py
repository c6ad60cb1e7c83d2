"""A store writer in its own process that stops inside its transaction, for the PostgreSQL tests
(tests/test_store_pg.py, tests/test_standby.py): it writes test_store's frames (one observation
at `value`) as generation `generation`, stops after the observations are copied and before the
plans, says "inside", and waits for a line on stdin (`go`). Then it finishes the write and says
"done", or, refused with an OSError (the store's own errors: StoreUnavailable,
PrimaryUnavailable, ...), says the error's class and message on one line and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[4])  # tests/, for test_store's frames
    from vss_dash import store
    from vss_dash.store import postgres
    from test_store import PLANS, SOURCES, obs

    real = postgres.dbapi.Cursor.adbc_ingest

    def pause(self, table, *args, **kwargs):
        if table == "plans":
            print("inside", flush=True)
            sys.stdin.readline()
        return real(self, table, *args, **kwargs)

    postgres.dbapi.Cursor.adbc_ingest = pause
    try:
        store.write(sys.argv[1], obs(value=float(sys.argv[3])), PLANS, SOURCES,
                    generation_id=sys.argv[2])
        print("done", flush=True)
    except OSError as e:
        print(type(e).__name__, str(e).replace("\\n", " "), flush=True)
    """
)


def start(uri: str, generation: str, value: float) -> subprocess.Popen:
    """The writer, started and inside its transaction (holding the store's write lock)."""
    tests = os.path.dirname(os.path.abspath(__file__))
    p = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, uri, generation, str(value), tests],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert p.stdout is not None
    assert p.stdout.readline().strip() == "inside", "the writer did not reach its transaction"
    return p


def go(p: subprocess.Popen) -> None:
    """Let the writer go on with its write."""
    assert p.stdin is not None
    p.stdin.write("go\n")
    p.stdin.flush()
