"""A page as Streamlit runs it: app.py (its navigation, language switch and access gate) with
the page chosen, so links between pages (st.page_link) resolve as in the browser. A page
script run on its own knows no other page."""

from __future__ import annotations

import shutil
from pathlib import Path

from streamlit.testing.v1 import AppTest

from vss_dash.paths import store_dir

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
# the [auth] section of secrets.toml a production-profile AppTest signs in with (its `user` is set
# by the test; nothing is fetched from this provider)
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "vss-dash",
    "client_secret": "secret",
    "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
}


def demo_store_copy(dest: Path) -> Path:
    """A copy of the demo store at `dest`, without its locks, temporary files, import log or
    personal tokens (names starting with a dot, and JSON files)."""
    shutil.copytree(
        store_dir(), dest, symlinks=True, ignore=shutil.ignore_patterns(".*", "*.json*")
    )
    return dest


def page(script: str, timeout: float = 60) -> AppTest:
    """An AppTest of app.py that runs `script` (a path under the project root, as in
    vss_dash.pages: "views/map.py"; "app.py" for the first page). Not yet run."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if script != "app.py":
        at.switch_page(script)
    return at


def flat(block) -> list[tuple[str, str | None]]:
    """(element type, key) of a block's elements, in the page's order, nested blocks opened."""
    out = []
    for child in block.children.values():
        if getattr(child, "children", None):
            out += [(child.type, getattr(child, "key", None)), *flat(child)]
        else:
            out.append((child.type, getattr(child, "key", None)))
    return out
