"""Builders of report files for the ingest tests and the deploy load test: the wide monthly report
as provincial offices send it (CSV in any encoding, or XLSX with merged group headers) and the
canonical long table. Values come from the demo store, so that a clean file passes the checks
against last month."""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date

import openpyxl
import polars as pl

from vss_dash import geo, metrics

PERSONS = ("si_compulsory", "si_voluntary", "ui_participants", "hi_participants")
AMOUNTS = ("amount_receivable", "revenue_collected", "late_payment_amount")
SUB_HEADERS = {
    "si_compulsory": "BHXH\nbắt buộc",
    "si_voluntary": "BHXH tự nguyện",
    "ui_participants": "BHTN",
    "hi_participants": "BHYT",
    "amount_receivable": "Số phải thu",
    "revenue_collected": "Số đã thu",
    "late_payment_amount": "Số chậm đóng",
}


def vi_number(x: float, decimals: int = 0) -> str:
    """1234567.5 -> "1.234.567,5" (as a Vietnamese spreadsheet writes it)."""
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


@dataclass
class Wide:
    """A monthly report: province name -> measure -> value (persons; amounts in million VND)."""

    period: date
    rows: dict[str, dict[str, float]]
    title: str = ""
    total: dict[str, float] | None = None  # default: the true sums
    extra_rows: list[list[str]] = field(default_factory=list)  # appended before the total
    footer: bool = True

    @classmethod
    def from_store(
        cls, frames: metrics.Frames, period: date, codes: list[str] | None = None
    ) -> Wide:
        layout = geo.layout_for_period(period)
        values = {
            m: dict(
                metrics.resolve(frames, m, layout, prefer_published=False)
                .filter(pl.col("period") == period)
                .select("geo_code", "value")
                .iter_rows()
            )
            for m in PERSONS + AMOUNTS
        }
        rows = {}
        for code in codes or geo.codes(layout):
            rows[geo.province_name(layout, code)] = {
                **{m: round(values[m][code]) for m in PERSONS},
                **{m: round(values[m][code] * 1000) for m in AMOUNTS},  # billion -> million
            }
        return cls(period, rows)

    def title_text(self) -> str:
        return (
            self.title or f"BÁO CÁO TÌNH HÌNH THU THÁNG {self.period.month} NĂM {self.period.year}"
        )

    def sums(self) -> dict[str, float]:
        return {m: sum(r[m] for r in self.rows.values()) for m in PERSONS + AMOUNTS}

    def grid(self) -> list[list[object]]:
        """Title rows, a two-row header with group cells, a column-number row, provinces, the
        total row and a signature footer, as strings the way a CSV export holds them."""
        measures = PERSONS + AMOUNTS
        out: list[list[object]] = [
            ["BẢO HIỂM XÃ HỘI VIỆT NAM"],
            [self.title_text()],
            [],
            [
                "STT",
                "Tỉnh/Thành phố",
                "Số người tham gia (người)",
                None,
                None,
                None,
                "Số tiền (triệu đồng)",
                None,
                None,
            ],  # fmt: skip
            [None, None, *(SUB_HEADERS[m] for m in measures)],
            ["A", "B", *(str(i) for i in range(1, len(measures) + 1))],
        ]
        for i, (name, values) in enumerate(self.rows.items(), 1):
            out.append([str(i), name, *(_cell(values.get(m)) for m in measures)])
        out.extend(self.extra_rows)
        total = self.total if self.total is not None else self.sums()
        out.append([None, "Tổng cộng", *(_cell(total.get(m)) for m in measures)])
        if self.footer:
            out += [[], [None, "Người lập biểu", None, None, None, "Giám đốc"]]
        return out

    def csv_text(self, delimiter: str = ",") -> str:
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
        for row in self.grid():
            w.writerow(["" if c is None else c for c in row])
        return buf.getvalue()

    def csv_bytes(self, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
        return self.csv_text(delimiter).encode(encoding)

    def xlsx_bytes(self, numbers_as_text: bool = False) -> bytes:
        """The report as Excel: numbers as numeric cells (or as text), the group headers as
        merged cells, and a second sheet of notes."""
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Báo cáo"
        for r, row in enumerate(self.grid(), 1):
            for c, value in enumerate(row, 1):
                if value is None:
                    continue
                if r > 6 and c > 2 and not numbers_as_text and isinstance(value, str):
                    with contextlib.suppress(ValueError):
                        value = float(value.replace(".", "").replace(",", "."))
                ws.cell(r, c, value)
        ws.merge_cells("C4:F4")
        ws.merge_cells("G4:I4")
        ws.merge_cells("A4:A5")
        ws.merge_cells("B4:B5")
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()


def _cell(v: float | str | None) -> str | None:
    if v is None or isinstance(v, str):
        return v
    return vi_number(v)


def long_csv(rows: list[tuple], header: tuple = ("period", "province", "measure", "value", "unit"),
             encoding: str = "utf-8") -> bytes:  # fmt: skip
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def long_xlsx(
    rows: list[tuple], header: tuple = ("period", "province", "measure", "value")
) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- hostile packages, built by hand

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{main}"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
{extra}</Types>"""
MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MAIN_MACROS = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="worksheets/sheet1.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>
</Relationships>"""
SHEET = """<?xml version="1.0" encoding="UTF-8"?>{doctype}
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"""


def xml_cell(ref: str, value: object) -> str:
    if isinstance(value, str):
        text = value.replace("&", "&amp;").replace("<", "&lt;")
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def sheet_xml(cells: dict[str, object], dimension: str = "", doctype: str = "") -> str:
    """A worksheet part holding `cells` ({"A1": value}), each on the row its reference names."""
    by_row: dict[int, list[str]] = {}
    for ref, value in cells.items():
        row = int("".join(ch for ch in ref if ch.isdigit()))
        by_row.setdefault(row, []).append(xml_cell(ref, value))
    rows = "".join(f'<row r="{r}">{"".join(cs)}</row>' for r, cs in sorted(by_row.items()))
    return SHEET.format(doctype=doctype, dimension=dimension or "A1", rows=rows)


def package(parts: dict[str, str | bytes], stored: bool = False) -> bytes:
    buf = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    return buf.getvalue()


def raw_xlsx(sheet: str, *, main: str = MAIN, extra_types: str = "", name: str = "Sheet1",
             extra_parts: dict[str, str | bytes] | None = None, stored: bool = False,
             content_types: str | None = None) -> bytes:  # fmt: skip
    """A minimal workbook of one sheet, written part by part so that any part can lie."""
    parts = {
        "[Content_Types].xml": content_types or CONTENT_TYPES.format(main=main, extra=extra_types),
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK.format(name=name),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet,
        **(extra_parts or {}),
    }
    return package(parts, stored)


def long_sheet(rows: list[tuple], **kw) -> str:
    """The canonical long table as a worksheet part."""
    cells = {}
    for r, row in enumerate([("period", "province", "measure", "value"), *rows], 1):
        for j, value in enumerate(row):
            cells[f"{'ABCD'[j]}{r}"] = value
    return sheet_xml(cells, **kw)


def declare_size(data: bytes, member: str, size: int) -> bytes:
    """The zip with `member`'s uncompressed size in the central directory set to `size`: a
    package that declares more than it holds (the directory is all a judge should read)."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")  # the central directory headers
    while at != -1:
        name_len = int.from_bytes(out[at + 28 : at + 30], "little")
        if out[at + 46 : at + 46 + name_len].decode() == member:
            out[at + 24 : at + 28] = size.to_bytes(4, "little")
            return bytes(out)
        at = out.find(b"PK\x01\x02", at + 4)
    raise KeyError(member)
