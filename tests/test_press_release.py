"""The press-release draft: VSS's order (headline, participants, coverage against the targets,
revenue against plan, late payment, benefits, tasks), every number traced to the data layer,
published and demo figures marked, Markdown and .docx with the same text."""

from __future__ import annotations

import io

import polars as pl
import pytest
from docx import Document
from figures import allowed, unexplained

from vss_dash import briefing, catalog, geo, i18n, metrics, narrative, press

KINDS = ("headline", "map", "plan_revenue", "watch", "closing")
MEASURES = [*briefing.HEADLINE, "si_voluntary", *briefing.BENEFITS]


def figures(frames, period, public: bool, lang: str) -> set[str]:
    """Every figure the data layer gives for the quarter, with a change also as its size alone
    ("tăng 5,84%" says +5,84% in words), and the dates of the published figures' sources."""
    out = set()
    for kind in KINDS:
        out |= allowed(frames, kind, MEASURES, period, public, lang)
    out |= {x[1:] for x in out if x[:1] in ("+", i18n.MINUS)}
    out |= {i18n.format_date(d, lang) for d in frames.sources.get_column("date").drop_nulls()}
    return out


@pytest.mark.parametrize("quarter", ["2026-Q3", "2024-Q3", "2023-Q4"])
@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("public", [False, True])
def test_every_number_in_the_release_is_the_data_layers(frames, quarter, lang, public):
    q = briefing.Quarter.parse(quarter)
    release = press.build(frames, q, public, lang)
    left = unexplained(release.text(), figures(frames, q.end, public, lang))
    assert not left, (left, release.markdown())


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_release_follows_vss_order(frames, lang):
    release = press.build(frames, briefing.Quarter.parse("2026-Q3"), False, lang)
    text = release.markdown()
    paragraphs = release.paragraphs
    period = release_period()
    revenue = i18n.format_vnd_billion(
        metrics.value_at(frames, "revenue_collected", "VN", geo.NATIONAL, period), lang
    )
    assert revenue in release.title or revenue in paragraphs[0]  # the headline result first
    assert catalog.get("si_participants").label(lang).lower() in paragraphs[1].lower()
    assert catalog.get("si_coverage_rate").label(lang).lower() in paragraphs[2].lower()
    assert i18n.t("brief.res_28_nq_tw_2018", lang) in paragraphs[2]
    assert revenue in paragraphs[3]
    late = i18n.format_percent(
        metrics.value_at(frames, "late_payment_rate", "VN", geo.NATIONAL, period), lang
    )
    assert late in paragraphs[4]
    assert catalog.get("hi_medical_visits").label(lang).lower() in paragraphs[5].lower()
    assert text.index(paragraphs[5]) < text.index(i18n.t("press.tasks_intro", lang))
    assert release.tasks and all(t.endswith(".") for t in release.tasks)


def release_period():
    return briefing.Quarter.parse("2026-Q3").end


def test_published_figures_are_marked_published_and_demo_figures_demo(frames):
    release = press.build(frames, briefing.Quarter.parse("2024-Q3"), False, "vi")
    text = release.markdown()
    assert "19,02 triệu" + narrative.tag("published", "vi") in text  # published for 2024-09
    revenue = metrics.snapshot(frames, ["revenue_collected"], briefing.Quarter.parse("2024-Q3").end)
    assert revenue.item(0, "status") == "demo"
    assert i18n.format_vnd_billion(revenue.item(0, "value"), "vi") + " [minh họa]" in text
    assert release.demo and release.stem.endswith("_demo")
    assert "Bảo hiểm xã hội Việt Nam" in release.data_note  # who published what is marked so


def test_public_release_leaves_internal_measures_out(frames):
    release = press.build(frames, briefing.Quarter.parse("2026-Q3"), True, "vi")
    text = release.markdown()
    for m in ("late_payment_rate", "hi_medical_cost"):
        assert not catalog.get(m).public
        assert catalog.get(m).label("vi").lower() not in text.lower()
    wl = briefing.watch_rows(frames, release_period(), True)
    assert not wl.filter(pl.col("reason") == "high_late_payment").height


def test_docx_holds_the_same_text(frames):
    release = press.build(frames, briefing.Quarter.parse("2026-Q3"), False, "en")
    doc = Document(io.BytesIO(release.docx()))
    paras = [p.text for p in doc.paragraphs]
    assert paras[0] == release.title
    for para in [*release.paragraphs, *release.tasks, release.data_note]:
        assert para in paras
