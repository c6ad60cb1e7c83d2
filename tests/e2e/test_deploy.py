"""The scaled-out deployment (deploy/): the shipped nginx configuration passes `nginx -t`, and
three Chromium sessions work through the proxy in front of two replicas: no exception, the
websocket connected through nginx, each replica serving the sessions pinned to it, and
Streamlit's hashed bundles sent gzip'd with a one-year immutable cache header."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest
from harness import PROJECT_ROOT, VIEWPORT, wait_idle
from playwright.sync_api import Browser, Response

sys.path.insert(0, str(PROJECT_ROOT / "deploy"))
import serve  # noqa: E402

NGINX = serve.nginx_binary()
needs_nginx = pytest.mark.skipif(
    NGINX is None, reason="nginx not installed (apt-get install -y nginx; .ci/run does)"
)


@needs_nginx
def test_shipped_config_passes_nginx_t(tmp_path: Path) -> None:
    for ports in ([8601], [8601, 8602], [8601, 8602, 8603]):
        serve.write_config(ports, "127.0.0.1:8600", tmp_path)
        checked = serve.check_config(NGINX, tmp_path)
        assert checked.returncode == 0, checked.stderr
        assert "test is successful" in checked.stderr


@needs_nginx
def test_three_sessions_through_the_proxy_on_two_replicas(browser: Browser, tmp_path: Path):
    with serve.deployment(replicas=2, run_dir=tmp_path) as dep:
        contexts, pages, bundles, sockets = [], [], [], []

        def seen(response: Response) -> None:
            if re.search(r"/static/js/index\.[\w-]{8}\.js$", response.url):
                bundles.append(response)

        # two sessions pinned to a replica each, the third assigned by nginx
        for cookie in ("r0", "r1", None):
            context = browser.new_context(viewport=VIEWPORT)
            if cookie:
                context.add_cookies([{"name": "vss_route", "value": cookie, "url": dep.url}])
            page = context.new_page()
            page.on("response", seen)
            page.on("websocket", lambda ws: sockets.append(ws.url))
            page.goto(dep.url + "/", wait_until="domcontentloaded")
            contexts.append(context)
            pages.append(page)
        for page in pages:
            wait_idle(page)
            assert page.get_by_test_id("stException").count() == 0
            assert page.locator('[data-testid="stMetricValue"]').count() > 0
        headers = [response.all_headers() for response in bundles]
        routes = [
            {c["name"]: c["value"] for c in ctx.cookies()}.get("vss_route") for ctx in contexts
        ]
        for context in contexts:
            context.close()

        proxy_ws = dep.url.replace("http://", "ws://") + "/_stcore/stream"
        assert sockets and all(url == proxy_ws for url in sockets), sockets
        assert routes[:2] == ["r0", "r1"] and routes[2] in ("r0", "r1"), routes
        assert headers, "the main bundle was not fetched"
        for h in headers:
            assert h.get("content-encoding") == "gzip", h
            assert h.get("cache-control") == "public, max-age=31536000, immutable", h
        # each replica served the websocket of the session pinned to it (nginx logs a websocket
        # when it closes, a moment after its tab)
        deadline = time.monotonic() + 10
        while True:
            log = dep.access_log.read_text()
            served = {rep.name for rep in dep.replicas if f"101 {rep.port}" in _websockets(log)}
            if served == {"r0", "r1"} or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert served == {"r0", "r1"}, log


def _websockets(log: str) -> str:
    """'101 <port>' for each websocket in nginx's access log, by the replica that served it."""
    found = re.findall(r'"GET /_stcore/stream[^"]*" (\d+) .* upstream=127\.0\.0\.1:(\d+)', log)
    return " ".join(f"{status} {port}" for status, port in found)
