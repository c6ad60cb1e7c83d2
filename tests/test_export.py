"""Exports read back equal to the table, open in Excel with Vietnamese intact, and never run a
formula."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import openpyxl
import polars as pl
import pytest
from openpyxl.utils.escape import unescape
from polars.testing import assert_frame_equal

from vss_dash import catalog, export, i18n


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
    filters={
        "Tháng": "9/2026",
        "Chỉ tiêu": "Tỷ lệ bao phủ BHXH",
        "Đơn vị hành chính": "34 tỉnh, thành phố",
    },
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
    # the same defusing as the CSV, statuses in words
    assert_frame_equal(table, export.safe_frame(export.words(FRAME, META.lang)))
    assert table.item(1, "value") == -2.5  # a negative number stays a number


def test_xlsx_header_block_says_what_the_data_is():
    head = export.header_lines(META)
    assert head[0] == META.title
    assert head[1:4] == [
        "Tháng: 9/2026",
        "Chỉ tiêu: Tỷ lệ bao phủ BHXH",
        "Đơn vị hành chính: 34 tỉnh, thành phố",
    ]
    assert head[4] == "Số liệu đến 30/9/2026"
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
    assert out.get_column("value").to_list() == [92.22, 126347.0, 4321.1, 1.2346]
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
    formats = [ws.cell(n + i, 3).number_format for i in (1, 2, 3)]
    assert formats == ["#,##0.00", "#,##0", "#,##0.0"]  # catalog.PUBLISHED_DECIMALS


# ---------------------------------------------------------------- files in the page's language

DATA = pl.DataFrame(
    {
        "period": [date(2025, 1, 31), date(2025, 1, 31), date(2025, 8, 31)],
        "layout": ["P63", "P63", "P34"],
        "geo_code": ["01", "01", "79"],
        "province": ["Hà Nội", "Hà Nội", "Thành phố Hồ Chí Minh"],
        "measure": ["hi_medical_cost", "hi_coverage_rate", "si_participants"],
        "value": [119897.00200000001, 92.29971345677994, 2748449.0],
        "unit": ["billion_vnd", "percent", "persons"],
        "status": ["demo", "demo", "published"],
        "source_id": ["demo_v1", "demo_v1", "web_1"],
    }
)


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode())))


def sheet_rows(data: bytes, meta: export.ExportMeta) -> tuple[list, list]:
    """(header row cells, body row cells) of an Excel export."""
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows())
    n = len(export.header_lines(meta)) + 1
    return ws, rows[n], rows[n + 1 :]


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_csv_and_excel_speak_the_pages_language_alike(lang):
    """#24: the Vietnamese CSV had English ids for headers while the Excel was Vietnamese; both
    held billion_vnd, percent, persons, demo and P34; in English the layout column was headed
    "Provinces"."""
    sheet = export.tidy(DATA, lang)
    header, *body = csv_rows(export.to_csv(sheet, lang))
    meta = export.ExportMeta("t", status="mixed", lang=lang)
    _, cells, _ = sheet_rows(export.to_xlsx(sheet, meta), meta)
    assert header == [c.value for c in cells]  # one header row for both files
    assert header == export.headers(sheet.columns, lang)
    assert header[:2] == [i18n.t("col_period", lang), i18n.t("col_layout", lang)]
    assert "Provinces" not in header and not set(header) & set(DATA.columns)
    assert body[0][1] == i18n.t("layout_P63", lang) and body[2][1] == i18n.t("layout_P34", lang)
    units = [r[header.index(i18n.t("col_unit", lang))] for r in body]
    assert units == [i18n.t(i18n.UNIT_KEYS[u], lang) for u in DATA.get_column("unit")]
    statuses = [r[header.index(i18n.t("col_status", lang))] for r in body]
    assert statuses == [i18n.status_word(s, lang) for s in DATA.get_column("status")]
    ids = {"billion_vnd", "percent", "persons", "demo", "published", "P34", "P63"}
    ids -= {i18n.t(k, lang) for k in i18n.UNIT_KEYS.values()}  # "persons" is English
    assert not ids & {cell for row in body for cell in row}


def test_csv_has_no_float_noise_and_rounds_as_published():
    """#24: 119897.00200000001 and 92.29971345677994 in the files."""
    header, *body = csv_rows(export.to_csv(export.tidy(DATA, "vi"), "vi"))
    values = [r[header.index("Giá trị")] for r in body]
    assert values == ["119897", "92.3", "2748449"]  # billions to 1 decimal, rates to 2
    assert [r[0] for r in body] == ["2025-01", "2025-01", "2025-08"]  # months, not days
    assert [r[header.index("Mã")] for r in body] == ["01", "01", "79"]
    half = pl.DataFrame({"measure": ["si_coverage_rate"], "value": [2.675]})
    assert export.tidy(half, "en").item(0, "value") == 2.68  # half-up as written


def test_a_published_value_is_exported_exactly_as_published():
    """882.15 billion was published with two decimals; money is published to a tenth as a rule."""
    df = pl.DataFrame(
        {"measure": ["late_payment_amount"] * 2, "value": [882.15, 882.15],
         "status": ["published", "demo"]}
    )  # fmt: skip
    assert export.tidy(df, "en").get_column("value").to_list() == [882.15, 882.2]
    meta = export.ExportMeta("t", lang="en")
    _, cells, body = sheet_rows(export.to_xlsx(export.tidy(df, "en"), meta), meta)
    value = [c.value for c in cells].index("Value")
    assert [r[value].number_format for r in body] == ["#,##0.00", "#,##0.0"]


def test_published_figures_keep_their_own_decimals():
    """#24: the Sources page's export held 95 / 45 / 38 / 2 where it shows 95,16 / 45,2 / 38,01 /
    1,69 (its unit column holds the sources' words, no catalogue unit)."""
    figs = pl.DataFrame(
        {
            "measure": ["hi_coverage_rate", "si_coverage_rate", "si_coverage_rate", "x_rate"],
            "value": [95.16, 45.2, 38.01, 1.69],
            "unit": ["percent of population", "percent", "percent", "percent of receivables"],
            "held": [95.1612, 45.0961, 38.0799, 1.6871],
            "role": ["current", "earlier estimate", "alternative", "current"],
            "decimals": [2, 1, 2, 2],
            "status": ["published"] * 4,
        }
    )
    sheet = export.tidy(figs, "vi")
    header, *body = csv_rows(export.to_csv(sheet, "vi"))
    assert "decimals" not in header and len(header) == len(figs.columns)  # + label - decimals
    assert [r[header.index("Giá trị")] for r in body] == ["95.16", "45.2", "38.01", "1.69"]
    assert [r[header.index("Đang hiển thị")] for r in body] == ["95.16", "45.1", "38.08", "1.69"]
    roles = [r[header.index("Vai trò")] for r in body]
    assert roles == ["Hiện hành", "Ước tính trước", "Nguồn khác", "Hiện hành"]
    assert body[0][header.index("Đơn vị")] == "percent of population"  # the source's own words
    meta = export.ExportMeta("t", status="published", lang="vi")
    _, cells, rows = sheet_rows(export.to_xlsx(sheet, meta), meta)
    col = [c.value for c in cells].index("Giá trị")
    assert [r[col].value for r in rows] == [95.16, 45.2, 38.01, 1.69]
    assert [r[col].number_format for r in rows] == ["#,##0.00", "#,##0.0", "#,##0.00", "#,##0.00"]


@pytest.mark.parametrize(("lang", "month"), [("vi", "mm/yyyy"), ("en", "mmm yyyy")])
def test_excel_months_codes_and_widths(lang, month):
    """#24: the month column was a full date (2025-01-31), widths cut "Chi phí khám c…"."""
    meta = export.ExportMeta("t", status="mixed", lang=lang)
    ws, cells, body = sheet_rows(export.to_xlsx(export.tidy(DATA, lang), meta), meta)
    assert body[0][0].is_date and body[0][0].number_format == month
    code = [c.value for c in cells].index(i18n.t("col_code", lang))
    assert [r[code].value for r in body] == ["01", "01", "79"]
    assert all(r[code].data_type == "s" for r in body)
    widths = {i: d.width for d in ws.column_dimensions.values() for i in range(d.min, d.max + 1)}
    for i, cell in enumerate(cells):
        longest = max((len(str(r[i].value)) for r in body if not r[i].is_date), default=7)
        assert widths[i + 1] >= min(max(len(cell.value), longest), export._MAX_WIDTH), cell.value
    label = [c.value for c in cells].index(i18n.t("col_measure", lang))
    assert body[0][label].value == catalog.get("hi_medical_cost").label(lang)


def test_excel_takes_moments_with_a_time_zone():
    """The data-quality panel's vintages (UTC moments) made the Excel file raise."""
    df = pl.DataFrame({"latest_vintage": [datetime(2026, 11, 1, 8, tzinfo=UTC)]})
    meta = export.ExportMeta("t", lang="vi")
    _, cells, body = sheet_rows(export.to_xlsx(df, meta), meta)
    assert cells[0].value == "Phiên bản mới nhất"
    assert body[0][0].value == datetime(2026, 11, 1, 8)
    assert export.csv_frame(df, "vi").item(0, 0) == "2026-11-01 08:00:00"


@pytest.mark.parametrize(
    ("column", "lang", "expected"),
    [
        ("last_year_status", "vi", "Trạng thái (Cùng kỳ năm trước)"),
        ("change_kind", "en", "Unit (Change)"),
        ("demo", "vi", "Dữ liệu minh họa"),
        ("layout", "en", "Administrative layout"),
        ("si_coverage_rate", "en", "SI coverage"),
        ("no_such_column", "vi", "no_such_column"),
    ],
)
def test_header_label(column, lang, expected):
    assert export.header_label(column, lang) == expected
