"""A press-release draft for the quarter, in the order VSS's own articles take (shared/seeds):
the headline result, participants, coverage against the resolution targets, revenue against the
plan, late payment, benefits, then the tasks ahead. Every sentence is generated from the data
layer (via narrative.py, so numbers read exactly as on the slides); each figure is followed by
its status ([published figure] or [demo]); nothing in the text is a fixed number. Its texts are
the `press.*` entries of i18n's table (texts.toml).

Output: Markdown (`markdown`) and Word (`docx`, python-docx).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import polars as pl

from vss_dash import briefing, i18n, metrics, narrative
from vss_dash.narrative import fv, join, tag


def _mid(label: str, lang: str) -> str:
    """A catalogue label in the middle of a Vietnamese sentence starts lower case."""
    return narrative.lower_first(label) if lang == "vi" else label


def change_words(k: narrative.Kpi, lang: str) -> str:
    """ "tăng 5,84%" / "down 0.04 pp": the slide's change, its sign as a word."""
    if k.change is None:
        return i18n.MISSING
    text = k.change_text.lstrip("+").lstrip(i18n.MINUS)
    if k.change_text[:1] == "+":
        return i18n.t("press.increase", lang, x=text)
    if k.change_text[:1] == i18n.MINUS:
        return i18n.t("press.decrease", lang, x=text)
    return i18n.t("press.unchanged", lang)


@dataclass
class Release:
    lang: str
    title: str
    note: str
    paragraphs: list[str]
    tasks_intro: str
    tasks: list[str]
    data_note: str
    demo: bool
    stem: str

    def markdown(self) -> str:
        out = [f"# {self.title}", "", f"*{self.note}*", ""]
        for para in self.paragraphs:
            out += [para, ""]
        out += [self.tasks_intro, ""]
        out += [f"{i}. {t}" for i, t in enumerate(self.tasks, start=1)]
        out += ["", f"*{self.data_note}*", ""]
        return "\n".join(out)

    def text(self) -> str:
        return "\n".join(
            [self.title, self.note, *self.paragraphs, self.tasks_intro, *self.tasks, self.data_note]
        )

    def docx(self) -> bytes:
        from docx import Document
        from docx.shared import Pt

        doc = Document()
        style = doc.styles["Normal"]
        style.font.name, style.font.size = "Times New Roman", Pt(13)
        doc.add_heading(self.title, level=1)
        doc.add_paragraph().add_run(self.note).italic = True
        for para in self.paragraphs:
            doc.add_paragraph(para)
        doc.add_paragraph(self.tasks_intro)
        for t in self.tasks:
            doc.add_paragraph(t, style="List Number")
        doc.add_paragraph().add_run(self.data_note).italic = True
        buf = io.BytesIO()
        doc.save(buf)
        return buf.getvalue()


def build(frames: metrics.Frames, quarter: briefing.Quarter, public: bool, lang: str) -> Release:
    lang = i18n.normalize_lang(lang)
    period = quarter.end
    date_text = i18n.format_date(period, lang)
    qlabel = i18n.t("quarter_label", lang, q=quarter.q, year=quarter.year)
    measures = briefing.public_only(
        [
            "si_participants",
            "ui_participants",
            "hi_participants",
            "si_voluntary",
            "si_coverage_rate",
            "ui_coverage_rate",
            "hi_coverage_rate",
            "revenue_collected",
            "revenue_plan_completion",
            "late_payment_rate",
        ],
        public,
    )
    k = {x.measure: x for x in narrative.kpi_items(frames, measures, period, lang)}
    rev, comp, si = k["revenue_collected"], k["revenue_plan_completion"], k["si_participants"]
    title = i18n.t("press.headline", lang, quarter=qlabel, completion=comp.text, si=si.text)
    paragraphs = [
        i18n.t(
            "press.lead",
            lang,
            date=date_text,
            revenue=rev.text,
            rtag=tag(rev.status, lang),
            completion=comp.text,
            ctag=tag(comp.status, lang),
            si=si.text,
            stag=tag(si.status, lang),
            si_change=change_words(si, lang),
        )
    ]
    items = [
        i18n.t(
            "press.participant_item",
            lang,
            label=_mid(x.label, lang),
            value=x.text,
            tag=tag(x.status, lang),
            change=change_words(x, lang),
        )
        for m in ("si_participants", "si_voluntary", "ui_participants", "hi_participants")
        if (x := k.get(m)) is not None and x.value is not None
    ]
    paragraphs.append(i18n.t("press.participants", lang, items="; ".join(items)))
    cov = []
    for m in narrative.COVERAGE:
        x = k.get(m)
        if x is None or x.value is None:
            continue
        t = narrative.target_for(frames, m, period.year)
        target = ""
        if t is not None:
            gap = x.value - t["target"]
            gap_text = i18n.format_change(abs(gap), lang, "pp").lstrip("+")
            named = t["source_id"] in narrative.TARGET_SOURCES
            target = i18n.t(
                "press.coverage_target" if named else "press.coverage_target_plan",
                lang,
                target=fv(m, t["target"], lang),
                year=t["year"],
                source=narrative.target_source(t["source_id"], lang),
                gap=narrative.gap_words(gap, gap_text, lang),
            )
        cov.append(
            i18n.t(
                "press.coverage_item",
                lang,
                label=_mid(x.label, lang),
                value=x.text,
                tag=tag(x.status, lang),
                change=change_words(x, lang),
                target=target,
            )
        )
    paragraphs.append(i18n.t("press.coverage", lang, items="; ".join(cov)))
    view = briefing.plan(frames, "revenue_collected", period)
    path = ""
    if view.path_gap is not None:
        gap_text = i18n.format_change(abs(view.path_gap), lang, "pp").lstrip("+")
        below = i18n.format_change(view.path_gap, lang, "pp")[:1] == i18n.MINUS
        path = i18n.t(
            "press.revenue_path_below" if below else "press.revenue_path_above", lang, gap=gap_text
        )
    revenue = i18n.t(
        "press.revenue",
        lang,
        value=rev.text,
        tag=tag(rev.status, lang),
        change=change_words(rev, lang),
        completion=comp.text,
        plan=fv("revenue_collected", view.plan, lang),
        path=path,
    )
    pr = view.projection
    if pr is not None and view.verdict:
        revenue += " " + i18n.t(
            "press.projection",
            lang,
            value=fv("revenue_collected", pr.year_end, lang),
            low=fv("revenue_collected", pr.low, lang),
            high=fv("revenue_collected", pr.high, lang),
            verdict=narrative.lower_first(i18n.t(i18n.VERDICT_KEYS[view.verdict], lang)),
        )
    paragraphs.append(revenue)
    wl = briefing.watch_rows(frames, period, public)
    if "late_payment_rate" in k:
        x = k["late_payment_rate"]
        rows = wl.filter(pl.col("reason") == "high_late_payment")
        places = (
            i18n.t("press.late_places", lang, places=narrative.watch_places(rows, lang))
            if rows.height
            else ""
        )
        paragraphs.append(
            i18n.t(
                "press.late",
                lang,
                value=x.text,
                tag=tag(x.status, lang),
                change=change_words(x, lang),
                places=places,
            )
        )
    benefits = narrative.kpi_items(
        frames, briefing.public_only(briefing.BENEFITS, public), period, lang
    )
    paragraphs.append(
        i18n.t(
            "press.benefits",
            lang,
            items="; ".join(
                i18n.t(
                    "press.benefit_item",
                    lang,
                    label=narrative.lower_first(b.label) if lang == "vi" else b.label,
                    value=b.text,
                    tag=tag(b.status, lang),
                    change=change_words(b, lang),
                )
                for b in benefits
                if b.value is not None
            ),
        )
    )
    tasks = []
    if view.plan is not None:
        tasks.append(
            i18n.t(
                "press.task_revenue",
                lang,
                plan=fv("revenue_collected", view.plan, lang),
                verdict=narrative.lower_first(i18n.t(i18n.VERDICT_KEYS[view.verdict], lang))
                if view.verdict
                else i18n.MISSING,
            )
        )

    def names(reason: str) -> str:
        return join(wl.filter(pl.col("reason") == reason).get_column("name").to_list(), lang)

    for reason in ("low_si_coverage", "low_hi_coverage", "low_ui_coverage"):
        if wl.filter(pl.col("reason") == reason).height:
            tasks.append(
                i18n.t(
                    "press.task_coverage",
                    lang,
                    places=names(reason),
                    reason=narrative.lower_first(i18n.t(i18n.REASON_KEYS[reason], lang)),
                )
            )
    if wl.filter(pl.col("reason") == "high_late_payment").height:
        tasks.append(i18n.t("press.task_late", lang, places=names("high_late_payment")))
    if wl.filter(pl.col("reason") == "hi_cost_growth").height:
        tasks.append(i18n.t("press.task_cost", lang, places=names("hi_cost_growth")))
    used = {x.source_id for x in [*k.values(), *benefits] if x.status == "published"}
    sources = _published_sources(frames, used, lang)
    demo = any(x.status not in ("published", "reported") for x in [*k.values(), *benefits])
    stem = (
        f"vss_press_{quarter.key}_{lang}"
        + ("_public" if public else "")
        + ("_demo" if demo else "")
    )
    return Release(
        lang,
        title,
        i18n.t("press.draft_note", lang, date=date_text),
        paragraphs,
        i18n.t("press.tasks_intro", lang),
        [t[:1].upper() + t[1:] + "." for t in tasks],
        i18n.t(
            "press.data_note",
            lang,
            sources=i18n.t("press.sources", lang, items=sources) if sources else "",
        ),
        demo,
        stem,
    )


def _published_sources(frames: metrics.Frames, ids: set, lang: str) -> str:
    """The publishers and publication dates of the published figures used."""
    if frames.sources is None or not ids:
        return ""
    rows = frames.sources.filter(pl.col("source_id").is_in(sorted(i for i in ids if i)))
    return "; ".join(
        f"{r['publisher']}, {i18n.format_date(r['date'], lang)}"
        for r in rows.sort("date").iter_rows(named=True)
    )
