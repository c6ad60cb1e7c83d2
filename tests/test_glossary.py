"""The app's words in the agency's terms: every text of texts.toml against vss_dash/glossary.toml.

A rule of the glossary names the form VSS writes (`use`) and the forms it does not (`avoid`,
`avoid_re`); a failure names the key, the language and the form to write instead. Province
names come from the registry (geo): one whose short name alone is ambiguous ("Hồ Chí Minh" is
the person) goes into a sentence in its glossary form (geo.prose_name). The formatters that put
numbers and dates into those sentences (i18n) follow the glossary's units and date style.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest

from vss_dash import geo, i18n

GLOSSARY_FILE = Path(i18n.__file__).with_name("glossary.toml")
GLOSSARY = tomllib.loads(GLOSSARY_FILE.read_text(encoding="utf-8"))
CODE_SPAN = re.compile(r"`[^`]*`")


def _text(key: str, lang: str) -> str:
    """The text as a reader sees it: a command or file name between backticks is not prose."""
    return CODE_SPAN.sub("", i18n.STRINGS[key][lang])


def _rule_id(term: dict) -> str:
    return term["use"][:40]


@pytest.mark.parametrize("term", GLOSSARY["term"], ids=_rule_id)
def test_no_text_uses_a_form_the_agency_avoids(term: dict) -> None:
    langs = term.get("lang", ["vi"])
    allowed = set(term.get("except", []))
    patterns = [re.compile(re.escape(a), re.IGNORECASE) for a in term.get("avoid", [])]
    patterns += [re.compile(a) for a in term.get("avoid_re", [])]
    bad = [
        f"{key} ({lang}): {m.group(0)!r} in {i18n.STRINGS[key][lang]!r}"
        for key in sorted(i18n.STRINGS)
        if key not in allowed
        for lang in langs
        for p in patterns
        if (m := p.search(_text(key, lang)))
    ]
    assert not bad, f"write {term['use']!r} instead:\n" + "\n".join(bad)


def test_the_exceptions_name_texts_that_exist() -> None:
    for term in GLOSSARY["term"]:
        assert set(term.get("except", [])) <= set(i18n.STRINGS), term["use"]


@pytest.mark.parametrize("abbr", GLOSSARY["abbreviation"], ids=lambda a: a["short"])
def test_an_abbreviation_is_spelled_out_where_a_page_first_uses_it(abbr: dict) -> None:
    short, long = abbr["short"], abbr["long"]
    for key in abbr["defined_in"]:
        assert f"{long} ({short})" in _text(key, "vi"), key
    word = re.compile(rf"\b{re.escape(short)}\b")
    alone = [
        key
        for key in i18n.STRINGS
        if key.startswith(tuple(abbr["not_in"])) and word.search(_text(key, "vi"))
    ]
    assert not alone, f"{short} in a text that stands alone (write {long!r}): {alone}"


# --- province names ---------------------------------------------------------------------------

PROVINCES = GLOSSARY["province"]


def _bare(name: str, prose: str, official: str) -> re.Pattern[str]:
    """`name` not inside its prose or official form."""
    before = [prose.removesuffix(name), official.removesuffix(name)]
    guards = "".join(f"(?<!{re.escape(b)})" for b in before if b)
    return re.compile(guards + re.escape(name))


@pytest.mark.parametrize("p", PROVINCES, ids=lambda p: p["short"])
def test_no_text_writes_an_ambiguous_province_name_alone(p: dict) -> None:
    bare = _bare(p["short"], p["prose"], p["official"])
    bad = [
        f"{key} ({lang})"
        for key in i18n.STRINGS
        for lang in i18n.LANGS
        if lang == "vi" and bare.search(_text(key, lang))
    ]
    assert not bad, f"write {p['prose']!r}: {bad}"


@pytest.mark.parametrize("p", PROVINCES, ids=lambda p: p["short"])
def test_the_glossary_names_provinces_of_the_registry(p: dict) -> None:
    registry = geo.provinces()
    rows = registry.filter(registry["short_name"] == p["short"])
    assert rows.height, p["short"]
    assert set(rows["name"]) == {p["official"]}


@pytest.mark.parametrize("layout", geo.LAYOUTS)
def test_every_province_goes_into_a_sentence_unambiguously(layout: str) -> None:
    """What the pages write in a sentence (geo.prose_name): never an ambiguous name alone."""
    ambiguous = [_bare(p["short"], p["prose"], p["official"]) for p in PROVINCES]
    for code in geo.codes(layout):
        name = geo.prose_name(layout, code)
        official = geo.prose_name(layout, code, official=True)
        sentence = f"Cao nhất: {name}; {official} đứng thứ hai."
        assert not any(a.search(sentence) for a in ambiguous), (code, sentence)
        for each in (name, official, geo.prose_name(layout, code, "en")):
            assert geo.match_province(each, layout) == code, each


def test_prose_names() -> None:
    assert geo.prose_name("P34", "79") == "TP. Hồ Chí Minh"
    assert geo.prose_name("P34", "79", "en") == "Hồ Chí Minh City"
    assert geo.prose_name("P34", "79", "en", official=True) == "Thành phố Hồ Chí Minh"
    assert geo.prose_name("P34", "01", "en") == "Hà Nội"
    assert geo.prose_name("P63", "79", official=True) == "Thành phố Hồ Chí Minh"
    assert geo.prose_name("P34", "01") == "Hà Nội"
    assert geo.prose_name("P34", "01", official=True) == "thành phố Hà Nội"
    assert geo.prose_name("P34", "24", official=True) == "tỉnh Bắc Ninh"
    with pytest.raises(KeyError):
        geo.prose_name("P34", "99")


# --- numbers and dates as the sentences get them ------------------------------------------------

UNITS = GLOSSARY["units"]


def test_a_change_in_points_is_compact_on_a_card_and_spelled_out_in_a_sentence() -> None:
    assert i18n.format_change(2.24, "vi", "pp") == f"+2,24 {UNITS['pp_compact']}"
    assert i18n.format_change(2.24, "en", "pp") == f"+2.24 {UNITS['pp_compact_en']}"
    assert i18n.format_change(2.24, "vi", "pp", prose=True) == f"+2,24 {UNITS['pp_prose']}"
    assert i18n.format_change(-1, "en", "pp", prose=True) == f"−1.00 {UNITS['pp_prose_en']}"
    # the other kinds read the same in both places
    assert i18n.format_change(5.84, "vi", "percent", prose=True) == "+5,84%"


def test_a_month_inside_a_sentence_is_lower_case() -> None:
    sep = date(2024, 9, 30)
    assert i18n.format_month(sep, "vi") == "Tháng 9/2024"
    assert i18n.format_month(sep, "vi", in_sentence=True) == "tháng 9/2024"
    assert i18n.format_month(sep, "en", in_sentence=True) == "September 2024"


def test_dates_have_one_form() -> None:
    """Day/month/year without leading zeros, as the agency and the texts write 1/7/2025."""
    assert i18n.format_date(date(2026, 9, 30), "vi") == "30/9/2026"
    assert i18n.format_date(date(2025, 7, 1), "vi") == "1/7/2025"
    avoid = next(t for t in GLOSSARY["term"] if t["use"].startswith("dates"))["avoid_re"]
    for d in (date(2025, 1, 5), date(2024, 12, 31)):
        assert not any(re.search(a, i18n.format_date(d, "vi")) for a in avoid)
