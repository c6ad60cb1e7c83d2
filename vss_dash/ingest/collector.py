"""The collector: what a sheet yields while it is read, its values and its findings. A
_Column is a column of the sheet (its letter, header, measure and unit); a _Reader keeps the
values in ROW_SCHEMA and the findings (MAX_PER_RULE a rule, the rest counted), and reads a
cell as a number, a text or a province with a finding for whatever is refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from vss_dash import catalog, geo, i18n
from vss_dash.ingest.findings import (
    MAX_PER_RULE,
    ROW_SCHEMA,
    Finding,
    Severity,
    echo,
    finding,
    printable,
)
from vss_dash.ingest.numbers import (
    _FORMULA_START,
    MAX_NUMBER,
    Cell,
    Unit,
    _BadNumber,
    _is_number,
    _text,
    column_letter,
    parse_number,
)

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


def _place(layout: str, code: str, by_lang: bool = False) -> dict[str, str]:
    """`{name}` of a finding in each language (name_vi, name_en; `by_lang`: vi, en): a
    province as a sentence names it (geo.prose_name: "TP. Hồ Chí Minh" / "Hồ Chí Minh City"),
    or the whole country."""
    names = {
        lang: i18n.t("national", lang) if layout == "VN" else geo.prose_name(layout, code, lang)
        for lang in i18n.LANGS
    }
    return names if by_lang else {f"name_{lang}": name for lang, name in names.items()}


def _label(measure: str) -> dict[str, str]:
    m = catalog.get(measure)
    return {"label_vi": m.label("vi"), "label_en": m.label("en")}
