"""Streamlit's upload endpoint behind a guard that judges a request before its body is read.

An ASGI middleware (vss_dash/asgi.py puts it in front of the app): a PUT to
/_stcore/upload_file/<session>/<file> is answered at once, and its body never read, when
- the session was not shown the import's uploader (hardening.may_upload): 403;
- it does not say how long it is (no Content-Length): 411;
- it says it is longer than the import accepts (MAX_BODY_BYTES): 413;
- its address has sent UPLOADS_PER_WINDOW uploads in the last WINDOW_S seconds: 429.
Each refusal is a bilingual JSON body (texts.toml's upload_guard.*) and a line in the log.
Everything else passes through untouched. The runtime's upload manager still judges what it
stores (hardening.py): one file per session, the server's total; a body longer than it said is
cut off by the HTTP server, and Streamlit's own `server.maxUploadSize` stops it as it streams.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from vss_dash import api, hardening, i18n

LOG = logging.getLogger(__name__)
UPLOAD_PREFIX = "/_stcore/upload_file/"
MULTIPART_SLACK = 64 * 1024  # the form's boundaries and headers around the file
MAX_BODY_BYTES = hardening.MAX_UPLOAD_BYTES + MULTIPART_SLACK
UPLOADS_PER_WINDOW = 20  # a person fixing and re-sending a report does a few a minute
WINDOW_S = 60.0

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


class UploadGuard:
    """The middleware; `may_upload(session_id)` and `clock` are passed in by tests."""

    def __init__(
        self,
        app: Callable[[Scope, Receive, Send], Awaitable[None]],
        may_upload: Callable[[str], bool] = hardening.may_upload,
        max_bytes: int = MAX_BODY_BYTES,
        limit: int = UPLOADS_PER_WINDOW,
        window: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app, self.may_upload, self.max_bytes = app, may_upload, max_bytes
        self.rate = api.RateLimit(limit, window, clock)
        self.window = window

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope.get("type") != "http"
            or scope.get("method") != "PUT"
            or not scope.get("path", "").startswith(UPLOAD_PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        refusal = self.judge(scope)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, key, fields, headers = refusal
        client = _client(scope)
        LOG.warning("upload refused before its body (%s, %s): %s", status, key, client)
        vi, en = i18n.both(key, **fields)
        body = json.dumps({"error_vi": vi, "error_en": en}, ensure_ascii=False).encode()
        raw = [(b"content-type", b"application/json; charset=utf-8"), (b"connection", b"close")]
        raw += [(k.encode(), v.encode()) for k, v in headers.items()]
        raw.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})

    def judge(self, scope: Scope) -> tuple[int, str, dict, dict[str, str]] | None:
        """(status, text key, its fields, headers) of a refusal, or None to let it through."""
        session = scope["path"][len(UPLOAD_PREFIX) :].split("/", 1)[0]
        if not self.may_upload(session):
            return 403, i18n.key("upload_guard.not_shown"), {}, {}
        declared = _header(scope, b"content-length")
        if not (declared.isascii() and declared.isdigit()):  # "²" is a digit to Python
            return 411, i18n.key("upload_guard.no_length"), {}, {}
        if int(declared) > self.max_bytes:
            limit = f"{self.max_bytes / 2**20:.0f}"
            return 413, i18n.key("upload_guard.too_big"), {"mb": limit}, {}
        if wait := self.rate.wait(_client(scope)):
            seconds = int(wait) + 1
            return (
                429,
                i18n.key("upload_guard.too_many"),
                {"wait": seconds},
                {"Retry-After": str(seconds)},
            )
        return None


def _header(scope: Scope, name: bytes) -> str:
    return dict(scope.get("headers") or []).get(name, b"").decode("latin-1")


def _client(scope: Scope) -> str:
    """The visitor's address (behind the local proxy, the one it names: api.client_address)."""
    host = (scope.get("client") or (None,))[0]
    return api.client_address(host, _header(scope, b"x-real-ip"))
