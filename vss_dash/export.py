"""Files analysts take away: CSV that Excel opens correctly, Excel with a header block saying what
the data is, and Parquet with the same facts as metadata; spreadsheet formulas defused.
Pure functions (bytes out); the download buttons are in ui/tables.py."""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import polars as pl
import xlsxwriter

from vss_dash import catalog, geo, i18n, store
from vss_dash.figure import round_published

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
    unit: str | None = None  # the catalogue unit of a value column whose rows name none

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


def frame_source_ids(df: pl.DataFrame) -> list[str]:
    """The source ids a frame's rows name (its `source_id` / `*_source_id` columns), sorted."""
    cols = [c for c in df.columns if c == "source_id" or c.endswith("_source_id")]
    return sorted({v for c in cols for v in df.get_column(c).drop_nulls().unique().to_list()})


def source_lines(ids: list[str], titles: dict[str, str]) -> list[str]:
    """Sources as an export names them: "id: title" (the id alone when it has no title)."""
    return [f"{i}: {titles[i]}" if i in titles else i for i in ids]


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


# Columns in the unit of the row's measure (its `unit` column, else its `measure`'s, else the
# unit the export names, ExportMeta.unit): what a reader compares with the measure's value.
_VALUE_COLUMNS = frozenset(
    ("value", "prev_value", "held", "computed", "estimate", "final", "national", "actual")
    + ("last_year",)
    + ("plan_path", "plan", "projected", "target")
)
# A change column says its kind in "<column>_kind": the unit it is rounded and read in
# ("level": the measure's own; "z" and kinds not listed: no unit, `_OTHER_DECIMALS`)
_KIND_UNITS = {
    "percent": "percent",
    "pp": "percent",
    "mom_pct": "percent",
    "count": "count",
    "vnd_billion": "billion_vnd",
}
# columns of a unit whatever the measure: a share of the plan, a share of values
_COLUMN_UNITS = {"of_plan": "percent", "reported_share": "percent"}
DECIMALS = "decimals"  # a frame's column of each row's published decimals (`tidy`)
_OTHER_DECIMALS = 4  # a float column of no unit (a share, an error, a z-score)
_WHOLE = 2.0**53  # integral floats below this are written as integers


def _row_unit(df: pl.DataFrame, default: str | None) -> list[str | None]:
    """Each row's catalogue unit: its `unit` column where that names one, else its `measure`'s,
    else `default`."""
    n = df.height
    units: list[str | None] = [default] * n
    if "measure" in df.columns:
        units = [
            catalog.get(m).unit if m and catalog.has(m) else u
            for m, u in zip(df.get_column("measure").to_list(), units, strict=True)
        ]
    if "unit" in df.columns and df.schema["unit"] == pl.String:
        units = [
            u if u in catalog.PUBLISHED_DECIMALS else d
            for u, d in zip(df.get_column("unit").to_list(), units, strict=True)
        ]
    return units


def column_units(df: pl.DataFrame, unit: str | None = None) -> dict[str, list[str | None]]:
    """The catalogue unit of each value of each float column, by which it is rounded and shown:
    a measure's column by the measure; a value column (`_VALUE_COLUMNS`) by its row
    (`_row_unit`); a column with a `<name>_kind` beside it by the kind. None: no unit."""
    rows = _row_unit(df, unit)
    out = {}
    for name, dtype in df.schema.items():
        if not dtype.is_float():
            continue
        if catalog.has(name) or name in _COLUMN_UNITS:
            u = catalog.get(name).unit if catalog.has(name) else _COLUMN_UNITS[name]
            out[name] = [u] * df.height
        elif f"{name}_kind" in df.columns:
            kinds = df.get_column(f"{name}_kind").to_list()
            out[name] = [
                r if k == "level" else _KIND_UNITS.get(k) for k, r in zip(kinds, rows, strict=True)
            ]
        elif name in _VALUE_COLUMNS:
            out[name] = rows
        else:
            out[name] = [None] * df.height
    return out


def tidy(df: pl.DataFrame, lang: str, unit: str | None = None) -> pl.DataFrame:
    """A table as an analyst wants it without cleaning: each value at the precision it is
    published at (`column_units`, half-up as written: figure.round_published; a float of no
    unit to 4 decimals), and beside a `measure` column of ids its label in `lang`
    (`measure_label`). A frame of published figures says each one's decimals in a `decimals`
    column: its value is kept exactly as published, the values beside it rounded alike; the
    writers show the numbers at those decimals and leave the column out. Columns keep their
    ids: the writers put them in words (`to_csv`, `to_xlsx`)."""
    units = column_units(df, unit)
    out = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if DECIMALS in df.columns and name in _VALUE_COLUMNS and dtype.is_float():
            if name != "value":  # a published value is as published; the rest at its decimals
                d = pl.col(DECIMALS).fill_null(_OTHER_DECIMALS)
                col = pl.coalesce(
                    pl.when(d == k).then(col.round(k)) for k in range(_OTHER_DECIMALS + 1)
                )
        elif name in units:
            statuses = _published_rows(df, name)
            rounded = [
                as_published(v, u, s)
                for v, u, s in zip(
                    df.get_column(name).to_list(), units[name], statuses, strict=True
                )
            ]
            col = pl.Series(name, rounded, dtype=pl.Float64)
        out.append(col.alias(name) if isinstance(col, pl.Expr) else pl.lit(col))
        if name == "measure" and dtype == pl.String and "measure_label" not in df.columns:
            labels = {
                m: catalog.get(m).label(lang)
                for m in df.get_column(name).unique()
                if m and catalog.has(m)
            }
            out.append(
                pl.col(name).replace_strict(labels, default=pl.col(name)).alias("measure_label")
            )
    return df.select(out)


def as_published(value: float | None, unit: str | None, status: str | None = None) -> float | None:
    """A value as a file holds it: a published figure exactly as published (882.15 billion
    stays 882.15, though money is published to a tenth as a rule), any other at its unit's
    published decimals (figure.round_published), a value of no unit to `_OTHER_DECIMALS`; a
    missing or non-finite value is None."""
    if value is None or not math.isfinite(value):
        return None
    if status == "published":
        return value
    return round_published(value, unit) if unit else round(value, _OTHER_DECIMALS)


def _published_rows(df: pl.DataFrame, column: str) -> list[str | None]:
    """Each row's status for the values of `column`: a `value` column's is the row's
    `status`; other columns have none (they are derived: a change, a gap)."""
    if column == "value" and "status" in df.columns:
        return df.get_column("status").cast(pl.String).to_list()
    return [None] * df.height


def _written_decimals(value: float) -> int:
    """The decimals `value` is written with (882.15 -> 2)."""
    return max(0, -Decimal(repr(float(value))).as_tuple().exponent)


def _is_month(name: str) -> bool:
    """A column of months (month-end dates): `period`, `prev_period`, ..."""
    return name == "period" or name.endswith("_period")


# ids a cell may hold, by the column that holds them, and their words (ROLE_KEYS: a published
# figure's role, also on the Sources page)
ROLE_KEYS = {
    "current": i18n.key("figrole_current"),
    "alternative": i18n.key("figrole_alternative"),
    "earlier estimate": i18n.key("figrole_earlier_estimate"),
}
_KIND_KEYS = {
    "percent": i18n.key("unit_percent"),
    "pp": i18n.key("kind_pp"),
    "mom_pct": i18n.key("kind_mom_pct"),
    "level": i18n.key("kind_level"),
    "z": i18n.key("col_z"),
    "count": i18n.key("unit_count"),
    "vnd_billion": i18n.key("unit_billion_vnd"),
}
_WORD_KEYS = {
    "unit": i18n.UNIT_KEYS,
    "layout": i18n.LAYOUT_KEYS,
    "reason": i18n.REASON_KEYS,
    "role": ROLE_KEYS,
}
TICK, CROSS = "✓", "✗"  # a yes/no cell, as the pages show it


def words(df: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The cells that hold ids in `lang`: statuses (`i18n.status_word`), units, layouts, watch
    reasons, figure roles, change kinds; yes/no as ✓/✗. An id not known stays as it is (a
    published unit such as "percent of population" is the source's own words)."""
    out = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if name == DECIMALS:
            continue
        if dtype == pl.Boolean:
            col = pl.when(col).then(pl.lit(TICK)).when(~col).then(pl.lit(CROSS))
        elif dtype == pl.String or isinstance(dtype, pl.Enum | pl.Categorical):
            col = col.cast(pl.String)  # a status is an Enum in the store
            ids = [v for v in df.get_column(name).unique().to_list() if v is not None]
            if name == "status" or name.endswith("_status"):
                texts = {s: i18n.status_word(s, lang, "label") for s in ids}
            elif name in _WORD_KEYS or name.endswith("_kind"):
                keys = _KIND_KEYS if name.endswith("_kind") else _WORD_KEYS[name]
                texts = {s: i18n.t(keys[s], lang) for s in ids if s in keys}
            else:
                texts = {}
            if texts:
                col = col.replace(texts)
        out.append(col.alias(name))
    return df.select(out)


# column -> header key in the file's language; a column named after a measure gets the
# measure's label, one named after a status its word, "<a>_<b>" is "<b> (<a>)" where both are
# known ("last_year_status": "Trạng thái (Cùng kỳ năm trước)"); any other keeps its name
_HEADERS = {
    "period": i18n.key("col_period"),
    "geo_code": i18n.key("col_code"),
    "province": i18n.key("col_province"),
    "name": i18n.key("col_province"),
    "geo": i18n.key("geography"),
    "geo_text": i18n.key("src_place"),
    "measure": i18n.key("col_measure_id"),
    "measure_label": i18n.key("col_measure"),
    "value": i18n.key("col_value"),
    "unit": i18n.key("col_unit"),
    "kind": i18n.key("col_kind"),
    "status": i18n.key("col_status"),
    "source_id": i18n.key("col_source"),
    "also_published": i18n.key("col_also_published"),
    "rank": i18n.key("col_rank"),
    "change": i18n.key("col_change"),
    "layout": i18n.key("col_layout"),
    "year": i18n.key("col_year"),
    "prev": i18n.key("col_prev"),
    "last_year": i18n.key("col_prev"),
    "numerator": i18n.key("col_numerator"),
    "denominator": i18n.key("col_denominator"),
    "actual": i18n.key("col_actual"),
    "plan_path": i18n.key("col_plan_path"),
    "plan": i18n.key("col_plan"),
    "of_plan": i18n.key("col_of_plan"),
    "projected": i18n.key("col_projected"),
    "error": i18n.key("col_error"),
    "reason": i18n.key("col_reason"),
    "national": i18n.key("col_national"),
    "gap": i18n.key("col_gap"),
    "trend": i18n.key("col_trend"),
    "threshold": i18n.key("col_threshold"),
    "expected": i18n.key("col_expected"),
    "provinces": i18n.key("col_present"),
    "values": i18n.key("col_values"),
    "reported_share": i18n.key("col_reported_share"),
    "vintage": i18n.key("col_vintage"),
    "vintages": i18n.key("col_vintages"),
    "latest_vintage": i18n.key("col_latest_vintage"),
    "estimate": i18n.key("col_estimate"),
    "final": i18n.key("col_final"),
    "as_of": i18n.key("col_as_of"),
    "role": i18n.key("src_role"),
    "held": i18n.key("col_held"),
    "computed": i18n.key("col_computed"),
    "reproduced": i18n.key("col_reproduced"),
    "publisher": i18n.key("col_publisher"),
    "published_on": i18n.key("col_published_on"),
    "official": i18n.key("col_official"),
    "reference": i18n.key("col_reference"),
    "basis": i18n.key("col_basis"),
    "quote": i18n.key("col_quote"),
    "severity": i18n.key("col_severity"),
    "sheet": i18n.key("col_sheet"),
    "row": i18n.key("col_row"),
    "column": i18n.key("col_column"),
    "header": i18n.key("col_header"),
    "rule": i18n.key("col_rule"),
    "message": i18n.key("col_message"),
    "message_other": i18n.key("col_message_other"),
}


def _label(column: str, lang: str) -> str | None:
    if column in _HEADERS:
        return i18n.t(_HEADERS[column], lang)
    if column in i18n.STATUS_BADGE_KEYS:  # a count of values of a status
        return i18n.status_word(column, lang, "label")
    if catalog.has(column):
        return catalog.get(column).label(lang)
    return None


def header_label(column: str, lang: str) -> str:
    """A column's header in `lang` (see `_HEADERS`); a column nothing names keeps its name."""
    if (label := _label(column, lang)) is not None:
        return label
    for i in range(column.find("_"), len(column)):
        if (
            column[i] == "_"
            and (head := _label(column[:i], lang))
            and (tail := _label(column[i + 1 :], lang))
        ):
            return f"{tail} ({head})"
    return column


def headers(columns: Iterable[str], lang: str) -> list[str]:
    """The header row in `lang`, each header once (a second one gets its column's id)."""
    out: list[str] = []
    for c in columns:
        h = header_label(c, lang)
        out.append(f"{h} ({c})" if h in out else h)
    return out


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


def _plain_dates(df: pl.DataFrame) -> pl.DataFrame:
    """Months as 2025-01, days as 2025-01-31, moments as 2025-01-31 08:00:00 (UTC where the
    moment has a zone)."""
    out = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if dtype == pl.Date:
            col = col.dt.strftime("%Y-%m" if _is_month(name) else "%Y-%m-%d")
        elif isinstance(dtype, pl.Datetime):
            if dtype.time_zone is not None:
                col = col.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            col = col.dt.strftime("%Y-%m-%d %H:%M:%S")
        out.append(col.alias(name))
    return df.select(out)


def csv_frame(df: pl.DataFrame, lang: str | None = None) -> pl.DataFrame:
    """The CSV's cells as text: numbers plain, months as 2025-01, formulas defused; with `lang`
    the headers and the id cells in that language (`headers`, `words`), without it ids (a
    program's file)."""
    df = words(df, lang) if lang is not None else df.drop(DECIMALS, strict=False)
    out = _plain_dates(_plain_numbers(safe_frame(df)))
    out = out.with_columns(
        pl.col(c).cast(pl.String) for c, t in out.schema.items() if t.is_numeric()
    )
    if lang is not None:
        names = [neutralise(h) for h in headers(df.columns, lang)]
        out = out.rename(dict(zip(out.columns, names, strict=True)))
    return out


def to_csv(df: pl.DataFrame, lang: str | None = None) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows Vietnamese text correctly; cells as
    `csv_frame` makes them."""
    buf = io.BytesIO()
    csv_frame(df, lang).write_csv(buf)
    return b"\xef\xbb\xbf" + buf.getvalue()


def _number_format(decimals: int | None) -> str:
    """Excel's format for a number at `decimals` (None: up to `_OTHER_DECIMALS`); Excel shows
    the separators of the reader's own locale."""
    if decimals is None:
        return "#,##0.0" + "#" * (_OTHER_DECIMALS - 1)
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def column_decimals(df: pl.DataFrame, unit: str | None = None) -> dict[str, list[int | None]]:
    """The decimals each number of each float column is shown at: its row's published decimals
    (a `decimals` column), else its unit's (`column_units`); a column of no unit holding whole
    numbers only (a count of persons) at 0; None: up to `_OTHER_DECIMALS`."""
    out: dict[str, list[int | None]] = {}
    for name, units in column_units(df, unit).items():
        if DECIMALS in df.columns and name in _VALUE_COLUMNS:
            out[name] = df.get_column(DECIMALS).to_list()
        elif any(u is None for u in units):
            values = df.get_column(name).drop_nulls()
            whole = values.len() and (values == values.round(0)).all()
            out[name] = [
                catalog.PUBLISHED_DECIMALS[u] if u else (0 if whole else None) for u in units
            ]
        else:
            out[name] = [catalog.PUBLISHED_DECIMALS[u] for u in units]
        values = df.get_column(name).to_list()
        out[name] = [
            max(d or 0, _written_decimals(v))
            if s == "published" and v is not None and math.isfinite(v)
            else d
            for d, v, s in zip(out[name], values, _published_rows(df, name), strict=True)
        ]
    return out


# dates by the file's language; a month is a date cell showing only its month
_DATE_FORMATS = {
    "vi": {"month": "mm/yyyy", "day": "dd/mm/yyyy", "moment": "dd/mm/yyyy hh:mm:ss"},
    "en": {"month": "mmm yyyy", "day": "yyyy-mm-dd", "moment": "yyyy-mm-dd hh:mm:ss"},
}
_MAX_WIDTH = 60  # characters; a longer text (a quote, a link) runs into the next empty cell


def _shown_width(value: object, number_format: str | None) -> int:
    """About how many characters Excel shows for a cell."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 5
    if isinstance(value, int | float):
        d = len(number_format.split(".")[1]) if number_format and "." in number_format else 0
        text = f"{value:,.{d}f}" if abs(value) < _WHOLE else repr(value)
        return len(text)
    if isinstance(value, datetime | date):
        return 19 if isinstance(value, datetime) else 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def to_xlsx(df: pl.DataFrame, meta: ExportMeta) -> bytes:
    """One sheet: the header block (`header_lines`), a blank row, then the table with a bold
    header row in the file's language. Text is written as text (never a formula; a code such
    as "01" stays text) and defused like the CSV; numbers stay numbers in the format of their
    unit (`column_units`), months are dates shown as months, id cells are words (`words`);
    each column is as wide as its header and its cells."""
    buf = io.BytesIO()
    # strings_to_formulas=False: even an undefused "=..." could not become a formula here
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": True,
            "remove_timezone": True,
        },
    )
    ws = wb.add_worksheet("data")
    title = wb.add_format({"bold": True, "font_size": 14})
    warn = wb.add_format({"bold": True, "font_color": "#B45309"})
    bold = wb.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
    dates = {k: wb.add_format({"num_format": f}) for k, f in _DATE_FORMATS[meta.lang].items()}
    numbers: dict[str, object] = {}

    def number(decimals: int | None):
        f = _number_format(decimals)
        if f not in numbers:
            numbers[f] = wb.add_format({"num_format": f})
        return numbers[f]

    lines = header_lines(meta)
    status_row = 1 + len(meta.filters) + (meta.as_of is not None)
    for r, line in enumerate(lines):
        fmt = title if r == 0 else warn if r == status_row and meta.is_demo else None
        ws.write_string(r, 0, neutralise(line), fmt)

    top = len(lines) + 1
    decimals = column_decimals(df, meta.unit)
    safe = safe_frame(words(df, meta.lang))
    for c, ((name, dtype), header) in enumerate(
        zip(safe.schema.items(), headers(safe.columns, meta.lang), strict=True)
    ):
        header = neutralise(header)
        ws.write_string(top, c, header, bold)
        values = safe.get_column(name).to_list()
        if dtype == pl.Date:
            fmts = [dates["month" if _is_month(name) else "day"]] * len(values)
        elif isinstance(dtype, pl.Datetime):
            if dtype.time_zone is not None:  # Excel has no zones: the moment in UTC
                values = safe.get_column(name).dt.convert_time_zone("UTC").to_list()
            fmts = [dates["moment"]] * len(values)
        elif name in decimals:
            fmts = [number(d) for d in decimals[name]]
        elif dtype.is_integer():
            fmts = [number(0)] * len(values)
        else:
            fmts = [None] * len(values)
        width = 0
        for r, (v, fmt) in enumerate(zip(values, fmts, strict=True), start=top + 1):
            _write(ws, r, c, v, fmt)
            width = max(width, _shown_width(v, fmt.num_format if fmt else None))
        longest_word = max((len(w) for w in header.split()), default=0)
        width = max(width, min(len(header), _MAX_WIDTH // 2), longest_word, 6)
        ws.set_column(c, c, min(width, _MAX_WIDTH) + 2)
    if safe.width:
        ws.autofilter(top, 0, top + safe.height, safe.width - 1)
        ws.freeze_panes(top + 1, 0)
        # codes such as "01" are text on purpose: no "number stored as text" marks
        ws.ignore_errors({"number_stored_as_text": f"A{top + 2}:XFD1048576"})
    wb.close()
    return buf.getvalue()


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
