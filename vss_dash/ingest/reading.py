"""Reading a file: `read()` turns the bytes into a Report, and never raises. The file is
judged and decoded (decoding.py), the first sheet that holds a table is read as the canonical
long table (long.py) or the wide monthly report (wide.py), its values are checked (checks.py),
and any other sheet with content is named in a warning. Nothing is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import polars as pl

from vss_dash import filecheck, metrics
from vss_dash.ingest.checks import (
    DEFAULT_MAX_JUMP_PCT,
    _check_denominators,
    _check_jumps,
    _check_missing,
    _check_plausible,
    _check_zero_divisors,
)
from vss_dash.ingest.collector import _Reader
from vss_dash.ingest.decoding import Sheet, _grid, _sheets
from vss_dash.ingest.findings import ROW_SCHEMA, Report, _Refused, echo, finding
from vss_dash.ingest.long import _long_header, _read_long
from vss_dash.ingest.wide import _find_header, _read_wide

# ---------------------------------------------------------------- reading a file


def read(
    data: bytes,
    file_name: str,
    *,
    period: date | None = None,
    frames: metrics.Frames | None = None,
    max_jump_pct: float = DEFAULT_MAX_JUMP_PCT,
    today: date | None = None,
) -> Report:
    """Read and check a report; nothing is written. `period` overrides the title's month;
    `frames` (the current store) is needed for the checks against last month and against
    stored denominators; periods are accepted for months that ended before `today` (default:
    the system's date). Never raises: whatever goes wrong is a finding."""
    report = Report(echo(Path(file_name).name, 200), hashlib.sha256(data).hexdigest(), len(data))
    try:
        sheets, nonempty, report.encoding = _sheets(data, file_name)
        _read_sheets(report, sheets, nonempty, period, frames, max_jump_pct, today or date.today())
    except _Refused as e:
        report.findings.append(e.finding)
        report.rows = pl.DataFrame(schema=ROW_SCHEMA)
    except Exception as e:  # a file this reader did not foresee: a refusal, not a traceback
        detail = f"{type(e).__name__}: {e}"
        report.findings.append(finding("error", "unreadable", detail=detail))
        report.rows = pl.DataFrame(schema=ROW_SCHEMA)
    return report


def read_path(path: Path, **kw) -> Report:
    """`read` of a file on disk; a file over the size limit is refused without being read."""
    path = Path(path)
    size = path.stat().st_size
    if size > filecheck.MAX_FILE_BYTES:
        report = Report(echo(path.name, 200), "", size)
        report.findings.append(
            finding("error", "too_large", mb=size // 2**20, limit=filecheck.MAX_FILE_BYTES // 2**20)
        )
        return report
    return read(path.read_bytes(), path.name, **kw)


def _read_sheets(
    report: Report,
    sheets: Iterator[Sheet],
    nonempty: list[str],
    period,
    frames,
    max_jump_pct,
    today: date,
) -> None:
    """Read the first sheet that holds a table; the others are named in a warning."""
    for name, raw in sheets:
        reader = _Reader(name, today)
        rows = _grid(reader, raw)
        if (long := _long_header(rows)) is not None:
            report.shape = "long"
            _read_long(reader, rows, *long, period)
        elif (h := _find_header(rows)) is not None:
            report.shape = "wide"
            _read_wide(reader, rows, h, period)
        else:
            continue
        report.sheet = echo(name)
        others = [echo(n) for n in nonempty if n != name]
        if others:
            listed = ", ".join(others[:10]) + (" …" if len(others) > 10 else "")
            reader.add("warning", "sheets_ignored", used=name, others=listed)
        values = reader.frame()
        if values.height:
            _check_plausible(reader, values, frames)
            _check_zero_divisors(reader, values)
            _check_missing(reader, values)
            _check_denominators(reader, values, frames)
            _check_jumps(reader, values, frames, max_jump_pct)
        elif not any(f.severity == "error" for f in reader.findings):
            reader.add("error", "no_values")
        report.rows = values
        report.findings = sorted(
            reader.findings, key=lambda f: (f.severity != "error", f.row or 0, f.column)
        )
        report.omitted = reader.omitted
        return
    raise _Refused(finding("error", "no_header"))
