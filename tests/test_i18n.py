"""Tables of input -> expected text for every formatter in `vss_dash.i18n`, in both languages."""

from __future__ import annotations

import ast
import math
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from vss_dash import catalog, i18n, pages
from vss_dash.i18n import (
    format_change,
    format_count,
    format_date,
    format_month,
    format_number,
    format_percent,
    format_value,
    format_vnd_billion,
    normalize_lang,
    t,
)

M = "\u2212"  # minus sign
NA = "\u2013"  # en dash for missing values


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("vi", "vi"),
        ("en", "en"),
        ("EN", "en"),
        (" en ", "en"),
        ("en-US", "en"),
        ("vi_VN", "vi"),
        (["en"], "en"),
        ("fr", "vi"),
        ("", "vi"),
        (None, "vi"),
        (1, "vi"),
    ],
)
def test_normalize_lang(value: object, expected: str) -> None:
    assert normalize_lang(value) == expected


def test_every_string_has_both_languages() -> None:
    for key, texts in i18n.STRINGS.items():
        assert set(texts) == set(i18n.LANGS), key
        for lang in i18n.LANGS:
            assert texts[lang].strip(), (key, lang)
        assert i18n.placeholders(texts["vi"]) == i18n.placeholders(texts["en"]), key


# --- the table against the code: every key the code names exists, every key is named ---------

ROOT = Path(__file__).resolve().parents[1]
APP_CODE = sorted(
    [ROOT / "app.py", *(ROOT / "vss_dash").rglob("*.py"), *(ROOT / "views").rglob("*.py")]
)
LOOKUPS = {"t", "both", "key"}  # i18n's functions whose first argument is a key
# An import finding names its rule; its text is the table's "import.<rule>". The rule is the
# argument `rule_at` of these calls in these files (`.add` is the reader's, with a severity first).
RULE_CALLS = {"finding": 1, "add": 1, "Refusal": 0}
RULE_FILES = {"filecheck.py"}  # and every module of the ingest package


def _rule_file(path: Path) -> bool:
    return path.name in RULE_FILES or path.parent.name == "ingest"


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _literals(node: ast.expr) -> list[str] | None:
    """The keys an argument names: a string literal, or either branch of `a if c else b`; None
    for anything else (a name or a subscript, whose keys are literal where they are written)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return (_literals(node.body) or []) + (_literals(node.orelse) or [])
    return None


def _built(node: ast.expr) -> bool:
    """True for a key made up at run time: an f-string, + or %, .format, a join."""
    return any(
        isinstance(n, ast.JoinedStr | ast.BinOp)
        or (isinstance(n, ast.Call) and _name(n.func) in {"format", "join", "replace"})
        for n in ast.walk(node)
    )


def _scan() -> tuple[dict[str, list[str]], list[str]]:
    """Every key the app's code names (key -> where), and every lookup whose key is built."""
    used: dict[str, list[str]] = {}
    built = []
    for path in APP_CODE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # the body of `finding` is itself the lookup of a rule's text
        inside = {
            id(n)
            for f in ast.walk(tree)
            if isinstance(f, ast.FunctionDef) and _rule_file(path) and f.name == "finding"
            for n in ast.walk(f)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or id(node) in inside:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            name, arg, prefix = _name(node.func), None, ""
            if name in LOOKUPS and node.args:
                arg = node.args[0]
            elif _rule_file(path) and name in RULE_CALLS:
                at = RULE_CALLS[name]
                severity = name != "add" or (
                    node.args and _literals(node.args[0]) in (["error"], ["warning"])
                )
                if severity and len(node.args) > at:
                    arg, prefix = node.args[at], "import."
            if arg is None:
                continue
            if _built(arg):
                built.append(f"{where}: {ast.unparse(arg)}")
            for k in _literals(arg) or []:
                used.setdefault(prefix + k, []).append(where)
    return used, built


def test_every_key_in_the_code_is_in_the_table() -> None:
    used, _ = _scan()
    missing = {k: w for k, w in used.items() if k not in i18n.STRINGS}
    assert not missing, f"keys the code looks up that texts.toml lacks: {missing}"


# texts a registry owns, one per entry, named by its id: checked against the registry below
REGISTRIES = {
    "measure_name": {m.id for m in catalog.MEASURES},
    "measure_note": {m.id for m in catalog.MEASURES},
    "page": {p.url_path for p in pages.PAGES},
}


def _namespace(key: str) -> str | None:
    ns = key.split(".", 1)[0]
    return ns if "." in key and ns in REGISTRIES else None


def test_registry_texts_match_their_registry() -> None:
    """Every measure of the catalogue and every page has its name; no name without its entry
    (help texts are optional)."""
    for ns, ids in REGISTRIES.items():
        named = {k.split(".", 1)[1] for k in i18n.STRINGS if _namespace(k) == ns}
        assert named <= ids, (ns, named - ids)
        if ns != "measure_note":
            assert named == ids, (ns, ids - named)


def test_every_key_of_the_table_is_used() -> None:
    used, _ = _scan()
    unused = sorted(k for k in set(i18n.STRINGS) - set(used) if not _namespace(k))
    assert not unused, f"keys of texts.toml that no code names (remove them): {unused}"


def test_keys_are_literal() -> None:
    """A key is written out where it is used (or in a mapping, marked with i18n.key), never
    put together from pieces, so that searching the code for it finds every use."""
    _, built = _scan()
    assert not built, f"lookups with a key made at run time: {built}"


def test_no_bilingual_table_outside_texts_toml() -> None:
    """No {"vi": ..., "en": ...} literal in the app's code: such text belongs in texts.toml."""
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in APP_CODE
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Dict)
        and {k.value for k in node.keys if isinstance(k, ast.Constant)} == set(i18n.LANGS)
        and all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in node.values)
    ]
    assert not found, found


def test_both_fills_each_language() -> None:
    vi, en = i18n.both("import.national_only", label_vi="Số người", label_en="Persons")
    assert vi == "“Số người” chỉ có số toàn quốc."
    assert en == "“Persons” exists only nationally."
    assert i18n.both("store.unique_key") == ("trùng khóa", "duplicate key")


@pytest.mark.parametrize(
    ("key", "lang", "fmt", "expected"),
    [
        ("app_title", "vi", {}, "Bảng thông tin điều hành BHXH Việt Nam"),
        ("app_title", "en", {}, "VSS dashboard"),
        ("as_of", "vi", {"date": "30/9/2024"}, "Số liệu đến 30/9/2024"),
        ("as_of", "en", {"date": "30 Sep 2024"}, "Data as of 30 Sep 2024"),
        ("demo_badge", "vi", {}, "Dữ liệu minh họa"),
        ("demo_badge", "en", {}, "Demo data"),
        ("national", "xx", {}, "Cả nước"),
    ],
)
def test_t(key: str, lang: str, fmt: dict[str, str], expected: str) -> None:
    assert t(key, lang, **fmt) == expected


def test_t_unknown_key_raises() -> None:
    with pytest.raises(KeyError):
        t("no_such_key", "vi")


def test_t_missing_placeholder_raises() -> None:
    with pytest.raises(KeyError):
        t("as_of", "en")


def test_i18n_does_not_import_streamlit() -> None:
    tree = ast.parse(Path(i18n.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert "streamlit" not in imported


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "expected"),
    [
        (1234567, "vi", 0, "1.234.567"),
        (1234567, "en", 0, "1,234,567"),
        (39.25, "vi", 2, "39,25"),
        (39.25, "en", 2, "39.25"),
        (1234.5, "vi", 1, "1.234,5"),
        (1234.5, "en", 1, "1,234.5"),
        (0, "vi", 0, "0"),
        (0, "en", 2, "0.00"),
        (44, "vi", 0, "44"),
        (999, "en", 0, "999"),
        (1000, "en", 0, "1,000"),
        (-1234567, "vi", 0, f"{M}1.234.567"),
        (-39.25, "en", 2, f"{M}39.25"),
        (-0.004, "en", 2, "0.00"),  # no negative zero
        (0.5, "en", 0, "1"),  # half-up, not banker's rounding
        (2.5, "vi", 0, "3"),
        (2.675, "en", 2, "2.68"),  # binary 2.67499.. still rounds as written
        (999.995, "en", 2, "1,000.00"),
        (Decimal("12.345"), "vi", 2, "12,35"),
        (None, "vi", 0, NA),
        (math.nan, "en", 2, NA),
        (math.inf, "en", 0, NA),
    ],
)
def test_format_number(value: object, lang: str, decimals: int, expected: str) -> None:
    assert format_number(value, lang, decimals) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (19_020_000, "vi", "19,02 triệu"),
        (19_020_000, "en", "19.02 million"),
        (704_134, "vi", "704.134"),
        (704_134, "en", "704,134"),
        (999_999, "vi", "999.999"),
        (999_999.6, "vi", "1,00 triệu"),  # rounds to a million: use the million scale
        (1_000_000, "vi", "1,00 triệu"),
        (1_000_000, "en", "1.00 million"),
        (19_995_000, "vi", "20,00 triệu"),  # rounding boundary, half-up
        (19_994_999, "en", "19.99 million"),
        (999_995_000, "vi", "1,00 tỷ"),  # rounds up into the next scale
        (999_994_999, "en", "999.99 million"),
        (1_500_000_000, "vi", "1,50 tỷ"),
        (1_500_000_000, "en", "1.50 billion"),
        (0, "en", "0"),
        (-2_500_000, "vi", f"{M}2,50 triệu"),
        (-704_134, "en", f"{M}704,134"),
        (1234.6, "en", "1,235"),
        (None, "vi", NA),
        (math.nan, "en", NA),
    ],
)
def test_format_count(value: object, lang: str, expected: str) -> None:
    assert format_count(value, lang) == expected


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "expected"),
    [
        (39.25, "vi", 2, "39,25%"),
        (39.25, "en", 2, "39.25%"),
        (93.354, "vi", 2, "93,35%"),
        (93.355, "en", 2, "93.36%"),
        (100, "vi", 2, "100,00%"),
        (0, "en", 2, "0.00%"),
        (-1.2, "vi", 2, f"{M}1,20%"),
        (1234.5, "en", 1, "1,234.5%"),
        (42.6, "en", 0, "43%"),
        (None, "vi", 2, NA),
        (math.nan, "en", 2, NA),
    ],
)
def test_format_percent(value: object, lang: str, decimals: int, expected: str) -> None:
    assert format_percent(value, lang, decimals) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (472_300, "vi", "472,3 nghìn tỷ đồng"),
        (472_300, "en", "VND 472.3 trillion"),
        (239, "vi", "239 tỷ đồng"),
        (239, "en", "VND 239 billion"),
        (1000, "vi", "1,0 nghìn tỷ đồng"),
        (999.4, "en", "VND 999 billion"),
        (999.96, "vi", "1,0 nghìn tỷ đồng"),  # rounds up into the next scale
        (472_349.9, "en", "VND 472.3 trillion"),
        (472_350, "en", "VND 472.4 trillion"),
        (3.44, "vi", "3,4 tỷ đồng"),  # small amounts keep one decimal
        (9.96, "en", "VND 10 billion"),
        (0, "vi", "0 tỷ đồng"),
        (-239, "vi", f"{M}239 tỷ đồng"),
        (-12_500, "en", f"{M}VND 12.5 trillion"),
        (None, "en", NA),
        (math.nan, "vi", NA),
    ],
)
def test_format_vnd_billion(value: object, lang: str, expected: str) -> None:
    assert format_vnd_billion(value, lang) == expected


@pytest.mark.parametrize(
    ("value", "lang", "kind", "expected"),
    [
        (9.9, "vi", "percent", "+9,90%"),
        (9.9, "en", "percent", "+9.90%"),
        (-1.2, "vi", "percent", f"{M}1,20%"),
        (-1.2, "en", "percent", f"{M}1.20%"),
        (0, "en", "percent", "0.00%"),
        (-0.001, "vi", "percent", "0,00%"),
        (0.005, "en", "percent", "+0.01%"),
        (1.42, "vi", "pp", "+1,42 điểm %"),
        (1.42, "en", "pp", "+1.42 pp"),
        (1.42, "vi", "pp_prose", "+1,42 điểm phần trăm"),
        (1.42, "en", "pp_prose", "+1.42 percentage points"),
        (-0.3, "en", "pp", f"{M}0.30 pp"),
        (150_000, "vi", "count", "+150.000"),
        (150_000, "en", "count", "+150,000"),
        (-2_345, "vi", "count", f"{M}2.345"),
        (0, "vi", "count", "0"),
        (239, "vi", "vnd_billion", "+239 tỷ đồng"),
        (239, "en", "vnd_billion", "+VND 239 billion"),
        (-1_200, "vi", "vnd_billion", f"{M}1,2 nghìn tỷ đồng"),
        (-1_200, "en", "vnd_billion", f"{M}VND 1.2 trillion"),
        (None, "vi", "percent", NA),
        (math.nan, "en", "pp", NA),
    ],
)
def test_format_change(value: object, lang: str, kind: str, expected: str) -> None:
    prose = kind.endswith("_prose")  # a change inside a sentence
    assert format_change(value, lang, kind.removesuffix("_prose"), prose=prose) == expected


def test_format_change_unknown_kind() -> None:
    with pytest.raises(ValueError):
        format_change(1, "vi", "furlongs")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "unit", "lang", "expected"),
    [
        (19_020_000, "persons", "vi", "19,02 triệu"),
        (19_020_000, "persons", "en", "19.02 million"),
        (704_134, "visits", "en", "704,134"),
        (2_500_000, "cases", "vi", "2,50 triệu"),
        (44, "count", "vi", "44"),
        (12_345, "count", "vi", "12.345"),
        (12_345, "count", "en", "12,345"),
        (39.25, "percent", "vi", "39,25%"),
        (39.25, "percent", "en", "39.25%"),
        (472_300, "billion_vnd", "vi", "472,3 nghìn tỷ đồng"),
        (239, "billion_vnd", "en", "VND 239 billion"),
        (None, "persons", "vi", NA),
        (None, "billion_vnd", "en", NA),
    ],
)
def test_format_value(value: object, unit: str, lang: str, expected: str) -> None:
    assert format_value(value, unit, lang) == expected


def test_format_value_unknown_unit() -> None:
    with pytest.raises(ValueError):
        format_value(1, "hectares", "vi")


@pytest.mark.parametrize(
    ("d", "lang", "expected"),
    [
        (date(2024, 9, 30), "vi", "Tháng 9/2024"),
        (date(2024, 9, 30), "en", "September 2024"),
        (date(2025, 1, 31), "vi", "Tháng 1/2025"),
        (date(2025, 12, 31), "vi", "Tháng 12/2025"),
        (date(2025, 12, 31), "en", "December 2025"),
        (datetime(2025, 6, 30, 12, 0), "en", "June 2025"),
        (None, "vi", NA),
    ],
)
def test_format_month(d: date | None, lang: str, expected: str) -> None:
    assert format_month(d, lang) == expected


@pytest.mark.parametrize(
    ("d", "lang", "expected"),
    [
        (date(2024, 9, 30), "vi", "30/9/2024"),
        (date(2024, 9, 30), "en", "30 Sep 2024"),
        (date(2025, 1, 5), "vi", "5/1/2025"),
        (date(2025, 1, 5), "en", "5 Jan 2025"),
        (date(2025, 7, 1), "en", "1 Jul 2025"),
        (None, "en", NA),
    ],
)
def test_format_date(d: date | None, lang: str, expected: str) -> None:
    assert format_date(d, lang) == expected
