"""The PowerPoint deck: opened with python-pptx, every slide has speaker notes, a native chart
where the slide has a chart, KPI numbers as text; and every number in the notes is one the data
layer gives (recomputed here from metrics, projection and watch, formatted by i18n)."""

from __future__ import annotations

import io

import polars as pl
import pytest
from figures import allowed, unexplained
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from vss_dash import briefing, catalog, geo, i18n, metrics, narrative, pptx_deck

QUARTERS = ["2026-Q3", "2024-Q3"]


@pytest.fixture(scope="module")
def decks(frames):
    out = {}
    for q in QUARTERS:
        for lang in i18n.LANGS:
            for public in (False, True):
                deck = narrative.build_deck(frames, briefing.Quarter.parse(q), public, lang)
                out[(q, lang, public)] = (deck, Presentation(io.BytesIO(pptx_deck.build(deck))))
    return out


@pytest.mark.parametrize("quarter", QUARTERS)
@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("public", [False, True])
def test_every_slide_has_notes_and_every_number_in_them_is_the_data_layers(
    frames, decks, quarter, lang, public
):
    deck, prs = decks[(quarter, lang, public)]
    spec = briefing.slides(public)
    assert len(prs.slides) == len(spec)
    period = briefing.Quarter.parse(quarter).end
    for slide, sl in zip(prs.slides, spec, strict=True):
        notes = slide.notes_slide.notes_text_frame.text
        assert len(notes) > 80, (sl.kind, notes)
        figures = allowed(frames, sl.kind, sl.measures, period, public, lang)
        left = unexplained(notes, figures)
        assert not left, (sl.kind, left, notes)


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_charts_are_native_and_kpis_are_text_formatted_as_on_the_slide(frames, decks, lang):
    deck, prs = decks[("2026-Q3", lang, False)]
    period = deck.period
    for slide, sd in zip(prs.slides, deck.slides, strict=True):
        shapes = list(slide.shapes)
        charts_ = [s for s in shapes if s.has_chart]
        if sd.kind in ("map", "plan_revenue", "plan_participants"):
            assert charts_, sd.kind  # a native chart, data inside, not a picture
        if sd.kind == "map":
            assert any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in shapes)
        notes = slide.notes_slide.notes_text_frame.text
        for k in sd.kpis:
            box = [s for s in shapes if s.name == f"kpi_{k.measure}"]
            value = metrics.value_at(frames, k.measure, "VN", geo.NATIONAL, period)
            text = i18n.format_value(value, catalog.get(k.measure).unit, lang)
            if box:
                assert box[0].text_frame.text == text
            assert text in notes  # the notes say the number as the slide shows it
        if sd.kind == "watch":
            assert any(s.has_table for s in shapes)
        assert any(s.name == "status_badge" for s in shapes)  # demo data says so


def test_plan_chart_holds_the_data_layers_months(frames, decks):
    deck, prs = decks[("2026-Q3", "en", False)]
    slide = prs.slides[[s.kind for s in deck.slides].index("plan_revenue")]
    chart = next(s for s in slide.shapes if s.has_chart).chart
    actual = chart.plots[0].series[0]
    assert actual.name == i18n.t("actual", "en")
    series = metrics.series(frames, "revenue_collected", end=deck.period).filter(
        pl.col("period").dt.year() == deck.period.year
    )
    want = [round(v / 1000, 3) for v in series.get_column("value")]
    assert list(actual.values)[: len(want)] == pytest.approx(want)
    assert list(chart.plots[0].categories)[0] == "Jan"


def test_public_deck_never_speaks_of_internal_measures(decks):
    deck, prs = decks[("2026-Q3", "vi", True)]
    internal = [m for m in ("late_payment_rate", "hi_medical_cost") if not catalog.get(m).public]
    for slide in prs.slides:
        notes = slide.notes_slide.notes_text_frame.text
        for m in internal:
            assert catalog.get(m).label("vi") not in notes
        assert i18n.t("reason_high_late_payment", "vi") not in notes


def test_file_name_says_demo(decks):
    deck, _ = decks[("2026-Q3", "vi", True)]
    assert deck.stem == "vss_briefing_2026-Q3_vi_public_demo"
