"""The `vss-dash` command, run as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from vss_dash import cli, published
from vss_dash.figure import round_published


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vss_dash.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_export_json_prints_the_published_figure():
    r = run(
        "export",
        "--measure",
        "si_participants",
        "--period",
        "2024-09",
        "--layout",
        "VN",
        "--format",
        "json",
    )
    assert r.returncode == 0, r.stderr
    records = json.loads(r.stdout)
    assert records == [
        {
            "period": "2024-09",
            "layout": "VN",
            "geo_code": "VN",
            "measure": "si_participants",
            "value": 19020000,
            "status": "published",
            "source_id": "001_d6009e166cfbf782",
            "also_published": "",
        }
    ]


def test_export_csv_by_province_equals_metrics(capsys, frames):
    from datetime import date

    from vss_dash import metrics

    assert (
        cli.main(
            ["export", "--measure", "hi_coverage_rate", "--period", "2025-09", "--layout", "P34"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("\ufeff")  # a byte-order mark, as every CSV the dashboard writes
    lines = out[1:].strip().splitlines()
    assert lines[0] == "period,layout,geo_code,measure,value,status,source_id,also_published"
    assert len(lines) == 35
    code, value = lines[1].split(",")[2], float(lines[1].split(",")[4])
    held = metrics.value_at(frames, "hi_coverage_rate", "P34", code, date(2025, 9, 30))
    assert value == round_published(held, "percent")  # as the pages show it


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["export", "--measure", "si_everyone"], "si_participants"),  # lists the valid choices
        (["export", "--measure", "si_participants", "--period", "2019-01"], "2020-01 .. 2026-10"),
        (["export", "--measure", "si_participants", "--period", "24-9x"], "YYYY-MM"),
        (
            ["export", "--measure", "si_participants", "--period", "2025-09", "--layout", "P63"],
            "cannot be split back",
        ),
        (["export", "--measure", "si_participants", "--layout", "P64"], "P34"),
        ([], "demo"),
    ],
)
def test_bad_usage_exits_2_with_the_valid_choices(args, says):
    r = run(*args)
    assert r.returncode == 2
    assert says in r.stderr


def test_validate_passes_on_the_demo_store():
    r = run("validate")
    assert r.returncode == 0, r.stderr
    assert f"{len(published.current()) - 5}/{len(published.current())}" in r.stdout


def test_validate_fails_on_a_broken_store(tmp_path):
    r = run("validate", "--store", str(tmp_path))
    assert r.returncode == 1 and "observations" in r.stderr


@pytest.mark.parametrize(
    "where",
    ["postgresql://vss:pw-not-shown@/nowhere?host=/nonexistent-vss-socket&port=1", "empty"],
)
def test_export_of_a_store_out_of_reach_says_so_without_a_traceback(where, tmp_path):
    """As validate, ingest and migrate: a database that cannot be reached (or a directory with
    no store) is one line on stderr and exit 1, never a StoreUnavailable traceback."""
    where = str(tmp_path) if where == "empty" else where
    r = run("export", "--measure", "si_participants", "--store", where)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr and "pw-not-shown" not in r.stderr
    assert r.stderr.strip() and len(r.stderr.strip().splitlines()) <= 2


def test_demo_writes_a_store_that_validates(tmp_path):
    r = run("demo", "--store", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert f"{len(published.current()) - 5}/{len(published.current())}" in r.stdout
    assert run("validate", "--store", str(tmp_path)).returncode == 0


def test_export_answers_to_every_measure_id_of_the_published_files(capsys):
    """The ids of published_more.csv's `measure` column: catalogue ids, aliases, targets."""
    ids = {f.measure for f in published.figures() if f.reference.startswith("http")}
    assert len(ids) > 30
    for measure in sorted(ids):
        fig = next(
            f
            for f in published.current()
            if f.measure == measure and f.reference.startswith("http")
        )
        layout = fig.layout
        assert (
            cli.main(["export", "--measure", measure, "--layout", layout, "--period", fig.ym]) == 0
        )
        rows = capsys.readouterr().out.splitlines()[1:]
        mine = [r for r in rows if f",{fig.geo_code},{measure}," in r]
        assert mine, (measure, rows[:3])
        assert mine[0].split(",")[5] == "published", mine[0]


def test_export_shows_what_else_was_published(capsys):
    cli.main(["export", "--measure", "si_coverage_rate", "--period", "2022-12"])
    row = capsys.readouterr().out.splitlines()[1]
    assert row.startswith("2022-12,VN,VN,si_coverage_rate,38.08,published,")
    assert "38.01 (Sài Gòn Giải Phóng (SGGP), 2023-09-01, alternative)" in row


@pytest.mark.parametrize(
    ("measure", "decimals"), [("revenue_collected", 1), ("si_coverage_rate", 2)]
)
def test_export_csv_holds_values_as_published(measure, decimals):
    """#24: 119897.00200000001 and 92.29971345677994 in the file, and no byte-order mark."""
    r = subprocess.run(
        [sys.executable, "-m", "vss_dash.cli", "export", "--measure", measure],
        capture_output=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.stdout[3:].decode())))
    assert len(rows) > 60
    for row in rows:
        value = row["value"]
        if row["status"] != "published":
            assert len(value.partition(".")[2]) <= decimals, row
        assert float(value) == round(float(value), 6), row  # no float noise


def test_export_keeps_a_published_figure_exactly(capsys):
    """882.15 billion đồng was published with two decimals; money is published to one."""
    args = ["export", "--measure", "late_payment_amount", "--layout", "P63", "--period", "2025-03"]
    assert cli.main(args) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    (row,) = [r for r in rows if r["status"] == "published"]
    assert row["value"] == "882.15"
