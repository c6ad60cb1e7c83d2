"""Texts in Vietnamese and English, and locale-correct formatting of numbers and dates.

The single place that turns a value into display text. Pure Python: no Streamlit import.

Every text (the pages', the briefing notes and press release, import findings, store validation,
province matching) is one entry of `texts.toml` beside this file, read once at import into
`STRINGS` and looked up with `t(key, lang, **fields)` (`both` for the two languages at once).
A data file rather than gettext catalogues: two languages, both written by the team, are best
reviewed side by side, key, Vietnamese, English, one entry under the other, in one file that
any editor opens and a diff shows line by line; gettext would split them into a .po per
language, each with its own source string, plus a compile step. TOML because Python reads it
without a dependency and it holds multi-line texts without escapes. Keys are written literally
where a text is used (or marked with `key(...)` in a mapping), so tests/test_i18n.py finds them
by reading the code and fails on a missing translation, an unused key and an unknown key.
Missing values (None, NaN, ±inf) are shown as an en dash. Negative numbers use the real minus
sign U+2212. Rounding is half-up on the decimal value as written (2.675 -> 2.68), not Python's
binary half-even, so what a reader rounds by hand matches the screen.
"""

from __future__ import annotations

import math
import numbers
import re
import string
import tomllib
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

LANGS: tuple[str, ...] = ("vi", "en")
DEFAULT_LANG = "vi"

MISSING = "\u2013"  # en dash
MINUS = "\u2212"

ChangeKind = Literal["percent", "pp", "count", "vnd_billion"]

TEXTS_FILE = Path(__file__).with_name("texts.toml")


def _load(path: Path) -> dict[str, dict[str, str]]:
    """The table of `path` flattened: the entry [brief.kpi_line] is the key "brief.kpi_line"."""
    out: dict[str, dict[str, str]] = {}

    def walk(prefix: str, table: dict[str, Any]) -> None:
        for name, value in table.items():
            if set(value) == set(LANGS) and all(isinstance(v, str) for v in value.values()):
                out[prefix + name] = value
            else:
                walk(f"{prefix}{name}.", value)

    with path.open("rb") as f:
        walk("", tomllib.load(f))
    return out


STRINGS: dict[str, dict[str, str]] = _load(TEXTS_FILE)


def normalize_lang(value: object) -> str:
    """Return a supported language code; accepts "EN", "en-US", "vi_VN"; anything else -> "vi"."""
    if isinstance(value, list | tuple) and value:
        value = value[0]
    if not isinstance(value, str):
        return DEFAULT_LANG
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGS else DEFAULT_LANG


def t(key: str, lang: str, /, **fmt: Any) -> str:
    """The text `key` of the table in `lang`, with `{placeholders}` filled from `fmt`.

    An unknown key raises KeyError, as does a placeholder left without a value.
    """
    text = STRINGS[key][normalize_lang(lang)]
    return text.format(**fmt)


def both(key: str, /, **fmt: Any) -> tuple[str, str]:
    """The text `key` in Vietnamese and in English, for a message that keeps both (an import
    finding, a store problem). A field named `x_vi` or `x_en` fills `{x}` in that language only;
    the other fields fill both."""
    out = []
    for lang in LANGS:
        mine, other = f"_{lang}", tuple(f"_{x}" for x in LANGS if x != lang)
        fields = {k: v for k, v in fmt.items() if not k.endswith(other)}
        fields |= {k.removesuffix(mine): v for k, v in fmt.items() if k.endswith(mine)}
        out.append(t(key, lang, **fields))
    vi, en = out
    return vi, en


def key(name: str) -> str:
    """`name` as it is: marks a key of the table that is looked up later (a value of a mapping,
    a rule tuple), so that the test that reads the code finds it."""
    return name


# --- keys by the id they name (a unit, a watch reason, a verdict, a slide), written out so
# that every key is literal; a lookup of an id not listed raises KeyError

UNIT_KEYS = {
    "persons": key("unit_persons"),
    "visits": key("unit_visits"),
    "cases": key("unit_cases"),
    "count": key("unit_count"),
    "percent": key("unit_percent"),
    "billion_vnd": key("unit_billion_vnd"),
}
REASON_KEYS = {  # watch.REASONS
    "low_si_coverage": key("reason_low_si_coverage"),
    "low_hi_coverage": key("reason_low_hi_coverage"),
    "low_ui_coverage": key("reason_low_ui_coverage"),
    "high_late_payment": key("reason_high_late_payment"),
    "hi_cost_growth": key("reason_hi_cost_growth"),
    "fall_si_participants": key("reason_fall_si_participants"),
    "fall_hi_participants": key("reason_fall_hi_participants"),
    "fall_ui_participants": key("reason_fall_ui_participants"),
}
VERDICT_KEYS = {  # projection.VERDICTS
    "achieved": key("verdict_achieved"),
    "on_track": key("verdict_on_track"),
    "likely": key("verdict_likely"),
    "at_risk": key("verdict_at_risk"),
    "off_track": key("verdict_off_track"),
}
VERDICT_RULE_KEYS = {
    "achieved": key("verdict_rule_achieved"),
    "on_track": key("verdict_rule_on_track"),
    "likely": key("verdict_rule_likely"),
    "at_risk": key("verdict_rule_at_risk"),
    "off_track": key("verdict_rule_off_track"),
}
PLAN_KPI_KEYS = {"plan": key("plan_kpi"), "target": key("target_kpi")}  # PlanView.plan_source
PLAN_LINE_KEYS = {"plan": key("plan_line"), "target": key("target_line")}
SLIDE_KEYS = {  # briefing.KINDS
    "headline": key("slide_headline"),
    "map": key("slide_map"),
    "plan_revenue": key("slide_plan_revenue"),
    "plan_participants": key("slide_plan_participants"),
    "watch": key("slide_watch"),
    "benefits": key("slide_benefits"),
    "closing": key("slide_closing"),
}
LAYOUT_KEYS = {"VN": key("layout_VN"), "P63": key("layout_P63"), "P34": key("layout_P34")}
THRESHOLD_KEYS = {  # watch.LIMITS
    "si_coverage_gap": key("th_si_coverage_gap"),
    "hi_coverage_gap": key("th_hi_coverage_gap"),
    "ui_coverage_gap": key("th_ui_coverage_gap"),
    "late_payment_gap": key("th_late_payment_gap"),
    "cost_growth_z": key("th_cost_growth_z"),
    "participant_fall_pct": key("th_participant_fall_pct"),
}
WATCH_RULE_KEYS = {  # watch.Rule
    "below_national": key("rule_below_national"),
    "above_national": key("rule_above_national"),
    "robust_z": key("rule_robust_z"),
    "fall": key("rule_fall"),
}
STATUS_BADGE_KEYS = {  # store.STATUS, and "mixed" for a table of demo rows beside real ones
    "published": key("published_badge"),
    "reported": key("reported_badge"),
    "demo": key("demo_badge"),
    "mixed": key("mixed_badge"),
}
STATUS_TAG_KEYS = {  # the marker that follows a figure in running text: " [minh họa]"
    "published": key("brief.tag_published"),
    "reported": key("brief.tag_reported"),
    "demo": key("brief.tag_demo"),
    "mixed": key("brief.tag_demo"),
}

STATUS_NOTICE_KEYS = {  # a whole file's or deck's status, said once at its top
    "published": key("published_badge"),
    "reported": key("reported_badge"),
    "demo": key("export_status_demo"),
    "mixed": key("export_status_mixed"),
}

StatusForm = Literal["label", "tag", "notice"]


def status_word(status: str | None, lang: str, form: StatusForm = "label") -> str:
    """A value's status in words, the one place a status becomes text: "label" is a badge, a
    table cell or a file's column ("Số liệu công bố"), "tag" the marker after a figure in a
    sentence (" [số liệu công bố]"), "notice" a whole file's status in its header ("Dữ liệu minh
    họa, không phải số liệu thật"). No status, or one not known, reads as demo: a figure is
    real only when it says so."""
    keys = {"label": STATUS_BADGE_KEYS, "tag": STATUS_TAG_KEYS, "notice": STATUS_NOTICE_KEYS}[form]
    return t(keys.get(status or "", keys["demo"]), lang)


_MARKDOWN_SPECIALS = set("\\`*_{}[]()<>#+-.!|~$:")


_WORD_JOINER = "\u2060"  # invisible, no break: splits what GFM would turn into a link
_AUTOLINK = re.compile(r"(?<=:)(?=/)|(?<=www)(?=\.)|(?<=@)(?=[-\w])", re.IGNORECASE)


def md_escape(text: object) -> str:
    """Text from a file, a URL or a user, safe inside Streamlit markdown: every character that
    markdown (links, images, code spans, HTML, emphasis, lists, math) gives a meaning is
    backslash-escaped, line breaks become spaces, and control characters are dropped.

    GitHub-flavoured markdown also links a bare `https://…`, `www.…` or `name@host` found in the
    text once its escapes are read (Streamlit's renderer does, whatever is escaped): a word
    joiner (U+2060, invisible) goes between `:` and `/`, after `www` before `.`, and after `@`
    before a name, so the text reads the same and no address becomes a link."""
    plain = "".join(
        " " if ch in "\r\n\t" else ch
        for ch in str(text)
        if ch in "\r\n\t" or not (ord(ch) < 32 or 127 <= ord(ch) < 160)
    )
    return "".join(
        "\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in _AUTOLINK.sub(_WORD_JOINER, plain)
    )


def placeholders(text: str) -> set[str]:
    """The `{name}` fields in a format string (used by tests to check vi/en agree)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# --- numbers ---------------------------------------------------------------------------------

_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal)


def _to_decimal(value: object) -> Decimal | None:
    """A finite Decimal for `value`, or None when it is missing or not a finite number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        dec = value
    elif isinstance(value, numbers.Integral):
        dec = Decimal(int(value))
    elif isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            return None
        # repr gives the shortest string that round-trips, so 2.675 stays 2.675, not 2.67499...
        dec = Decimal(repr(number))
    else:
        try:
            dec = Decimal(str(value))
        except InvalidOperation:
            return None
    return dec if dec.is_finite() else None


def _round(dec: Decimal, decimals: int) -> Decimal:
    # precision for every digit left of the point: the default 28 digits would raise
    # InvalidOperation on 1e30, and a number on a page must never crash it
    digits = Context(prec=max(28, dec.adjusted() + decimals + 2))
    return dec.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=digits)


def _digits(dec: Decimal, lang: str, decimals: int, signed: bool = False) -> str:
    """Format a Decimal with locale separators; `signed` adds "+" to positive values."""
    thousands, point = _SEPARATORS[normalize_lang(lang)]
    rounded = _round(dec, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # no "−0,00"
    body = f"{abs(rounded):,.{decimals}f}"
    body = body.replace(",", "\0").replace(".", point).replace("\0", thousands)
    if rounded < 0:
        return MINUS + body
    if signed and rounded > 0:
        return "+" + body
    return body


def parse_number(text: object, lang: str) -> float | None:
    """A number typed by a person, read the way `lang` writes it: vi "1,5" is 1.5 and
    "1.234,5" is 1234.5; en "1.5" and "1,234.5". A lone separator followed by exactly three
    digits is read as the locale's thousands separator ("1.000" in vi is 1000, "1,000" in en);
    any other lone separator is a decimal point, so "1.5" in vi and "1,5" in en are 1.5, never
    15. Spaces and a leading + or the minus sign are allowed; anything else is None."""
    if not isinstance(text, str | int | float) or isinstance(text, bool):
        return None
    raw = str(text).strip().replace(" ", "").replace("\u00a0", "").replace(MINUS, "-")
    if not raw or not re.fullmatch(r"[+-]?[0-9.,]+", raw) or not re.search(r"[0-9]", raw):
        return None
    sign = -1.0 if raw.startswith("-") else 1.0
    body = raw.lstrip("+-")
    thousands, point = _SEPARATORS[normalize_lang(lang)]
    if "." in body and "," in body:  # both: the locale says which is which
        if body.rfind(point) < body.rfind(thousands):
            return None
        whole, _, frac = body.rpartition(point)
        groups = whole.split(thousands)
    else:
        sep = "." if "." in body else "," if "," in body else ""
        parts = body.split(sep) if sep else [body]
        if len(parts) > 2 or (len(parts) == 2 and len(parts[1]) == 3 and sep == thousands):
            if not all(len(g) == 3 for g in parts[1:]):
                return None
            return sign * float("".join(parts))
        whole, frac = (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "")
        groups = [whole]
    if any(not g for g in groups[1:]) or any(len(g) != 3 for g in groups[1:]):
        return None
    digits = "".join(groups) or "0"
    if not digits.isdigit() or (frac and not frac.isdigit()):
        return None
    value = sign * float(f"{digits}.{frac or 0}")
    return value if math.isfinite(value) else None


def format_input(value: float, lang: str, decimals: int = 2) -> str:
    """A number for an input box, in the locale's form and without trailing zeros:
    vi "1,5" / "20", en "1.5" / "20" (what `parse_number` reads back)."""
    text = format_number(value, lang, decimals)
    _, point = _SEPARATORS[normalize_lang(lang)]
    if point in text:
        text = text.rstrip("0").rstrip(point)
    return text


def format_number(value: object, lang: str, decimals: int = 0) -> str:
    """A plain number: vi "1.234.567" / "39,25", en "1,234,567" / "39.25"."""
    dec = _to_decimal(value)
    return MISSING if dec is None else _digits(dec, lang, decimals)


_COUNT_SCALES = (  # (factor, vi word, en word), smallest first
    (Decimal(10) ** 6, "triệu", "million"),
    (Decimal(10) ** 9, "tỷ", "billion"),
)


def _count(dec: Decimal, lang: str, signed: bool = False) -> str:
    lang = normalize_lang(lang)
    if abs(_round(dec, 0)) < _COUNT_SCALES[0][0]:
        return _digits(dec, lang, 0, signed)
    # Step up while the rounded figure would reach 1,000 of the current scale, so that
    # 999,995,000 reads "1,00 tỷ", not "1.000,00 triệu".
    for i, (factor, word_vi, word_en) in enumerate(_COUNT_SCALES):
        is_last = i == len(_COUNT_SCALES) - 1
        if is_last or abs(_round(dec / factor, 2)) < 1000:
            word = word_vi if lang == "vi" else word_en
            return f"{_digits(dec / factor, lang, 2, signed)} {word}"
    raise AssertionError("unreachable")


def format_count(value: object, lang: str) -> str:
    """Persons, visits, cases: "19,02 triệu" / "19.02 million" from a million up, else "704.134"."""
    dec = _to_decimal(value)
    return MISSING if dec is None else _count(dec, lang)


def format_percent(value: object, lang: str, decimals: int = 2) -> str:
    """A percentage given in percent units (39.25 -> "39,25%" / "39.25%")."""
    dec = _to_decimal(value)
    return MISSING if dec is None else _digits(dec, lang, decimals) + "%"


def _vnd_billion(dec: Decimal, lang: str, signed: bool = False) -> str:
    lang = normalize_lang(lang)
    if abs(_round(dec, 1)) >= 1000:
        number = _digits(dec / 1000, lang, 1, signed)
        return f"{number} nghìn tỷ đồng" if lang == "vi" else _en_vnd(number, "trillion")
    # Under 10 billion keep one decimal: a province's 3.4 billion must not read "3".
    decimals = 1 if abs(_round(dec, 1)) < 10 and _round(dec, 1) != 0 else 0
    number = _digits(dec, lang, decimals, signed)
    return f"{number} tỷ đồng" if lang == "vi" else _en_vnd(number, "billion")


def _en_vnd(number: str, scale: str) -> str:
    # The sign goes before the currency: "+VND 239 billion", "−VND 1.2 trillion".
    if number[0] in ("+", MINUS):
        return f"{number[0]}VND {number[1:]} {scale}"
    return f"VND {number} {scale}"


def format_vnd_billion(value: object, lang: str) -> str:
    """An amount in billion VND: "472,3 nghìn tỷ đồng" / "VND 472.3 trillion", "239 tỷ đồng"."""
    dec = _to_decimal(value)
    return MISSING if dec is None else _vnd_billion(dec, lang)


# Percentage points: compact on a card, in a table cell or on a chart ("+2,24 điểm %"), spelled out
# in a sentence ("+2,24 điểm phần trăm"), as vss_dash/glossary.toml's [units] says
_POINTS = {
    ("vi", False): "điểm %",
    ("vi", True): "điểm phần trăm",
    ("en", False): "pp",
    ("en", True): "percentage points",
}


def format_change(value: object, lang: str, kind: ChangeKind, prose: bool = False) -> str:
    """A signed change: percent "+9,90%", "pp" "+1,42 điểm %" / "+1.42 pp", count, vnd_billion.
    `prose` for a change inside a sentence: points spelled out, "+1,42 điểm phần trăm" /
    "+1.42 percentage points" (the other kinds read the same)."""
    dec = _to_decimal(value)
    if dec is None:
        return MISSING
    lang = normalize_lang(lang)
    if kind == "percent":
        return _digits(dec, lang, 2, signed=True) + "%"
    if kind == "pp":
        return f"{_digits(dec, lang, 2, signed=True)} {_POINTS[lang, prose]}"
    if kind == "count":
        return _digits(dec, lang, 0, signed=True)
    if kind == "vnd_billion":
        return _vnd_billion(dec, lang, signed=True)
    raise ValueError(f"unknown change kind: {kind!r}")


UNITS: tuple[str, ...] = ("persons", "visits", "cases", "count", "percent", "billion_vnd")

# The decimals, in each unit, at which VSS publishes a value: rates to two decimals ("95,16%",
# "65,45% kế hoạch"), money to a tenth of a billion đồng (a province's "3,4 tỷ"; large sums read
# in trillions, "472,3 nghìn tỷ"), people, visits, cases and counts whole. A file holds a value
# at this precision, and `format_value` rounds to it first, so a page, a slide or a sentence shows
# exactly the file's value or a coarser form of it (millions, trillions): 65.4549 billion is
# 65.5 in the file and "66 tỷ đồng" on the page, never "65". The catalogue's `Measure.decimals`.
PUBLISHED_DECIMALS: dict[str, int] = {
    "persons": 0,
    "visits": 0,
    "cases": 0,
    "count": 0,
    "percent": 2,
    "billion_vnd": 1,
}


def round_published(value: object, unit: str) -> float | None:
    """`value` rounded half-up as written (2.675 -> 2.68) to the decimals `unit` is published at
    (PUBLISHED_DECIMALS); None for a missing or non-finite value."""
    dec = _to_decimal(value)
    return None if dec is None else float(_round(dec, PUBLISHED_DECIMALS[unit]))


def format_value(value: object, unit: str, lang: str) -> str:
    """Format `value` for a catalogue unit id (see `UNITS`), from its published value
    (`round_published`); an unknown unit raises ValueError."""
    if unit not in PUBLISHED_DECIMALS:
        raise ValueError(f"unknown unit: {unit!r}")
    value = round_published(value, unit)
    if unit in ("persons", "visits", "cases"):
        return format_count(value, lang)
    if unit == "count":
        return format_number(value, lang, 0)
    if unit == "percent":
        return format_percent(value, lang)
    if unit == "billion_vnd":
        return format_vnd_billion(value, lang)
    raise ValueError(f"unknown unit: {unit!r}")


def format_also_published(items: list[tuple[float, str, bool]], unit: str, lang: str) -> str:
    """What else was published for a value: items of (value, publisher, earlier estimate?) in
    the catalogue `unit` -> "Cũng công bố: 38,01% (Sài Gòn Giải Phóng)" ("" for none)."""
    if not items:
        return ""
    parts = []
    for value, who, earlier in items:
        note = f", {t('earlier_estimate', lang)}" if earlier else ""
        parts.append(f"{format_value(value, unit, lang)} ({who}{note})")
    return t("also_published", lang, items="; ".join(parts))


# --- dates -----------------------------------------------------------------------------------

_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_month(d: date | None, lang: str, in_sentence: bool = False) -> str:
    """A month: vi "Tháng 9/2024" where it starts a cell, an option or a heading, "tháng 9/2024"
    `in_sentence`; en "September 2024" (not locale-dependent strftime)."""
    if d is None:
        return MISSING
    if normalize_lang(lang) == "vi":
        return f"{'tháng' if in_sentence else 'Tháng'} {d.month}/{d.year}"
    return f"{_MONTHS_EN[d.month - 1]} {d.year}"


def format_date(d: date | None, lang: str) -> str:
    """A day: vi "30/9/2024", "1/7/2025" (day/month/year without leading zeros, as the agency and
    the texts write it), en "30 Sep 2024"."""
    if d is None:
        return MISSING
    if normalize_lang(lang) == "vi":
        return f"{d.day}/{d.month}/{d.year}"
    return f"{d.day} {_MONTHS_EN[d.month - 1][:3]} {d.year}"
