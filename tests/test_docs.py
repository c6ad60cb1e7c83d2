"""The README stays true: every page, every CLI command and both setup commands are in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from vss_dash import cli
from vss_dash.pages import PAGES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_is_in_the_readme(page):
    assert f"`{page.address}`" in README and page.title_en in README


def test_every_cli_command_is_in_the_readme():
    commands = cli._parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"vss-dash {name}" in README, name


@pytest.mark.parametrize("target", ["run", "test"])
def test_the_two_commands_exist_and_are_documented(target):
    assert f"make {target}" in README
    assert f"\n{target}: " in MAKEFILE


def test_ci_calls_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
