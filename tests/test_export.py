"""Exports read back equal to the table, open in Excel with Vietnamese intact, and never run a
formula."""

from __future__ import annotations

import io
import json
from datetime import date

import openpyxl
import polars as pl
import pytest
from openpyxl.utils.escape import unescape
from polars.testing import assert_frame_equal

from vss_dash import export, i18n


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\n=1+1", "'\n=1+1"),  # a leading line feed
        (" =1+1", "' =1+1"),  # programs that trim spaces on import
        ("\u00a0=1+1", "'\u00a0=1+1"),  # no-break space
        ("\u3000=1+1", "'\u3000=1+1"),  # ideographic space
        ("\ufeff@x", "'\ufeff@x"),  # byte-order mark, invisible
        ("\u200b+1", "'\u200b+1"),  # zero-width space
        ("\uff1d1+1", "'\uff1d1+1"),  # fullwidth equals sign
        ("\uff20cmd", "'\uff20cmd"),  # fullwidth commercial at
        ("\u2212" + "1", "'\u22121"),  # minus sign
        ("Sheet 1 =x", "Sheet 1 =x"),
        (" Hà Nội", " Hà Nội"),
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


# ---------------------------------------------------------------- Excel and Parquet

FRAME = pl.DataFrame(
    {
        "geo_code": ["01", "79", "VN"],
        "name": ["Hà Nội", '=HYPERLINK("http://x")', None],
        "value": [41.25, -2.5, None],
        "rank": pl.Series([1, 2, None], dtype=pl.Int32),
        "period": [date(2026, 9, 30)] * 3,
        "status": ["demo", "demo", "published"],
        "source_id": ["demo_v1", "demo_v1", "003_ceeeaaaed105042b"],
    }
)
META = export.ExportMeta(
    title="Tỷ lệ bao phủ BHXH · 9/2026",
    filters={"Tháng": "9/2026", "Chỉ tiêu": "Tỷ lệ bao phủ BHXH", "Đơn vị hành chính": "34 tỉnh"},
    as_of=date(2026, 9, 30),
    status=export.frame_status(FRAME),
    sources=["demo_v1: Dữ liệu minh họa", "003_ceeeaaaed105042b: VSS quarterly press conference"],
    lang="vi",
)


def _text(value: object) -> object:
    # OOXML stores a control character such as CR as "_x000D_"; Excel reads it back, openpyxl
    # leaves it escaped
    return unescape(value) if isinstance(value, str) else value


def read_xlsx(data: bytes, meta: export.ExportMeta, schema: pl.Schema) -> tuple[list, pl.DataFrame]:
    """(header block lines, table) of an export, the table cast to `schema`."""
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    n = len(export.header_lines(meta))
    head = [r[0] for r in rows[:n]]
    assert all(v is None for v in rows[n]), "a blank row between the block and the table"
    headers, body = rows[n + 1], [[_text(v) for v in r] for r in rows[n + 2 :]]
    # the header row speaks the file's language; the test reads it back to the column names
    assert list(headers) == [export.neutralise(export.header_label(c, meta.lang)) for c in schema]
    columns = {c: [r[i] for r in body] for i, c in enumerate(schema)}
    table = pl.DataFrame(columns, strict=False).cast(dict(schema))
    return head, table


def test_xlsx_reads_back_equal_under_its_header_block():
    head, table = read_xlsx(export.to_xlsx(FRAME, META), META, FRAME.schema)
    assert head == export.header_lines(META)
    assert_frame_equal(table, export.safe_frame(FRAME))  # the same defusing as the CSV
    assert table.item(1, "value") == -2.5  # a negative number stays a number


def test_xlsx_header_block_says_what_the_data_is():
    head = export.header_lines(META)
    assert head[0] == META.title
    assert head[1:4] == [
        "Tháng: 9/2026",
        "Chỉ tiêu: Tỷ lệ bao phủ BHXH",
        "Đơn vị hành chính: 34 tỉnh",
    ]
    assert head[4] == "Số liệu đến 30/09/2026"
    assert head[5].startswith("Trạng thái: ")
    assert "không phải số liệu thật" in head[5] and "not real figures" in head[5]
    assert head[6:] == [f"Nguồn số liệu: {s}" for s in META.sources]


def test_xlsx_cells_are_typed_and_never_formulas():
    data = export.to_xlsx(FRAME.rename({"geo_code": "=cmd"}), META)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = [c.value for c in cells]
    assert "'=cmd" in values  # a header cell is defused too
    assert '\'=HYPERLINK("http://x")' in values
    n = len(export.header_lines(META)) + 3  # 1-based: the block, a blank row, the header row
    assert ws.cell(n, 3).data_type == "n" and ws.cell(n, 4).data_type == "n"
    assert ws.cell(n, 5).is_date


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_xlsx_defuses_every_formula_start(cell):
    df = pl.DataFrame({"t": [cell]})
    meta = export.ExportMeta("t", status="published")
    _, table = read_xlsx(export.to_xlsx(df, meta), meta, df.schema)
    assert table.item(0, "t") == "'" + cell


def test_xlsx_of_an_empty_frame():
    df = FRAME.clear()
    meta = export.ExportMeta("empty")
    _, table = read_xlsx(export.to_xlsx(df, meta), meta, df.schema)
    assert table.height == 0 and table.columns == df.columns


def test_parquet_reads_back_equal_with_the_meta():
    data = export.to_parquet(FRAME, META)
    assert_frame_equal(pl.read_parquet(io.BytesIO(data)), FRAME)  # raw: Parquet is for programs
    kv = pl.read_parquet_metadata(io.BytesIO(data))
    assert kv["vss:title"] == META.title
    assert json.loads(kv["vss:filters"]) == META.filters
    assert kv["vss:as_of"] == "2026-09-30"
    assert kv["vss:status"] == "mixed"
    assert "not real figures" in kv["vss:status_text"]
    assert "không phải số liệu thật" in kv["vss:status_text"]
    assert json.loads(kv["vss:sources"]) == META.sources
    assert kv["vss:lang"] == "vi"


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["demo", "demo"], "demo"),
        (["published"], "published"),
        (["reported", "reported"], "reported"),
        (["published", "demo"], "mixed"),
        (["reported", "demo", None], "mixed"),
        (["published", "reported"], "reported"),
        ([None, "published"], "published"),
        ([], "demo"),  # nothing says it is real
        ([None], "demo"),
        (["unknown"], "demo"),
    ],
)
def test_status_of(statuses, expected):
    assert export.status_of(statuses) == expected


def test_frame_status_reads_every_status_column():
    df = pl.DataFrame({"status": ["published"], "last_year_status": ["demo"]})
    assert export.frame_status(df) == "mixed"
    assert export.frame_status(pl.DataFrame({"value": [1.0]})) == "demo"


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(
    ("status", "says_demo"),
    [("demo", True), ("mixed", True), ("published", False), ("reported", False)],
)
def test_demo_status_says_demo_in_both_languages(status, says_demo, lang):
    meta = export.ExportMeta("t", status=status, lang=lang)
    text = export.status_text(meta)
    assert meta.is_demo == says_demo
    for phrase in ("Demo data, not real figures", "không phải số liệu thật"):
        assert (phrase.lower() in text.lower()) == says_demo, (phrase, text)
    if not says_demo:
        assert text == i18n.t(f"{status}_badge", lang)


def test_stem_and_file_name_agree():
    assert export.stem("si_coverage_rate", "P34", date(2026, 9, 30)) == (
        "vss_si_coverage_rate_P34_2026-09"
    )
    assert export.file_name("x", "01 Hà Nội", ext="xlsx") == "vss_x_01-Ha-Noi.xlsx"


def test_tidy_rounds_each_value_as_its_unit_is_published_and_names_the_measure():
    df = pl.DataFrame({
        "measure": ["si_coverage_rate", "si_participants", "revenue_collected", "unknown_x"],
        "value": [92.21897885325306, 126347.0000001, 4321.123456, 1.23456789],
        "change": [0.123456789] * 4,
        "si_participants": [1.6] * 4,
    })  # fmt: skip
    out = export.tidy(df, "vi")
    assert out.columns == ["measure", "measure_label", "value", "change", "si_participants"]
    assert out.get_column("value").to_list() == [92.22, 126347.0, 4321.123, 1.2346]
    assert out.get_column("change").to_list() == [0.1235] * 4
    assert out.get_column("si_participants").to_list() == [2.0] * 4
    assert out.item(0, "measure_label") == "Tỷ lệ bao phủ BHXH"
    assert out.item(3, "measure_label") == "unknown_x"
    assert export.tidy(df.with_columns(unit=pl.lit("percent")), "en").item(1, "value") == 126347.0


def test_csv_writes_whole_numbers_without_a_decimal_point():
    df = pl.DataFrame({"value": [126347.0, 92.22, -3.0, None, 1e30], "n": [1, 2, 3, 4, 5]})
    lines = export.to_csv(df)[3:].decode().splitlines()
    assert lines[1:] == ["126347,1", "92.22,2", "-3,3", ",4", "1e+30,5"]


def test_xlsx_speaks_the_files_language_with_number_formats():
    df = export.tidy(
        pl.DataFrame({"measure": ["si_coverage_rate", "si_participants", "revenue_collected"],
                      "value": [92.2189, 126347.0, 4321.1234]}), "vi")  # fmt: skip
    meta = export.ExportMeta("t", status="published", lang="vi")
    ws = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(df, meta))).active
    n = len(export.header_lines(meta)) + 2
    assert [c.value for c in ws[n]] == ["Mã chỉ tiêu", "Chỉ tiêu", "Giá trị"]
    assert [ws.cell(n + i, 3).number_format for i in (1, 2, 3)] == ["0.00", "#,##0", "#,##0.000"]
