"""The wide monthly report the provincial offices send: title rows, the period in a title such
as "THÁNG 9 NĂM 2024", a header row with "STT", one row per province, Vietnamese column headers
(possibly over two rows, possibly with line breaks), units in the headers or in a units row,
numbers written the Vietnamese way ("1.234.567" or "1.234,5") and a total row that is checked
against the sum and not stored.
"""

from __future__ import annotations

import re
from datetime import date

from vss_dash import catalog, geo, i18n
from vss_dash.ingest.collector import _Column, _label, _place, _Reader
from vss_dash.ingest.findings import _Refused, finding
from vss_dash.ingest.numbers import (
    _DASHES,
    Cell,
    Unit,
    _has,
    _numbers,
    _plain,
    _text,
    find_unit,
    title_period,
)

# ---------------------------------------------------------------- the wide monthly report


# (measure, alternatives): a header names the measure if it holds every phrase of one
# alternative (phrases without diacritics). The first match wins, so amounts come before
# participants ("Số tiền BHXH, BHYT phải thu" is an amount) and cost before HI participants.
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
    for measure, alternatives in catalog.report_headers():
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
            vi, en = (i18n.t(i18n.UNIT_KEYS[m.unit], lang) for lang in ("vi", "en"))
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
            reader.add(
                "error",
                "duplicate_province",
                excel_row,
                prov_col,
                first=seen[code],
                **_place(layout, code),
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
