"""One fact reads the same on every surface: the deck of a quarter (narrative.build_deck) is the
reference, and the slide page, the overview, the plan page, the PowerPoint, the press release
and an exported file must show each of its figures exactly as it does, in both languages."""

from __future__ import annotations

import io
import re
from pathlib import Path

import app_run
import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from vss_dash import briefing, export, i18n, metrics, narrative, pages, pptx_deck, press

ROOT = Path(__file__).resolve().parents[1]
QUARTER = briefing.Quarter(2026, 3)


def run(script: str, **params: str) -> AppTest:
    at = app_run.page(script, 90)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


@pytest.fixture(scope="module")
def decks(frames):
    return {lang: narrative.build_deck(frames, QUARTER, False, lang) for lang in i18n.LANGS}


def slide(deck: narrative.Deck, kind: str) -> narrative.SlideData:
    return next(s for s in deck.slides if s.kind == kind)


def plain(text: str) -> str:
    """A number as prose may write it: no trailing zeros after the decimal mark ("45,10%" and
    "45,1%" are one number; "60,00%" and "60%" too)."""
    return re.sub(r"(\d)[.,]?0+(?=\D|$)", r"\1", text) if re.search(r"[.,]\d", text) else text


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_slide_page_draws_the_decks_figures(decks, lang):
    deck = decks[lang]
    for kind in ("headline", "benefits", "plan_revenue", "plan_participants"):
        sl = slide(deck, kind)
        at = run("views/briefing.py", lang=lang, quarter=QUARTER.key, slide=str(sl.number))
        assert not at.exception, [e.value for e in at.exception]
        shown = {m.label: (m.value, m.delta) for m in at.metric}
        for k in sl.kpis if kind in ("headline", "benefits") else []:
            value, delta = shown[k.label]
            assert value == k.text, (kind, k.measure)
            if k.change is not None:
                assert delta == k.change_text, (kind, k.measure)
        if isinstance(sl, narrative.PlanSlide):  # the plan, completion, projection cards
            cards = [m.value for m in at.metric]
            for bullet in sl.bullets:
                assert bullet.rsplit(": ", 1)[1] in cards, (kind, bullet)


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_overview_shows_the_headline_slides_figures(decks, lang):
    at = run("views/overview.py", lang=lang, month=QUARTER.end.strftime("%Y-%m"))
    shown = {m.label: (m.value, m.delta) for m in at.metric}
    for k in slide(decks[lang], "headline").kpis:
        assert shown[k.label][0] == k.text, k.measure
        if k.change is not None:
            assert shown[k.label][1] == k.change_text, k.measure


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_plan_completion_reads_alike_on_card_plan_page_slide_and_notes(decks, lang):
    deck = decks[lang]
    completion = next(
        k for k in slide(deck, "headline").kpis if k.measure == "revenue_plan_completion"
    )
    on_plan_slide = slide(deck, "plan_revenue").bullets
    assert any(b.endswith(": " + completion.text) for b in on_plan_slide), on_plan_slide
    notes = " ".join(slide(deck, "headline").notes + slide(deck, "plan_revenue").notes)
    assert completion.text in notes
    at = run(
        "views/plan.py",
        lang=lang,
        measure="revenue_collected",
        layout="VN",
        month=QUARTER.end.strftime("%Y-%m"),
    )
    assert completion.text in [m.value for m in at.metric]


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_powerpoint_writes_the_decks_figures(decks, lang):
    deck = decks[lang]
    prs = Presentation(io.BytesIO(pptx_deck.build(deck)))
    for sl, page in zip(deck.slides, prs.slides, strict=True):
        text = " ".join(sh.text_frame.text for sh in page.shapes if sh.has_text_frame) + " ".join(
            page.notes_slide.notes_text_frame.text.split("\n")
        )
        for k in getattr(sl, "kpis", []):
            assert k.text in text, (sl.number, k.measure)
        for bullet in getattr(sl, "bullets", []):
            assert bullet.rsplit(": ", 1)[-1] in text, (sl.number, bullet)


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_press_release_writes_the_decks_figures(frames, decks, lang):
    release = press.build(frames, QUARTER, False, lang).text()
    prose = plain(release)
    for k in slide(decks[lang], "headline").kpis:
        if k.value is None or k.measure not in (
            "revenue_collected",
            "revenue_plan_completion",
            "si_participants",
            "hi_participants",
            "hi_coverage_rate",
        ):
            continue
        assert plain(k.text) in prose, k.measure


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_an_exported_table_holds_the_figures_as_published(frames, decks, lang):
    """A file holds each value at the precision it is published at, and that value reads as
    the slide's text: a reader who formats the file's number finds the slide's."""
    kpis = slide(decks[lang], "headline").kpis
    snap = metrics.snapshot(frames, [k.measure for k in kpis], QUARTER.end)
    tidy = export.tidy(snap, lang)
    held = dict(zip(tidy.get_column("measure"), tidy.get_column("value"), strict=True))
    for k in kpis:
        if k.value is None:
            continue
        assert held[k.measure] == k.figure.rounded, k.measure
        assert i18n.format_value(held[k.measure], k.figure.unit, lang) == k.text, k.measure


def test_the_headline_slide_shows_the_overviews_cards():
    assert [k for k in briefing.HEADLINE] == pages.flat(pages.OVERVIEW_CARDS)
