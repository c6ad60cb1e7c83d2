"""Streamlit's scripts sent as brotli, compressed once (vss_dash/precompressed.py): the path and
header rules, the middleware in front of an app that serves a folder as Streamlit does, and the
real ASGI server, whose second answer for Plotly's bundle is the same script, brotli-compressed."""

from __future__ import annotations

import time
import urllib.request
import warnings
from email.message import Message
from pathlib import Path

import brotli
import pytest
from starlette.staticfiles import StaticFiles

with warnings.catch_warnings():  # starlette prefers httpx2; the dev group's httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from vss_dash import precompressed
from vss_dash.precompressed import Precompressed
from vss_harness.browser import start_server

SCRIPT = "/static/js/app.abc12345.js"
BR = {"Accept-Encoding": "gzip, deflate, br, zstd"}


@pytest.mark.parametrize(
    ("path", "rel"),
    [
        ("/static/js/x.D9Z0_fxz.js", "static/js/x.D9Z0_fxz.js"),
        ("/static/css/index.BsWL4Kly.css", "static/css/index.BsWL4Kly.css"),
        ("/static/css/index.css", None),  # no content hash: may change under its name
        ("/static/media/font.BsWL4Kly.woff2", None),  # already compressed
        ("/static/js/../../secrets.abcd1234.js", None),
        ("/static//js/x.abcd1234.js", None),
        ("/static/js/x y.abcd1234.js", None),
        ("/static/js/%2e%2e/x.abcd1234.js", None),
        ("/index.abcd1234.html", None),
        ("/static/js/noext", None),
    ],
)
def test_only_plain_names_of_compressible_files_under_static(path, rel):
    assert precompressed.relative(path) == rel


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("gzip, deflate, br, zstd", True),
        ("br", True),
        ("BR;q=0.5", True),
        ("br;q=0", False),
        ("br; q=0.000", False),
        ("gzip", False),
        ("brotli", False),
    ],
)
def test_accept_encoding(value, ok):
    assert precompressed.accepts_br([(b"Accept-Encoding", value.encode())]) is ok


def test_compress_file_round_trips_and_leaves_no_temporary(tmp_path):
    src = tmp_path / "a.js"
    src.write_text("const x = 1;\n" * 5000)
    dest = tmp_path / "cache" / "static" / "a.js.br"
    precompressed.compress_file(src, dest, quality=5)
    assert brotli.decompress(dest.read_bytes()) == src.read_bytes()
    assert [p.name for p in dest.parent.iterdir()] == ["a.js.br"]


def _site(tmp_path: Path) -> tuple[TestClient, Path, bytes]:
    """An app serving tmp/static as Streamlit serves its folder at /, behind the middleware."""
    root = tmp_path / "streamlit_static"
    (root / "static" / "js").mkdir(parents=True)
    body = b"function f(){return 'vss';}\n" * 2000
    (root / "static" / "js" / "app.abc12345.js").write_bytes(body)
    (root / "static" / "js" / "tiny.abcd1234.js").write_bytes(b"1")
    cache = tmp_path / "cache"
    return TestClient(Precompressed(StaticFiles(directory=root), root, cache)), cache, body


def _wait_for(path: Path, timeout_s: float = 60) -> None:
    end = time.monotonic() + timeout_s
    while not path.exists():
        assert time.monotonic() < end, f"{path} was never written"
        time.sleep(0.1)


def test_first_answer_as_is_then_brotli_from_the_cache(tmp_path):
    client, cache, body = _site(tmp_path)
    first = client.get(SCRIPT, headers=BR)
    assert first.status_code == 200 and "content-encoding" not in first.headers
    assert first.content == body
    _wait_for(cache / "static/js/app.abc12345.js.br")
    second = client.get(SCRIPT, headers=BR)
    assert second.headers["content-encoding"] == "br"
    assert second.headers["vary"] == "Accept-Encoding"
    assert "immutable" in second.headers["cache-control"]
    assert "javascript" in second.headers["content-type"]
    assert second.content == body  # the client decodes it: the same script
    assert int(second.headers["content-length"]) < len(body) / 10


def test_clients_without_brotli_ranges_and_other_methods_get_the_file_as_is(tmp_path):
    client, cache, body = _site(tmp_path)
    client.get(SCRIPT, headers=BR)
    _wait_for(cache / "static/js/app.abc12345.js.br")
    for headers in ({"Accept-Encoding": "gzip"}, {**BR, "Range": "bytes=0-9"}):
        r = client.get(SCRIPT, headers=headers)
        assert "br" not in r.headers.get("content-encoding", "")
    assert client.get(SCRIPT, headers={"Accept-Encoding": "identity"}).content == body
    assert client.head(SCRIPT, headers=BR).headers.get("content-encoding") is None


def test_small_files_are_not_queued(tmp_path):
    client, cache, _ = _site(tmp_path)
    assert client.get("/static/js/tiny.abcd1234.js", headers=BR).content == b"1"
    time.sleep(0.5)
    assert not (cache / "static/js/tiny.abcd1234.js.br").exists()


def test_an_unwritable_cache_passes_everything_through(tmp_path):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the cache should be")
    root = tmp_path / "streamlit_static"
    (root / "static" / "js").mkdir(parents=True)
    (root / "static" / "js" / "app.abc12345.js").write_bytes(b"x" * 5000)
    site = Precompressed(StaticFiles(directory=root), static_dir=root, cache=blocker / "cache")
    client = TestClient(site)
    assert client.get(SCRIPT, headers=BR).content == b"x" * 5000
    end = time.monotonic() + 30
    while not site.compressor.broken:  # the worker gave up on the cache, once
        assert time.monotonic() < end
        time.sleep(0.05)
    r = client.get(SCRIPT, headers=BR)
    assert r.status_code == 200 and r.content == b"x" * 5000
    assert site.compressor.pending == set()  # and queues nothing more


def test_the_server_sends_plotly_as_brotli_once_compressed(tmp_path, monkeypatch):
    """The real ASGI app (`make run`): Plotly's bundle, asked for twice as a browser does."""
    monkeypatch.setenv("VSS_STATIC_CACHE", str(tmp_path / "cache"))
    plotly = next((precompressed.STATIC_DIR / "static" / "js").glob("PlotlyChart.*.js"))
    with start_server(tmp_path / "server") as base:
        url = f"{base}/static/js/{plotly.name}"

        def get() -> tuple[Message, bytes]:
            request = urllib.request.Request(url, headers=BR)
            with urllib.request.urlopen(request, timeout=60) as r:
                return r.headers, r.read()

        headers, body = get()
        assert headers["Content-Encoding"] is None and body == plotly.read_bytes()
        _wait_for(
            tmp_path / "cache" / precompressed.STREAMLIT / "static/js" / f"{plotly.name}.br", 120
        )
        headers, body = get()
    assert headers["Content-Encoding"] == "br"
    assert brotli.decompress(body) == plotly.read_bytes()
    assert len(body) < 0.25 * plotly.stat().st_size
