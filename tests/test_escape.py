"""Text from a file, a URL or a user reaches markdown only through i18n.md_escape."""

from __future__ import annotations

import pytest

from vss_dash import i18n

CONSTRUCTS = [
    "[Sign in](https://evil)",
    "![t](https://evil/t.png)",
    "`code` and ```fence```",
    "<img src=x onerror=alert(1)>",
    "**bold** __bold__ *em* _em_ ~~strike~~",
    "# heading",
    "- item\n+ item\n1. item",
    "> quote",
    "| a | b |\n|---|---|",
    "$x^2$ and $$y$$",
    ":red[colour] :material/home: :smile:",
    "https://evil.example/autolink",
    "line\nbreak\r\n\tand \x1b[32mstored\x1b[0m",
    "\\` escaped backslash",
]


@pytest.mark.parametrize("text", CONSTRUCTS)
def test_every_markdown_construct_is_neutralised(text):
    out = i18n.md_escape(text)
    assert "\n" not in out and "\r" not in out and "\x1b" not in out
    plain = out.replace("\\\\", "")  # an escaped backslash is a literal one
    for i, ch in enumerate(plain):
        if ch in "[]()!`<>*_#|~$:" and (i == 0 or plain[i - 1] != "\\"):
            raise AssertionError(f"unescaped {ch!r} at {i} in {out!r}")


def test_plain_vietnamese_text_is_unchanged():
    assert i18n.md_escape("Báo cáo tháng 9 năm 2024 Hà Nội") == "Báo cáo tháng 9 năm 2024 Hà Nội"


def test_the_status_badge_shows_a_source_title_as_text():
    """widgets.status_badge: a source's title (an uploaded file's name is part of it) in the
    caption under a number is escaped, no link, image or emphasis (#27)."""
    from streamlit.testing.v1 import AppTest

    def badge():
        from vss_dash.ui import widgets

        widgets.status_badge("published", "r.xlsx [Sign in](https://evil) **x** www.evil.io", "en")

    at = AppTest.from_function(badge).run()
    assert not at.exception
    (caption,) = [c.value for c in at.caption]
    assert "[Sign in](" not in caption and "**x**" not in caption and "https://" not in caption
    assert caption.endswith(i18n.md_escape("r.xlsx [Sign in](https://evil) **x** www.evil.io"))
