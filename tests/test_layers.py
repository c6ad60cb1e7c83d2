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
    "reference": 1,  # the reference files by name, their release and its cache
    "geo": 2,
    "figure": 2,  # a value of a measure with its status and source, and its one text
    "boundaries": 3,
    "store": 3,  # the package: schema, the Parquet and PostgreSQL backends, the interface
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
    "data": 5,  # the data manager: the store's frames and every cache's one token
    "plausibility": 5,  # validate's checks that a store behaves like real reports
    "deck_export": 1,
    "chart_svg": 2,  # a chart as SVG in deck_export's Chromium
    "cli": 6,
    "ui": 6,
    "hardening": 6,  # patches Streamlit's runtime (app.py imports it first)
    "upload_guard": 6,  # the upload endpoint judged before its body is read (asgi's middleware)
    "precompressed": 6,  # Streamlit's scripts as brotli, compressed once (asgi's middleware)
    "api": 6,  # the data API's routes: the pages' data layer over HTTP
    "api_query": 6,  # the data API's query parameters, and the pages' links to it
    "api_tokens": 4,  # personal API tokens: made on the Data page, checked by the API
    "api_openapi": 6,  # the data API described in OpenAPI, served by the API
    "asgi": 7,  # the app as one ASGI application: the pages (st.App) and the API
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
    if module not in ("ui", "hardening", "asgi"):
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


STORE = PKG / "store"
# within the store package: the backends share only the schema; the interface picks one
STORE_ALLOWED = {
    "schema": set(),
    "postgres_log": set(),
    "parquet_log": {"schema"},
    "parquet": {"schema", "parquet_log"},
    "postgres": {"schema", "postgres_log", "postgres_tokens"},
    "parquet_tokens": {"parquet", "parquet_log"},  # the tokens' file, under the store's lock
    "postgres_tokens": {"postgres"},  # the tokens' table, on postgres.py's connections
    "__init__": {
        "schema",
        "parquet",
        "parquet_log",
        "parquet_tokens",
        "postgres",
        "postgres_tokens",
    },
}


def package_imports(path: Path, package: str) -> set[str]:
    """The modules of the package vss_dash/<package>/ that `path` imports, by file name
    (relative imports too)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = f"vss_dash.{package}" if node.level else node.module or ""
            if node.level and node.module:
                base = f"{base}.{node.module}"
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[:2] == ["vss_dash", package] and len(parts) > 2:
                out.add(parts[2])
    return out


def store_imports(path: Path) -> set[str]:
    """The modules of the store package `path` imports, by file name (relative imports too)."""
    return package_imports(path, "store")


def test_the_store_package_is_what_the_layering_knows():
    assert {p.stem for p in STORE.glob("*.py")} == set(STORE_ALLOWED)


@pytest.mark.parametrize("module", sorted(STORE_ALLOWED))
def test_store_backends_share_only_the_schema(module):
    """Neither backend imports the other (the Parquet store knows no database, the PostgreSQL
    store no files); each imports only schema.py (and each its own log's module); only the
    interface, vss_dash/store/__init__.py, chooses between them."""
    found = store_imports(STORE / f"{module}.py")
    assert found <= STORE_ALLOWED[module], f"{module} imports {found - STORE_ALLOWED[module]}"


def test_nothing_outside_the_store_picks_a_backend():
    """The rest of the project goes through the package's interface (store.load, store.write,
    ...), never to a backend's module; tests of a backend's own behaviour may."""
    root = PKG.parent
    code = [root / "app.py", *sorted(root.glob("views/*.py"))] + [
        p for p in sorted(PKG.rglob("*.py")) if p.parent != STORE
    ]
    for path in code:
        found = store_imports(path)
        backends = {"parquet", "parquet_log", "parquet_tokens", "postgres", "postgres_log"}
        backends |= {"postgres_tokens"}
        assert not found & backends, f"{path.name} imports {found}"


def test_no_module_of_the_store_is_over_600_lines():
    for path in sorted(STORE.glob("*.py")):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path.name


INGEST = PKG / "ingest"
# the ingest package: what a file holds (findings), its cells (numbers), the collector, the
# bytes (decoding), the two layouts (wide, long), the checks, reading a file, storing a report
INGEST_MODULES = {
    "__init__",
    "findings",
    "numbers",
    "collector",
    "decoding",
    "wide",
    "long",
    "checks",
    "reading",
    "storing",
}


def ingest_graph() -> dict[str, set[str]]:
    """Each module of the ingest package -> the modules of the package it imports."""
    return {
        p.stem: package_imports(p, "ingest") & INGEST_MODULES - {p.stem}
        for p in sorted(INGEST.glob("*.py"))
    }


def test_the_ingest_package_is_what_the_layering_knows():
    assert {p.stem for p in INGEST.glob("*.py")} == INGEST_MODULES


def test_the_ingest_modules_import_each_other_without_a_cycle():
    """The modules of vss_dash/ingest/ form a layering of their own: following the imports from
    any module never leads back to it (only the interface, __init__.py, imports them all)."""
    graph = ingest_graph()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, "import cycle: " + " -> ".join((*path, module))
        if module in done:
            return
        for other in sorted(graph[module]):
            visit(other, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())
    assert not any("__init__" in found for found in graph.values()), "import the module itself"


def test_no_module_of_the_ingest_package_is_over_600_lines():
    for path in sorted(INGEST.glob("*.py")):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path.name
