"""Server-side hardening of Streamlit's runtime; app.py imports this module first, and importing it
applies it (once per process, before any page has cached anything).

A "clear cache" message from a browser (the BackMsg `clear_cache`, which the developer menu sends
and any client can send over the websocket, signed in or not) makes Streamlit 1.67 empty
`st.cache_data` and `st.cache_resource` for every session of the server
(`AppSession._handle_clear_cache_request`): five a second from one anonymous tab tripled the
median page time for everyone (issue 14). Here such a message clears only the sender's own
session state, as the menu item does for that user; the caches every user shares stay. The caches
still empty themselves as before when the store's generation changes (they are keyed on it).

The patch wraps `AppSession.handle_backmsg`, the runtime's public entry for every client message,
rather than the private handler, so that a renamed private method cannot silently undo it; if
Streamlit ever stops routing messages through it, `tests/test_hardening.py` fails (it sends the
message over a real websocket to a real server and checks that a cached function is not run
again).
"""

from __future__ import annotations

import logging
from typing import Any

from streamlit.runtime.app_session import AppSession

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


def apply() -> None:
    """Patch the runtime (idempotent)."""
    if getattr(AppSession.handle_backmsg, MARK, False):
        return
    AppSession.handle_backmsg = _own_session_only(AppSession.handle_backmsg)  # type: ignore[method-assign]


def applied() -> bool:
    return bool(getattr(AppSession.handle_backmsg, MARK, False))


apply()
