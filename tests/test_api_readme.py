"""The README's worked examples of the data API (section "The data API"), against a live server
started as the README says (`streamlit run vss_dash/asgi.py`): the Python ones run as written,
with the server's address in place of localhost:8501; the Excel (Power Query M) and R ones,
which need Excel or R, have their addresses fetched and the columns they name checked (and
the R one runs where `Rscript` is installed)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from vss_dash import deck_export

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## The data API") : README.index("## Sign-in and roles")]
HOST = "http://localhost:8501"


def blocks(lang: str) -> list[str]:
    """The section's fenced code blocks in `lang` ("" for an unnamed fence)."""
    found: list[tuple[str, list[str]]] = []
    inside = False
    for line in SECTION.splitlines():
        if line.startswith("```"):
            if not inside:
                found.append((line[3:].strip(), []))
            inside = not inside
        elif inside:
            found[-1][1].append(line)
    return ["\n".join(lines) + "\n" for name, lines in found if name == lang]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("readme") / "server.log"
    with deck_export.serve("vss_dash/asgi.py", ROOT, log=log, timeout_s=120) as url:
        yield url


def run(code: str, base: str) -> dict:
    namespace: dict = {}
    exec(compile(code.replace(HOST, base), "README.md", "exec"), namespace)  # noqa: S102
    return namespace


def csv_header(url: str) -> list[str]:
    with urllib.request.urlopen(url) as answer:
        data = answer.read()
    assert data.startswith(b"\xef\xbb\xbf")
    return pl.read_csv(io.BytesIO(data[3:]), infer_schema=False).columns


def test_the_section_has_each_example():
    assert len(blocks("python")) == 3 and len(blocks("r")) == 1 and len(blocks("")) == 1


def test_the_pandas_example(base):
    (code,) = [b for b in blocks("python") if "import pandas" in b]
    ns = run(code, base)
    df = ns["df"]
    assert set(df["Code"]) == {"01", "79"} and set(df["Measure id"]) == {
        "si_coverage_rate",
        "hi_coverage_rate",
    }
    assert df["Period"].min() == "2025-07" and df["Period"].max() == "2026-10"
    assert len(df) == 2 * 2 * 16 and ns["wide"].shape == (16, 4)


def test_the_polars_example(base):
    (code,) = [b for b in blocks("python") if "import polars" in b]
    ns = run(code, base)
    assert ns["df"].height == 2 * 2 * 16 and set(ns["df"]["geo_code"]) == {"01", "79"}
    assert ns["latest"].height == 4 and ns["latest"]["period"].dt.month().to_list() == [10] * 4


def test_the_json_example_with_its_etag(base):
    (code,) = [b for b in blocks("python") if "If-None-Match" in b]
    ns = run(code, base)
    assert ns["rows"] and ns["changed"] is False  # nothing changed: the 304


def test_the_excel_example_reads_an_address_with_the_columns_it_names(base):
    (m,) = blocks("")
    (url,) = re.findall(r'Web\.Contents\("([^"]+)"\)', m)
    header = csv_header(url.replace(HOST, base))
    for column in re.findall(r'\{"([^"]+)", type \w+\}', m):
        assert column in header, column


def test_the_r_example(base, tmp_path):
    (code,) = blocks("r")
    url = "".join(re.findall(r'"([^"]+)"', code.split(")")[0]))
    header = csv_header(url.replace(HOST, base))
    assert {"Code", "Value", "Measure id"} <= set(header)
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed: the R example's address and columns checked only")
    script = tmp_path / "example.R"
    script.write_text(code.replace(HOST, base) + "\nstopifnot(nrow(df) == 64)\n")
    subprocess.run(["Rscript", str(script)], check=True, timeout=120)
