"""A cell's text, number, unit and period. Cells are cleaned to NFC text, a float, a date or
None; headers, titles and total rows are recognised in a plain form (lower case, no
diacritics); numbers are read the Vietnamese way in wide reports ("1.234.567", "1.234,5") and
as plain numbers in the canonical table; units are named in headers or unit cells and convert
to the catalogue's unit ("triệu đồng" -> billion_vnd x 1e-3); a period is a title's month
("THÁNG 9 NĂM 2024") or "YYYY-MM".
"""

from __future__ import annotations

import contextlib
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from vss_dash import geo, i18n, metrics

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
