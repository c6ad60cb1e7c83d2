"""Reading the bytes: a file is judged before it is parsed (its size, that its name and
content agree, a workbook's whole package in `filecheck`), then read as sheets of rows: CSV
decoded (UTF-8 with or without BOM, UTF-16, Windows-1258) and sniffed for its delimiter, XLSX
sheet by sheet over the extent filecheck measured. Rows and columns are capped, long texts
refused, and every cell cleaned (`_grid`). What cannot be read raises _Refused.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from vss_dash import filecheck
from vss_dash.ingest.collector import _Column, _Reader
from vss_dash.ingest.findings import _Refused, echo, finding
from vss_dash.ingest.numbers import Cell, _clean

# ---------------------------------------------------------------- reading the bytes


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with: a BOM decides (UTF-8, UTF-16); UTF-16
    without one is told by its zero bytes; else UTF-8 if valid, else Windows-1258. The text is
    normalised to NFC (Windows-1258 writes most tone marks as combining characters)."""
    head = data[:64]
    if data.startswith(b"\xef\xbb\xbf"):
        text, enc = data[3:].decode("utf-8"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, enc = data.decode("utf-16"), "utf-16"
    elif len(head) >= 4 and head[1::2].count(0) > len(head[1::2]) // 2:
        text, enc = data.decode("utf-16-le"), "utf-16-le"
    elif len(head) >= 4 and head[0::2].count(0) > len(head[0::2]) // 2:
        text, enc = data.decode("utf-16-be"), "utf-16-be"
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, enc = data.decode("cp1258"), "windows-1258"
            except UnicodeDecodeError:  # five bytes are undefined in Windows-1258
                raise _Refused(finding("error", "encoding")) from None
    return unicodedata.normalize("NFC", text), enc


MAX_CELL_CHARS = 5_000  # a longer text cell refuses the file (Excel's own limit is 32,767)
Sheet = tuple[str, Iterable[Sequence[object]]]  # a sheet's name and its rows as read


def _grid(reader: _Reader, raw: Iterable[Sequence[object]]) -> list[list[Cell]]:
    """Rows of clean cells. A text over MAX_CELL_CHARS is an error and is cut short before it
    is cleaned, and each distinct text is cleaned once: a long string that a million cells
    share costs its length once, not a million times."""
    rows, texts = [], {}
    for i, raw_row in enumerate(raw, 1):
        row = []
        for j, v in enumerate(raw_row):
            if not isinstance(v, str):
                row.append(_clean(v))
                continue
            if len(v) > MAX_CELL_CHARS:
                reader.add(
                    "error", "long_text", i, _Column(j, ""), n=len(v), limit=MAX_CELL_CHARS, text=v
                )
            if v not in texts:
                texts[v] = echo(v) if len(v) > MAX_CELL_CHARS else _clean(v)
            row.append(texts[v])
        rows.append(row)
    return rows


def _csv_rows(text: str) -> Iterator[list[str]]:
    """The CSV's records, within filecheck's limits of rows and columns; the csv module's own
    limit of 131,072 characters a field stands. Raises _Refused."""
    sample = "\n".join(text[:65_536].splitlines()[:30])  # the sniffer is slow on long lines
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for i, row in enumerate(reader, 1):
            if i > filecheck.MAX_ROWS:
                raise _Refused(finding("error", "too_many_rows", row=i, limit=filecheck.MAX_ROWS))
            width = len(row)
            while width and not row[width - 1].strip():
                width -= 1
            if width > filecheck.MAX_COLUMNS:
                raise _Refused(
                    finding(
                        "error", "too_many_columns", row=i, n=width, limit=filecheck.MAX_COLUMNS
                    )
                )
            yield row[:width]
    except csv.Error as e:
        raise _Refused(finding("error", "csv_error", row=reader.line_num, detail=str(e))) from None


def _xlsx_sheets(data: bytes, extents: list[filecheck.Sheet]) -> Iterator[Sheet]:
    """The sheets one at a time, each read only over the extent of its cells that hold a value
    (filecheck has measured it): a range the file merely declares is never built."""
    import openpyxl  # loaded only for spreadsheets

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds on a broken package
        raise _Refused(finding("error", "file_type", detail=f"{type(e).__name__}: {e}")) from e
    try:
        size = {s.name: s for s in extents}
        for ws in wb.worksheets:
            s = size.get(ws.title)
            if s is None or not s.rows or not s.columns:
                yield ws.title, []  # no cell holds a value (or not a sheet filecheck saw)
                continue
            raw = ws.iter_rows(max_row=s.rows, max_col=s.columns, values_only=True)
            yield ws.title, _guarded(ws.title, raw)
    finally:
        wb.close()


def _guarded(sheet: str, rows: Iterator[Sequence[object]]) -> Iterator[Sequence[object]]:
    """openpyxl's rows, whatever it raises on a malformed cell turned into a refusal."""
    try:
        yield from rows
    except Exception as e:
        detail = f"{type(e).__name__}: {e}"
        raise _Refused(finding("error", "file_type", sheet, detail=detail)) from e


def _sheets(data: bytes, file_name: str) -> tuple[Iterator[Sheet], list[str], str]:
    """The sheets as they are read, the names of those holding anything, and the text encoding
    (CSV only). The file is judged first: its size, that its name and content agree, and for a
    workbook the whole package (filecheck). Raises _Refused."""
    if len(data) > filecheck.MAX_FILE_BYTES:
        raise _Refused(
            finding(
                "error", "too_large", mb=len(data) // 2**20, limit=filecheck.MAX_FILE_BYTES // 2**20
            )
        )
    suffix = Path(file_name).suffix.lower()
    is_zip = data.startswith((b"PK\x03\x04", b"PK\x05\x06"))
    if suffix == ".xlsm":
        raise _Refused(finding("error", "macros", part=".xlsm"))
    if data.startswith(b"\xd0\xcf\x11\xe0") or suffix == ".xls":
        raise _Refused(finding("error", "xls"))
    if is_zip and suffix != ".xlsx":
        raise _Refused(finding("error", "type_mismatch", name=Path(file_name).name))
    if suffix == ".xlsx":
        try:
            extents = filecheck.check_xlsx(data)
        except filecheck.Refusal as r:
            f = finding("error", r.rule, r.sheet, r.row, r.column, **r.fields)
            raise _Refused(f) from None
        names = [s.name for s in extents if s.rows]
        return _xlsx_sheets(data, extents), names, ""
    text, encoding = decode(data)
    return iter([("", _csv_rows(text))]), [""], encoding
