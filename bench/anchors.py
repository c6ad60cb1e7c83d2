"""The anchor pages of the page benchmark, served side by side with the app in one run.

The anchors (shared/anchors, beside the project) draw the same content three ways: plain HTML with
plotly.js (the browser's own cost), Streamlit (four metrics and the 63-province map: the
framework's floor; one metric and a bar chart: its cheapest page) and Dash (four numbers and the
same map). They are copied into a temporary folder with what they need served locally: plotly.js's
base-map file, plotly.min.js and the figures for the static page, and the real province shapes
(assets/geo/provinces_p63.geojson), so that no anchor asks anything of the network.

    with serve_anchors(Path(tmp)) as urls:   # name -> URL
        ...
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import plotly

from vss_dash import deck_export

ROOT = Path(__file__).resolve().parent.parent
ANCHORS = ROOT.parent / "shared" / "anchors"
PLOTLY_DATA = Path(plotly.__file__).parent / "package_data"

NAMES = {
    "static": "plain HTML + plotly.js",
    "floor": "Streamlit: 4 metrics + map",
    "trivial": "Streamlit: 1 metric + bar",
    "dash": "Dash: 4 numbers + map",
}


def available() -> bool:
    return ANCHORS.is_dir() and importlib.util.find_spec("dash") is not None


def prepare(folder: Path) -> dict[str, str]:
    """Copy the anchors into `folder` with their local files; return the environment they need."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in ANCHORS.iterdir():
        if f.suffix in (".py", ".html"):
            shutil.copy(f, folder / f.name)
    static = folder / "static"
    static.mkdir(exist_ok=True)
    shutil.copy(ROOT / "static" / "topojson" / "world_110m.json", static / "world_110m.json")
    shutil.copy(PLOTLY_DATA / "plotly.min.js", folder / "plotly.min.js")
    env = {"BENCH_GEOJSON": str(ROOT / "assets" / "geo" / "provinces_p63.geojson")}
    # figs.json for the static page, drawn by the anchors' own geo.py with the real shapes
    code = (
        "import json, geo; "
        "json.dump({'map': json.loads(geo.choropleth().to_json()), "
        "'bar': json.loads(geo.bar().to_json())}, open('figs.json', 'w'))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=folder, check=True, env={**os.environ, **env})
    # the static page asks plotly.js for its base map under static/ beside it
    return env


def _wait(url: str, proc: subprocess.Popen, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"anchor server for {url} exited with {proc.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2):
            return
        time.sleep(0.25)
    raise RuntimeError(f"anchor server for {url} did not answer in {timeout_s} s")


@contextlib.contextmanager
def _process(cmd: list[str], folder: Path, url: str, env: dict, log: Path) -> Iterator[str]:
    out = open(log, "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        cmd, cwd=folder, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, **env},
    )  # fmt: skip
    try:
        _wait(url, proc)
        yield url
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(10)
        if proc.poll() is None:
            proc.kill()
        out.close()


@contextlib.contextmanager
def serve_anchors(folder: Path) -> Iterator[dict[str, str]]:
    """Every anchor on its own loopback port for the block: name -> URL."""
    env = prepare(folder)
    static_args = ("--server.enableStaticServing", "true")
    with contextlib.ExitStack() as stack:
        urls = {}
        port = deck_export.free_port()
        base = f"http://127.0.0.1:{port}"
        stack.enter_context(
            _process(
                [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                folder, base + "/static_index.html", env, folder / "static.log",
            )
        )  # fmt: skip
        urls["static"] = base + "/static_index.html"
        for name, script in (("floor", "streamlit_map.py"), ("trivial", "streamlit_trivial.py")):
            urls[name] = stack.enter_context(
                deck_export.serve(
                    script, folder, log=folder / f"{name}.log", env=env, args=static_args
                )
            )
        port = deck_export.free_port()
        base = f"http://127.0.0.1:{port}"
        urls["dash"] = stack.enter_context(
            _process(
                [sys.executable, "dash_map.py", str(port)], folder, base + "/", env,
                folder / "dash.log",
            )
        )  # fmt: skip
        yield urls


if __name__ == "__main__":  # a look at the anchors by hand
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, serve_anchors(Path(tmp)) as urls:
        print(json.dumps(urls, indent=1))
        input("press Enter to stop ")
