"""The canonical long table: columns `period` (YYYY-MM), `province` (name or GSO code; the
layout follows from the period; a national name for the measures only the country has),
`measure` (catalogue id), `value` (a plain number, '.' as the decimal point), optional `unit`.
"""

from __future__ import annotations

import contextlib
import difflib
from datetime import date, datetime

from vss_dash import catalog, geo, i18n, metrics
from vss_dash.ingest.collector import _Column, _label, _place, _Reader
from vss_dash.ingest.numbers import Cell, _plain, _text, find_unit, parse_period

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
                vi, en = (i18n.t(i18n.UNIT_KEYS[m.unit], lang) for lang in ("vi", "en"))
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
            reader.add(
                "error",
                "duplicate_province",
                excel_row,
                col["province"],
                first=seen[key],
                **{
                    f"name_{lang}": ", ".join(
                        (name, m.label(lang), i18n.format_month(period, lang, in_sentence=True))
                    )
                    for lang, name in _place(layout, code, by_lang=True).items()
                },
            )
            continue
        seen[key] = excel_row
        factor = unit.factor if unit else 1.0
        reader.value(period, layout, code, m.id, v * factor, v, excel_row, col["value"])
