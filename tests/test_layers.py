"""The layering of DESIGN.md, checked by scanning imports: nothing under vss_dash/ but the ui
package imports streamlit, and no module imports one above it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "vss_dash"
# lower number = lower layer; a module may import only modules of its own layer or below
LAYER = {
    "paths": 0,
    "settings": 0,
    "filecheck": 0,
    "catalog": 1,
    "access": 1,
    "i18n": 1,
    "pages": 1,
    "geo": 2,
    "figure": 2,  # a value of a measure with its status and source, and its one text
    "boundaries": 3,
    "store": 3,
    "store_pg": 3,  # the store on PostgreSQL; store dispatches to it, it reuses store's rules
    "published": 4,
    "metrics": 4,
    "export": 3,  # the status order is the store's
    "demo_fit": 4,
    "demo": 5,
    "charts": 5,
    "projection": 5,
    "watch": 5,
    "briefing": 5,
    "narrative": 5,
    "mapimage": 5,
    "pptx_deck": 5,
    "press": 5,
    "ingest": 5,
    "dataset": 5,
    "deck_export": 1,
    "chart_svg": 2,  # a chart as SVG in deck_export's Chromium
    "cli": 6,
    "ui": 6,
    "hardening": 6,  # patches Streamlit's runtime (app.py imports it first)
}


def imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            if node.module == "vss_dash":
                out |= {f"vss_dash.{a.name}" for a in node.names}
    return out


# a module's files: vss_dash/<name>.py, or every file of the package vss_dash/<name>/
FILES = sorted(p for p in PKG.rglob("*.py") if p != PKG / "__init__.py")


def module_of(path: Path) -> str:
    return path.relative_to(PKG).parts[0].removesuffix(".py")


def test_every_module_has_a_layer():
    assert {module_of(p) for p in FILES} == set(LAYER)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(PKG)) for p in FILES])
def test_layering(path: Path):
    found = imports(path)
    module = module_of(path)
    if module not in ("ui", "hardening"):
        assert not any(i.split(".")[0] == "streamlit" for i in found), "only vss_dash.ui may"
    for name in found:
        if name.startswith("vss_dash."):
            other = name.split(".")[1]
            assert LAYER[other] <= LAYER[module], f"{module} imports higher {other}"


def test_pages_hold_no_polars_or_plotly():
    for page in sorted((PKG.parent / "views").glob("*.py")) + [PKG.parent / "app.py"]:
        found = imports(page)
        assert not any(i.split(".")[0] in {"polars", "plotly"} for i in found), page.name


def test_no_python_callbacks_inside_polars():
    """`map_elements`/`map_batches` run Python on Polars' worker threads, which must take the
    GIL; a Streamlit session converting a frame to pandas holds the GIL while it waits for those
    same threads, and the whole server hangs (seen under load with Polars 2.1). Format values
    in plain Python instead."""
    for path in [*FILES, *sorted((PKG.parent / "views").glob("*.py")), PKG.parent / "app.py"]:
        text = path.read_text(encoding="utf-8")
        for banned in ("map_elements(", "map_batches(", "map_groups("):
            assert banned not in text, f"{path.name} calls {banned}"
