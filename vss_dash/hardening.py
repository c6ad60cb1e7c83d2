"""Server-side hardening of Streamlit's runtime; app.py imports this module first, and importing it
applies it (once per process, before any page has cached anything).

A "clear cache" message from a browser (the BackMsg `clear_cache`, which the developer menu sends
and any client can send over the websocket, signed in or not) makes Streamlit 1.67 empty
`st.cache_data` and `st.cache_resource` for every session of the server
(`AppSession._handle_clear_cache_request`): five a second from one anonymous tab tripled the
median page time for everyone (issue 14). Here such a message clears only the sender's own
session state, as the menu item does for that user; the caches every user shares stay. The caches
still empty themselves as before when the store's generation changes (they are keyed on it).

Uploads (issue 14: an anonymous session that only saw the sign-in screen put 6 x 25 MB into
Streamlit's upload endpoint in 0.7 s, held in memory long after it left). Streamlit stores any file
PUT for any live session. Here the upload manager keeps a file only for a session whose page
showed the import's uploader (`allow_uploads`, called by the Data page after the role check), one
file per session (a new one replaces the session's others: the uploader holds one), at most
MAX_UPLOAD_BYTES each and SERVER_UPLOAD_BYTES across all sessions; anything else is dropped on
arrival and logged. A session's files are freed as soon as its browser disconnects, not when the
disconnected session expires.

The patch wraps `AppSession.handle_backmsg`, the runtime's public entry for every client message,
rather than the private handler, so that a renamed private method cannot silently undo it; if
Streamlit ever stops routing messages through it, `tests/test_hardening.py` fails (it sends the
message over a real websocket to a real server and checks that a cached function is not run
again).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from streamlit.runtime import Runtime
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from vss_dash.filecheck import MAX_FILE_BYTES

_LOGGER = logging.getLogger(__name__)
MARK = "_vss_hardened"


def _own_session_only(original: Any) -> Any:
    def handle_backmsg(self: AppSession, msg: Any) -> None:
        try:
            kind = msg.WhichOneof("type")
        except Exception:  # not a BackMsg: Streamlit's own handler deals with it
            kind = None
        if kind == "clear_cache":
            _LOGGER.info("clear_cache from a client: only its own session state cleared")
            state = getattr(self, "_session_state", None)
            if state is not None:
                state.clear()
            return None
        return original(self, msg)

    setattr(handle_backmsg, MARK, True)
    handle_backmsg.__wrapped__ = original  # type: ignore[attr-defined]
    handle_backmsg.__doc__ = original.__doc__
    return handle_backmsg


# a file a little over the import's limit still arrives, to be refused with a finding
MAX_UPLOAD_BYTES = MAX_FILE_BYTES + 2**20  # = server.maxUploadSize (21 MB)
SERVER_UPLOAD_BYTES = 10 * MAX_UPLOAD_BYTES  # every session's uploads together
_uploaders: set[str] = set()  # sessions whose page showed the import's uploader
_uploaders_lock = threading.Lock()


def allow_uploads() -> None:
    """Let the running session's browser upload (call it just before showing the uploader)."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        with _uploaders_lock:
            _uploaders.add(ctx.session_id)


def may_upload(session_id: str) -> bool:
    """Whether the session was shown the import's uploader (and has not left since)."""
    with _uploaders_lock:
        return session_id in _uploaders


def _judged_uploads(original: Any) -> Any:
    def add_file(self: MemoryUploadedFileManager, session_id: str, file: Any) -> None:
        size = len(file.data)
        allowed = may_upload(session_id)
        if not allowed or size > MAX_UPLOAD_BYTES:
            why = "no uploader shown to it" if not allowed else f"{size} bytes"
            _LOGGER.warning("upload dropped for session %s: %s", session_id, why)
            return None
        for other in list(self.file_storage.get(session_id, {})):  # one file per session
            self.remove_file(session_id, other)
        if self._total_bytes + size > SERVER_UPLOAD_BYTES:
            _LOGGER.warning("upload dropped for session %s: server upload memory full", session_id)
            return None
        return original(self, session_id, file)

    setattr(add_file, MARK, True)
    add_file.__wrapped__ = original  # type: ignore[attr-defined]
    return add_file


def _freed_on_leaving(original: Any) -> Any:
    def remove_session_files(self: MemoryUploadedFileManager, session_id: str) -> None:
        with _uploaders_lock:
            _uploaders.discard(session_id)
        return original(self, session_id)

    setattr(remove_session_files, MARK, True)
    remove_session_files.__wrapped__ = original  # type: ignore[attr-defined]
    return remove_session_files


def _free_uploads_on_disconnect(original: Any) -> Any:
    def disconnect_session(self: Runtime, session_id: str, **kw: Any) -> None:
        result = original(self, session_id, **kw)
        # a session still connected (to a newer client of the same browser) keeps its file
        if not self.is_active_session(session_id):
            self.uploaded_file_mgr.remove_session_files(session_id)
        return result

    setattr(disconnect_session, MARK, True)
    disconnect_session.__wrapped__ = original  # type: ignore[attr-defined]
    return disconnect_session


_PATCHES = (
    (AppSession, "handle_backmsg", _own_session_only),
    (MemoryUploadedFileManager, "add_file", _judged_uploads),
    (MemoryUploadedFileManager, "remove_session_files", _freed_on_leaving),
    (Runtime, "disconnect_session", _free_uploads_on_disconnect),
)


def apply() -> None:
    """Patch the runtime (idempotent)."""
    for cls, name, wrap in _PATCHES:
        if not getattr(getattr(cls, name), MARK, False):
            setattr(cls, name, wrap(getattr(cls, name)))


def applied() -> bool:
    return all(getattr(getattr(cls, name), MARK, False) for cls, name, _ in _PATCHES)


apply()
