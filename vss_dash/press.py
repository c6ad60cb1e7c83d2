"""A press-release draft for the quarter, written the way VSS writes a thông cáo báo chí (see
shared/seeds and the Vietnamese quotes of reference/published_more.csv): the period as the agency
names it ("9 tháng năm 2026", "tính đến hết tháng 9/2026"), the headline result, participants
with the compulsory/voluntary split, coverage with its base and the year's target, revenue
against the plan, late payment, benefits ("giải quyết cho … người hưởng …"), then the tasks
ahead. Its texts are the `press.*` entries of i18n's table (texts.toml).

Numbers: every figure is the slide's text (`narrative.Kpi.text`, `narrative.fv`) with the trailing
zeros of its decimal part dropped (`prose`: "45,10%" -> "45,1%", "610,0 nghìn tỷ đồng" -> "610
nghìn tỷ đồng"), so the release and the slides show the same number. Each figure is followed by
the tag of its status (`i18n.status_word(status, lang, "tag")`): the headline numbers, the plan
(its stored status), the projection and the province rates too; a change ("tăng 5,84%") or a gap
to a target follows the figure it belongs to and shares its tag. A derived number (the projection)
is tagged demo when any figure it is made of is demo, and is otherwise called an estimate ("ước
đạt") rather than a published figure.

Targets: a coverage rate is compared with the target of the release's own year; where that year
has none, a later target is named with its year and no gap ("mục tiêu đến năm 2030 tại Nghị quyết
28-NQ/TW là 60%"); a past year's target is never used (narrative.target_for, the slides' rule too).

Public (`public=True`): press-safe measures only, no assessment of the plan, no plan path, no
projection, no named province; the tasks are the agency's own forms. The internal version keeps
them and says so in its title and note.

Output: Markdown (`markdown`) and Word (`docx`, python-docx).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

import polars as pl

from vss_dash import briefing, geo, i18n, metrics, narrative, store
from vss_dash.narrative import fv, join

PARTICIPANTS = (
    "si_participants",
    "si_compulsory",
    "si_voluntary",
    "ui_participants",
    "hi_participants",
)
HEADLINE = ("revenue_collected", "revenue_plan_completion", "late_payment_rate")
# a measure's clause, its figure first: "số người tham gia BHYT đạt 97,02 triệu người"
CLAUSE_KEYS = {
    "si_participants": i18n.key("press.si_participants"),
    "ui_participants": i18n.key("press.ui_participants"),
    "hi_participants": i18n.key("press.hi_participants"),
    "si_coverage_rate": i18n.key("press.si_coverage_rate"),
    "hi_coverage_rate": i18n.key("press.hi_coverage_rate"),
    "ui_coverage_rate": i18n.key("press.ui_coverage_rate"),
    "pension_monthly_allowance_cases": i18n.key("press.pension_monthly_allowance_cases"),
    "si_one_time_benefit_persons": i18n.key("press.si_one_time_benefit_persons"),
    "short_term_benefit_cases": i18n.key("press.short_term_benefit_cases"),
    "ui_benefit_persons": i18n.key("press.ui_benefit_persons"),
    "ui_vocational_training_persons": i18n.key("press.ui_vocational_training_persons"),
    "hi_medical_visits": i18n.key("press.hi_medical_visits"),
    "hi_medical_cost": i18n.key("press.hi_medical_cost"),
}
HEALTH = ("hi_medical_visits", "hi_medical_cost")
COVERAGE_TASK_KEYS = {
    "low_si_coverage": i18n.key("press.task_cov_si"),
    "low_hi_coverage": i18n.key("press.task_cov_hi"),
    "low_ui_coverage": i18n.key("press.task_cov_ui"),
}
ROMAN = ("I", "II", "III", "IV")


# --- numbers and words ------------------------------------------------------------------------


def _point(lang: str) -> str:
    """The decimal point of `lang`, as i18n writes it."""
    return i18n.format_number(0.5, lang, 1)[1]


def prose(text: str, lang: str) -> str:
    """A formatted figure as VSS writes it in prose: the trailing zeros of a decimal part
    dropped ("45,10%" -> "45,1%", "60,00%" -> "60%", "610,0 nghìn tỷ đồng" -> "610 nghìn tỷ
    đồng", en "VND 610.0 trillion" -> "VND 610 trillion"); thousands ("50.488", "50,488") and
    everything else kept, so that the number is the slide's number."""
    point = re.escape(_point(lang))
    return re.sub(
        rf"(?<=\d){point}(\d*?)0+(?!\d)",
        lambda m: (_point(lang) + m[1]) if m[1] else "",
        text,
    )


def _pp(value: float, lang: str) -> str:
    """A size in percentage points, in words: "2,24 điểm phần trăm"."""
    return i18n.t("press.pp", lang, x=prose(i18n.format_number(abs(value), lang, 2), lang))


def change_words(k: narrative.Kpi, lang: str) -> str:
    """ "tăng 5,84%" / "giảm 0,04 điểm phần trăm" / "up 5.84%": the slide's change (its text,
    without trailing zeros), its sign as a word; a change in points says so in full."""
    if k.change is None or k.change_text == i18n.MISSING:
        return i18n.MISSING
    sign, body = k.change_text[:1], k.change_text[1:]
    if sign not in ("+", i18n.MINUS):
        return i18n.t("press.unchanged", lang)
    size = prose(body, lang)
    if k.change_kind == "pp":
        size = i18n.t("press.pp", lang, x=prose(body.split(" ")[0], lang))
    return i18n.t("press.increase" if sign == "+" else "press.decrease", lang, x=size)


CHANGE_FORMS = {
    "vs": i18n.key("press.change_vs"),  # ", tăng 5,84% so với cùng kỳ năm trước"
    "short": i18n.key("press.change_short"),  # ", tăng 5,84%" (after a first "so với cùng kỳ")
    "paren_vs": i18n.key("press.change_paren_vs"),
    "paren": i18n.key("press.change_paren"),
}


def change_clause(k: narrative.Kpi, lang: str, form: str) -> str:
    """The change of a figure as the clause that follows it, or nothing where there is no
    figure a year earlier to compare with."""
    words = change_words(k, lang)
    return "" if words == i18n.MISSING else i18n.t(CHANGE_FORMS[form], lang, change=words)


def tag(status: str | None, lang: str) -> str:
    return i18n.status_word(status, lang, "tag")


def derived_tag(statuses: list[str | None], lang: str) -> str:
    """The tag of a number made from others (a projection): demo when any of them is demo;
    else none, the sentence calls it an estimate (it is not a published figure)."""
    known = [s for s in statuses if s]
    weakest = store.weakest(known) if known else None
    return tag("demo", lang) if weakest in (None, "demo") else ""


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def place(row: dict, lang: str) -> str:
    """A province's name as the release writes it ("TP. Hồ Chí Minh", never the bare name: the
    glossary's form, geo.prose_name)."""
    return geo.prose_name(row["layout"], row["geo_code"], lang)


def _places(rows: pl.DataFrame, lang: str, values: bool) -> str:
    items = []
    for r in rows.iter_rows(named=True):
        name = place(r, lang)
        if values:
            value = prose(fv(r["measure"], r["value"], lang), lang)
            name = i18n.t(
                "press.place_value", lang, name=name, value=value, tag=tag(r["status"], lang)
            )
        items.append(name)
    return join(items, lang)


# --- the period -------------------------------------------------------------------------------


def period_words(quarter: briefing.Quarter, lang: str) -> str:
    """The months to date as VSS names them: "6 tháng đầu năm 2026", "9 tháng năm 2026",
    "năm 2026" (en "the first 9 months of 2026", "2026")."""
    months = 3 * quarter.q
    if quarter.q == 4:
        return i18n.t("press.period_year", lang, year=quarter.year)
    return i18n.t(
        "press.period_nine" if quarter.q == 3 else "press.period_first",
        lang,
        months=months,
        year=quarter.year,
    )


def quarter_words(quarter: briefing.Quarter, lang: str) -> str:
    """ "quý III/2026" (Roman numerals, as VSS writes it) / "Q3 2026"."""
    q = ROMAN[quarter.q - 1] if i18n.normalize_lang(lang) == "vi" else str(quarter.q)
    return i18n.t("press.quarter", lang, q=q, year=quarter.year)


def month_words(period: date, lang: str) -> str:
    """ "tháng 9/2026" / "September 2026", after "tính đến hết" / "by the end of"."""
    month = (
        period.month
        if i18n.normalize_lang(lang) == "vi"
        else i18n.format_month(period, lang).split()[0]
    )
    return i18n.t("press.end_of", lang, month=month, year=period.year)


# --- targets ----------------------------------------------------------------------------------


def target_words(frames: metrics.Frames, k: narrative.Kpi, year: int, lang: str) -> str:
    t = narrative.target_for(frames, k.measure, year)
    if t is None or k.value is None:
        return ""
    named = t["source_id"] in narrative.TARGET_SOURCES
    fields = {
        "year": t["year"],
        "target": prose(fv(k.measure, t["target"], lang), lang),
        "tag": tag(t["status"], lang),
    }
    if t["later"]:
        if named:
            return i18n.t(
                "press.target_later",
                lang,
                source=narrative.target_source(t["source_id"], lang),
                **fields,
            )
        return i18n.t("press.target_plan_later", lang, **fields)
    gap = k.value - t["target"]
    gap_text = i18n.t(
        "press.gap_above" if gap >= 0 else "press.gap_below", lang, gap=_pp(gap, lang)
    )
    if named:
        return i18n.t(
            "press.target_now",
            lang,
            gap=gap_text,
            source=narrative.target_source(t["source_id"], lang),
            **fields,
        )
    return i18n.t("press.target_plan_now", lang, gap=gap_text, **fields)


# --- the release ------------------------------------------------------------------------------


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
        doc.core_properties.title = self.title
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
    months = period_words(quarter, lang)
    month = month_words(period, lang)
    measures = briefing.public_only([*PARTICIPANTS, *narrative.COVERAGE, *HEADLINE], public)
    benefit_measures = briefing.public_only(briefing.BENEFITS, public)
    shown = narrative.kpi_items(frames, measures, period, lang)
    benefits = narrative.kpi_items(frames, benefit_measures, period, lang)
    k = {x.measure: x for x in shown if x.value is not None}

    def text(m: str) -> str:
        return prose(k[m].text, lang)

    def status_tag(m: str) -> str:
        return tag(k[m].status, lang)

    view = briefing.plan(frames, "revenue_collected", period)
    ptag = tag(view.plan_status, lang)
    wl = briefing.watch_rows(frames, period, public)

    # the title and the lead: the year's result to date
    comp = k.get("revenue_plan_completion")
    result = (
        i18n.t(
            "press.headline_completion",
            lang,
            completion=text(comp.measure),
            tag=status_tag(comp.measure),
        )
        if comp is not None
        else text("revenue_collected") + status_tag("revenue_collected")
    )
    title = _upper_first(
        i18n.t(
            "press.headline",
            lang,
            period=months,
            result=result,
            si=text("si_participants"),
            stag=status_tag("si_participants"),
        )
    )
    if not public:
        title = i18n.t("press.internal_title", lang, title=title)
    completion = (
        i18n.t(
            "press.lead_completion",
            lang,
            completion=text(comp.measure),
            tag=status_tag(comp.measure),
        )
        if comp is not None
        else ""
    )
    paragraphs = [
        i18n.t(
            "press.lead",
            lang,
            month=month,
            revenue=text("revenue_collected"),
            rtag=status_tag("revenue_collected"),
            completion=completion,
            si=text("si_participants"),
            stag=status_tag("si_participants"),
            si_change=change_clause(k["si_participants"], lang, "vs"),
        )
    ]

    # participants: social insurance with its compulsory/voluntary split, then UI and HI
    def clause(m: str, form: str, **extra: str) -> str:
        return i18n.t(
            CLAUSE_KEYS[m],
            lang,
            value=text(m),
            tag=status_tag(m),
            change=change_clause(k[m], lang, form),
            **extra,
        )

    items = []
    if "si_participants" in k:
        items.append(clause("si_participants", "vs"))
        if "si_compulsory" in k and "si_voluntary" in k:
            items[-1] += i18n.t(
                "press.si_split",
                lang,
                compulsory=text("si_compulsory"),
                ctag=status_tag("si_compulsory"),
                voluntary=text("si_voluntary"),
                vtag=status_tag("si_voluntary"),
                vchange=change_clause(k["si_voluntary"], lang, "paren"),
            )
        elif "si_voluntary" in k:
            items[-1] += i18n.t(
                "press.si_voluntary",
                lang,
                value=text("si_voluntary"),
                tag=status_tag("si_voluntary"),
                change=change_clause(k["si_voluntary"], lang, "paren"),
            )
    others = "; ".join(clause(m, "short") for m in ("ui_participants", "hi_participants") if m in k)
    if items and others:  # social insurance and its split first, UI and HI a sentence of their own
        items.append(_upper_first(others))
    elif others:
        items.append(others)
    paragraphs.append(i18n.t("press.participants", lang, items=". ".join(items)))

    # coverage: with its base, against this year's target (or a later one, named so)
    cov = [
        clause(m, "short" if i else "vs", target=target_words(frames, k[m], period.year, lang))
        for i, m in enumerate(x for x in narrative.COVERAGE if x in k)
    ]
    paragraphs.append(i18n.t("press.coverage", lang, items="; ".join(cov)))

    # revenue: against the plan; internally also the plan's pace and the projection
    plan = ""
    if view.plan is not None and comp is not None:
        plan = i18n.t(
            "press.revenue_plan",
            lang,
            completion=text(comp.measure),
            ctag=status_tag(comp.measure),
            plan=prose(fv("revenue_collected", view.plan, lang), lang),
            ptag=ptag,
        )
    path = ""
    if not public and view.path_gap is not None:
        below = view.path_gap < 0
        path = i18n.t(
            "press.revenue_path_below" if below else "press.revenue_path_above",
            lang,
            gap=_pp(view.path_gap, lang),
        )
    revenue = i18n.t(
        "press.revenue",
        lang,
        value=text("revenue_collected"),
        tag=status_tag("revenue_collected"),
        change=change_clause(k["revenue_collected"], lang, "vs"),
        plan=plan,
        path=path,
    )
    pr = view.projection
    if not public and pr is not None and view.verdict:
        statuses = [str(s) for s in view.actual.get_column("status").drop_nulls()]
        statuses += [str(s) for s in view.last_year.get_column("status").drop_nulls()]
        revenue += " " + i18n.t(
            "press.projection",
            lang,
            value=prose(fv("revenue_collected", pr.year_end, lang), lang),
            low=prose(fv("revenue_collected", pr.low, lang), lang),
            high=prose(fv("revenue_collected", pr.high, lang), lang),
            tag=derived_tag(statuses, lang),
            verdict=narrative.lower_first(i18n.t(i18n.VERDICT_KEYS[view.verdict], lang)),
        )
    paragraphs.append(revenue)

    # late payment (an internal measure): its share of the amount receivable
    if "late_payment_rate" in k:
        rows = wl.filter(pl.col("reason") == "high_late_payment")
        places = (
            i18n.t("press.late_places", lang, places=_places(rows, lang, values=True))
            if rows.height and not public
            else ""
        )
        paragraphs.append(
            i18n.t(
                "press.late",
                lang,
                value=text("late_payment_rate"),
                tag=status_tag("late_payment_rate"),
                change=change_clause(k["late_payment_rate"], lang, "vs"),
                places=places,
            )
        )

    # benefits: year-to-date sums, compared with the same period of last year
    b = {x.measure: x for x in benefits if x.value is not None}
    granted = []
    for m in [m for m in benefit_measures if m in b and m not in HEALTH]:
        # "so với cùng kỳ năm trước" said once, for the first: the others are read the same way
        change = change_clause(b[m], lang, "paren" if granted else "paren_vs")
        granted.append(
            i18n.t(
                CLAUSE_KEYS[m],
                lang,
                value=prose(b[m].text, lang),
                tag=tag(b[m].status, lang),
                change=change,
            )
        )
    if granted:
        paragraphs.append(i18n.t("press.benefits", lang, period=months, items="; ".join(granted)))
    health = [
        i18n.t(
            CLAUSE_KEYS[m],
            lang,
            value=prose(b[m].text, lang),
            tag=tag(b[m].status, lang),
            change=change_clause(b[m], lang, "vs" if m == HEALTH[0] else "paren"),
        )
        for m in HEALTH
        if m in b
    ]
    if health:
        paragraphs.append(i18n.t("press.health", lang, items=", ".join(health)))

    # the tasks ahead: the agency's own forms in public, the provinces by name internally
    tasks = []
    if public:
        tasks.append(i18n.t("press.task_collect", lang))
        tasks.append(i18n.t("press.task_coverage_public", lang))
    else:
        if view.plan is not None:
            tasks.append(
                i18n.t(
                    "press.task_revenue",
                    lang,
                    plan=prose(fv("revenue_collected", view.plan, lang), lang),
                    tag=ptag,
                    verdict=narrative.lower_first(i18n.t(i18n.VERDICT_KEYS[view.verdict], lang))
                    if view.verdict
                    else i18n.MISSING,
                )
            )
        for reason, key in COVERAGE_TASK_KEYS.items():
            rows = wl.filter(pl.col("reason") == reason)
            if rows.height:
                tasks.append(i18n.t(key, lang, places=_places(rows, lang, values=False)))
        rows = wl.filter(pl.col("reason") == "high_late_payment")
        if rows.height:
            tasks.append(i18n.t("press.task_late", lang, places=_places(rows, lang, values=False)))
        rows = wl.filter(pl.col("reason") == "hi_cost_growth")
        if rows.height:
            tasks.append(i18n.t("press.task_cost", lang, places=_places(rows, lang, values=False)))

    figures = [*k.values(), *b.values()]
    used = {x.source_id for x in figures if x.status == "published"}
    sources = _published_sources(frames, used, lang)
    demo = any(x.status not in ("published", "reported") for x in figures)
    stem = (
        f"vss_press_{quarter.key}_{lang}"
        + ("_public" if public else "")
        + ("_demo" if demo else "")
    )
    quarter_text = quarter_words(quarter, lang)
    note = (
        i18n.t("press.draft_note", lang, quarter=quarter_text, month=month)
        if public
        else i18n.t("press.draft_note_internal", lang, quarter=quarter_text, month=month)
    )
    return Release(
        lang,
        title,
        note,
        paragraphs,
        i18n.t("press.tasks_intro" if quarter.q == 3 else "press.tasks_intro_year", lang),
        [_upper_first(t) + "." for t in tasks],
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
    items = [
        f"{r['publisher']}, {i18n.format_date(r['date'], lang)}"
        for r in rows.sort("date").iter_rows(named=True)
    ]
    return "; ".join(dict.fromkeys(items))  # two sources of one publisher and day: once
