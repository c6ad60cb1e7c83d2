"""The `vss-dash` command, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from vss_dash import cli, published


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
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "period,layout,geo_code,measure,value,status,source_id"
    assert len(lines) == 35
    code, value = lines[1].split(",")[2], float(lines[1].split(",")[4])
    assert value == metrics.value_at(frames, "hi_coverage_rate", "P34", code, date(2025, 9, 30))


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
    assert f"{len(published.current()) - 4}/{len(published.current())}" in r.stdout


def test_validate_fails_on_a_broken_store(tmp_path):
    r = run("validate", "--store", str(tmp_path))
    assert r.returncode == 1 and "observations" in r.stderr


def test_demo_writes_a_store_that_validates(tmp_path):
    r = run("demo", "--store", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert f"{len(published.current()) - 4}/{len(published.current())}" in r.stdout
    assert run("validate", "--store", str(tmp_path)).returncode == 0
