"""Exports read back equal to the table, open in Excel with Vietnamese intact, and never run a
formula."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from vss_dash import export


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Hà Nội", "Hà Nội"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralise(cell, expected):
    assert export.neutralise(cell) == expected
    df = pl.DataFrame({"t": [cell]})
    assert export.safe_frame(df).item(0, "t") == expected


def test_csv_has_a_bom_and_reads_back_equal():
    df = pl.DataFrame({"province": ["Hà Nội", "Thành phố Hồ Chí Minh"], "value": [1.5, -2.0]})
    data = export.to_csv(df)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pl.read_csv(io.BytesIO(data[3:]))
    assert_frame_equal(back, df)  # negative numbers are numbers, not defused text


def test_csv_defuses_formulas():
    data = export.to_csv(pl.DataFrame({"name": ['=HYPERLINK("x")']}))
    assert b"'=HYPERLINK" in data


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("si_coverage_rate", "P34", date(2026, 9, 30)), "vss_si_coverage_rate_P34_2026-09.csv"),
        (("watch list", None, "Hà Nội"), "vss_watch-list_Ha-Noi.csv"),
    ],
)
def test_file_name(parts, expected):
    assert export.file_name(*parts) == expected
