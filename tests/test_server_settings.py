"""What keeps a click fast on the server: no full garbage collection after every run of a page
(.streamlit/config.toml), and what the ASGI app's warm-up loads frozen out of the collector's
walks (vss_dash/asgi.py). A profile of month changes on the overview found half the script
thread's time in Streamlit's post-run gc.collect(2)."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from vss_dash.paths import ROOT


def test_no_full_collection_after_every_run():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["runner"]["postScriptGC"] is False


def test_the_warm_up_freezes_what_it_loaded():
    code = (
        "import gc; from vss_dash import asgi; "
        "before = gc.get_freeze_count(); asgi._warm_up(); "
        "print(before, gc.get_freeze_count())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    before, after = map(int, out.stdout.split()[-2:])
    assert before == 0 and after > 50_000  # the modules, the store's frames, the shapes
