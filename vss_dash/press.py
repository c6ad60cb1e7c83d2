"""A press-release draft for the quarter, in the order VSS's own articles take (shared/seeds):
the headline result, participants, coverage against the resolution targets, revenue against the
plan, late payment, benefits, then the tasks ahead. Every sentence is generated from the data
layer (via narrative.py, so numbers read exactly as on the slides); each figure is followed by
its status ([published figure] or [demo]); nothing in the text is a fixed number.

Output: Markdown (`markdown`) and Word (`docx`, python-docx).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import polars as pl

from vss_dash import briefing, i18n, metrics, narrative
from vss_dash.narrative import fv, join, tag

_P: dict[str, dict[str, str]] = {
    "draft_note": {
        "vi": "Bản nháp thông cáo báo chí, tạo tự động từ số liệu đến {date}. "
        "Cần kiểm tra trước khi phát hành.",
        "en": "Draft press release, generated from the data as of {date}. Check before release.",
    },
    "headline": {
        "vi": "BHXH Việt Nam: {quarter}, số thu đạt {completion} kế hoạch, "
        "{si} người tham gia BHXH",
        "en": "Vietnam Social Security: in {quarter} revenue reaches {completion} of plan, "
        "{si} SI participants",
    },
    "lead": {
        "vi": "Theo số liệu đến {date}, toàn ngành BHXH Việt Nam đã thu {revenue}{rtag}, "
        "đạt {completion}{ctag} kế hoạch năm; cả nước có {si}{stag} người tham gia BHXH, "
        "{si_change} so với cùng kỳ năm trước.",
        "en": "As of {date}, Vietnam Social Security has collected {revenue}{rtag}, "
        "{completion}{ctag} of the year's plan; {si}{stag} people take part in social "
        "insurance, {si_change} on a year earlier.",
    },
    "participants": {
        "vi": "Về phát triển người tham gia, {items}.",
        "en": "On participants, {items}.",
    },
    "participant_item": {
        "vi": "{label} đạt {value}{tag}, {change} so với cùng kỳ",
        "en": "{label} stood at {value}{tag}, {change} year on year",
    },
    "coverage": {"vi": "Về tỷ lệ bao phủ, {items}.", "en": "On coverage, {items}."},
    "coverage_item": {
        "vi": "{label} đạt {value}{tag} ({change} so với cùng kỳ){target}",
        "en": "{label} reached {value}{tag} ({change} year on year){target}",
    },
    "coverage_target": {
        "vi": ", so với mục tiêu {target} năm {year} của {source}: {gap}",
        "en": ", against {source}'s {year} target of {target}: {gap}",
    },
    "coverage_target_plan": {
        "vi": ", so với chỉ tiêu được giao năm {year} ({target}): {gap}",
        "en": ", against the target assigned for {year} ({target}): {gap}",
    },
    "revenue": {
        "vi": "Về thu, số thu BHXH, BHYT, BHTN lũy kế từ đầu năm đạt {value}{tag}, {change} "
        "so với cùng kỳ, bằng {completion} kế hoạch năm ({plan}){path}.",
        "en": "Revenue from SI, HI and UI contributions reached {value}{tag} in the year to "
        "date, {change} year on year, {completion} of the annual plan ({plan}){path}.",
    },
    "revenue_path_below": {
        "vi": ", thấp hơn lộ trình kế hoạch {gap}",
        "en": ", {gap} behind the plan path",
    },
    "revenue_path_above": {
        "vi": ", cao hơn lộ trình kế hoạch {gap}",
        "en": ", {gap} ahead of the plan path",
    },
    "projection": {
        "vi": "Nếu giữ đà hiện tại, số thu cả năm ước đạt {value} (khoảng {low} – {high}), "
        "đánh giá: {verdict}.",
        "en": "At the current pace, revenue for the year would reach {value} (range {low} – "
        "{high}); assessment: {verdict}.",
    },
    "late": {
        "vi": "Tỷ lệ chậm đóng ở mức {value}{tag} số phải thu, {change} so với cùng kỳ{places}.",
        "en": "Late payment stood at {value}{tag} of the amount receivable, {change} year on "
        "year{places}.",
    },
    "late_places": {"vi": "; cao nhất tại {places}", "en": "; highest in {places}"},
    "benefits": {
        "vi": "Về giải quyết chế độ, từ đầu năm đến nay: {items}.",
        "en": "On benefits, in the year to date: {items}.",
    },
    "benefit_item": {
        "vi": "{label} {value}{tag} ({change})",
        "en": "{label} {value}{tag} ({change})",
    },
    "tasks_intro": {
        "vi": "Những tháng cuối năm, ngành BHXH tập trung:",
        "en": "For the rest of the year, the sector will focus on:",
    },
    "task_revenue": {
        "vi": "đôn đốc thu để hoàn thành kế hoạch {plan} (dự báo hiện tại: {verdict})",
        "en": "collecting contributions to meet the plan of {plan} (current projection: {verdict})",
    },
    "task_coverage": {
        "vi": "chỉ đạo các địa phương có {reason}: {places}",
        "en": "directing the localities with {reason}: {places}",
    },
    "task_late": {
        "vi": "đôn đốc thu nợ, giảm chậm đóng tại {places}",
        "en": "recovering arrears and cutting late payment in {places}",
    },
    "task_cost": {
        "vi": "kiểm soát chi phí khám chữa bệnh BHYT tăng bất thường tại {places}",
        "en": "controlling unusual growth of HI medical costs in {places}",
    },
    "data_note": {
        "vi": "Ghi chú số liệu: [số liệu công bố] là số liệu đã được công bố{sources}; "
        "[minh họa] là dữ liệu minh họa do máy tạo ra, không phải số liệu thật.",
        "en": "About the figures: [published figure] marks figures already published{sources}; "
        "[demo] marks generated demo data, not real figures.",
    },
    "sources": {"vi": " ({items})", "en": " ({items})"},
    "increase": {"vi": "tăng {x}", "en": "up {x}"},
    "decrease": {"vi": "giảm {x}", "en": "down {x}"},
    "unchanged": {"vi": "không đổi", "en": "unchanged"},
}


def p(key: str, lang: str, **fmt) -> str:
    return _P[key][i18n.normalize_lang(lang)].format(**fmt)


def _mid(label: str, lang: str) -> str:
    """A catalogue label in the middle of a Vietnamese sentence starts lower case."""
    return narrative.lower_first(label) if lang == "vi" else label


def change_words(k: narrative.Kpi, lang: str) -> str:
    """ "tăng 5,84%" / "down 0.04 pp": the slide's change, its sign as a word."""
    if k.change is None:
        return i18n.MISSING
    text = k.change_text.lstrip("+").lstrip(i18n.MINUS)
    if k.change_text[:1] == "+":
        return p("increase", lang, x=text)
    if k.change_text[:1] == i18n.MINUS:
        return p("decrease", lang, x=text)
    return p("unchanged", lang)


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
        return "\n".join([self.title, self.note, *self.paragraphs, self.tasks_intro, *self.tasks,
                          self.data_note])  # fmt: skip

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
        ["si_participants", "ui_participants", "hi_participants", "si_voluntary",
         "si_coverage_rate", "ui_coverage_rate", "hi_coverage_rate", "revenue_collected",
         "revenue_plan_completion", "late_payment_rate"], public)  # fmt: skip
    k = {x.measure: x for x in narrative.kpi_items(frames, measures, period, lang)}
    rev, comp, si = k["revenue_collected"], k["revenue_plan_completion"], k["si_participants"]
    title = p("headline", lang, quarter=qlabel, completion=comp.text, si=si.text)
    paragraphs = [
        p(
            "lead",
            lang,
            date=date_text,
            revenue=rev.text,
            rtag=tag(rev.status, lang),
            completion=comp.text,
            ctag=tag(comp.status, lang),
            si=si.text,
            stag=tag(si.status, lang),
            si_change=change_words(si, lang),
        )  # fmt: skip
    ]
    items = [
        p(
            "participant_item",
            lang,
            label=_mid(x.label, lang),
            value=x.text,
            tag=tag(x.status, lang),
            change=change_words(x, lang),
        )  # fmt: skip
        for m in ("si_participants", "si_voluntary", "ui_participants", "hi_participants")
        if (x := k.get(m)) is not None and x.value is not None
    ]
    paragraphs.append(p("participants", lang, items="; ".join(items)))
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
            target = p(
                "coverage_target" if named else "coverage_target_plan",
                lang,
                target=fv(m, t["target"], lang),
                year=t["year"],
                source=narrative.target_source(t["source_id"], lang),
                gap=narrative.s("gap_above" if gap >= 0 else "gap_below", lang, gap=gap_text),
            )
        cov.append(
            p(
                "coverage_item",
                lang,
                label=_mid(x.label, lang),
                value=x.text,
                tag=tag(x.status, lang),
                change=change_words(x, lang),
                target=target,
            )  # fmt: skip
        )
    paragraphs.append(p("coverage", lang, items="; ".join(cov)))
    view = briefing.plan(frames, "revenue_collected", period)
    path = ""
    if view.path_gap is not None:
        gap_text = i18n.format_change(abs(view.path_gap), lang, "pp").lstrip("+")
        below = i18n.format_change(view.path_gap, lang, "pp")[:1] == i18n.MINUS
        path = p(f"revenue_path_{'below' if below else 'above'}", lang, gap=gap_text)
    revenue = p(
        "revenue", lang, value=rev.text, tag=tag(rev.status, lang),
        change=change_words(rev, lang), completion=comp.text,
        plan=fv("revenue_collected", view.plan, lang), path=path,
    )  # fmt: skip
    pr = view.projection
    if pr is not None and view.verdict:
        revenue += " " + p(
            "projection", lang, value=fv("revenue_collected", pr.year_end, lang),
            low=fv("revenue_collected", pr.low, lang), high=fv("revenue_collected", pr.high, lang),
            verdict=narrative.lower_first(i18n.t(f"verdict_{view.verdict}", lang)),
        )  # fmt: skip
    paragraphs.append(revenue)
    wl = briefing.watch_rows(frames, period, public)
    if "late_payment_rate" in k:
        x = k["late_payment_rate"]
        rows = wl.filter(pl.col("reason") == "high_late_payment")
        places = (
            p("late_places", lang, places=narrative.watch_places(rows, lang)) if rows.height else ""
        )
        paragraphs.append(
            p(
                "late",
                lang,
                value=x.text,
                tag=tag(x.status, lang),
                change=change_words(x, lang),
                places=places,
            )  # fmt: skip
        )
    benefits = narrative.kpi_items(
        frames, briefing.public_only(briefing.BENEFITS, public), period, lang
    )
    paragraphs.append(
        p("benefits", lang, items="; ".join(
            p("benefit_item", lang, label=narrative.lower_first(b.label) if lang == "vi"
              else b.label, value=b.text, tag=tag(b.status, lang), change=change_words(b, lang))
            for b in benefits if b.value is not None
        ))
    )  # fmt: skip
    tasks = []
    if view.plan is not None:
        tasks.append(
            p(
                "task_revenue",
                lang,
                plan=fv("revenue_collected", view.plan, lang),
                verdict=narrative.lower_first(i18n.t(f"verdict_{view.verdict}", lang))
                if view.verdict
                else i18n.MISSING,
            )  # fmt: skip
        )

    def names(reason: str) -> str:
        return join(wl.filter(pl.col("reason") == reason).get_column("name").to_list(), lang)

    for reason in ("low_si_coverage", "low_hi_coverage", "low_ui_coverage"):
        if wl.filter(pl.col("reason") == reason).height:
            tasks.append(
                p(
                    "task_coverage",
                    lang,
                    places=names(reason),
                    reason=narrative.lower_first(i18n.t(f"reason_{reason}", lang)),
                )  # fmt: skip
            )
    if wl.filter(pl.col("reason") == "high_late_payment").height:
        tasks.append(p("task_late", lang, places=names("high_late_payment")))
    if wl.filter(pl.col("reason") == "hi_cost_growth").height:
        tasks.append(p("task_cost", lang, places=names("hi_cost_growth")))
    used = {x.source_id for x in [*k.values(), *benefits] if x.status == "published"}
    sources = _published_sources(frames, used, lang)
    demo = any(x.status not in ("published", "reported") for x in [*k.values(), *benefits])
    stem = f"vss_press_{quarter.key}_{lang}" + ("_public" if public else "") + (
        "_demo" if demo else "")  # fmt: skip
    return Release(
        lang, title, p("draft_note", lang, date=date_text), paragraphs,
        p("tasks_intro", lang), [t[:1].upper() + t[1:] + "." for t in tasks],
        p("data_note", lang, sources=p("sources", lang, items=sources) if sources else ""),
        demo, stem,
    )  # fmt: skip


def _published_sources(frames: metrics.Frames, ids: set, lang: str) -> str:
    """The publishers and publication dates of the published figures used."""
    if frames.sources is None or not ids:
        return ""
    rows = frames.sources.filter(pl.col("source_id").is_in(sorted(i for i in ids if i)))
    return "; ".join(
        f"{r['publisher']}, {i18n.format_date(r['date'], lang)}"
        for r in rows.sort("date").iter_rows(named=True)
    )
