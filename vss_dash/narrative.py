"""The briefing as words and numbers, without a screen: one `Deck` for a quarter (every slide's
KPIs, chart data, table, map data and speaker notes) and the press-release draft. Pure; the
PowerPoint writer (pptx_deck.py), the press release (press.py) and the CLI read it.

Every number here comes from a function of the data layer (metrics, briefing, projection,
watch) and is formatted by i18n exactly as the slides show it; no sentence carries a number of
its own. Figures keep their status: a published figure says so, a demo figure says so.

Its texts are the `brief.*` entries of i18n's table (texts.toml).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from vss_dash import briefing, catalog, charts, geo, i18n, metrics, projection, store
from vss_dash.figure import Change, Figure

# resolution targets are named by their source; other plan rows are "the assigned target"
TARGET_NAMES = {
    "res_28_nq_tw_2018": i18n.key("brief.res_28_nq_tw_2018"),
    "res_01_nq_cp_2023": i18n.key("brief.res_01_nq_cp_2023"),
}
TARGET_SOURCES = tuple(TARGET_NAMES)
COVERAGE = ("si_coverage_rate", "hi_coverage_rate", "ui_coverage_rate")


def tag(status: str | None, lang: str) -> str:
    """The status marker that follows a figure in text: published, reported or demo."""
    return i18n.status_word(status, lang, "tag")


def lower_first(text: str) -> str:
    """ "Tỷ lệ bao phủ BHXH" -> "tỷ lệ bao phủ BHXH": mid-sentence, acronyms kept."""
    return text[:1].lower() + text[1:]


def fv(measure: str, value: float | None, lang: str) -> str:
    return i18n.format_value(value, catalog.get(measure).unit, lang)


def join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + i18n.t("brief.and", lang) + items[-1]


# --- the deck ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kpi:
    """A headline number of a slide: the figure, its change, and both as the slide shows them
    (made once, from the figure, so that every renderer of the deck writes the same text)."""

    figure: Figure
    delta: Change
    label: str
    text: str  # figure.text(lang)
    change_text: str  # delta.text(lang): "+5,84%", "+2,24 điểm %"

    @classmethod
    def of(cls, figure: Figure, delta: Change, lang: str) -> Kpi:
        return cls(figure, delta, figure.spec.label(lang), figure.text(lang), delta.text(lang))

    measure = property(lambda self: self.figure.measure)
    value = property(lambda self: self.figure.value)
    status = property(lambda self: self.figure.status)
    source_id = property(lambda self: self.figure.source_id)
    good = property(lambda self: self.figure.spec.good)  # "up", "down" or None
    change = property(lambda self: self.delta.value)
    change_kind = property(lambda self: self.delta.kind)

    @property
    def better(self) -> bool | None:
        if self.change is None or not self.good or self.change == 0:
            return None
        return (self.change > 0) == (self.good == "up")


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]  # in the chart's unit (scaled: millions, trillions)
    colour: str
    dash: bool = False


@dataclass(frozen=True)
class Chart:
    kind: str  # "line" or "bar"
    categories: list[str]
    series: list[Series]
    unit: str  # axis title
    decimals: int


@dataclass(kw_only=True)
class Slide:
    """What every slide has: its place, title and date line, the speaker's notes, whether it
    shows demo data, and the numbers a printed page must show (as drawn)."""

    number: int
    kind: str  # briefing.KINDS
    lang: str
    title: str
    subtitle: str
    notes: list[str] = field(default_factory=list)
    demo: bool = False
    expected: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class KpiSlide(Slide):
    """Headline results and benefits: a grid of KPI cards."""

    kpis: list[Kpi]


@dataclass(kw_only=True)
class MapSlide(Slide):
    """The provinces' values of one measure on a map, and the lowest ten as bars."""

    kpi: Kpi  # the national figure (on the legend)
    table: pl.DataFrame  # metrics.province_table
    layout: str  # the provinces of `table`: "P63" or "P34"
    national: float | None
    chart: Chart  # the lowest provinces

    @property
    def kpis(self) -> list[Kpi]:
        return [self.kpi]


@dataclass(kw_only=True)
class PlanSlide(Slide):
    """A measure against its plan: the year so far, the plan, completion and projection."""

    kpi: Kpi
    view: projection.PlanView
    chart: Chart
    facts: list[tuple[str, Figure]]  # (label, figure): the plan, completion, projection

    @property
    def kpis(self) -> list[Kpi]:
        return [self.kpi]

    @property
    def bullets(self) -> list[str]:
        """The facts as lines, "Kế hoạch năm: 610,0 nghìn tỷ đồng"."""
        return [f"{label}: {fig.text(self.lang)}" for label, fig in self.facts]


@dataclass(kw_only=True)
class WatchSlide(Slide):
    """The provinces that lag, a few per reason."""

    table: list[list[str]]  # header row first; the reason once per group


@dataclass(kw_only=True)
class ClosingSlide(Slide):
    """The data's status by share and the sources the figures come from."""

    shares: list[tuple[str, float]]  # (status, share 0-1), strongest status first
    sources: list[str]  # as briefing.source_line names them

    @property
    def bullets(self) -> list[str]:
        lines = [
            f"{i18n.status_word(st, self.lang)}: {i18n.format_percent(100 * x, self.lang, 1)}"
            for st, x in self.shares
        ]
        return lines + ([i18n.t("demo_notice", self.lang)] if self.demo else [])


SlideData = KpiSlide | MapSlide | PlanSlide | WatchSlide | ClosingSlide


@dataclass
class Deck:
    quarter: briefing.Quarter
    lang: str
    public: bool
    period: date
    demo: bool  # any figure shown is demo data
    slides: list[SlideData]

    @property
    def stem(self) -> str:
        """File name stem: vss_briefing_<quarter>_<lang>[_public][_demo]."""
        return (
            f"vss_briefing_{self.quarter.key}_{self.lang}"
            + ("_public" if self.public else "")
            + ("_demo" if self.demo else "")
        )

    def expected_numbers(self) -> dict[int, list[str]]:
        """Slide number -> the numbers the page must draw on it, formatted as drawn (the deck
        exporter waits for them and checks the PDF's text layer for them)."""
        return {sl.number: list(sl.expected) for sl in self.slides if sl.expected}


def kpi_items(frames: metrics.Frames, measures: list[str], period: date, lang: str) -> list[Kpi]:
    return [Kpi.of(fig, delta, lang) for fig, delta in metrics.figures(frames, measures, period)]


def kpi_sentence(k: Kpi, lang: str) -> str:
    if k.change is None:
        return i18n.t(
            "brief.kpi_line_nochange", lang, label=k.label, value=k.text, tag=tag(k.status, lang)
        )
    return i18n.t(
        "brief.kpi_line",
        lang,
        label=k.label,
        value=k.text,
        change=k.delta.text(lang, prose=True),
        tag=tag(k.status, lang),
    )


def target_for(frames: metrics.Frames, measure: str, year: int) -> dict | None:
    """The national target of `measure` for `year`, else the next later one, else None: never a
    past year's (a 2026 deck does not measure itself against 2024's target). year, target,
    status, source_id, and `later` when the year is a later one."""
    rows = frames.plans.filter(
        (pl.col("measure") == measure)
        & (pl.col("layout") == "VN")
        & pl.col("target").is_not_null()
        & (pl.col("year") >= year)
    ).sort("year")
    if not rows.height:
        return None
    r = rows.row(0, named=True)
    status = str(r["status"]) if r.get("status") is not None else None
    return {
        "year": r["year"],
        "target": r["target"],
        "status": status,
        "source_id": r["source_id"],
        "later": r["year"] > year,
    }


def target_source(source_id: str | None, lang: str) -> str:
    return i18n.t(TARGET_NAMES.get(source_id, i18n.key("brief.assigned_target")), lang)


def target_sentence(frames: metrics.Frames, k: Kpi, year: int, lang: str) -> str | None:
    t = target_for(frames, k.measure, year)
    if t is None or k.value is None:
        return None
    gap = k.value - t["target"]
    gap_text = i18n.format_change(abs(gap), lang, "pp", prose=True).lstrip("+")
    return i18n.t(
        "brief.target_gap",
        lang,
        year=t["year"],
        source=target_source(t["source_id"], lang),
        target=fv(k.measure, t["target"], lang),
        gap=gap_words(gap, gap_text, lang),
    )


def gap_words(gap: float, gap_text: str, lang: str) -> str:
    """ "vượt 1,20 điểm %" / "1.20 pp short": a gap to a target, its sign as words."""
    if gap >= 0:
        return i18n.t("brief.gap_above", lang, gap=gap_text)
    return i18n.t("brief.gap_below", lang, gap=gap_text)


def watch_places(rows: pl.DataFrame, lang: str) -> str:
    return join(
        [
            i18n.t(
                "brief.place_value",
                lang,
                name=geo.prose_name(r["layout"], r["geo_code"], lang),
                value=_watch_value(r, lang),
            )
            for r in rows.iter_rows(named=True)
        ],
        lang,
    )


def _watch_value(r: dict, lang: str) -> str:
    if r["value_kind"] == "mom_pct":
        return i18n.format_change(r["value"], lang, "percent")
    return fv(r["measure"], r["value"], lang)


def _watch_national(r: dict, lang: str) -> str:
    if r["value_kind"] == "mom_pct":
        return i18n.format_change(r["national"], lang, "percent")
    return fv(r["measure"], r["national"], lang)


def _subtitle(quarter: briefing.Quarter, period: date, lang: str) -> str:
    qlabel = i18n.t("quarter_label", lang, q=quarter.q, year=quarter.year)
    return f"{qlabel} · {i18n.t('as_of', lang, date=i18n.format_date(period, lang))}"


@dataclass(frozen=True)
class _Context:
    """What every slide of a deck is built from."""

    frames: metrics.Frames
    quarter: briefing.Quarter
    public: bool
    lang: str
    watch_rows: pl.DataFrame  # briefing.watch_rows
    status: dict[str, float]  # briefing.data_status

    @property
    def period(self) -> date:
        return self.quarter.end

    @property
    def date_text(self) -> str:
        return i18n.format_date(self.period, self.lang)

    @property
    def qlabel(self) -> str:
        return i18n.t("quarter_label", self.lang, q=self.quarter.q, year=self.quarter.year)

    def head(self, number: int, kind: str) -> dict:
        """The fields every slide has, notes empty."""
        demo = bool(self.status.get("demo"))
        return {
            "number": number,
            "kind": kind,
            "lang": self.lang,
            "title": i18n.t(i18n.SLIDE_KEYS[kind], self.lang),
            "subtitle": _subtitle(self.quarter, self.period, self.lang),
            "demo": demo,
        }


def build_deck(frames: metrics.Frames, quarter: briefing.Quarter, public: bool, lang: str) -> Deck:
    """The deck of `quarter` as one typed model, a slide per briefing.slides entry, in that
    order: what the slide page, the PDF printed from it and the PowerPoint draw."""
    lang = i18n.normalize_lang(lang)
    period = quarter.end
    ctx = _Context(
        frames,
        quarter,
        public,
        lang,
        briefing.watch_rows(frames, period, public),
        briefing.data_status(frames, period),
    )
    out: list[SlideData] = []
    for n, sl in enumerate(briefing.slides(public), start=1):
        slide = _BUILDERS[sl.kind](ctx, ctx.head(n, sl.kind), sl.measures)
        if slide.demo:
            slide.notes.append(i18n.t("brief.demo_warning", lang))
        out.append(slide)
    return Deck(quarter, lang, public, period, bool(ctx.status.get("demo")), out)


def _headline(ctx: _Context, head: dict, measures: tuple[str, ...]) -> KpiSlide:
    frames, period, lang = ctx.frames, ctx.period, ctx.lang
    kpis = kpi_items(frames, list(measures), period, lang)
    slide = KpiSlide(**head, kpis=kpis)
    slide.expected = [x for k in kpis for x in (k.text, k.change_text) if x != i18n.MISSING]
    slide.notes.append(i18n.t("brief.shows_headline", lang, date=ctx.date_text, quarter=ctx.qlabel))
    by = {k.measure: k for k in kpis}
    for k in kpis:
        line = kpi_sentence(k, lang)
        if k.measure in COVERAGE:
            gap = target_sentence(frames, k, period.year, lang)
            line += f" {gap}" if gap else ""
        slide.notes.append(line)
    if "revenue_plan_completion" in by:
        view = briefing.plan(frames, "revenue_collected", period)
        if view.plan is not None and view.path_gap is not None:
            slide.notes.append(
                i18n.t(
                    "brief.plan_gap",
                    lang,
                    completion=by["revenue_plan_completion"].text,
                    plan=fv("revenue_collected", view.plan, lang),
                    gap=i18n.format_change(view.path_gap, lang, "pp", prose=True),
                )
            )
    for reason in ("low_si_coverage", "low_hi_coverage", "low_ui_coverage", "high_late_payment"):
        rows = ctx.watch_rows.filter(pl.col("reason") == reason)
        if rows.height:
            slide.notes.append(
                i18n.t(
                    "brief.lagging",
                    lang,
                    reason=lower_first(i18n.t(i18n.REASON_KEYS[reason], lang)),
                    places=watch_places(rows, lang),
                )
            )
    return slide


def _map(ctx: _Context, head: dict, measures: tuple[str, ...]) -> MapSlide:
    frames, period, lang = ctx.frames, ctx.period, ctx.lang
    measure = measures[0]
    layout = geo.layout_for_period(period)
    table = metrics.province_table(frames, measure, layout, period)
    national = metrics.value_at(frames, measure, "VN", geo.NATIONAL, period)
    k = kpi_items(frames, [measure], period, lang)[0]
    n = table.height

    def places(rows: pl.DataFrame) -> str:
        return join(
            [
                i18n.t(
                    "brief.place_value",
                    lang,
                    name=geo.prose_name(layout, r["geo_code"], lang),
                    value=fv(measure, r["value"], lang),
                )
                for r in rows.iter_rows(named=True)
            ],
            lang,
        )

    ranked = table.filter(pl.col("value").is_not_null()).sort("value", descending=True)
    lowest = ranked.tail(10).reverse()
    chart = Chart(
        "bar",
        lowest.get_column("name").to_list(),
        [Series(k.label, [round(v, 2) for v in lowest.get_column("value")], charts.PALETTE[0])],
        i18n.t("brief.lowest_chart", lang, n=lowest.height),
        2,
    )
    slide = MapSlide(**head, kpi=k, table=table, layout=layout, national=national, chart=chart)
    slide.expected = [k.text]  # on the legend
    slide.notes.append(
        i18n.t(
            "brief.shows_map",
            lang,
            label=lower_first(k.label) if lang == "vi" else k.label,
            n=n,
            date=ctx.date_text,
            value=k.text,
            change=k.delta.text(lang, prose=True),
            tag=tag(k.status, lang),
        )
    )
    gap = target_sentence(frames, k, period.year, lang)
    if gap:
        slide.notes.append(gap)
    above = metrics.count_above_national(frames, measure, period)
    slide.notes.append(i18n.t("brief.map_above", lang, k=above, n=n))
    slide.notes.append(i18n.t("brief.map_best", lang, places=places(ranked.head(3))))
    slide.notes.append(i18n.t("brief.map_worst", lang, places=places(lowest.head(3))))
    return slide


_SCALE = {
    "persons": (1e6, i18n.key("brief.unit_million_persons"), 2),
    "billion_vnd": (1e3, i18n.key("brief.unit_trillion_vnd"), 1),
}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def plan_chart_data(view: projection.PlanView, lang: str) -> Chart:
    """The plan chart's data for a native chart: 12 months, actual (to the period), the same
    months a year earlier, the plan path where the measure has one; values in millions of
    persons or trillions of VND."""
    unit = catalog.get(view.measure).unit
    factor, unit_key, decimals = _SCALE.get(unit, (1.0, i18n.key("brief.unit_percent"), 2))
    months = [metrics.month_end(date(view.period.year, mo, 1)) for mo in range(1, 13)]

    def by_month(df: pl.DataFrame | None, col: str = "value") -> list[float | None]:
        if df is None:
            return [None] * 12
        got = dict(zip(df.get_column("period"), df.get_column(col), strict=True))
        return [round(got[p] / factor, 3) if got.get(p) is not None else None for p in months]

    series = [
        Series(i18n.t("actual", lang), by_month(view.actual), charts.PALETTE[0]),
        Series(i18n.t("last_year", lang), by_month(view.last_year), "#6B6B6B", dash=True),
    ]
    if view.path is not None:
        series.append(
            Series(i18n.t("plan_path", lang), by_month(view.path, "path"), charts.PALETTE[1], True)
        )
    elif view.plan is not None:  # a stock's plan or target: the level to reach, every month
        line = i18n.t(i18n.PLAN_KPI_KEYS[view.plan_source], lang)
        series.append(Series(line, [round(view.plan / factor, 3)] * 12, charts.PALETTE[1], True))
    vi = i18n.normalize_lang(lang) == "vi"
    cats = [
        i18n.t("brief.month_short", lang, month=p.month if vi else _MONTHS_EN[p.month - 1])
        for p in months
    ]
    return Chart("line", cats, series, i18n.t(unit_key, lang), decimals)


_COMPLETION = {
    "revenue_collected": "revenue_plan_completion",
    "si_participants": "si_plan_completion",
}


def _plan(ctx: _Context, head: dict, measures: tuple[str, ...]) -> PlanSlide:
    frames, period, lang = ctx.frames, ctx.period, ctx.lang
    measure = measures[0]
    view = briefing.plan(frames, measure, period)
    k = kpi_items(frames, [measure], period, lang)[0]
    facts = plan_facts(view, k, lang)
    slide = PlanSlide(**head, kpi=k, view=view, chart=plan_chart_data(view, lang), facts=facts)
    slide.expected = [fig.text(lang) for _, fig in facts]
    slide.notes.append(
        i18n.t(
            "brief.shows_plan",
            lang,
            label=k.label,
            year=period.year,
            ytd=i18n.t("brief.ytd_paren", lang) if catalog.get(measure).kind == "ytd_flow" else "",
            path=i18n.t("brief.shows_plan_path", lang) if view.path is not None else "",
        )
    )
    slide.notes.append(
        i18n.t(
            "brief.plan_value",
            lang,
            date=ctx.date_text,
            value=k.text,
            change=k.delta.text(lang, prose=True),
            tag=tag(k.status, lang),
        )
    )
    if view.plan is not None:
        slide.notes.append(
            i18n.t(
                "brief.plan_completion",
                lang,
                kind=i18n.t(i18n.PLAN_KPI_KEYS[view.plan_source], lang),
                plan=fv(measure, view.plan, lang),
                completion=fv(_COMPLETION[measure], view.completion, lang),
            )
        )
    if view.path_gap is not None:
        slide.notes.append(
            i18n.t(
                "brief.plan_path_gap",
                lang,
                gap=i18n.format_change(view.path_gap, lang, "pp", prose=True),
            )
        )
    p = view.projection
    if p is not None and view.verdict:
        slide.notes.append(
            i18n.t(
                "brief.projection_line",
                lang,
                value=fv(measure, p.year_end, lang),
                low=fv(measure, p.low, lang),
                high=fv(measure, p.high, lang),
                verdict=i18n.t(i18n.VERDICT_KEYS[view.verdict], lang).lower(),
            )
        )
    comp = _COMPLETION[measure]
    lag = completion_laggards(frames, comp, period)
    if lag.height:
        slide.notes.append(
            i18n.t(
                "brief.completion_lag",
                lang,
                places=join(
                    [
                        i18n.t(
                            "brief.place_value",
                            lang,
                            name=geo.prose_name(geo.layout_for_period(period), r["geo_code"], lang),
                            value=fv(comp, r["value"], lang),
                        )
                        for r in lag.iter_rows(named=True)
                    ],
                    lang,
                ),
            )
        )
    return slide


def plan_facts(view: projection.PlanView, k: Kpi, lang: str) -> list[tuple[str, Figure]]:
    """A plan slide's facts as figures: the year's plan or target, completion so far and the
    projected year end (the last only with a verdict). Completion is as strong as its weaker
    part, a projection as the values it extends."""
    if view.plan is None:
        return []
    facts = [
        (
            i18n.t(i18n.PLAN_KPI_KEYS[view.plan_source], lang),
            Figure(view.measure, view.plan, view.plan_status, None),
        ),
        (
            i18n.t("completion_kpi", lang),
            Figure(
                _COMPLETION[view.measure],
                view.completion,
                store.weakest([s for s in (k.status, view.plan_status) if s]) or None,
            ),
        ),
    ]
    p = view.projection
    if p is not None and view.verdict:
        statuses = [str(x) for x in view.actual.get_column("status").drop_nulls()]
        facts.append(
            (
                i18n.t("projection", lang),
                Figure(view.measure, p.year_end, store.weakest(statuses) if statuses else None),
            )
        )
    return facts


def completion_laggards(
    frames: metrics.Frames, measure: str, period: date, n: int = 3
) -> pl.DataFrame:
    """The n provinces with the lowest plan completion at the period: geo_code, name, value."""
    layout = geo.layout_for_period(period)
    table = metrics.province_table(frames, measure, layout, period)
    return table.filter(pl.col("value").is_not_null()).sort("value").head(n)


def watch_table(rows: pl.DataFrame, lang: str) -> list[list[str]]:
    """The watch slide's table: header, then one row per province; the reason is written once,
    on its group's first row."""
    header = [
        i18n.t("col_reason", lang),
        i18n.t("col_province", lang),
        i18n.t("col_value", lang),
        i18n.t("national", lang),
    ]
    out, last = [header], None
    for r in rows.iter_rows(named=True):
        reason = i18n.t(i18n.REASON_KEYS[r["reason"]], lang)
        out.append(
            [
                reason if reason != last else "",
                r["name"],
                _watch_value(r, lang),
                _watch_national(r, lang),
            ]
        )
        last = reason
    return out


def _watch(ctx: _Context, head: dict, measures: tuple[str, ...]) -> WatchSlide:
    lang, watch_rows = ctx.lang, ctx.watch_rows
    slide = WatchSlide(**head, table=watch_table(watch_rows, lang))
    slide.expected = sorted({x for row in slide.table[1:] for x in row[2:]})
    slide.notes.append(i18n.t("brief.shows_watch", lang, date=ctx.date_text, k=3))
    if not watch_rows.height:
        slide.notes.append(i18n.t("brief.watch_none", lang))
    for reason in watch_rows.get_column("reason").unique(maintain_order=True):
        rows = watch_rows.filter(pl.col("reason") == reason)
        first = rows.row(0, named=True)
        places = [
            i18n.t(
                "brief.watch_place",
                lang,
                name=geo.prose_name(r["layout"], r["geo_code"], lang),
                value=_watch_value(r, lang),
                trend=i18n.format_change(r["trend"], lang, r["trend_kind"], prose=True),
            )
            if r["trend"] is not None
            else i18n.t(
                "brief.place_value",
                lang,
                name=geo.prose_name(r["layout"], r["geo_code"], lang),
                value=_watch_value(r, lang),
            )
            for r in rows.iter_rows(named=True)
        ]
        slide.notes.append(
            i18n.t(
                "brief.watch_reason",
                lang,
                reason=i18n.t(i18n.REASON_KEYS[reason], lang),
                national=_watch_national(first, lang),
                places=join(places, lang),
            )
        )
    return slide


def _benefits(ctx: _Context, head: dict, measures: tuple[str, ...]) -> KpiSlide:
    lang = ctx.lang
    kpis = kpi_items(ctx.frames, list(measures), ctx.period, lang)
    slide = KpiSlide(**head, kpis=kpis)
    # every number on it is year to date: said once, on the date line
    slide.subtitle += f" · {i18n.t('ytd', lang).capitalize()}"
    slide.expected = [x for k in kpis for x in (k.text, k.change_text) if x != i18n.MISSING]
    slide.notes.append(i18n.t("brief.shows_benefits", lang, date=ctx.date_text))
    slide.notes.extend(kpi_sentence(k, lang) for k in kpis)
    return slide


def _closing(ctx: _Context, head: dict, measures: tuple[str, ...]) -> ClosingSlide:
    lang, period = ctx.lang, ctx.period
    shares = [(st, ctx.status[st]) for st in reversed(store.STATUS_VALUES) if st in ctx.status]
    sources = [
        briefing.source_line(ctx.frames, sid, lang)
        for sid in briefing.sources_used(ctx.frames, period)
    ]
    slide = ClosingSlide(**head, shares=shares, sources=sources)
    slide.notes.append(i18n.t("brief.shows_closing", lang, year=period.year, date=ctx.date_text))
    for st, x in shares:
        share = i18n.format_percent(100 * x, lang, 1)
        slide.notes.append(
            i18n.t("brief.status_share", lang, status=i18n.status_word(st, lang), share=share)
        )
        slide.expected.append(share)
    return slide


_BUILDERS = {
    "headline": _headline,
    "map": _map,
    "plan_revenue": _plan,
    "plan_participants": _plan,
    "watch": _watch,
    "benefits": _benefits,
    "closing": _closing,
}
