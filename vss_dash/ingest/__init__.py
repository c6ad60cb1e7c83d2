"""Import provincial reports into the store: read, check, then write all or nothing.

Two shapes of file are read, as CSV (UTF-8 with or without BOM, UTF-16, Windows-1258) or XLSX:

- the canonical long table: columns `period` (YYYY-MM), `province` (name or GSO code; the layout
  follows from the period), `measure` (catalogue id), `value` (a plain number, '.' as the decimal
  point), optional `unit`;
- the wide monthly report the provincial offices send: title rows, the period in a title such as
  "THÁNG 9 NĂM 2024", a header row with "STT", one row per province, Vietnamese column headers
  (possibly over two rows, possibly with line breaks), units in the headers or in a units row,
  numbers written the Vietnamese way ("1.234.567" or "1.234,5") and a total row that is checked
  against the sum and not stored.

`read()` turns the bytes into a `Report`: the values it would store, in the catalogue's units, and
every finding with its sheet, row and column in Vietnamese and English (the templates are the
`import.<rule>` entries of texts.toml, one a rule). Errors refuse the file; warnings do not. It
never raises: the file is judged before it is parsed (its size, name against content, a
workbook's whole package in `filecheck`), rows and columns are capped, numbers must be finite,
periods must have ended, text quoted from the file is escaped and cut short, and findings past
MAX_PER_RULE a rule are counted rather than kept (`Report.groups()` gives the short report).
`commit()` stores a clean report as a new vintage (earlier vintages are kept) through
`store.update`, which validates the whole store and replaces its files only once every one has
been written, and appends a line to the store's ingest log.

The package's modules, each importing only those above it in this list:

    findings.py   Finding, finding(), Report and its groups; the file's text escaped (echo)
    numbers.py    a cell's text, number, unit and period
    collector.py  _Reader: the values and findings of a sheet as it is read
    decoding.py   the bytes judged and decoded into sheets of clean cells
    wide.py       the wide monthly report
    long.py       the canonical long table
    checks.py     checks against the store: plausibility, zero divisors, missing provinces,
                  denominators, jumps
    reading.py    read(), read_path(): a file to a Report
    storing.py    commit() through store.update, the ingest log (log_refusal, log), vintages

This module is the interface: the names the rest of the project uses are re-exported here.
"""

from __future__ import annotations

from vss_dash.ingest.checks import DEFAULT_MAX_JUMP_PCT
from vss_dash.ingest.decoding import decode
from vss_dash.ingest.findings import MAX_PER_RULE, Finding, Report, echo, printable
from vss_dash.ingest.numbers import (
    _BadNumber,
    _plain,
    find_unit,
    parse_number,
    parse_period,
    title_period,
)
from vss_dash.ingest.reading import read, read_path
from vss_dash.ingest.storing import (
    LogEntries,
    commit,
    compare_vintages,
    log,
    log_refusal,
    vintages,
)
from vss_dash.store import LOG_FILE, UnsafeFile  # the store writes the log; kept for callers

__all__ = [
    "DEFAULT_MAX_JUMP_PCT",
    "LOG_FILE",
    "MAX_PER_RULE",
    "Finding",
    "LogEntries",
    "Report",
    "UnsafeFile",
    "_BadNumber",
    "_plain",
    "commit",
    "compare_vintages",
    "decode",
    "echo",
    "find_unit",
    "log",
    "log_refusal",
    "parse_number",
    "parse_period",
    "printable",
    "read",
    "read_path",
    "title_period",
    "vintages",
]
