"""A bare address a user sent (a bad URL parameter, a file's text) never becomes a link: GitHub-
flavoured markdown, as Streamlit renders it, links `https://…`, `www.…` and `name@host` in the
text once its backslash escapes are read, so escaping markdown's syntax is not enough (#27).

`gfm_links` models remark-gfm's autolink literals (mdast-util-gfm-autolink-literal: its two
regular expressions, run over the text after escapes are resolved), a little wider than the
real one (no check of the character before), so what passes here is not linked in the page."""

from __future__ import annotations

import re
from pathlib import Path

import app_run
import pytest
from streamlit.testing.v1 import AppTest

from vss_dash import i18n

ROOT = Path(__file__).resolve().parent.parent

_URL = re.compile(r"(https?://|www(?=\.))[-.\w]+", re.IGNORECASE | re.ASCII)
_EMAIL = re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+", re.ASCII)


def read(markdown: str) -> str:
    """The text a reader sees: backslash escapes resolved."""
    return re.sub(r"\\(.)", r"\1", markdown)


def gfm_links(markdown: str) -> list[str]:
    """What GFM would turn into a link: link or image syntax, an HTML tag or autolink, or a bare
    address in the text."""
    text = read(markdown)
    syntax = re.findall(r"!?\[[^\]]*\]\(|<[a-zA-Z/]", re.sub(r"\\.", "", markdown))
    return syntax + [m.group() for m in _URL.finditer(text)] + _EMAIL.findall(text)


ADDRESSES = [
    "x https://evil.invalid/login",
    "HTTP://EVIL.invalid",
    "see www.evil.invalid/login",
    "WWW.evil.invalid",
    "mail admin@evil.invalid now",
    "mailto:admin@evil.invalid",
    "https:\x00//evil.invalid",  # a control character between, dropped by the escape
    "x` [Sign in](https://evil) ![t](https://evil/t.png) `",
]


def test_the_model_sees_bare_addresses():
    for text in ADDRESSES:
        assert gfm_links(text.replace("\x00", "")), text


@pytest.mark.parametrize("text", ADDRESSES)
def test_no_bare_address_survives_the_escape(text):
    out = i18n.md_escape(text)
    assert gfm_links(out) == []
    # it reads the same: only invisible word joiners were added
    seen = read(out).replace("\u2060", "")
    assert seen == "".join(ch for ch in text if ch >= " ")


def test_ordinary_text_is_unchanged():
    for text in ("Báo cáo tháng 9 năm 2024 Hà Nội", "www", "a @ b", "ratio 3:2"):
        assert read(i18n.md_escape(text)) == text


HOSTILE = "x https://evil.invalid/login www.evil.invalid admin@evil.invalid"


def rendered_markdown(at: AppTest) -> list[str]:
    kinds = ("warning", "info", "error", "success", "markdown", "caption", "title", "subheader")
    return [str(e.value) for kind in kinds for e in getattr(at, kind)]


@pytest.mark.parametrize(
    ("script", "param"),
    [
        ("views/overview.py", "month"),
        ("views/map.py", "month"),
        ("views/watch.py", "month"),
        ("views/data.py", "measures"),
    ],
    ids=["overview", "map", "watch", "data"],
)
def test_a_bare_address_in_the_url_is_no_link(script, param):
    at = app_run.page(script, 60)
    at.query_params["lang"] = "en"
    at.query_params[param] = HOSTILE
    at.run()
    assert not at.exception
    shown = rendered_markdown(at)
    notices = [m for m in shown if "evil" in m]
    assert notices, shown  # the notice shows the value ...
    assert all("evil.invalid/login" in read(n).replace("\u2060", "") for n in notices)
    assert [(m, gfm_links(m)) for m in shown if gfm_links(m)] == []  # ... as text, no link
