"""Files analysts take away: CSV that Excel opens correctly, with spreadsheet formulas defused.
Pure functions (bytes out); the download buttons are in ui.py."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

import polars as pl

# A text cell starting with one of these is run as a formula by spreadsheet programs
# (OWASP "CSV injection"); a leading apostrophe makes it plain text again.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def safe_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Text columns with formula-like cells prefixed by an apostrophe; numbers untouched."""
    text_cols = [c for c, t in df.schema.items() if t == pl.String]
    return df.with_columns(
        pl.when(pl.col(c).str.contains(r"^[=+\-@\t\r]"))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text_cols
    )


def to_csv(df: pl.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows Vietnamese text correctly."""
    buf = io.BytesIO()
    safe_frame(df).write_csv(buf)
    return b"\xef\xbb\xbf" + buf.getvalue()


def file_name(what: str, *parts: str | date | None, ext: str = "csv") -> str:
    """`vss_<what>_<part>_<part>.<ext>`, e.g. vss_si_coverage_rate_P34_2026-09.csv."""
    bits = [what] + [p.strftime("%Y-%m") if isinstance(p, date) else str(p) for p in parts if p]
    slug = "_".join(re.sub(r"[^A-Za-z0-9_.-]+", "-", _ascii(b)).strip("-") for b in bits)
    return f"vss_{slug}.{ext}"


def _ascii(text: str) -> str:
    """Vietnamese without diacritics: "Hà Nội" -> "Ha Noi"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
