"""Every third-party import is declared in pyproject.toml: the app's code (vss_dash, vss_harness,
views, app.py) imports only [project] dependencies; bench/, deploy/, scripts/ and tests/ may also
import the dev group. An import name is mapped to its distribution through the installed
packages' metadata (importlib.metadata.packages_distributions: `PIL` -> pillow)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
APP = ["vss_dash", "vss_harness", "views", "app.py"]
TOOLS = ["bench", "deploy", "scripts", "tests"]
FIRST_PARTY = {"vss_dash", "vss_harness"}


def _name(requirement: str) -> str:
    """PEP 503 name of a requirement: "streamlit[auth]>=1.67" -> "streamlit"."""
    found = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
    assert found, requirement
    return re.sub(r"[-_.]+", "-", found.group()).lower()


RUNTIME = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
DEV = {_name(r) for r in PYPROJECT["dependency-groups"]["dev"] if isinstance(r, str)}
DISTRIBUTIONS = importlib.metadata.packages_distributions()


def _files(*places: str) -> list[Path]:
    out = []
    for place in places:
        path = ROOT / place
        out += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return out


def imports(path: Path) -> set[str]:
    """Top-level names of the absolute imports of a file that are neither the standard library,
    the project's packages, nor a module beside the file or in tests/ (pytest puts the folder
    of tests/conftest.py on the path; a script's folder is on its own path)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    local = {p.stem for folder in (path.parent, ROOT / "tests") for p in folder.glob("*.py")}
    return {
        name
        for name in found
        if name not in sys.stdlib_module_names
        and name != "__future__"
        and name not in FIRST_PARTY
        and name not in local
    }


def undeclared(paths: list[Path], allowed: set[str]) -> dict[str, str]:
    """import name -> where, for the imports that no allowed distribution provides."""
    out = {}
    for path in paths:
        for name in imports(path):
            provided = {_name(d) for d in DISTRIBUTIONS.get(name, [])}
            if not provided & allowed:
                where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                out[name] = f"{where} (provided by {sorted(provided) or '?'})"
    return out


def test_the_app_imports_only_runtime_dependencies():
    assert undeclared(_files(*APP), RUNTIME) == {}


def test_tools_and_tests_import_only_declared_dependencies():
    assert undeclared(_files(*TOOLS), RUNTIME | DEV) == {}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import httpx\n", {"httpx"}),
        ("from PIL import Image\nimport os.path\n", {"PIL"}),
        ("from vss_dash import geo\nfrom . import x\nimport conftest\n", set()),
    ],
)
def test_the_scan_finds_third_party_imports(tmp_path, source, expected):
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    assert imports(path) == expected


def test_an_undeclared_import_is_reported(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("import httpx\nimport polars\n", encoding="utf-8")
    assert set(undeclared([path], RUNTIME)) == {"httpx"}
    assert undeclared([path], RUNTIME | DEV) == {}
