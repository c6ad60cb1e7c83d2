"""Streamlit's upload endpoint judged before its body is read (vss_dash/upload_guard.py): the
middleware alone, in front of an app that counts what it is given, and in the real ASGI server
(`streamlit run vss_dash/asgi.py`) over a raw socket that sends the headers and never a body."""

from __future__ import annotations

import json
import socket
import tempfile
import warnings
from pathlib import Path
from urllib.parse import urlparse

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

with warnings.catch_warnings():  # starlette prefers httpx2; the dev group's httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from vss_dash import upload_guard
from vss_dash.upload_guard import UploadGuard
from vss_harness.browser import start_server

URL = "/_stcore/upload_file/good-session/file-1"


def client(allowed=("good-session",), limit=3, max_bytes=1000) -> tuple[TestClient, list]:
    """A test client of an app behind the guard; the list gets the bytes of each body the app
    read."""
    read: list[int] = []

    async def put(request: Request):
        read.append(len(await request.body()))
        return PlainTextResponse("stored")

    app = Starlette(
        routes=[Route("/_stcore/upload_file/{session}/{file}", put, methods=["PUT", "DELETE"])],
        middleware=[
            Middleware(
                UploadGuard,
                may_upload=lambda s: s in allowed,
                max_bytes=max_bytes,
                limit=limit,
                clock=lambda: 0.0,
            )
        ],
    )
    return TestClient(app), read


def refusal(r, status: int) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error_vi", "error_en"} and body["error_vi"] != body["error_en"]
    return body


def test_an_upload_the_page_asked_for_passes():
    c, read = client()
    assert c.put(URL, content=b"x" * 500).text == "stored" and read == [500]


def test_a_session_that_was_shown_no_uploader_is_refused_unread():
    c, read = client()
    body = refusal(c.put(URL.replace("good", "other"), content=b"x" * 10), 403)
    assert "not accepted" in body["error_en"] and read == []


def test_a_body_longer_than_the_limit_is_refused_unread():
    c, read = client(max_bytes=1000)
    body = refusal(c.put(URL, content=b"x" * 1001), 413)
    assert "MB" in body["error_en"] and read == []


def test_a_body_without_its_length_is_refused_unread():
    c, read = client()

    def chunks():
        yield b"x" * 10

    refusal(c.put(URL, content=chunks()), 411)
    assert read == []
    guard = UploadGuard(None, may_upload=lambda s: True)
    scope = {"path": URL, "headers": [(b"content-length", "²".encode("latin-1"))]}
    assert guard.judge(scope)[0] == 411  # a digit to Python, not a length


def test_too_many_uploads_from_one_address_wait():
    c, read = client(limit=3)
    for _ in range(3):
        assert c.put(URL, content=b"x").status_code == 200
    r = c.put(URL, content=b"x")
    refusal(r, 429)
    assert int(r.headers["retry-after"]) >= 1 and read == [1, 1, 1]


def test_behind_the_local_proxy_uploads_are_counted_per_visitor():
    c, _ = client(limit=1)
    proxy = TestClient(c.app, client=("127.0.0.1", 40000))
    assert proxy.put(URL, content=b"x", headers={"X-Real-IP": "203.0.113.7"}).status_code == 200
    assert proxy.put(URL, content=b"x", headers={"X-Real-IP": "203.0.113.8"}).status_code == 200
    refusal(proxy.put(URL, content=b"x", headers={"X-Real-IP": "203.0.113.7"}), 429)


def test_everything_else_passes_through():
    c, read = client(allowed=())
    assert c.delete(URL).status_code == 200  # removing a file: Streamlit's own business
    assert read == [0]


def test_the_limit_is_the_imports_with_room_for_the_form():
    from vss_dash import hardening

    assert upload_guard.MAX_BODY_BYTES == hardening.MAX_UPLOAD_BYTES + upload_guard.MULTIPART_SLACK


@pytest.fixture(scope="module")
def asgi_server():
    with tempfile.TemporaryDirectory() as tmp, start_server(Path(tmp)) as base:
        yield base  # start_server's script is what `make run` serves: vss_dash/asgi.py


def raw_put(base: str, path: str, length: int) -> tuple[int, dict, float]:
    """Send a PUT's headers declaring `length` bytes and no body; return the status, the JSON
    answer and how long the server took to answer (it must not wait for the body)."""
    import time

    u = urlparse(base)
    with socket.create_connection((u.hostname, u.port), timeout=10) as s:
        head = (
            f"PUT {path} HTTP/1.1\r\nHost: {u.netloc}\r\nContent-Length: {length}\r\n"
            "Content-Type: multipart/form-data; boundary=b\r\n\r\n"
        )
        t0 = time.monotonic()
        s.sendall(head.encode())
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        elapsed = time.monotonic() - t0
    status = int(data.split(b" ", 2)[1])
    body = json.loads(data.split(b"\r\n\r\n", 1)[1].decode())
    return status, body, elapsed


@pytest.mark.e2e
def test_the_real_server_answers_before_the_body_arrives(asgi_server):
    """50 MB declared, none sent: the answer comes at once (a server reading the body would wait
    for it until its timeout)."""
    status, body, elapsed = raw_put(asgi_server, "/_stcore/upload_file/anyone/f", 50 * 2**20)
    assert status == 403 and "error_en" in body and elapsed < 5
