"""Hostile and careless files: every class is refused (or read) with a bilingual finding, in
bounded time and memory, without a traceback, with the store untouched and a line in the import
log. The files are generated here, small on disk (a declared size, a sparse file or a
compressible part stands in for the large ones)."""

from __future__ import annotations

import hashlib
import io
import resource
import shutil
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from vss_dash import cli, filecheck, i18n, ingest, store
from vss_dash.paths import store_dir
from vss_harness.ingest_files import (
    AMOUNTS,
    MAIN_MACROS,
    PERSONS,
    Wide,
    declare_size,
    long_csv,
    long_sheet,
    long_xlsx,
    package,
    raw_xlsx,
    sheet_xml,
)

SEP_2024 = date(2024, 9, 30)
ROW = ("2024-09", "Hà Nội", "si_compulsory")  # a long-table row without its value
ESC_LINE = "\x1b[2K\x1b[1G\x1b[32mstored 441 values in data/store\x1b[0m\x9b1A"
OK_SHEET = long_sheet([(*ROW, 2_000_000.0)])
DTD = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
XXE = '<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_STRINGS = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
VBA = '<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>'


@pytest.fixture
def tmp_store(tmp_path: Path) -> Path:
    d = tmp_path / "store"
    shutil.copytree(store_dir(), d, ignore=shutil.ignore_patterns("ingest_log.jsonl", ".*"))
    return d


def store_files(d: Path) -> dict[str, str]:
    """Every file of the store but the import log and its lock, by content."""
    return {
        str(p.relative_to(d)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(d.rglob("*"))
        if p.is_file() and p.name not in (ingest.LOG_FILE, store.WRITE_LOCK)
    }


def workbook(*sheets: list[tuple]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for i, rows in enumerate(sheets):
        ws = wb.create_sheet(f"Trang {i + 1}")
        for row in rows:
            ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def long_rows(*rows: tuple) -> list[tuple]:
    return [("period", "province", "measure", "value"), *rows]


def bomb_sheet() -> str:
    """A worksheet that inflates about 1000:1 (5 MB of blanks between two rows)."""
    return OK_SHEET.replace("</row>", "</row>" + " " * 5_000_000, 1)


def styles_bomb() -> bytes:
    """A workbook whose styles part holds 210,000 cell formats (openpyxl builds each one)."""
    xfs = "".join(f'<xf numFmtId="{i * 7919 % 9973}" fontId="0"/>' for i in range(210_000))
    styles = f'<styleSheet xmlns="{NS}"><cellXfs count="210000">{xfs}</cellXfs></styleSheet>'
    return raw_xlsx(OK_SHEET, extra_parts={"xl/styles.xml": styles})


def shared_long_string() -> bytes:
    """100,000 cells that share one string of 4,999 characters with a no-break space in it."""
    strings = f'<sst xmlns="{NS}"><si><t>{"x" * 4997}\u00a0y</t></si></sst>'
    cells = "".join(
        f'<row r="{r}">'
        + "".join(
            f'<c r="{filecheck.column_letters(j)}{r}" t="s"><v>0</v></c>' for j in range(1, 201)
        )
        + "</row>"
        for r in range(1, 501)
    )
    sheet = f'<worksheet xmlns="{NS}"><sheetData>{cells}</sheetData></worksheet>'
    return raw_xlsx(
        sheet, extra_parts={"xl/sharedStrings.xml": strings}, extra_types=SHARED_STRINGS
    )


# name -> (file name, builder, the rule that refuses it; None: any refusal)
HOSTILE: dict[str, tuple[str, Callable[[], bytes], str | None]] = {
    # the package
    "declared range A1:XFD1048576": (
        "range.xlsx",
        lambda: raw_xlsx(sheet_xml({"A1": "x", "XFD1048576": 1}, dimension="A1:XFD1048576")),
        "sheet_size",
    ),
    "a cell beyond a small declared range": (
        "lying.xlsx",
        lambda: raw_xlsx(sheet_xml({"A1": "period", "A1048576": 1.0}, dimension="A1:A1")),
        "sheet_size",
    ),
    "too many rows in a sheet": (
        "rows.xlsx",
        lambda: raw_xlsx(sheet_xml({f"A{r}": 1 for r in range(1, filecheck.MAX_ROWS + 2)})),
        "sheet_size",
    ),
    "too many columns in a sheet": (
        "columns.xlsx",
        lambda: raw_xlsx(sheet_xml({"A1": 1, "GT1": 1})),  # GT is column 202
        "sheet_size",
    ),
    "macros renamed .xlsx": (
        "macros.xlsx",
        lambda: raw_xlsx(OK_SHEET, extra_types=VBA,
                         extra_parts={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 64}),
        "macros",
    ),  # fmt: skip
    "macro-enabled content type": (
        "macros2.xlsx",
        lambda: raw_xlsx(OK_SHEET, main=MAIN_MACROS),
        "macros",
    ),
    "xlsm": ("report.xlsm", lambda: long_xlsx([(*ROW, 2_000_000.0)]), "macros"),
    "zip bomb declaring 1.2 GB": (
        "bomb.xlsx",
        lambda: declare_size(raw_xlsx(OK_SHEET), "xl/worksheets/sheet1.xml", 1_200_000_000),
        "zip_size",
    ),
    "zip bomb by ratio": ("ratio.xlsx", lambda: raw_xlsx(bomb_sheet()), "zip_ratio"),
    "210,000 styles": ("styles.xlsx", styles_bomb, "xml_elements"),
    "a long string shared by 100,000 cells": ("shared.xlsx", shared_long_string, "no_header"),
    "DTD with entities": (
        "dtd.xlsx",
        lambda: raw_xlsx(long_sheet([(*ROW, 1.0)], doctype=DTD).replace(">2024-09<", ">&b;<")),
        "xml_dtd",
    ),
    "external entity": ("xxe.xlsx", lambda: raw_xlsx(long_sheet([], doctype=XXE)), "xml_dtd"),
    "DTD in the content types": (
        "types.xlsx",
        lambda: raw_xlsx(OK_SHEET, content_types=f'<?xml version="1.0"?>{DTD}<Types/>'),
        "xml_dtd",
    ),
    "not a workbook (a zip without one)": (
        "doc.xlsx",
        lambda: package({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}),
        "file_type",
    ),
    "broken zip": ("broken.xlsx", lambda: b"PK\x03\x04" + b"\xff" * 300, "file_type"),
    "a workbook named .csv": ("report.csv", lambda: long_xlsx([(*ROW, 1.0)]), "type_mismatch"),
    # the sheets and cells
    "a non-empty second sheet": (
        "two.xlsx",
        lambda: workbook(long_rows(("2099-12", "Hà Nội", "si_compulsory", 1.0)), [("ghi chú",)]),
        "future_period",
    ),
    "1e308 in a checked column": ("big.csv", lambda: long_csv([(*ROW, "1e308", "")]), "not_finite"),
    "1e999 (infinite)": ("inf.csv", lambda: long_csv([(*ROW, "1e999", "")]), "not_finite"),
    "NaN in a numeric cell": ("nan.xlsx", lambda: raw_xlsx(long_sheet([(*ROW, "NaN")]).replace(
        't="inlineStr"><is><t>NaN</t></is>', "><v>NaN</v>")), "file_type"),  # fmt: skip
    "1E400 in a numeric cell": ("e400.xlsx", lambda: raw_xlsx(long_sheet([(*ROW, "1E400")])
        .replace('t="inlineStr"><is><t>1E400</t></is>', "><v>1E400</v>")), "not_finite"),
    "an integer of 400 digits": (
        "digits.xlsx",
        lambda: raw_xlsx(long_sheet([(*ROW, int("9" * 400))])),
        "not_finite",
    ),
    "an integer of 5000 digits": (
        "digits5000.xlsx",
        lambda: raw_xlsx(long_sheet([(*ROW, "9" * 5000)]).replace(
            't="inlineStr"><is><t>' + "9" * 5000 + "</t></is>", "><v>" + "9" * 5000 + "</v>")),
        None,
    ),  # fmt: skip
    "a period in year 9999": (
        "y9999.xlsx",
        lambda: workbook(long_rows((datetime(9999, 12, 31), "Hà Nội", "si_compulsory", 1.0))),
        "bad_period",
    ),
    "a 10-million-character cell": (
        "long.xlsx",
        lambda: raw_xlsx(long_sheet([(*ROW, "x" * 10_000_000)]), stored=True),
        "long_text",
    ),
    "escape sequences in cells": (
        "esc.csv",
        lambda: long_csv([("2024-09", ESC_LINE, "si_compulsory", ESC_LINE, "")]),
        None,
    ),
    "a month that has not ended": (
        "future.csv",
        lambda: Wide(date(2099, 12, 31), {"Hà Nội": dict.fromkeys(PERSONS + AMOUNTS, 1)})
        .csv_bytes(),
        "future_period",
    ),
    # CSV
    "a CSV field over 131,072 characters": (
        "field.csv",
        lambda: long_csv([(*ROW, "1" + " " * 200_000, "")]),
        "csv_error",
    ),
    "a CSV of too many rows": (
        "rows.csv",
        lambda: long_csv([(*ROW, "1", "")] * (filecheck.MAX_ROWS + 1)),
        "too_many_rows",
    ),
    "a CSV of too many columns": ("wide.csv", lambda: b"a," * 300 + b"b\n", "too_many_columns"),
    "a CSV with NUL bytes": ("nul.csv", lambda: b"period,province\x00,measure\n\x00\x00\n", None),
    "hundreds of bad cells": (
        "many.csv",
        lambda: long_csv([(*ROW, f"x{i}", "") for i in range(500)]),
        "not_a_number",
    ),
}  # fmt: skip


def build(name: str) -> tuple[str, bytes, str | None]:
    file_name, make, rule = HOSTILE[name]
    return file_name, make(), rule


# ---------------------------------------------------------------- the fuzz run, through the CLI


@pytest.mark.parametrize("name", HOSTILE)
def test_every_hostile_file_is_refused_safely(name, tmp_store, tmp_path, capsys):
    file_name, data, rule = build(name)
    path = tmp_path / file_name
    path.write_bytes(data)
    before = store_files(tmp_store)
    start = time.monotonic()
    code = cli.main(["ingest", str(path), "--store", str(tmp_store)])  # raises nothing
    elapsed = time.monotonic() - start
    out, err = capsys.readouterr()
    assert code == 1 and "refused" in out
    assert elapsed < 60
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 2 * 2**20  # KiB: under 2 GB
    assert "Traceback" not in out + err and "\x1b" not in out + err
    assert len(out + err) < 20_000  # a short report, whatever the file
    assert store_files(tmp_store) == before
    entry = ingest.log(tmp_store)[-1]
    assert entry["outcome"] == "refused" and entry["file"] == file_name
    assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    if rule is not None:
        assert rule in entry["rules"], entry["rules"]
        assert f"[{rule}]" in err


def test_a_file_over_the_size_limit_is_refused_unread(tmp_store, tmp_path, capsys):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:  # sparse: nothing of it is on the disk
        f.truncate(filecheck.MAX_FILE_BYTES + 1)
    before = store_files(tmp_store)
    assert cli.main(["ingest", str(path), "--store", str(tmp_store)]) == 1
    assert "[too_large]" in capsys.readouterr().err
    assert store_files(tmp_store) == before
    assert ingest.log(tmp_store)[-1]["rules"] == {"too_large": 1}
    # the same bytes handed over in memory (an upload) are refused too
    report = ingest.read(b"," * (filecheck.MAX_FILE_BYTES + 1), "huge.csv")
    assert [f.rule for f in report.errors] == ["too_large"]


# ---------------------------------------------------------------- each class in detail


def read(name: str, frames, **kw) -> ingest.Report:
    file_name, data, _ = build(name)
    return ingest.read(data, file_name, frames=frames, **kw)


def only_error(report: ingest.Report) -> ingest.Finding:
    assert len(report.errors) == 1, [str(f) for f in report.findings]
    f = report.errors[0]
    assert f.message_vi and f.message_en and f.message_vi != f.message_en
    return f


def test_the_declared_range_is_judged_before_any_row_is_built(frames, monkeypatch):
    import openpyxl.reader.excel

    def never(*a, **kw):
        raise AssertionError("openpyxl opened a refused package")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    monkeypatch.setattr(openpyxl.reader.excel, "load_workbook", never)
    f = only_error(read("declared range A1:XFD1048576", frames))
    assert (f.rule, f.column, f.row) == ("sheet_size", "XFD", 1048576)
    assert f.where == "Sheet1!XFD1048576" and "10000 rows × 200 columns" in f.message_en
    f = only_error(read("a cell beyond a small declared range", frames))
    assert (f.rule, f.where) == ("sheet_size", "Sheet1!1048576")  # its row


def test_a_sheet_is_read_over_the_cells_that_hold_values(frames):
    # formatted empty cells far away and a generous declared range within the limits
    cells = {"A1": "period", "B1": "province", "C1": "measure", "D1": "value",
             "A2": "2024-09", "B2": "Hà Nội", "C2": "si_compulsory", "D2": 2e6}  # fmt: skip
    sheet = sheet_xml(cells, dimension="A1:GR9000").replace(
        "</sheetData>", '<row r="9000"><c r="GR9000" s="1"/></row></sheetData>'
    )
    report = ingest.read(raw_xlsx(sheet), "ok.xlsx", frames=frames)
    assert report.ok and report.rows.height == 1


def test_the_cell_count_of_a_workbook_is_capped(frames, monkeypatch):
    monkeypatch.setattr(filecheck, "MAX_CELLS", 5)
    f = only_error(ingest.read(raw_xlsx(OK_SHEET), "ok.xlsx", frames=frames))
    assert f.rule == "too_many_cells"


@pytest.mark.parametrize("name", ["macros renamed .xlsx", "macro-enabled content type", "xlsm"])
def test_macros_are_refused_whatever_the_name(frames, name):
    assert only_error(read(name, frames)).rule == "macros"


def test_zip_bombs_are_judged_by_the_directory(frames, monkeypatch):
    import zipfile

    files = [build(name) for name in ("zip bomb declaring 1.2 GB", "zip bomb by ratio")]
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **kw: pytest.fail("inflated"))
    size, ratio = (ingest.read(data, file_name, frames=frames) for file_name, data, _ in files)
    f = only_error(size)
    assert f.rule == "zip_size" and "1144 MB" in f.message_en
    f = only_error(ratio)
    assert f.rule == "zip_ratio" and "xl/worksheets/sheet1.xml" in f.message_en


@pytest.mark.parametrize(
    "name", ["DTD with entities", "external entity", "DTD in the content types"]
)
def test_xml_with_a_dtd_is_refused(frames, name):
    f = only_error(read(name, frames))
    assert f.rule == "xml_dtd" and ".xml" in f.message_en


def test_a_workbook_with_a_non_empty_second_sheet_is_read(frames):
    data = workbook(long_rows((*ROW, 2_000_000.0)), [("ghi chú", "notes")])
    report = ingest.read(data, "two.xlsx", frames=frames)
    assert report.ok and report.sheet == "Trang 1"
    f = next(f for f in report.warnings if f.rule == "sheets_ignored")
    assert "“Trang 1”" in f.message_en and "Trang 2" in f.message_en


@pytest.mark.parametrize(
    ("value", "rule"),
    [("1e308", "not_finite"), ("1e999", "not_finite"), ("-1e308", "not_finite"),
     ("inf", "not_a_number"), ("nan", "not_a_number"), ("9" * 400, "not_finite")],
)  # fmt: skip
def test_only_finite_numbers_of_sane_size(frames, value, rule):
    report = ingest.read(long_csv([(*ROW, value, "")]), "n.csv", frames=frames)
    f = only_error(report)
    assert (f.rule, f.where) == (rule, "D2")


def test_a_huge_number_in_a_wide_report(frames):
    w = Wide.from_store(frames, SEP_2024)
    w.total = w.sums()
    w.rows["Hà Nội"]["si_voluntary"] = "9" * 400
    report = ingest.read(w.csv_bytes(), "w.csv", frames=frames)
    assert [(f.rule, f.column) for f in report.errors] == [("not_finite", "D")]


def test_echoed_cell_text_is_short_and_escaped(frames, capsys, tmp_store, tmp_path):
    report = read("a 10-million-character cell", frames)
    f = report.errors[0]  # the cell, cut short, is then not a number either
    assert f.rule == "long_text" and f.where == "Sheet1!D2"
    assert "10000000" in f.message_en and len(f.message_en) < 300
    assert all(len(str(f)) < 600 for f in report.findings)
    report = read("escape sequences in cells", frames)
    text = "\n".join(f"{f}" for f in report.findings)
    assert "\x1b" not in text and "\\x1b[32mstored" in text
    assert all(len(f.message_en) < 400 for f in report.findings)
    assert ingest.echo("x" * 1000) == "x" * 79 + "…"
    assert ingest.printable("a\x1b[31mb\x9bc\u202ed\n") == "a\\x1b[31mb\\x9bc\\u202ed\\n"


def test_cell_text_over_the_limit_in_a_csv(frames):
    report = ingest.read(long_csv([(*ROW, "7" * 100_000, "")]), "l.csv", frames=frames)
    f = report.errors[0]
    assert f.rule == "long_text" and f.where == "D2" and len(f.message_vi) < 300


@pytest.mark.parametrize(
    ("today", "ok"),
    [(date(2026, 11, 28), False), (date(2026, 11, 30), False), (date(2026, 12, 1), True)],
)
def test_only_months_that_have_ended(frames, today, ok):
    rows = [("2026-11", "Hà Nội", "hi_participants", "8000000")]
    report = ingest.read(long_csv(rows), "l.csv", frames=frames, today=today)
    assert report.ok == ok
    if not ok:
        f = only_error(report)
        assert (f.rule, f.where) == ("future_period", "A2")
        assert "11/2026" in f.message_vi and i18n.format_date(today, "vi") in f.message_vi
        assert "November 2026" in f.message_en and i18n.format_date(today, "en") in f.message_en


def test_december_is_refused_in_november_in_a_wide_report(frames):
    w = Wide.from_store(frames, date(2026, 3, 31))
    w.period = date(2026, 12, 31)  # the title says THÁNG 12 NĂM 2026
    report = ingest.read(w.csv_bytes(), "w.csv", frames=frames, today=date(2026, 11, 28))
    assert "future_period" in [f.rule for f in report.errors] and not report.ok


def test_csv_field_over_the_csv_module_limit(frames):
    f = only_error(read("a CSV field over 131,072 characters", frames))
    assert f.rule == "csv_error" and f.row == 2 and "131072" in f.message_en


def test_many_findings_are_grouped_by_rule(frames):
    rows = [(*ROW[:2], m, f"x{i}", "") for i, m in enumerate(["si_voluntary"] * 300)]
    rows += [(*ROW, "=1+1", "")] * 2
    report = ingest.read(long_csv(rows), "many.csv", frames=frames)
    groups = report.groups()
    assert [(g.rule, g.count) for g in groups] == [("not_a_number", 300), ("formula", 2)]
    first = groups[0]
    assert first.severity == "error" and first.rule == "not_a_number" and first.count == 300
    assert len(first.examples) == 3 and first.cells[:2] == ["D5", "D6"]
    lines = first.lines()
    assert len(lines) == 4 and "297" in lines[-1] and "D5, D6" in lines[-1]
    # a few findings a rule are kept, the rest counted: the report stays small
    assert len([f for f in report.findings if f.rule == "not_a_number"]) == ingest.MAX_PER_RULE
    assert report.summary()["errors"] == report.count("error") == 302


def test_a_short_report_on_the_terminal(tmp_store, tmp_path, capsys):
    path = tmp_path / "many.csv"
    path.write_bytes(long_csv([(*ROW, f"x{i}", "") for i in range(500)]))
    assert cli.main(["ingest", str(path), "--store", str(tmp_store)]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) < 10 and "… 497 nữa / more [not_a_number]" in err
