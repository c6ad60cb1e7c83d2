"""Files analysts take away: CSV that Excel opens correctly, Excel with a header block saying what
the data is, and Parquet with the same facts as metadata; spreadsheet formulas defused.
Pure functions (bytes out); the download buttons are in ui/tables.py."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import polars as pl
import xlsxwriter

from vss_dash import catalog, geo, i18n, store

# A text cell a spreadsheet program may run as a formula (OWASP "CSV injection"): one that
# starts with a control character, or with = + - @ (or their fullwidth forms, which some
# programs fold to ASCII) after any whitespace or invisible character, which some programs trim
# on import. A leading apostrophe makes it plain text again. One pattern for Python and Polars.
_FORMULA = (
    r"^(?:[\t\r\n\x0b\x0c]"
    r"|[\s\u200b\u200c\u200d\u2060\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20\u2212])"
)
_FORMULA_RE = re.compile(_FORMULA)

STATUSES = (*store.STATUS_VALUES, "mixed")


@dataclass(frozen=True)
class ExportMeta:
    """What an exported table is: it goes into the Excel header block and the Parquet metadata."""

    title: str
    filters: dict[str, str] = field(default_factory=dict)  # label -> value, in `lang`
    as_of: date | None = None  # the month the data runs to
    status: str = "demo"  # one of STATUSES; see `status_of`
    sources: list[str] = field(default_factory=list)  # "source_id: title"
    lang: str = i18n.DEFAULT_LANG

    @property
    def is_demo(self) -> bool:
        return self.status in ("demo", "mixed")


def status_of(statuses: Iterable[str | None]) -> str:
    """The status of a whole table from its rows' statuses: the one status all rows share;
    "mixed" when demo rows sit beside real ones; otherwise the weakest (`store.weakest`).
    No status at all, or one not known, counts as demo: a table is real only when every row
    says so."""
    found = {s if s in store.STATUS_VALUES else "demo" for s in statuses if s} or {"demo"}
    if len(found) == 1:
        return found.pop()
    return "mixed" if "demo" in found else store.weakest(found)


def frame_status(df: pl.DataFrame) -> str:
    """`status_of` over every `status` / `*_status` column of a frame."""
    cols = [c for c in df.columns if c == "status" or c.endswith("_status")]
    return status_of(v for c in cols for v in df.get_column(c).unique().to_list())


def status_text(meta: ExportMeta) -> str:
    """The status in words; with any demo row, "demo data, not real figures" in both languages
    whatever the export's language."""
    if meta.is_demo:
        vi, en = (i18n.status_word(meta.status, lang, "notice") for lang in i18n.LANGS)
        return f"{vi} / {en}"
    return i18n.status_word(meta.status, meta.lang, "notice")


def header_lines(meta: ExportMeta) -> list[str]:
    """The Excel header block: title, filters ("name: value"), as of, status, sources."""
    lang = meta.lang
    lines = [meta.title]
    lines += [f"{name}: {value}" for name, value in meta.filters.items()]
    if meta.as_of is not None:
        lines.append(i18n.t("as_of", lang, date=i18n.format_date(meta.as_of, lang)))
    lines.append(f"{i18n.t('col_status', lang)}: {status_text(meta)}")
    label = i18n.t("export_sources", lang)
    if not meta.sources:
        lines.append(f"{label}: {i18n.MISSING}")
    else:
        lines += [f"{label}: {s}" for s in meta.sources]
    return lines


def neutralise(text: str) -> str:
    return "'" + text if _FORMULA_RE.match(text) else text


def safe_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Text columns with formula-like cells prefixed by an apostrophe; numbers untouched."""
    text_cols = [c for c, t in df.schema.items() if t == pl.String]
    return df.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text_cols
    )


ALSO_PUBLISHED = "also_published"
_KEY = ("period", "layout", "geo_code", "measure")


def with_alternatives(
    df: pl.DataFrame, alternatives: pl.DataFrame | None, lang: str, **fixed: object
) -> pl.DataFrame:
    """`df` with a column `also_published`: for each row, the other figures published for its
    value's key (period, layout, geo_code, measure), as "Also published: 38.01% (SGGP)" in
    `lang` ("" where there are none). A key part the frame has no column for comes from
    `fixed` (a table of one place: layout="VN", geo_code="VN"); a frame whose key cannot be
    made whole, or that has the column already, is returned as it is."""
    if ALSO_PUBLISHED in df.columns or not all(k in df.columns or k in fixed for k in _KEY):
        return df
    index: dict[tuple, list] = {}
    for r in (alternatives if alternatives is not None else pl.DataFrame()).iter_rows(named=True):
        key = tuple(r[k] for k in _KEY)
        index.setdefault(key, []).append(
            (r["value"], r["publisher"], r["role"] == "earlier estimate")
        )
    cols = {
        k: df.get_column(k).to_list() if k in df.columns else [fixed[k]] * df.height for k in _KEY
    }
    texts = []
    for key in zip(*(cols[k] for k in _KEY), strict=True):
        items = index.get(key, [])
        unit = catalog.get(key[3]).unit if items and catalog.has(key[3]) else None
        texts.append(i18n.format_also_published(items, unit, lang) if unit else "")
    return df.with_columns(pl.Series(ALSO_PUBLISHED, texts, dtype=pl.String))


# decimals an export keeps, by unit: what the sources publish (rates to 2 decimals, money to a
# million đồng); persons, visits, cases and counts are whole numbers
_DECIMALS = {"percent": 2, "billion_vnd": 3}
_OTHER_DECIMALS = 4  # a float column that is no measure's (a change, a gap, a z-score)
_WHOLE = 2.0**53  # integral floats below this are written as integers


def _round_unit(value: pl.Expr, unit: pl.Expr) -> pl.Expr:
    expr = pl.when(unit.is_null()).then(value.round(_OTHER_DECIMALS))
    for u, d in _DECIMALS.items():
        expr = expr.when(unit == u).then(value.round(d))
    return expr.otherwise(value.round(0))


def tidy(df: pl.DataFrame, lang: str) -> pl.DataFrame:
    """A table as an analyst wants it without cleaning: each value rounded as its unit is
    published (a `value` column by its row's `unit` or `measure`, a column named after a
    measure by that measure's unit, any other float column to 4 decimals), and beside a
    `measure` column of ids its label in `lang` (`measure_label`)."""
    units = {m.id: m.unit for m in catalog.MEASURES}
    row_unit = None
    if "unit" in df.columns:
        row_unit = pl.col("unit").cast(pl.String)
    elif "measure" in df.columns:
        row_unit = pl.col("measure").replace_strict(units, default=None, return_dtype=pl.String)
    out = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if dtype.is_float():
            if name == "value" and row_unit is not None:
                col = _round_unit(col, row_unit)
            elif catalog.has(name):
                unit = catalog.get(name).unit
                col = col.round(_DECIMALS.get(unit, 0))
            else:
                col = col.round(_OTHER_DECIMALS)
        out.append(col.alias(name))
        if name == "measure" and dtype == pl.String and "measure_label" not in df.columns:
            labels = {m.id: m.label(lang) for m in catalog.MEASURES}
            out.append(
                pl.col(name).replace_strict(labels, default=pl.col(name)).alias("measure_label")
            )
    return df.select(out)


def _plain_numbers(df: pl.DataFrame) -> pl.DataFrame:
    """Float columns as text a reader expects: 126347 rather than 126347.0, 92.22 as it is."""
    floats = [n for n, t in df.schema.items() if t.is_float()]
    return df.with_columns(
        pl.when(
            pl.col(n).is_finite() & (pl.col(n) == pl.col(n).round(0)) & (pl.col(n).abs() < _WHOLE)
        )
        .then(pl.col(n).cast(pl.Int64).cast(pl.String))
        .otherwise(pl.col(n).cast(pl.String))
        .alias(n)
        for n in floats
    )


def to_csv(df: pl.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows Vietnamese text correctly; whole
    numbers without a trailing ".0"."""
    buf = io.BytesIO()
    _plain_numbers(safe_frame(df)).write_csv(buf)
    return b"\xef\xbb\xbf" + buf.getvalue()


def to_xlsx(df: pl.DataFrame, meta: ExportMeta) -> bytes:
    """One sheet: the header block (`header_lines`), a blank row, then the table with a bold
    header row. Text is written as text (never a formula) and defused like the CSV; numbers stay
    numbers, dates are dates."""
    buf = io.BytesIO()
    # strings_to_formulas=False: even an undefused "=..." could not become a formula here
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": True,
        },
    )
    ws = wb.add_worksheet("data")
    title = wb.add_format({"bold": True, "font_size": 14})
    warn = wb.add_format({"bold": True, "font_color": "#B45309"})
    bold = wb.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    moment = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})

    lines = header_lines(meta)
    status_row = 1 + len(meta.filters) + (meta.as_of is not None)
    for r, line in enumerate(lines):
        fmt = title if r == 0 else warn if r == status_row and meta.is_demo else None
        ws.write_string(r, 0, neutralise(line), fmt)

    top = len(lines) + 1
    safe = safe_frame(df)
    by_unit = {u: wb.add_format({"num_format": f}) for u, f in _XLSX_FORMATS.items()}
    row_units = _row_units(safe)
    for c, (name, dtype) in enumerate(safe.schema.items()):
        header = header_label(name, meta.lang)
        ws.write_string(top, c, neutralise(header), bold)
        values = safe.get_column(name).to_list()
        if dtype == pl.Date or dtype == pl.Datetime:
            fmts = [day if dtype == pl.Date else moment] * len(values)
        elif dtype.is_numeric() and name == "value" and row_units is not None:
            fmts = [by_unit.get(u or "", by_unit["whole"]) for u in row_units]
        elif dtype.is_numeric() and catalog.has(name):
            fmts = [by_unit.get(catalog.get(name).unit, by_unit["whole"])] * len(values)
        elif dtype.is_integer():
            fmts = [by_unit["whole"]] * len(values)
        else:
            fmts = [None] * len(values)
        for r, (v, fmt) in enumerate(zip(values, fmts, strict=True), start=top + 1):
            _write(ws, r, c, v, fmt)
        ws.set_column(c, c, min(max(len(header), 10) + 2, 40))
    if df.width:
        ws.autofilter(top, 0, top + df.height, df.width - 1)
        ws.freeze_panes(top + 1, 0)
    wb.close()
    return buf.getvalue()


# Excel number formats by unit; Excel shows the separators of the reader's own locale
_XLSX_FORMATS = {"whole": "#,##0", "percent": "0.00", "billion_vnd": "#,##0.000"}
# column -> header key in the Excel file's language (a column named after a measure gets the
# measure's label; any other keeps its name)
_HEADERS = {
    "period": i18n.key("col_period"),
    "geo_code": i18n.key("col_code"),
    "province": i18n.key("col_province"),
    "name": i18n.key("col_province"),
    "measure": i18n.key("col_measure_id"),
    "measure_label": i18n.key("col_measure"),
    "value": i18n.key("col_value"),
    "unit": i18n.key("col_unit"),
    "status": i18n.key("col_status"),
    "source_id": i18n.key("col_source"),
    "also_published": i18n.key("col_also_published"),
    "rank": i18n.key("col_rank"),
    "change": i18n.key("col_change"),
    "layout": i18n.key("layout"),
    "year": i18n.key("col_year"),
}


def header_label(column: str, lang: str) -> str:
    """An Excel header in `lang`: the column's name in words, a measure's label, else as is."""
    if column in _HEADERS:
        return i18n.t(_HEADERS[column], lang)
    if catalog.has(column):
        return catalog.get(column).label(lang)
    return column


def _row_units(df: pl.DataFrame) -> list[str | None] | None:
    """Each row's unit (from `unit`, else `measure`), or None when the frame says neither."""
    if "unit" in df.columns:
        return df.get_column("unit").cast(pl.String).to_list()
    if "measure" in df.columns:
        units = {m.id: m.unit for m in catalog.MEASURES}
        return [units.get(m) for m in df.get_column("measure").to_list()]
    return None


def _write(ws, row: int, col: int, value: object, fmt) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, int | float | Decimal):
        ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)
    elif isinstance(value, datetime | date):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, value)  # already defused by safe_frame
    else:  # lists, structs, durations: as text
        ws.write_string(row, col, neutralise(str(value)))


def parquet_metadata(meta: ExportMeta) -> dict[str, str]:
    """ExportMeta as Parquet key-value metadata (`vss:` keys; lists and maps as JSON)."""
    return {
        "vss:title": meta.title,
        "vss:filters": json.dumps(meta.filters, ensure_ascii=False),
        "vss:as_of": meta.as_of.isoformat() if meta.as_of else "",
        "vss:status": meta.status,
        "vss:status_text": status_text(meta),
        "vss:sources": json.dumps(meta.sources, ensure_ascii=False),
        "vss:lang": meta.lang,
    }


def to_parquet(df: pl.DataFrame, meta: ExportMeta) -> bytes:
    """The frame as it is (no defusing: Parquet is read by programs, not spreadsheets), with
    `parquet_metadata`."""
    buf = io.BytesIO()
    df.write_parquet(buf, metadata=parquet_metadata(meta))
    return buf.getvalue()


def stem(what: str, *parts: str | date | None) -> str:
    """`vss_<what>_<part>_<part>`: a file name without its extension."""
    bits = [what] + [p.strftime("%Y-%m") if isinstance(p, date) else str(p) for p in parts if p]
    slug = "_".join(re.sub(r"[^A-Za-z0-9_.-]+", "-", geo.ascii_fold(b)).strip("-") for b in bits)
    return f"vss_{slug}"


def file_name(what: str, *parts: str | date | None, ext: str = "csv") -> str:
    """`vss_<what>_<part>_<part>.<ext>`, e.g. vss_si_coverage_rate_P34_2026-09.csv."""
    return f"{stem(what, *parts)}.{ext}"
