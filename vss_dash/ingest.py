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
`store.write`, which validates the whole store and replaces its files only once every one has
been written, and appends a line to the store's ingest log.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import fcntl
import hashlib
import io
import json
import math
import os
import re
import stat
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import polars as pl

from vss_dash import catalog, filecheck, geo, i18n, metrics, store

LOG_FILE = "ingest_log.jsonl"
LOCK_FILE = ".ingest.lock"
DEFAULT_MAX_JUMP_PCT = 30.0
STATUS = "reported"

Severity = Literal["error", "warning"]

# A finding's text is the entry "import.<rule>" of i18n's table (texts.toml), in both languages;
# a field named x_vi or x_en fills {x} in that language. Unknown provinces take the geo matcher's
# own messages (with suggestions).


@dataclass(frozen=True)
class Finding:
    severity: Severity
    rule: str
    message_vi: str
    message_en: str
    sheet: str = ""
    row: int | None = None  # 1-based, as a spreadsheet numbers it
    column: str = ""  # the spreadsheet column letter, "D"
    header: str = ""  # that column's header, as written

    @property
    def where(self) -> str:
        cell = f"{self.column}{self.row or ''}" if self.column else str(self.row or "")
        return "!".join(x for x in (self.sheet, cell) if x)

    def message(self, lang: str) -> str:
        return self.message_vi if lang == "vi" else self.message_en

    def __str__(self) -> str:
        key = i18n.key("finding_error" if self.severity == "error" else "finding_warning")
        label = "/".join(i18n.both(key))
        where = f" {self.where}" if self.where else ""
        return f"{label}{where} [{self.rule}] {self.message_vi} / {self.message_en}"


# Control characters (C0, DEL, C1, line separators, bidirectional overrides) are shown escaped
# wherever a file's text is echoed: a cell cannot move the cursor or colour a terminal line.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ECHO_CHARS = 80  # a cell's text is echoed in a report up to this length
# the message fields that quote the file, shortened
_ECHOED = ("text", "unit", "title", "detail", "part", "name", "used")


def printable(text: str) -> str:
    """`text` with its control characters escaped ("\x1b[32m" -> "\\x1b[32m")."""
    return _CONTROLS.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


def echo(text: str, limit: int = ECHO_CHARS) -> str:
    """A file's text as a report shows it: escaped, and cut at `limit` characters with "…"."""
    text = printable(text[: limit * 2])  # escaping at most quadruples a character
    return text if len(text) <= limit else text[: limit - 1] + "…"


def finding(
    severity: Severity,
    rule: str,
    sheet: str = "",
    row: int | None = None,
    column: str = "",
    header: str = "",
    **fmt: object,
) -> Finding:
    """A finding of `rule`; the text that comes from the file is escaped and shortened."""
    fields = {
        k: (echo(v) if k in _ECHOED else printable(v)) if isinstance(v, str) else v
        for k, v in fmt.items()
    }
    vi, en = i18n.both("import." + rule, **fields)
    return Finding(severity, rule, vi, en, echo(sheet), row, column, echo(header))


ROW_SCHEMA = {
    "period": pl.Date(),
    "layout": pl.String(),
    "geo_code": pl.String(),
    "measure": pl.String(),
    "value": pl.Float64(),  # in the catalogue's unit
    "file_value": pl.Float64(),  # as written, in the file's unit
    "sheet": pl.String(),
    "row": pl.Int64(),
    "column": pl.String(),
}


MAX_PER_RULE = 100  # findings kept per rule; the others are counted


@dataclass(frozen=True)
class Group:
    """The findings of one rule: how many, the first few in full, where the others are."""

    severity: Severity
    rule: str
    count: int
    examples: list[Finding]
    cells: list[str]  # where the findings after the examples are (of those kept)

    def lines(self, cells: int = 8) -> list[str]:
        """The group as plain lines for a terminal or a log."""
        out = [str(f) for f in self.examples]
        more = self.count - len(self.examples)
        if more > 0:
            where = ", ".join(self.cells[:cells]) + (" …" if len(self.cells) > cells else "")
            out.append(f"  … {more} nữa / more [{self.rule}]" + (f": {where}" if where else ""))
        return out


@dataclass
class Report:
    """What a file holds and what is wrong with it."""

    file_name: str
    sha256: str
    size: int
    shape: str = ""  # "long" or "wide"
    encoding: str = ""  # CSV only
    sheet: str = ""
    rows: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ROW_SCHEMA))
    findings: list[Finding] = field(default_factory=list)
    # findings of a rule beyond the first MAX_PER_RULE are counted here, not kept
    omitted: dict[tuple[Severity, str], int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def count(self, severity: Severity) -> int:
        """Findings of a severity, the omitted ones included."""
        kept = sum(1 for f in self.findings if f.severity == severity)
        return kept + sum(n for (sev, _), n in self.omitted.items() if sev == severity)

    def groups(self, examples: int = 3) -> list[Group]:
        """The findings by rule, errors first, each rule where it first occurs: a file with
        hundreds of findings gives a short report."""
        by_rule: dict[tuple[Severity, str], list[Finding]] = {}
        for f in sorted(self.findings, key=lambda f: f.severity != "error"):
            by_rule.setdefault((f.severity, f.rule), []).append(f)
        return [
            Group(
                sev,
                rule,
                len(fs) + self.omitted.get((sev, rule), 0),
                fs[:examples],
                [f.where for f in fs[examples:] if f.where],
            )
            for (sev, rule), fs in by_rule.items()
        ]

    @property
    def ok(self) -> bool:
        return not self.errors and self.rows.height > 0

    def periods(self) -> list[date]:
        return self.rows.get_column("period").unique().sort().to_list()

    def summary(self) -> dict[str, object]:
        return {
            "file": self.file_name,
            "sha256": self.sha256,
            "bytes": self.size,
            "shape": self.shape,
            "encoding": self.encoding,
            "sheet": self.sheet,
            "periods": [f"{p:%Y-%m}" for p in self.periods()],
            "layouts": sorted(self.rows.get_column("layout").unique().to_list()),
            "provinces": self.rows.get_column("geo_code").n_unique(),
            "measures": sorted(self.rows.get_column("measure").unique().to_list()),
            "values": self.rows.height,
            "errors": self.count("error"),
            "warnings": self.count("warning"),
        }

    def findings_frame(self, lang: str) -> pl.DataFrame:
        """The findings as a table in `lang`, with the other language beside it."""
        other = "en" if lang == "vi" else "vi"
        rows = [
            (
                f.severity,
                f.sheet,
                f.row,
                f.column,
                f.header,
                f.rule,
                f.message(lang),
                f.message(other),
            )
            for f in self.findings
        ]
        schema = {
            "severity": pl.String,
            "sheet": pl.String,
            "row": pl.Int64,
            "column": pl.String,
            "header": pl.String,
            "rule": pl.String,
            "message": pl.String,
            "message_other": pl.String,
        }
        return pl.DataFrame(rows, schema=schema, orient="row")


class _Refused(Exception):
    """A problem that stops the file being read at all (wrong type, no table, no period)."""

    def __init__(self, f: Finding):
        self.finding = f


# ---------------------------------------------------------------- text and cells


def _plain(text: str) -> str:
    """Lower case without diacritics, words separated by one space: "Số người\\nBHXH" ->
    "so nguoi bhxh". Headers, period titles and total rows are recognised in this form."""
    return " ".join(re.findall(r"[a-z0-9]+", geo.ascii_fold(text).casefold()))


def _has(plain: str, *phrases: str) -> bool:
    padded = f" {plain} "
    return all(f" {p} " in padded for p in phrases)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


Cell = str | float | datetime | date | None


def _clean(value: object) -> Cell:
    """A cell as NFC text without surrounding space, a float, a date, or None when empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        try:
            return float(value)
        except OverflowError:  # an integer of hundreds of digits
            return math.inf if value > 0 else -math.inf
    if isinstance(value, datetime | date):
        return value
    text = unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ").strip()
    return text or None


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:g}"
    return str(cell)


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


# ---------------------------------------------------------------- numbers, units, periods


_VI_NUMBER = re.compile(r"^\(?-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?\)?$")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")
_DASHES = ("-", "–", "—")
# A text cell a spreadsheet would run as a formula, unless it is a number.
_FORMULA_START = ("=", "+", "-", "@")


MAX_NUMBER = 1e16  # no count or amount of money (even in đồng) comes near it


class _BadNumber(Exception):
    pass


def parse_number(cell: Cell, vietnamese: bool) -> float | None:
    """A cell's number, or None if empty (a lone dash counts as empty). Text is read the
    Vietnamese way in wide reports ('.' groups thousands, ',' is the decimal comma, "(5)" is
    negative) and as a plain number in the canonical table ('.' is the decimal point, no
    grouping), so "1.234" is never ambiguous. Raises _BadNumber otherwise."""
    if cell is None:
        return None
    if isinstance(cell, float):
        return cell
    if isinstance(cell, datetime | date):
        raise _BadNumber
    text = cell.replace(" ", "")
    if text in _DASHES:
        return None
    if vietnamese and _VI_NUMBER.match(text):
        negative = text.startswith(("(", "-"))
        value = float(text.strip("()-").replace(".", "").replace(",", "."))
        return -value if negative else value
    if not vietnamese and _PLAIN_NUMBER.match(text):
        return float(text)
    raise _BadNumber


def _is_number(text: str) -> bool:
    for vietnamese in (True, False):
        with contextlib.suppress(_BadNumber):
            parse_number(text, vietnamese)
            return True
    return False


@dataclass(frozen=True)
class Unit:
    kind: str  # the catalogue unit it converts to
    factor: float  # value in the file * factor = value in the catalogue's unit
    text: str


# Matched on the text with its diacritics: "đồng" (the currency) is not "đóng" (to pay), though
# both are "dong" without marks. Longest first: "triệu đồng" must win over "đồng".
_UNITS: tuple[tuple[str, Unit], ...] = tuple(
    (phrase, Unit(kind, factor, phrase))
    for phrase, kind, factor in (
        ("nghìn tỷ đồng", "billion_vnd", 1e3),
        ("tỷ đồng", "billion_vnd", 1.0),
        ("tỉ đồng", "billion_vnd", 1.0),
        ("triệu đồng", "billion_vnd", 1e-3),
        ("nghìn đồng", "billion_vnd", 1e-6),
        ("ngàn đồng", "billion_vnd", 1e-6),
        ("đồng", "billion_vnd", 1e-9),
        ("billion_vnd", "billion_vnd", 1.0),
        ("billion vnd", "billion_vnd", 1.0),
        ("million vnd", "billion_vnd", 1e-3),
        ("vnđ", "billion_vnd", 1e-9),
        ("vnd", "billion_vnd", 1e-9),
        ("nghìn người", "persons", 1e3),
        ("người", "persons", 1.0),
        ("persons", "persons", 1.0),
        ("lượt", "visits", 1.0),
        ("visits", "visits", 1.0),
        ("hồ sơ", "cases", 1.0),
        ("cases", "cases", 1.0),
        ("count", "count", 1.0),
        ("percent", "percent", 1.0),
        ("%", "percent", 1.0),
    )
)
_UNIT_PATTERNS = tuple(
    (re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)"), unit) for phrase, unit in _UNITS
)
UNIT_NAMES = {
    "persons": ("người", "persons"),
    "billion_vnd": ("tỷ đồng", "billion VND"),
    "visits": ("lượt", "visits"),
    "cases": ("hồ sơ", "cases"),
    "count": ("số", "count"),
    "percent": ("%", "%"),
}


def find_unit(text: str) -> Unit | None:
    """The unit a header or a unit cell names, if any: "(triệu đồng)" -> million VND."""
    folded = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    for pattern, unit in _UNIT_PATTERNS:
        if pattern.search(folded):
            return unit
    return None


_PERIOD_TITLE = (
    re.compile(r"\bthang (\d{1,2}) nam (\d{4})\b"),
    re.compile(r"\bthang (\d{1,2}) (\d{4})\b"),  # "Tháng 09/2024"
)


def title_period(text: str) -> date | None:
    """The month a title names: "BÁO CÁO THÁNG 9 NĂM 2024" -> 2024-09-30."""
    plain = _plain(text)
    for pattern in _PERIOD_TITLE:
        if m := pattern.search(plain):
            month, year = int(m[1]), int(m[2])
            if 1 <= month <= 12 and 2000 <= year <= 2100:
                return metrics.month_end(date(year, month, 1))
    return None


def parse_period(text: str) -> date:
    """ "2024-09" -> 2024-09-30. Raises ValueError."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not m or not 1 <= int(m[2]) <= 12:
        raise ValueError(text)
    return metrics.month_end(date(int(m[1]), int(m[2]), 1))


def _numbers(**values: float) -> dict[str, str]:
    """Numbers for a message in both languages (name_vi, name_en), through i18n's one formatter:
    the language's separators, the real minus sign, up to three decimals."""
    out = {}
    for name, x in values.items():
        decimals = next((d for d in range(4) if abs(x - round(x, d)) < 1e-9), 3)
        for lang in i18n.LANGS:
            out[f"{name}_{lang}"] = i18n.format_number(x, lang, decimals)
    return out


# ---------------------------------------------------------------- the collector


@dataclass
class _Column:
    index: int
    header: str
    measure: str | None = None
    unit: Unit | None = None

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class _Reader:
    """Collects values and findings while a sheet is read."""

    sheet: str
    today: date = date.max  # periods are accepted for months that ended before it
    findings: list[Finding] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    refused_columns: set[str] = field(default_factory=set)  # a cell there was refused
    refused_rows: int = 0  # province rows refused whole
    omitted: dict[tuple[Severity, str], int] = field(default_factory=dict)
    kept: dict[tuple[Severity, str], int] = field(default_factory=dict)

    def _full(self, severity: Severity, rule: str) -> bool:
        """Whether MAX_PER_RULE findings of the rule are kept already (then this one is only
        counted: a sheet of bad cells yields a short report in little time)."""
        key = (severity, rule)
        if self.kept.get(key, 0) < MAX_PER_RULE:
            self.kept[key] = self.kept.get(key, 0) + 1
            return False
        self.omitted[key] = self.omitted.get(key, 0) + 1
        return True

    def ended(self, period: date, row: int | None = None, col: _Column | None = None) -> bool:
        """Whether the month has ended (its last day is before today); if not, an error."""
        if period < self.today:
            return True
        self.add(
            "error",
            "future_period",
            row,
            col,
            period_vi=f"{period.month}/{period.year}",  # "Tháng 9/2024"
            period_en=i18n.format_month(period, "en"),
            today_vi=i18n.format_date(self.today, "vi"),
            today_en=i18n.format_date(self.today, "en"),
        )
        return False

    def keep(self, f: Finding) -> None:
        if not self._full(f.severity, f.rule):
            self.findings.append(f)

    def add(
        self,
        severity: Severity,
        rule: str,
        row: int | None = None,
        col: _Column | None = None,
        **fmt: object,
    ) -> None:
        if self._full(severity, rule):
            return
        letter, header = (col.letter, col.header) if col else ("", "")
        self.findings.append(finding(severity, rule, self.sheet, row, letter, header, **fmt))

    def number(self, cell: Cell, row: int, col: _Column, vietnamese: bool) -> float | None:
        """The cell's number in the file's unit; None if empty or refused (with a finding)."""
        try:
            v = parse_number(cell, vietnamese)
        except _BadNumber:
            self.refused_columns.add(col.letter)
            text = _text(cell)
            if text.startswith(_FORMULA_START):
                self.add("error", "formula", row, col, text=text)
            else:
                example = "1.234.567 hoặc 1.234,5" if vietnamese else "1234567 / 1234.5"
                self.add("error", "not_a_number", row, col, text=text, example=example)
            return None
        if v is not None and not (math.isfinite(v) and abs(v) <= MAX_NUMBER):
            self.refused_columns.add(col.letter)
            self.add("error", "not_finite", row, col, text=_text(cell), limit=f"{MAX_NUMBER:g}")
            return None
        if v is not None and v < 0:
            self.refused_columns.add(col.letter)
            self.add("error", "negative", row, col, text=_text(cell))
            return None
        return v

    def text(self, cell: Cell, row: int, col: _Column) -> str | None:
        """A text cell, or None with an error if a spreadsheet would run it as a formula."""
        text = _text(cell)
        if text.startswith(_FORMULA_START) and not _is_number(text):
            self.add("error", "formula", row, col, text=text)
            return None
        return text

    def province(self, text: str, period: date, row: int, col: _Column) -> str | None:
        try:
            return geo.match_province(text, geo.layout_for_period(period))
        except geo.UnknownProvince as e:
            if self._full("error", "unknown_province"):
                return None
            # geo's messages quote the cell: quote it shortened and escaped
            vi, en = (printable(m.replace(text, echo(text))) for m in (e.message_vi, e.message_en))
            self.findings.append(
                Finding(
                    "error",
                    "unknown_province",
                    vi,
                    en,
                    echo(self.sheet),
                    row,
                    col.letter,
                    echo(col.header),
                )
            )
            return None

    def value(
        self,
        period: date,
        layout: str,
        code: str,
        measure: str,
        value: float,
        file_value: float,
        row: int,
        col: _Column,
    ) -> None:
        self.rows.append(
            {
                "period": period,
                "layout": layout,
                "geo_code": code,
                "measure": measure,
                "value": value,
                "file_value": file_value,
                "sheet": self.sheet,
                "row": row,
                "column": col.letter,
            }
        )

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.rows, schema=ROW_SCHEMA)


def _label(measure: str) -> dict[str, str]:
    m = catalog.get(measure)
    return {"label_vi": m.label("vi"), "label_en": m.label("en")}


# ---------------------------------------------------------------- the wide monthly report


# (measure, alternatives): a header names the measure if it holds every phrase of one
# alternative (phrases without diacritics). The first match wins, so amounts come before
# participants ("Số tiền BHXH, BHYT phải thu" is an amount) and cost before HI participants.
_WIDE_COLUMNS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    ("late_payment_amount", (("cham dong",), ("no dong",))),
    ("amount_receivable", (("phai thu",),)),
    ("revenue_collected", (("da thu",), ("so thu",), ("thuc thu",))),
    ("hi_medical_cost", (("chi phi", "kcb"), ("chi phi", "kham chua benh"))),
    ("labour_force_working_age", (("luc luong lao dong",),)),
    ("population", (("dan so",),)),
    ("si_compulsory", (("bhxh", "bat buoc"), ("xa hoi", "bat buoc"))),
    ("si_voluntary", (("bhxh", "tu nguyen"), ("xa hoi", "tu nguyen"))),
    ("ui_participants", (("bhtn",), ("that nghiep",))),
    ("hi_participants", (("bhyt",), ("y te",))),
)
_PROVINCE_HEADERS = {
    "tinh",
    "tinh thanh",
    "tinh thanh pho",
    "ten tinh",
    "ten tinh thanh pho",
    "don vi",
    "ten don vi",
    "dia phuong",
    "bhxh tinh",
    "province",
}
_ORDINAL_HEADERS = {"stt", "so tt", "so thu tu", "tt"}
_IGNORED_HEADERS = ("ghi chu", "note", "ma tinh")
_TOTAL_LABELS = {"tong cong", "cong", "tong", "tong so", "toan quoc", "ca nuoc", "total"}
_NUMBERING = re.compile(r"^\(?[0-9a-zA-Z]{1,2}\)?$")  # "A", "(1)", "12": a column-number row


def measure_for_header(header: str) -> str | None:
    plain = _plain(header)
    for measure, alternatives in _WIDE_COLUMNS:
        if any(_has(plain, *alt) for alt in alternatives):
            return measure
    return None


def _is_total(cell: Cell) -> bool:
    return isinstance(cell, str) and _plain(cell) in _TOTAL_LABELS


def _is_ordinal(cell: Cell) -> bool:
    return isinstance(cell, str) and _plain(cell) in _ORDINAL_HEADERS


def _numbering_row(row: list[Cell]) -> bool:
    cells = [c for c in row if c is not None]
    return bool(cells) and all(_NUMBERING.match(_text(c)) for c in cells)


def _find_header(rows: list[list[Cell]]) -> int | None:
    return next((i for i, row in enumerate(rows[:40]) if any(map(_is_ordinal, row))), None)


def _header_band(grid: list[list[Cell]], h: int, ordinal: int) -> int:
    """The end (exclusive) of the header: the STT row, its sub-header rows, a units row and a
    column-number row, up to the first province or total row."""
    end = h + 1
    while end < min(len(grid), h + 6):
        row = grid[end]
        first = row[ordinal]
        numbered = isinstance(first, float) or (isinstance(first, str) and first.isdigit())
        if (numbered and not _numbering_row(row)) or any(_is_total(c) for c in row[:4]):
            break
        end += 1
    return end


def _wide_columns(grid: list[list[Cell]], h: int) -> tuple[list[_Column], int, int, int]:
    """The columns of a wide report whose STT header is on row `h`: the columns, the first
    row after the header, the province column and the STT column."""
    width = len(grid[h])
    ordinal = next(j for j, c in enumerate(grid[h]) if _is_ordinal(c))
    end = _header_band(grid, h, ordinal)
    band = grid[h:end]
    # a group header (a merged cell) reaches right over the columns with a sub-header below it
    filled = [list(r) for r in band]
    for r in range(len(band) - 1):
        carry: Cell = None
        for j in range(width):
            below = any(band[k][j] is not None for k in range(r + 1, len(band)))
            if band[r][j] is not None:
                carry = band[r][j]
            elif carry is not None and below:
                filled[r][j] = carry
            else:
                carry = None
    columns, province = [], None
    for j in range(width):
        texts = [_text(filled[r][j]) for r in range(len(band)) if filled[r][j] is not None]
        words = [t for t in texts if not _NUMBERING.match(t)]
        header = " ".join(" ".join(t.split()) for t in words)
        unit = next((u for t in reversed(texts) if (u := find_unit(t))), None)
        col = _Column(j, header, unit=unit)
        if j != ordinal:
            if _plain(header) in _PROVINCE_HEADERS and province is None:
                province = j
            else:
                col.measure = measure_for_header(header)
        columns.append(col)
    if province is None:
        raise _Refused(finding("error", "no_province_column", row=h + 1))
    return columns, end, province, ordinal


def _default_unit(measure: str) -> Unit | None:
    """Counts of persons need no unit (người); amounts of money always do."""
    return Unit("persons", 1.0, "người") if catalog.get(measure).unit == "persons" else None


def _check_columns(reader: _Reader, columns: list[_Column], skip: set[int], row: int) -> None:
    first: dict[str, _Column] = {}
    for c in columns:
        if c.index in skip or not c.header:
            continue
        if c.measure is None:
            if not _plain(c.header).startswith(_IGNORED_HEADERS):
                reader.add("warning", "column_ignored", row, c, title=c.header)
            continue
        if c.measure in first:
            reader.add(
                "error",
                "duplicate_column",
                row,
                c,
                first=first[c.measure].letter,
                second=c.letter,
                **_label(c.measure),
            )
        first.setdefault(c.measure, c)
        m = catalog.get(c.measure)
        if c.unit is None and _default_unit(c.measure) is None:
            reader.add("error", "unit_missing", row, c, title=c.header)
        elif c.unit is not None and c.unit.kind != m.unit:
            vi, en = UNIT_NAMES[m.unit]
            reader.add(
                "error",
                "unit_mismatch",
                row,
                c,
                unit=c.unit.text,
                needs_vi=vi,
                needs_en=en,
                **_label(c.measure),
            )


def _read_wide(reader: _Reader, rows: list[list[Cell]], h: int, given: date | None) -> None:
    titles = (title_period(c) for r in rows[:h] for c in r if isinstance(c, str))
    in_title = next((p for p in titles if p is not None), None)
    if given is not None and in_title is not None and in_title != given:
        reader.add("warning", "period_override", title=f"{in_title:%m/%Y}", given=f"{given:%m/%Y}")
    period = given or in_title
    if period is None:
        raise _Refused(finding("error", "no_period", reader.sheet))
    reader.ended(period)
    width = max(len(r) for r in rows)
    grid = [r + [None] * (width - len(r)) for r in rows]
    columns, start, prov_j, ord_j = _wide_columns(grid, h)
    measures = [c for c in columns if c.measure]
    if not measures:
        raise _Refused(finding("error", "no_measure_column", reader.sheet, h + 1))
    _check_columns(reader, columns, {prov_j, ord_j}, h + 1)
    prov_col = columns[prov_j]
    layout = geo.layout_for_period(period)
    totals: list[tuple[int, list[Cell]]] = []
    seen: dict[str, int] = {}
    empty: dict[str, list[int]] = {}
    for i in range(start, len(grid)):
        row, excel_row = grid[i], i + 1
        if all(c is None for c in row):
            rest = sum(1 for r in grid[i + 1 :] if any(c is not None for c in r))
            if rest:
                reader.add("warning", "below_table", excel_row, n=rest, blank=excel_row)
            break
        if _is_total(row[prov_j]) or _is_total(row[ord_j]):
            totals.append((excel_row, row))
            continue
        if row[prov_j] is None:
            if any(row[c.index] is not None for c in measures):
                reader.add("error", "no_province", excel_row, prov_col)
            continue
        text = reader.text(row[prov_j], excel_row, prov_col)
        code = reader.province(text, period, excel_row, prov_col) if text else None
        if code in seen:
            name = geo.province_name(layout, code)
            reader.add(
                "error", "duplicate_province", excel_row, prov_col, name=name, first=seen[code]
            )
            code = None
        elif code is not None:
            seen[code] = excel_row
        if code is None:
            reader.refused_rows += 1
        for c in measures:
            v = reader.number(row[c.index], excel_row, c, vietnamese=True)
            unit = c.unit or _default_unit(c.measure)
            if code is None or unit is None or unit.kind != catalog.get(c.measure).unit:
                continue  # the row's or the column's problem is reported already
            if v is not None:
                reader.value(period, layout, code, c.measure, v * unit.factor, v, excel_row, c)
            elif row[c.index] is None or _text(row[c.index]) in _DASHES:
                empty.setdefault(c.letter, []).append(excel_row)
    for c in measures:
        if c.letter in empty:
            listed = ", ".join(map(str, empty[c.letter][:10])) + ("…" * (len(empty[c.letter]) > 10))
            reader.add("warning", "empty_cells", None, c, n=len(empty[c.letter]), rows=listed)
    _check_totals(reader, totals, measures)


def _check_totals(
    reader: _Reader, totals: list[tuple[int, list[Cell]]], measures: list[_Column]
) -> None:
    """The total row must equal the sum of the province rows; it is never stored. Persons are
    whole and must add up exactly; an amount written as text may have been rounded, so each
    province row may be off by half a unit of the total's last digit. A column with a refused
    cell (or a table with a refused province row) is not checked: its sum would mislead."""
    if len(totals) > 1:
        reader.add("warning", "several_totals", totals[1][0], n=len(totals), first=totals[0][0])
    if not totals:
        return
    excel_row, row = totals[0]
    by_col: dict[str, list[float]] = {}
    for r in reader.rows:
        by_col.setdefault(r["column"], []).append(r["file_value"])
    for c in measures:
        total = reader.number(row[c.index], excel_row, c, vietnamese=True)
        if total is None or c.letter not in by_col or reader.refused_rows:
            continue
        if c.letter in reader.refused_columns:
            continue
        summed = sum(by_col[c.letter])
        tolerance = 1e-9 * max(abs(total), 1.0)
        if catalog.get(c.measure).unit != "persons" and isinstance(row[c.index], str):
            written = row[c.index]
            last_digit = 10.0 ** -len(written.split(",")[-1].strip(")")) if "," in written else 1
            tolerance += 0.5 * len(by_col[c.letter]) * last_digit
        if abs(summed - total) > tolerance:
            diff = summed - total
            reader.add(
                "error",
                "total_mismatch",
                excel_row,
                c,
                **_numbers(total=total, sum=summed, diff=diff),
            )


# ---------------------------------------------------------------- the canonical long table


_LONG_HEADERS = {
    "period": ("period", "ky", "ky bao cao", "thang"),
    "province": ("province", "tinh", "ma tinh", "geo code", "tinh thanh pho"),
    "measure": ("measure", "chi tieu", "ma chi tieu"),
    "value": ("value", "gia tri", "so lieu"),
    "unit": ("unit", "don vi", "don vi tinh", "dvt"),
}
_NATIONAL_NAMES = {"vn", "toan quoc", "ca nuoc", "viet nam", "national"}


def _long_header(rows: list[list[Cell]]) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(rows[:5]):
        found: dict[str, int] = {}
        for j, c in enumerate(row):
            p = _plain(c.replace("_", " ")) if isinstance(c, str) else ""
            for name, options in _LONG_HEADERS.items():
                if p in options:
                    found.setdefault(name, j)
        if {"period", "province", "measure", "value"} <= set(found):
            return i, found
    return None


def _cell_period(cell: Cell) -> date | None:
    with contextlib.suppress(ValueError, OverflowError):  # year 9999 has no month after it
        if isinstance(cell, datetime | date):
            return metrics.month_end(date(cell.year, cell.month, 1))
        if isinstance(cell, str):
            return parse_period(cell)
    return None


def _long_measure(reader: _Reader, text: str | None, row: int, col: _Column):
    m = catalog.BY_ID.get((text or "").strip())
    if m is None:
        close = difflib.get_close_matches((text or "").strip(), catalog.STORED_IDS, n=3)
        hint = ", ".join(close)
        reader.add(
            "error",
            "unknown_measure",
            row,
            col,
            text=text or "",
            **{
                f"hint_{x}": i18n.t("geo.did_you_mean", x, names=hint) if close else ""
                for x in i18n.LANGS
            },
        )
        return None
    if m.derived:
        reader.add("error", "derived_measure", row, col, text=m.id, args=", ".join(m.formula.args))
        return None
    return m


def _read_long(
    reader: _Reader, rows: list[list[Cell]], h: int, cols: dict[str, int], given: date | None
) -> None:
    width = max(len(r) for r in rows)
    grid = [r + [None] * (width - len(r)) for r in rows]
    col = {name: _Column(j, _text(grid[h][j])) for name, j in cols.items()}
    seen: dict[tuple, int] = {}
    for i in range(h + 1, len(grid)):
        row, excel_row = grid[i], i + 1
        if all(c is None for c in row):
            continue
        cell = {name: row[j] for name, j in cols.items()}
        period = _cell_period(cell["period"])
        if period is None:
            reader.add("error", "bad_period", excel_row, col["period"], text=_text(cell["period"]))
            continue
        if given is not None and period != given:
            reader.add(
                "error",
                "period_differs",
                excel_row,
                col["period"],
                period=f"{period:%Y-%m}",
                given=f"{given:%Y-%m}",
            )
            continue
        if not reader.ended(period, excel_row, col["period"]):
            continue
        m = _long_measure(
            reader,
            reader.text(cell["measure"], excel_row, col["measure"]),
            excel_row,
            col["measure"],
        )
        text = reader.text(cell["province"], excel_row, col["province"])
        if not text:
            if text == "":
                reader.add("error", "no_province", excel_row, col["province"])
            continue
        if _plain(text) in _NATIONAL_NAMES:
            layout, code = "VN", geo.NATIONAL
            if m is not None and not m.national_only:
                reader.add("error", "national_computed", excel_row, col["province"], **_label(m.id))
                continue
        else:
            layout = geo.layout_for_period(period)
            code = reader.province(text, period, excel_row, col["province"])
            if m is not None and m.national_only:
                reader.add("error", "national_only", excel_row, col["province"], **_label(m.id))
                continue
        unit = None
        if cell.get("unit") is not None:
            unit = find_unit(_text(cell["unit"]))
            if unit is None:
                reader.add(
                    "error", "unknown_unit", excel_row, col["unit"], unit=_text(cell["unit"])
                )
                continue
            if m is not None and unit.kind != m.unit:
                vi, en = UNIT_NAMES[m.unit]
                reader.add(
                    "error",
                    "unit_mismatch",
                    excel_row,
                    col["unit"],
                    unit=unit.text,
                    needs_vi=vi,
                    needs_en=en,
                    **_label(m.id),
                )
                continue
        v = reader.number(cell["value"], excel_row, col["value"], vietnamese=False)
        if v is None and cell["value"] is None:
            reader.add("error", "empty_value", excel_row, col["value"])
        if m is None or code is None or v is None:
            continue
        key = (period, code, m.id)
        if key in seen:
            name = code if layout == "VN" else geo.province_name(layout, code)
            reader.add(
                "error",
                "duplicate_province",
                excel_row,
                col["province"],
                name=f"{name}, {m.id}, {period:%Y-%m}",
                first=seen[key],
            )
            continue
        seen[key] = excel_row
        factor = unit.factor if unit else 1.0
        reader.value(period, layout, code, m.id, v * factor, v, excel_row, col["value"])


# ---------------------------------------------------------------- checks against the store


# participants that cannot exceed their denominator: (parts, denominator)
_DENOMINATORS = (
    (("si_compulsory", "si_voluntary"), "labour_force_working_age"),
    (("ui_participants",), "labour_force_working_age"),
    (("hi_participants",), "population"),
)


def _stored(
    frames: metrics.Frames | None, measure: str, layout: str, period: date, latest: bool = False
) -> dict[str, float]:
    """The store's values of a month by province; with `latest`, of the last month up to it
    (denominators are estimated once a year)."""
    if frames is None or not frames.obs.height:
        return {}
    df = metrics.resolve(frames, measure, layout, prefer_published=False)
    if latest:
        df = df.filter(pl.col("period") <= period).sort("period").group_by("geo_code").last()
    else:
        df = df.filter(pl.col("period") == period)
    return dict(df.select("geo_code", "value").iter_rows())


def _check_denominators(reader: _Reader, rows: pl.DataFrame, frames: metrics.Frames | None) -> None:
    for (period, layout), part in rows.group_by(["period", "layout"], maintain_order=True):
        if layout == "VN":
            continue
        cells = {(r["geo_code"], r["measure"]): r for r in part.iter_rows(named=True)}
        for parts, denom in _DENOMINATORS:
            present = [p for p in parts if p in set(part.get_column("measure"))]
            if not present:
                continue
            stored = _stored(frames, denom, layout, period, latest=True)
            for code in sorted({c for c, m in cells if m in present}):
                total = sum(cells[(code, p)]["value"] for p in present if (code, p) in cells)
                d = cells[(code, denom)]["value"] if (code, denom) in cells else stored.get(code)
                if d is None or total <= d:
                    continue
                at = cells[next((code, p) for p in present if (code, p) in cells)]
                reader.keep(
                    finding(
                        "error",
                        "above_denominator",
                        at["sheet"],
                        at["row"],
                        at["column"],
                        name=geo.province_name(layout, code),
                        parts_vi=" + ".join(catalog.get(p).label("vi") for p in present),
                        parts_en=" + ".join(catalog.get(p).label("en") for p in present),
                        denom_vi=catalog.get(denom).label("vi"),
                        denom_en=catalog.get(denom).label("en"),
                        **_numbers(total=total, d=d),
                    )
                )


# what the catalogue divides by: the second measure of every ratio (population, labour force)
_DIVISORS = frozenset(
    m.formula.args[1] for m in catalog.MEASURES if m.formula and m.formula.op == "ratio"
)


def _check_zero_divisors(reader: _Reader, rows: pl.DataFrame) -> None:
    """An error where a measure the catalogue divides by (a population, a labour force) is 0:
    every rate of that place would be infinite or empty, never a real figure."""
    for r in rows.filter(
        pl.col("measure").is_in(list(_DIVISORS)) & (pl.col("value") == 0)
    ).iter_rows(named=True):
        layout, code = r["layout"], r["geo_code"]
        reader.keep(
            finding(
                "error",
                "zero_denominator",
                r["sheet"],
                r["row"],
                r["column"],
                name=code if layout == "VN" else geo.province_name(layout, code),
                **_label(r["measure"]),
            )
        )


def _check_plausible(reader: _Reader, rows: pl.DataFrame, frames: metrics.Frames | None) -> None:
    """An error where a value (in the measure's unit) is above what any place can hold, or a
    province's count of persons is above its population (the file's, else the store's latest)."""
    for (period, layout), part in rows.group_by(["period", "layout"], maintain_order=True):
        population = {} if layout == "VN" else _stored(frames, "population", layout, period, True)
        population |= dict(
            part.filter(pl.col("measure") == "population").select("geo_code", "value").iter_rows()
        )
        for r in part.iter_rows(named=True):
            m, code = catalog.get(r["measure"]), r["geo_code"]
            against_population = m.unit == "persons" and m.id not in _CHECKED_AGAINST_POPULATION
            by_population = (
                r["value"] <= m.plausible_max and against_population and code in population
            )
            limit = population[code] if by_population else m.plausible_max
            if r["value"] <= limit:
                continue
            shown = {
                f"{what}_{lang}": i18n.format_value(value, m.unit, lang)
                for what, value in (("value", r["value"]), ("limit", limit))
                for lang in i18n.LANGS
            }
            name = code if layout == "VN" else geo.province_name(layout, code)
            reader.keep(
                finding(
                    "error",
                    "above_population" if by_population else "implausible",
                    r["sheet"],
                    r["row"],
                    r["column"],
                    name=name,
                    **shown,
                    **_label(r["measure"]),
                )
            )


# the population itself, and HI participants (checked against it by _check_denominators)
_CHECKED_AGAINST_POPULATION = ("population", "hi_participants")


def _check_missing(reader: _Reader, rows: pl.DataFrame) -> None:
    for (period, layout), part in rows.group_by(["period", "layout"], maintain_order=True):
        if layout == "VN":
            continue
        missing = sorted(set(geo.codes(layout)) - set(part.get_column("geo_code")))
        if missing:
            reader.add(
                "warning",
                "missing_provinces",
                period_vi=i18n.format_month(period, "vi"),
                period_en=i18n.format_month(period, "en"),
                n=len(missing),
                of=len(geo.codes(layout)),
                # in a sentence: "TP. Hồ Chí Minh", never the bare (ambiguous) short name
                names_vi=", ".join(geo.prose_name(layout, c, "vi") for c in missing),
                names_en=", ".join(geo.prose_name(layout, c, "en") for c in missing),
            )


def _check_jumps(
    reader: _Reader, rows: pl.DataFrame, frames: metrics.Frames | None, limit: float
) -> None:
    """A warning where a value moves more than `limit` % from the store's previous month (in
    the same layout: across the merger the 63 provinces are summed into the 34). Year-to-date
    flows restart in January, so January is not compared."""
    groups = rows.group_by(["period", "layout", "measure"], maintain_order=True)
    for (period, layout, measure), part in groups:
        if catalog.get(measure).kind == "ytd_flow" and period.month == 1:
            continue
        before = _stored(frames, measure, layout, metrics.months_back(period, 1))
        for r in part.iter_rows(named=True):
            prev = before.get(r["geo_code"])
            if not prev:
                continue
            change = 100 * (r["value"] / prev - 1)
            if abs(change) > limit:
                name = r["geo_code"] if layout == "VN" else geo.province_name(layout, r["geo_code"])
                reader.keep(
                    finding(
                        "warning",
                        "jump",
                        r["sheet"],
                        r["row"],
                        r["column"],
                        name=name,
                        change_vi=i18n.format_change(change, "vi", "percent"),
                        change_en=i18n.format_change(change, "en", "percent"),
                        **_numbers(limit=limit),
                        **_label(measure),
                    )
                )


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


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class Stored:
    vintage: datetime
    source_id: str
    rows: int
    revised: int  # values that had a value before under the same key (revisions)


class UnsafeFile(store.StoreInvalid, OSError):
    """The import log or its lock is not a plain file (a symbolic link, a directory, a pipe):
    it is neither followed nor written, and nothing is stored."""

    def __init__(self, path: Path, what: str):
        super().__init__(
            [
                store.Problem(
                    path.name,
                    str(path),
                    "unsafe_file",
                    f"{path.name} không phải tệp thường ({what}): không ghi gì",
                    f"{path.name} is not a plain file ({what}): nothing written",
                )
            ]
        )


def _open_plain(path: Path, flags: int) -> int:
    """Open `path` (created if missing) without following a symbolic link, and only if it is a
    regular file; else UnsafeFile. O_NONBLOCK: a pipe put in its place cannot hang the open."""
    flags |= os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as e:
        if path.is_symlink():
            raise UnsafeFile(path, "symbolic link / liên kết tượng trưng") from None
        if path.exists() and not path.is_file():
            raise UnsafeFile(path, "not a regular file / không phải tệp thường") from None
        raise e
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnsafeFile(path, "not a regular file / không phải tệp thường")
    return fd


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One import at a time per store. Readers never wait: the store switches atomically. A lock
    file that is a symbolic link is refused, not followed."""
    directory.mkdir(parents=True, exist_ok=True)
    fd = _open_plain(directory / LOCK_FILE, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def commit(
    report: Report, directory: Path | str, *, by: str = "", now: datetime | None = None
) -> Stored:
    """Store a clean report's values as a new vintage and log it. Raises ValueError for a
    report with errors, and store.StoreInvalid if the store would break a rule; either way
    nothing is written to the store. `directory` is the store's location: a Parquet directory
    (the import lock and ingest_log.jsonl beside the store) or a `postgresql://` URI (the
    database serialises imports; the entry goes to vss.ingest_log in the same transaction as
    the values, a refusal in one of its own)."""
    if not report.ok:
        raise ValueError("a report with errors is never stored")
    vintage = (now or datetime.now(UTC)).astimezone(UTC)
    source_id = f"ingest_{vintage:%Y%m%dT%H%M%S%f}_{report.sha256[:8]}"
    new = report.rows.select(
        "period",
        "layout",
        "geo_code",
        "measure",
        "value",
        status=pl.lit(STATUS),
        source_id=pl.lit(source_id),
        vintage=pl.lit(vintage, dtype=store.OBS_SCHEMA["vintage"]),
    )
    source = {
        "source_id": source_id,
        "title": f"Báo cáo tỉnh tải lên / Uploaded provincial report: {report.file_name}",
        "publisher": "BHXH tỉnh / Provincial social security office",
        "date": vintage.date(),
        "reference": f"{report.file_name} sha256:{report.sha256}",
        "note": f"{new.height} values for " + ", ".join(f"{p:%Y-%m}" for p in report.periods()),
    }
    done: list[Stored] = []

    def change(obs: pl.DataFrame, plans: pl.DataFrame, sources: pl.DataFrame) -> store.Tables:
        keys = ["period", "layout", "geo_code", "measure"]
        revised = new.join(obs.select(keys).unique(), on=keys, how="semi").height
        done.append(Stored(vintage, source_id, new.height, revised))
        observations = pl.concat(
            [store.conform(obs, store.OBS_SCHEMA), new], how="vertical_relaxed"
        )
        sources = pl.concat(
            [
                store.conform(sources, store.SOURCE_SCHEMA),
                pl.DataFrame([source], schema=store.SOURCE_SCHEMA),
            ]
        )
        return observations, plans, sources

    if store.is_database(directory):
        uri = str(directory)
        try:
            store.update(
                uri, change, log_entry=lambda: _entry_for(report, "stored", by, vintage, done[-1])
            )
        except store.StoreInvalid:
            store.append_log(uri, _entry_for(report, "refused", by, vintage))
            raise
        return done[-1]
    directory = Path(directory)
    with _locked(directory), _log_file(directory) as log_fd:  # both checked before any write
        try:
            store.update(directory, change)
        except store.StoreInvalid:
            _log(log_fd, report, "refused", by, vintage)
            raise
        stored = done[-1]
        _log(log_fd, report, "stored", by, vintage, stored)
        return stored


def log_refusal(report: Report, directory: Path | str, *, by: str = "") -> bool:
    """Record a refused file in the log; the store itself is not touched. A log or lock that is
    not a plain file is not written: a warning says so and the result is False. On a
    `postgresql://` store the entry goes to vss.ingest_log (a database that cannot be reached
    raises store.postgres.StoreUnavailable, an OSError)."""
    if store.is_database(directory):
        store.append_log(str(directory), _entry_for(report, "refused", by, datetime.now(UTC)))
        return True
    directory = Path(directory)
    try:
        with _locked(directory), _log_file(directory) as log_fd:
            _log(log_fd, report, "refused", by, datetime.now(UTC))
    except UnsafeFile as e:
        warnings.warn(printable(str(e)), RuntimeWarning, stacklevel=2)
        return False
    return True


@contextlib.contextmanager
def _log_file(directory: Path) -> Iterator[int]:
    """The import log, open for appending (held under the import lock)."""
    fd = _open_plain(directory / LOG_FILE, os.O_RDWR | os.O_APPEND)
    try:
        yield fd
    finally:
        os.close(fd)


def _entry_for(
    report: Report, outcome: str, by: str, when: datetime, stored: Stored | None = None
) -> dict:
    """The log's entry for an import (one JSON line beside a Parquet store, one row of
    vss.ingest_log on PostgreSQL)."""
    return {
        "time": when.isoformat(),
        "outcome": outcome,
        "by": by,
        **report.summary(),
        "vintage": stored.vintage.isoformat() if stored else None,
        "source_id": stored.source_id if stored else None,
        "stored": stored.rows if stored else 0,
        "revised": stored.revised if stored else 0,
        "first_errors": [str(f) for f in report.errors[:5]],
        "rules": {g.rule: g.count for g in report.groups()},
    }


def _log(
    fd: int, report: Report, outcome: str, by: str, when: datetime, stored: Stored | None = None
) -> None:
    """Append one JSON line. The log is only ever appended to, with one write a line; a last
    line left without its end by a crash is ended first, so it cannot swallow this one."""
    entry = _entry_for(report, outcome, by, when, stored)
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    size = os.fstat(fd).st_size
    if size and os.pread(fd, 1, size - 1) != b"\n":
        line = b"\n" + line
    os.write(fd, line)
    os.fsync(fd)


# what the Data page shows of an entry: key -> type
LOG_FIELDS: dict[str, type | tuple[type, ...]] = {
    "time": str,
    "outcome": str,
    "by": str,
    "file": str,
    "sha256": str,
    "stored": int,
}
LOG_READ_MAX = 8 * 1024 * 1024  # the newest 8 MB of the log are read (tens of thousands of lines)


class LogEntries(list):
    """The log's entries, oldest first, and what was left out: `skipped` lines that are not a
    whole entry (a line torn by a crash, text that is not JSON, an entry without its fields),
    `truncated` if only the newest LOG_READ_MAX bytes were read, `unsafe` the reason if the log
    is not a plain file (then it is not read at all)."""

    skipped: int = 0
    truncated: bool = False
    unsafe: str = ""


def _entry(line: bytes) -> dict | None:
    try:
        e = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return e if isinstance(e, dict) and _valid(e) else None


def _valid(e: dict) -> bool:
    """An entry with the fields the Data page shows, of their types."""
    ok = all(
        isinstance(e.get(k), t) and not isinstance(e.get(k), bool) for k, t in LOG_FIELDS.items()
    )
    return ok and e["outcome"] in ("stored", "refused")


def log(directory: Path | str) -> LogEntries:
    """The ingest log's entries, oldest first. Never raises for what is in the file: lines that
    are not whole entries are skipped and counted; a log that is a symbolic link or not a
    regular file is not followed or read. On a `postgresql://` store: the rows of
    vss.ingest_log (the newest store.postgres_log.LOG_READ_MAX), checked as the file's lines
    are."""
    out = LogEntries()
    if store.is_database(directory):
        entries, out.truncated = store.read_log(str(directory))
        for e in entries:
            if _valid(e):
                out.append(e)
            else:
                out.skipped += 1
        return out
    path = Path(directory) / LOG_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        return out
    except OSError:
        out.unsafe = "symbolic link" if path.is_symlink() else "cannot be opened"
        return out
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            out.unsafe = "not a regular file"
            return out
        start = max(0, st.st_size - LOG_READ_MAX)
        data = os.pread(fd, st.st_size - start, start)
    finally:
        os.close(fd)
    if start:
        out.truncated = True
        data = data[data.find(b"\n") + 1 :] if b"\n" in data else b""
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        entry = _entry(line)
        if entry is None:
            out.skipped += 1
        else:
            out.append(entry)
    return out


# ---------------------------------------------------------------- vintages


def vintages(observations: pl.DataFrame, period: date) -> pl.DataFrame:
    """The vintages stored for a month, newest first: vintage, values, source ids, statuses."""
    return (
        observations.filter(pl.col("period") == period)
        .group_by("vintage")
        .agg(
            values=pl.len(),
            source_ids=pl.col("source_id").unique().sort().str.join(", "),
            statuses=pl.col("status").unique().sort().str.join(", "),
        )
        .sort("vintage", descending=True)
    )


def compare_vintages(
    observations: pl.DataFrame, period: date, old: datetime, new: datetime
) -> pl.DataFrame:
    """A month's values in two vintages side by side: layout, geo_code, measure, old, new,
    change (null where one vintage lacks the key)."""
    keys = ["layout", "geo_code", "measure"]
    month = observations.filter(pl.col("period") == period)
    a = month.filter(pl.col("vintage") == old).select(*keys, old=pl.col("value"))
    b = month.filter(pl.col("vintage") == new).select(*keys, new=pl.col("value"))
    return (
        a.join(b, on=keys, how="full", coalesce=True)
        .with_columns(change=pl.col("new") - pl.col("old"))
        .sort(keys)
    )
