"""Provinces in both layouts (63 until 2025-06-30, 34 from 2025-07-01), the crosswalk between
them, and matching of free-text province names to GSO codes.

A province code means nothing without its layout (80 is Long An in P63 and Tây Ninh in P34), so
every function here takes the layout explicitly. Pure Python and Polars: no Streamlit.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from datetime import date, datetime

import polars as pl

from vss_dash import i18n, reference

MERGER_DATE = date(2025, 7, 1)
LAYOUTS = ("P63", "P34")
NATIONAL = "VN"


_LAYOUT_TEXT = {"P63": i18n.key("geo.layout_P63"), "P34": i18n.key("geo.layout_P34")}

# Administrative prefixes as token runs of a normalised name ("T.P." gives "t", "p").
_PREFIXES: tuple[tuple[str, ...], ...] = (("thanh", "pho"), ("tinh",), ("tp",), ("t", "p"))
# English words that may follow a name: "Ho Chi Minh City", "Quang Nam Province".
_SUFFIXES = ("city", "province")

# Spellings that the registry's names do not already produce, keyed by normalize_key() output.
# A P63 alias used with layout P34 leads to the "merged into ..." refusal via the crosswalk.
_ALIASES: dict[str, dict[str, str]] = {
    "P63": {
        "hcm": "79",
        "hcmc": "79",
        "tphcm": "79",
        "saigon": "79",
        "brvt": "77",
        "hue": "46",
        "baccan": "06",
    },
    "P34": {
        "hcm": "79",
        "hcmc": "79",
        "tphcm": "79",
        "saigon": "79",
        # Tỉnh Thừa Thiên Huế became Thành phố Huế on 2025-01-01 with the same territory and code.
        "thuathienhue": "46",
    },
}

# Provinces abolished before the 63-province layout began: key -> (name, absorbing code, date).
# The absorbing code is the same in both layouts.
_ABOLISHED: dict[str, tuple[str, str, date]] = {
    "hatay": ("Tỉnh Hà Tây", "01", date(2008, 8, 1)),
}


class UnknownProvince(Exception):
    """A province name or code that does not resolve in the requested layout."""

    def __init__(
        self,
        text: str,
        layout: str,
        suggestions: list[str],
        message_vi: str,
        message_en: str,
    ) -> None:
        super().__init__(text, layout, suggestions, message_vi, message_en)
        self.text = text
        self.layout = layout
        self.suggestions = suggestions
        self.message_vi = message_vi
        self.message_en = message_en

    def __str__(self) -> str:
        return f"{self.message_vi}\n{self.message_en}"


def _check_layout(layout: str) -> None:
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")


def _as_date(period: date) -> date:
    # datetime is a subclass of date but does not compare with it.
    return period.date() if isinstance(period, datetime) else period


def layout_for_period(period: date) -> str:
    """The layout in which data for `period` is reported: P63 before 2025-07-01, else P34."""
    return "P63" if _as_date(period) < MERGER_DATE else "P34"


@reference.by_release
def _registry() -> pl.DataFrame:
    frame = pl.read_csv(reference.path("provinces"), infer_schema=False)
    return frame.with_columns(
        pl.col("valid_from", "valid_to").str.to_date("%Y-%m-%d", strict=True)
    ).sort("layout", "code")


def provinces(layout: str | None = None) -> pl.DataFrame:
    """The province registry, optionally restricted to one layout.

    Columns: layout, code, name, short_name, ascii_name, region, valid_from, valid_to (Date).
    """
    frame = _registry()
    if layout is None:
        return frame.clone()
    _check_layout(layout)
    return frame.filter(pl.col("layout") == layout)


@reference.by_release
def _rows(layout: str) -> dict[str, dict[str, object]]:
    return {row["code"]: row for row in provinces(layout).iter_rows(named=True)}


def codes(layout: str) -> list[str]:
    """The province codes of a layout, sorted."""
    _check_layout(layout)
    return list(_rows(layout))


def is_valid_code(layout: str, code: str, period: date | None = None) -> bool:
    """Whether `code` names a province of `layout` (and, given `period`, one in force then).

    The national pseudo-layout accepts only the national code. Unknown layouts give False.
    """
    if layout == NATIONAL:
        return code == NATIONAL
    if layout not in LAYOUTS:
        return False
    row = _rows(layout).get(code)
    if row is None:
        return False
    if period is None:
        return True
    day = _as_date(period)
    valid_to = row["valid_to"]
    return row["valid_from"] <= day and (valid_to is None or day <= valid_to)


def province_name(layout: str, code: str, short: bool = True) -> str:
    """The Vietnamese name of a province: short ("Hà Nội") or official ("Thành phố Hà Nội")."""
    _check_layout(layout)
    row = _rows(layout).get(code)
    if row is None:
        raise KeyError(f"no province with code {code!r} in layout {layout}")
    return str(row["short_name"] if short else row["name"])


@reference.by_release
def _prose_forms() -> dict[str, dict[str, str]]:
    """The glossary's province names that are ambiguous alone, by short name."""
    with reference.path("glossary").open("rb") as f:
        return {p["short"]: p for p in tomllib.load(f).get("province", [])}


def prose_name(layout: str, code: str, lang: str = "vi", *, official: bool = False) -> str:
    """A province's name as a sentence in `lang` writes it: the short name ("Hà Nội"), or the
    glossary's form where the short name alone is ambiguous ("TP. Hồ Chí Minh" / "Hồ Chí Minh
    City": "Hồ Chí Minh" alone is the person). `official`: the full name mid-sentence, in
    Vietnamese its generic word in lower case ("tỉnh Bắc Ninh", "thành phố Hà Nội") except a name
    the glossary keeps ("Thành phố Hồ Chí Minh", a person's name); in English the registry's name.
    Tables and pickers keep `province_name`."""
    short = province_name(layout, code)
    en = i18n.normalize_lang(lang) == "en"
    form = _prose_forms().get(short)
    if not official:
        return form["prose_en" if en else "prose"] if form else short
    name = province_name(layout, code, short=False)
    if en:
        return name
    return form["official"] if form else name[:1].lower() + name[1:]


@reference.by_release
def _crosswalk_file() -> pl.DataFrame:
    return pl.read_csv(reference.path("crosswalk"), infer_schema=False)


def crosswalk() -> pl.DataFrame:
    """P63 code -> P34 code (effective 2025-07-01): columns code_63, code_34, 63 rows."""
    return _crosswalk_file().select("code_63", "code_34")


@reference.by_release
def _p63_to_p34() -> dict[str, str]:
    return dict(crosswalk().iter_rows())


def successor(code_63: str) -> str:
    """The P34 code of the province that absorbed (or continued) a P63 province."""
    return _p63_to_p34()[code_63]


def constituents(code_34: str) -> list[str]:
    """The P63 codes that form a P34 province, in code order."""
    return sorted(c for c, n in _p63_to_p34().items() if n == code_34)


def harmonise_codes_to_p34(df: pl.DataFrame, code_col: str = "geo_code") -> pl.DataFrame:
    """Replace P63 province codes by the P34 code of the province that absorbed them.

    Rows are neither summed nor reordered; the caller aggregates. If `df` has a `layout`
    column, only its P63 rows are recoded (and relabelled P34); otherwise every code except the
    national one is taken to be a P63 code. A code missing from the crosswalk raises ValueError.
    """
    if df.schema.get(code_col) != pl.String:
        raise TypeError(f"column {code_col!r} must exist and hold strings")
    mapped = "__code_34"
    has_layout = "layout" in df.columns
    is_p63 = pl.col("layout") == "P63" if has_layout else pl.col(code_col) != NATIONAL
    joined = df.join(
        crosswalk().rename({"code_63": code_col, "code_34": mapped}),
        on=code_col,
        how="left",
        maintain_order="left",
    )
    unknown = joined.filter(is_p63 & pl.col(mapped).is_null())[code_col].unique().sort()
    if unknown.len():
        raise ValueError(f"codes not in the P63 layout: {unknown.to_list()}")
    recode = [pl.when(is_p63).then(pl.col(mapped)).otherwise(pl.col(code_col)).alias(code_col)]
    if has_layout:
        recode.append(
            pl.when(is_p63)
            .then(pl.lit("P34"))
            .otherwise(pl.col("layout"))
            .cast(df.schema["layout"])
            .alias("layout")
        )
    return joined.with_columns(recode).select(df.columns)


# đ/Đ have no decomposition; ð/Ð (Icelandic eth) are a frequent stand-in for them.
_D = str.maketrans("đĐðÐ", "dDdD")


def ascii_fold(text: str) -> str:
    """Vietnamese without its marks, case and spacing kept: "Đắk Lắk" -> "Dak Lak".

    The one fold of the app: place-name keys, import headers and export file names all use it.
    NFKD splits tones and vowel marks from their letters (whatever form the input came in) and
    compatibility characters into plain ones; the marks are then dropped, and đ/Đ mapped to d/D.
    """
    decomposed = unicodedata.normalize("NFKD", text).translate(_D)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_key(text: str) -> str:
    """A matching key for a place name.

    Insensitive to Unicode normalisation form, case, spacing, punctuation, diacritics (đ -> d)
    and tone-mark placement; administrative prefixes ("Tỉnh", "Thành phố", "TP.") and the
    English words "City"/"Province" at the end are dropped. "TP. Hồ Chí Minh" -> "hochiminh".
    """
    tokens = re.findall(r"[a-z0-9]+", ascii_fold(text).casefold())
    stripped = True
    while stripped:
        stripped = False
        for prefix in _PREFIXES:
            n = len(prefix)
            if len(tokens) > n and tuple(tokens[:n]) == prefix:
                tokens = tokens[n:]
                stripped = True
                break
    while len(tokens) > 1 and tokens[-1] in _SUFFIXES:
        tokens = tokens[:-1]
    return "".join(tokens)


@reference.by_release
def _index(layout: str) -> dict[str, str]:
    """normalize_key(name) -> code for every name and alias of a layout."""
    index: dict[str, str] = {}
    entries = [
        (name, row["code"])
        for row in provinces(layout).iter_rows(named=True)
        for name in (row["name"], row["short_name"], row["ascii_name"])
    ]
    entries += list(_ALIASES[layout].items())
    for name, code in entries:
        key = normalize_key(name)
        if index.setdefault(key, code) != code:
            raise RuntimeError(f"{layout}: key {key!r} would match {index[key]} and {code}")
    return index


def _short(layout: str, code: str) -> str:
    return province_name(layout, code, short=True)


def _fmt_vi(day: date) -> str:
    return i18n.format_date(day, "vi")  # 1/7/2025, as the agency writes a date


def _suggest(key: str, layout: str) -> list[str]:
    index = _index(layout)
    close = difflib.get_close_matches(key, list(index), n=8, cutoff=0.6) if key else []
    names = dict.fromkeys(_short(layout, index[k]) for k in close)
    return list(names)[:3]


def _merged(text: str, layout: str, code_63: str, by_code: bool) -> UnknownProvince:
    """Refusal for a P63 province used with layout P34, naming the province that absorbed it."""
    code_34 = _p63_to_p34()[code_63]
    old = province_name("P63", code_63, short=False)
    new = province_name("P34", code_34, short=False)
    what = i18n.key("geo.code_of") if by_code else i18n.key("geo.name_of")
    vi, en = i18n.both(
        "geo.merged",
        what_vi=i18n.t(what, "vi", text=text, old=old),
        what_en=i18n.t(what, "en", text=text, old=old),
        p63_vi=i18n.t("geo.layout_P63", "vi"),
        p63_en=i18n.t("geo.layout_P63", "en"),
        layout_vi=i18n.t(_LAYOUT_TEXT[layout], "vi"),
        layout_en=i18n.t(_LAYOUT_TEXT[layout], "en"),
        date_vi=_fmt_vi(MERGER_DATE),
        date_en=i18n.format_date(MERGER_DATE, "en"),
        new=new,
        code=code_34,
        short=_short("P34", code_34),
    )
    return UnknownProvince(text, layout, [_short("P34", code_34)], vi, en)


def _unknown(text: str, layout: str, suggestions: list[str], what: str) -> UnknownProvince:
    """`what` is the key of the text that names what was not found ("province code ...")."""
    hints = {
        f"hint_{lang}": i18n.t("geo.did_you_mean", lang, names=", ".join(suggestions))
        if suggestions
        else ""
        for lang in i18n.LANGS
    }
    vi, en = i18n.both(
        "geo.unknown",
        what_vi=i18n.t(what, "vi", text=text),
        what_en=i18n.t(what, "en", text=text),
        layout_vi=i18n.t(_LAYOUT_TEXT[layout], "vi"),
        layout_en=i18n.t(_LAYOUT_TEXT[layout], "en"),
        **hints,
    )
    return UnknownProvince(text, layout, suggestions, vi, en)


def match_province(text: str, layout: str) -> str:
    """Resolve a province name, alias or GSO code to its code in `layout`.

    Raises UnknownProvince with suggestions (short names) and Vietnamese/English messages when
    the text names nothing in the layout, including a P63 province that no longer exists in P34.
    """
    _check_layout(layout)
    raw = text.strip()
    if re.fullmatch(r"\d{1,2}", raw):
        code = raw.zfill(2)
        if code in _rows(layout):
            return code
        if layout == "P34" and code in _rows("P63"):
            raise _merged(text, layout, code, by_code=True)
        raise _unknown(text, layout, [], i18n.key("geo.unknown_code"))

    key = normalize_key(text)
    code = _index(layout).get(key)
    if code is not None:
        return code
    if layout == "P34" and key in _index("P63"):
        raise _merged(text, layout, _index("P63")[key], by_code=False)
    if key in _ABOLISHED:
        old, heir, when = _ABOLISHED[key]
        new = province_name(layout, heir, short=False)
        hint = _short(layout, heir)
        vi, en = i18n.both(
            "geo.abolished",
            text=text,
            old=old,
            new=new,
            code=heir,
            hint=hint,
            date_vi=_fmt_vi(when),
            date_en=i18n.format_date(when, "en"),
        )
        raise UnknownProvince(text, layout, [hint], vi, en)
    raise _unknown(text, layout, _suggest(key, layout), i18n.key("geo.unknown_name"))
