"""The README stays true: every page, every CLI command and both setup commands are in it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from vss_dash import cli, settings
from vss_dash.pages import PAGES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_is_in_the_readme(page):
    assert f"`{page.address}`" in README and page.title("en") in README


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


# ---------------------------------------------------------------- settings


CODE = [ROOT / "app.py"] + [
    p
    for folder in ("vss_dash", "vss_harness", "views", "bench", "deploy", "scripts", "tests")
    for p in sorted((ROOT / folder).rglob("*.py"))
]
# a test's handshake with the subprocess it starts, not a setting anybody sets
INTERNAL = {"VSS_HARDEN", "PROBE_RUNS"}


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def environment_reads(tree: ast.AST) -> set[str]:
    """Names read straight from the environment: os.environ.get("X"), os.environ["X"],
    os.getenv("X"), "X" in os.environ."""
    out = set()
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Call) and node.args:
            f = node.func
            if (isinstance(f, ast.Attribute) and f.attr == "get" and _is_environ(f.value)) or (
                isinstance(f, ast.Attribute | ast.Name)
                and getattr(f, "attr", getattr(f, "id", None)) == "getenv"
            ):
                name = _literal(node.args[0])
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            name = _literal(node.slice) if _is_environ(node.value) else None
        elif isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
            name = _literal(node.left)
        if name:
            out.add(name)
    return out


def secret_reads(tree: ast.AST) -> set[str]:
    """secrets.toml keys read: a section by secrets.get("S") or secrets["S"] (`[S]`), and the keys
    of a name bound to that section in the same function, by name.get("k") (`[S] k`)."""

    def section_of(node: ast.AST) -> str | None:
        for sub in ast.walk(node):
            target = (
                sub.func.value
                if isinstance(sub, ast.Call)
                and isinstance(sub.func, ast.Attribute)
                and sub.func.attr == "get"
                else sub.value
                if isinstance(sub, ast.Subscript)
                else None
            )
            key = (
                (sub.args[0] if sub.args else None)
                if isinstance(sub, ast.Call)
                else getattr(sub, "slice", None)
            )
            if target is not None and "secrets" in ast.unparse(target) and _literal(key):
                return _literal(key)
        return None

    out = set()
    for func in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
        bound = {}
        for node in ast.walk(func):
            if section := section_of(node) if isinstance(node, ast.Call | ast.Subscript) else None:
                out.add(f"[{section}]")
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and (section := section_of(node.value))
            ):
                bound[node.targets[0].id] = section
        for node in ast.walk(func):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in bound
                and (key := _literal(node.args[0] if node.args else None))
            ):
                out.add(f"[{bound[node.func.value.id]}] {key}")
    return out


def _scan() -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, set[str]]]:
    """file -> direct environment reads, file -> VSS_* names written anywhere, file -> secrets."""
    direct, named, secrets = {}, {}, {}
    for path in CODE:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        where = str(path.relative_to(ROOT))
        direct[where] = environment_reads(tree)
        named[where] = set(re.findall(r"\bVSS_[A-Z0-9_]+\b", text))
        secrets[where] = secret_reads(tree)
    return direct, named, secrets


DIRECT_READS, NAMED, SECRETS = _scan()


def test_the_readme_holds_the_settings_table():
    assert settings.table() in README, "run `uv run python -m vss_dash.settings`, paste the table"


def test_every_environment_variable_the_code_names_is_registered():
    named = {n for names in NAMED.values() for n in names} | {
        n for names in DIRECT_READS.values() for n in names
    }
    assert named - set(settings.ENVIRONMENT) - INTERNAL == set()


def test_the_environment_is_read_through_the_registry():
    direct = {(f, n) for f, names in DIRECT_READS.items() for n in names if n not in INTERNAL}
    assert direct == set(), "read them with vss_dash.settings.env()"


def test_every_secret_the_code_reads_is_registered():
    read = {s for found in SECRETS.values() for s in found}
    registered = {s.name for s in settings.SETTINGS if s.secret}
    whole = {name for name in registered if name.endswith("]")}  # a section registered as one
    assert {s for s in read - registered if s.split(" ")[0] not in whole} <= {
        f"[{name.split('] ')[0][1:]}]" for name in registered
    }
    assert {"[access]", "[auth]", "[upload]"} <= read


@pytest.mark.parametrize("setting", settings.SETTINGS, ids=lambda s: s.name)
def test_every_registered_setting_is_read_where_it_says(setting):
    files = re.findall(r"[\w/]+\.py", setting.read_by)
    assert files, setting.read_by
    if setting.secret:
        assert any(setting.name in SECRETS[f] or setting.name.split("] ")[0] + "]" in SECRETS[f]
                   for f in files), setting.name  # fmt: skip
    else:
        assert any(setting.name in NAMED[f] for f in files), setting.name


def test_a_setting_not_registered_is_refused():
    assert settings.env("VSS_DATA_DIR", {"VSS_DATA_DIR": "/x"}) == "/x"
    assert settings.env("VSS_DATA_DIR", {"VSS_DATA_DIR": ""}) is None
    with pytest.raises(KeyError, match="NOT_REGISTERED"):
        settings.env("NOT_REGISTERED", {})


@pytest.mark.parametrize(
    ("source", "env", "secrets"),
    [
        ('import os\nos.environ.get("A")\nos.getenv("B")\nos.environ["C"]\n"D" in os.environ\n',
         {"A", "B", "C", "D"}, set()),
        ('os.environ["E"] = "1"\n', set(), set()),
        ('def f(st):\n    s = dict(st.secrets.get("upload", {}))\n    s.get("enabled")\n',
         set(), {"[upload]", "[upload] enabled"}),
        ('def f(secrets):\n    a = secrets.get("access")\n    for b in a:\n        b.get("k")',
         set(), {"[access]"}),
    ],
)  # fmt: skip
def test_the_scan_finds_reads(source, env, secrets):
    tree = ast.parse(source)
    assert environment_reads(tree) == env and secret_reads(tree) == secrets
