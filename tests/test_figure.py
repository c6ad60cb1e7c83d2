"""The figure layer: one precision per measure, one text per figure, one word per status."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from vss_dash import catalog, i18n, store
from vss_dash.figure import Change, Figure, round_published

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (65.4549, "percent", 65.45),
        (2.675, "percent", 2.68),  # half-up as written, not binary half-even
        (92.29971345677994, "percent", 92.3),
        (119897.00200000001, "billion_vnd", 119897.0),
        (448310.54000000004, "billion_vnd", 448310.5),
        (19020000.4, "persons", 19020000.0),
        (None, "persons", None),
        (float("nan"), "percent", None),
    ],
)
def test_round_published(value, unit, expected):
    assert round_published(value, unit) == expected


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize(
    "value", [0.004, 3.45, 3.449999, 65.4549, 73.495, 95.16, 1234.55, 7234.567, 19020000.4, 1e9]
)
def test_a_page_never_shows_finer_than_a_file(value, lang):
    """The text of a figure is the text of its published (file) value: rounding to the
    catalogue's precision first changes nothing a reader sees, for every unit."""
    for unit in catalog.PUBLISHED_DECIMALS:
        shown = i18n.format_value(value, unit, lang)
        assert i18n.format_value(round_published(value, unit), unit, lang) == shown, unit


def test_every_measure_has_a_published_precision():
    for m in catalog.MEASURES:
        assert m.decimals == catalog.PUBLISHED_DECIMALS[m.unit]


def test_a_figure_reads_as_its_measure_and_status():
    fig = Figure("revenue_plan_completion", 65.4549, "demo", "demo")
    assert fig.text("vi") == "65,45%"
    assert fig.text("en") == "65.45%"
    assert fig.tag("vi") == i18n.t("brief.tag_demo", "vi")
    assert Figure("si_participants", 19_020_000, "published").tag("en") == i18n.t(
        "brief.tag_published", "en"
    )
    assert Change(-1.234, "pp").text("en") == "\u22121.23 pp"


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_status_words_cover_the_enum_and_unknown_reads_as_demo(lang):
    for status in (*store.STATUS_VALUES, "mixed"):
        for form in ("label", "tag", "notice"):
            assert i18n.status_word(status, lang, form)
    for form in ("label", "tag", "notice"):
        demo = i18n.status_word("demo", lang, form)
        assert i18n.status_word(None, lang, form) == demo
        assert i18n.status_word("made-up", lang, form) == demo
    assert i18n.status_word("published", lang) != i18n.status_word("demo", lang)


def test_status_words_are_made_in_one_place():
    """No module but i18n names a status badge's or tag's text key: every other place asks
    i18n.status_word."""
    keys = {*i18n.STATUS_BADGE_KEYS.values(), *i18n.STATUS_TAG_KEYS.values()}
    keys |= set(i18n.STATUS_NOTICE_KEYS.values())
    offenders = []
    for path in [*ROOT.glob("vss_dash/**/*.py"), *ROOT.glob("views/*.py"), ROOT / "app.py"]:
        if path.name == "i18n.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in keys:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value}")
    assert not offenders, offenders
