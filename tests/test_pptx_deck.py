"""The PowerPoint deck: opened with python-pptx, every slide has speaker notes, a native chart
where the slide has a chart, KPI numbers as text; and every number in the notes is one the data
layer gives (recomputed here from metrics, projection and watch, formatted by i18n)."""

from __future__ import annotations

import dataclasses
import functools
import io
from pathlib import Path

import polars as pl
import pytest
from defusedxml import ElementTree
from figures import allowed, unexplained
from pptx import Presentation
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu

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
        for k in getattr(sd, "kpis", []):
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


# --- the layout survives any office PC ---------------------------------------------------------
# Measured with DejaVu Sans (fonts-dejavu-core), wider than Arial and most office faces: a text
# that fits its box measured so fits it in whichever face the PC draws it with.

DEJAVU = {
    False: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    True: "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
}
LINE = 1.2  # a line's height per point (PowerPoint's single spacing)
AUTHOR = {"vi": "Bảo hiểm xã hội Việt Nam", "en": "Vietnam Social Security"}
LANG_TAG = {"vi": "vi-VN", "en": "en-US"}


@pytest.fixture(scope="module")
def newest(frames, decks):
    """The newest quarter of the demo store, both languages, public and internal."""
    key = briefing.quarters(frames.periods())[0].key
    out = {}
    for lang in i18n.LANGS:
        for public in (False, True):
            if (key, lang, public) in decks:
                out[(lang, public)] = decks[(key, lang, public)]
            else:
                deck = narrative.build_deck(frames, briefing.Quarter.parse(key), public, lang)
                out[(lang, public)] = (deck, Presentation(io.BytesIO(pptx_deck.build(deck))))
    return out


@functools.cache
def _dejavu(bold: bool):
    from PIL import ImageFont

    path = Path(DEJAVU[bold])
    if not path.exists():
        pytest.skip(f"{path} is missing (apt-get install fonts-dejavu-core)")
    return ImageFont.truetype(str(path), 100)


def _width(text: str, size: float, bold: bool) -> float:
    return _dejavu(bold).getlength(text) * size / 100


def _lines(text: str, width: float, size: float, bold: bool) -> int | str:
    """How many lines `text` takes in `width` points, broken at spaces; or the word that is
    wider than the box by itself."""
    n = 0
    for part in text.split("\n"):
        line = ""
        for word in part.split(" "):
            if _width(word, size, bold) > width:
                return word
            trial = f"{line} {word}" if line else word
            if line and _width(trial, size, bold) > width:
                n, line = n + 1, word
            else:
                line = trial
        n += 1
    return n


def _overflow(tf, width: int, height: int, margins: tuple[int, int, int, int]) -> str | None:
    """Why the text of `tf` does not fit a box of `width` x `height` EMU with those insets
    (left, right, top, bottom), or None when it does."""
    left, right, top, bottom = margins
    room_w, room_h = Emu(width - left - right).pt, Emu(height - top - bottom).pt
    need = 0.0
    paras = [p for p in tf.paragraphs if p.text]
    for i, p in enumerate(paras):
        runs = [r for r in p.runs if r.text]
        if any(r.font.size is None for r in runs):
            return f"{p.text!r} has no font size of its own"
        size = max(r.font.size.pt for r in runs)
        bold = any(r.font.bold for r in runs)
        n = _lines(p.text, room_w, size, bold)
        if isinstance(n, str):
            return f"{n!r} of {p.text!r} at {size} pt is wider than {room_w:.0f} pt"
        need += n * size * LINE
        if i < len(paras) - 1 and p.space_after is not None:
            need += p.space_after.pt
    if need > room_h + 0.01:
        return f"{tf.text!r} needs {need:.1f} pt of height, the box has {room_h:.1f} pt"
    return None


def _margins(tf) -> tuple[int, int, int, int]:
    return tf.margin_left, tf.margin_right, tf.margin_top, tf.margin_bottom


def _drawn(shape) -> bool:
    """A shape that draws text, a chart, a table or a picture (a card's plain background, which
    holds its texts, is not one)."""
    if shape.has_text_frame:
        return bool(shape.text_frame.text.strip())
    return shape.has_chart or shape.has_table or shape.shape_type == MSO_SHAPE_TYPE.PICTURE


def _overlaps(prs) -> list[str]:
    out = []
    for n, slide in enumerate(prs.slides, start=1):
        shapes = [s for s in slide.shapes if _drawn(s)]
        for i, a in enumerate(shapes):
            for b in shapes[i + 1 :]:
                if (
                    a.left < b.left + b.width
                    and b.left < a.left + a.width
                    and a.top < b.top + b.height
                    and b.top < a.top + a.height
                ):
                    what = [s.text_frame.text[:30] if s.has_text_frame else s.name for s in (a, b)]
                    out.append(f"slide {n}: {a.name} {what[0]!r} overlaps {b.name} {what[1]!r}")
    return out


def _misfits(prs) -> list[str]:
    out = []
    for n, slide in enumerate(prs.slides, start=1):
        for s in slide.shapes:
            if s.has_text_frame and s.text_frame.text.strip():
                why = _overflow(s.text_frame, s.width, s.height, _margins(s.text_frame))
                if why:
                    out.append(f"slide {n} {s.name}: {why}")
            if s.has_table:
                table = s.table
                for r, row in enumerate(table.rows):
                    for c, col in enumerate(table.columns):
                        cell = table.cell(r, c)
                        margins = (
                            cell.margin_left,
                            cell.margin_right,
                            cell.margin_top,
                            cell.margin_bottom,
                        )
                        why = _overflow(cell.text_frame, col.width, row.height, margins)
                        if why:
                            out.append(f"slide {n} {s.name} cell {r},{c}: {why}")
    return out


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("public", [False, True])
def test_no_text_box_overlaps_another(newest, lang, public):
    _, prs = newest[(lang, public)]
    assert not _overlaps(prs)


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("public", [False, True])
def test_every_text_fits_its_box_measured_with_a_wide_face(newest, lang, public):
    _, prs = newest[(lang, public)]
    assert not _misfits(prs)


def _longest(deck: narrative.Deck) -> narrative.Deck:
    """The deck with every KPI at the longest text its unit can show (the catalogue's plausible
    maximum, a four-digit change) and the longest label of the deck on every card."""
    lang = deck.lang
    labels = [k.label for sd in deck.slides for k in getattr(sd, "kpis", [])]
    label = max(labels, key=len) if labels else ""
    slides = []

    def longest(k: narrative.Kpi) -> narrative.Kpi:
        return dataclasses.replace(
            k,
            label=label,
            text=i18n.format_value(
                catalog.get(k.measure).plausible_max, catalog.get(k.measure).unit, lang
            ),
            change_text=i18n.format_change(-1234.56, lang, k.change_kind or "percent"),
        )

    for sd in deck.slides:
        if isinstance(sd, narrative.KpiSlide):
            sd = dataclasses.replace(sd, kpis=[longest(k) for k in sd.kpis])
        elif isinstance(sd, narrative.MapSlide | narrative.PlanSlide):
            sd = dataclasses.replace(sd, kpi=longest(sd.kpi))
        slides.append(sd)
    return dataclasses.replace(deck, slides=slides)


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_longest_values_still_fit(newest, lang):
    deck, _ = newest[(lang, False)]
    prs = Presentation(io.BytesIO(pptx_deck.build(_longest(deck))))
    assert not _overlaps(prs)
    assert not _misfits(prs)


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_run_is_in_a_common_face_and_the_decks_language(newest, lang):
    _, prs = newest[(lang, False)]
    want = MSO_LANGUAGE_ID.VIETNAMESE if lang == "vi" else MSO_LANGUAGE_ID.ENGLISH_US
    for n, slide in enumerate(prs.slides, start=1):
        frames_ = [s.text_frame for s in slide.shapes if s.has_text_frame]
        frames_ += [
            cell.text_frame for s in slide.shapes if s.has_table for cell in s.table.iter_cells()
        ]
        for tf in frames_:
            for p in tf.paragraphs:
                for r in p.runs:
                    assert r.font.name == "Arial", (n, r.text, r.font.name)
                    assert r.font.language_id == want, (n, r.text)


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("public", [False, True])
def test_document_properties_name_the_deck(newest, lang, public):
    deck, prs = newest[(lang, public)]
    props = prs.core_properties
    quarter = i18n.t("quarter_label", lang, q=deck.quarter.q, year=deck.quarter.year)
    assert props.title and quarter in props.title
    assert props.author == AUTHOR[lang]
    assert props.subject
    assert props.language == LANG_TAG[lang]


def _number_formats(chart) -> list[tuple[str, str]]:
    """(where, format code) of every number format a chart's XML holds."""
    xml = ElementTree.fromstring(chart.part.blob)
    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
    out = [("numFmt", e.get("formatCode")) for e in xml.iterfind(".//c:numFmt", ns)]
    out += [("cache", e.text) for e in xml.iterfind(".//c:numCache/c:formatCode", ns)]
    return out


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_chart_numbers_have_the_decks_format(newest, lang):
    deck, prs = newest[(lang, False)]
    prefix = {"vi": "[$-42A]", "en": "[$-409]"}[lang]
    seen = 0
    for slide, sd in zip(prs.slides, deck.slides, strict=True):
        for s in slide.shapes:
            if not s.has_chart:
                continue
            seen += 1
            chart = s.chart
            formats = _number_formats(chart)
            assert formats, sd.kind
            for where, code in formats:
                assert code and code != "General", (sd.kind, where, code)
                assert code.startswith(prefix), (sd.kind, where, code)
            ticks = chart.value_axis.tick_labels  # no numFmt of its own reads as "General"
            assert ticks.number_format.startswith(prefix), (sd.kind, ticks.number_format)
            assert not ticks.number_format_is_linked
            if chart.plots[0].has_data_labels:
                labels = chart.plots[0].data_labels
                decimals = "." + "0" * sd.chart.decimals
                assert decimals in labels.number_format, (sd.kind, labels.number_format)
    assert seen == 3


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("public", [False, True])
def test_closing_slide_names_its_sources(newest, lang, public):
    deck, prs = newest[(lang, public)]
    sd = deck.slides[-1]
    assert sd.kind == "closing"
    sources = getattr(sd, "sources", [])
    assert sources, "the deck's closing slide has no sources"
    paras = [
        p.text for s in prs.slides[-1].shapes if s.has_text_frame for p in s.text_frame.paragraphs
    ]
    assert i18n.t("sources", lang) in paras  # a heading of its own
    shown = [line for line in sources if line in paras]
    assert shown, "the closing slide names none of the deck's sources"
    if len(shown) < len(sources):  # the first ones, and how many more
        assert i18n.t("sources_more", lang, n=len(sources) - len(shown)) in paras


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("kind", ["plan_revenue", "plan_participants"])
def test_plan_chart_draws_every_series_and_the_plan_dashed(newest, lang, kind):
    deck, prs = newest[(lang, False)]
    i = [s.kind for s in deck.slides].index(kind)
    sd, slide = deck.slides[i], prs.slides[i]
    chart = next(s for s in slide.shapes if s.has_chart).chart
    drawn = list(chart.plots[0].series)
    assert [s.name for s in drawn] == [s.name for s in sd.chart.series]
    plan = [
        s
        for s in drawn
        if s.name not in (i18n.t("actual", lang), i18n.t("last_year", lang))
        and any(v is not None for v in s.values)
    ]
    assert plan, f"{kind}: no plan series among {[s.name for s in drawn]}"
    assert all(s.format.line.dash_style == MSO_LINE_DASH_STYLE.DASH for s in plan)
