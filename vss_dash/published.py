"""Figures VSS, the Government and the press published, as facts the data layer must reproduce.

Two reference files list them, every row with its date, source and exact quote:
- `published_figures.csv`: the figures of the five seed articles (VSS news);
- `published_more.csv`: 202 more national and provincial figures of 2022-2026 from public pages,
  with `published_more_sources.csv` naming each page's publisher and publication date and
  `published_periods.csv` the few rows whose period is not the month of their `as_of` date.
`targets.csv` holds the national targets of the resolutions; rows named `*_target` are targets too.

Where several figures share a key (month, place, measure) one of them is current, by this rule:
1. a figure published after its period ended beats one published before (an estimate and its
   final figure are two vintages of one key: the older is kept as an earlier vintage);
2. then an official source (VSS, the Government) beats the press;
3. then the more precise figure beats the rounder one;
4. then the later publication wins.
The others are kept as alternatives: shown beside the current value, never dropped.

This module reads the files, turns the current figures of catalogue measures into `published`
store rows (plans for targets), and checks a store against every figure: levels directly,
changes and year-on-year rates through `metrics`, each to the precision it was published with.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from vss_dash import catalog, geo, metrics, reference

# The articles the seed figures come from (reference = the file name under shared/seeds/).
SEEDS: dict[str, tuple[str, date]] = {
    "000_f7330fd2b521d123": (
        "VSS leadership meeting on 2024 targets and tasks (3 Oct 2024)",
        date(2024, 10, 6),
    ),
    "001_d6009e166cfbf782": (
        "VSS conference on collection and participant growth, results to end of September 2024",
        date(2024, 10, 1),
    ),
    "002_eb1aa57038805613": (
        "VSS online conference on UI-fund support (Resolution 116) and collection, 6 Nov 2021",
        date(2021, 11, 15),
    ),
    "003_ceeeaaaed105042b": (
        "VSS quarterly press conference, Q2/2023 (5 Jun 2023)",
        date(2023, 6, 15),
    ),
    "004_24f5492c9b8e1a4f": (
        "Conference on VSS tasks for 2024, results of 2023 (17 Jan 2024)",
        date(2024, 1, 17),
    ),
}
SEED_PUBLISHER = "Bảo hiểm xã hội Việt Nam (VSS)"
RESOLUTIONS: dict[str, tuple[str, str, date]] = {
    "Resolution 28-NQ/TW (2018)": (
        "res_28_nq_tw_2018",
        "Nghị quyết 28-NQ/TW về cải cách chính sách BHXH",
        date(2018, 5, 23),
    ),
    "Resolution 01/NQ-CP (2023)": (
        "res_01_nq_cp_2023",
        "Nghị quyết 01/NQ-CP về nhiệm vụ, giải pháp năm 2023",
        date(2023, 1, 6),
    ),
}
TARGET_SUFFIX = "_target"
CURRENT, ALTERNATIVE, EARLIER = "current", "alternative", "earlier estimate"


@dataclass(frozen=True)
class Figure:
    period: date  # month end of the month the figure describes
    layout: str  # "VN", "P63" (before the 2025 merger) or "P34"
    geo_code: str
    geo_text: str
    measure: str  # as the file names it: a catalogue id or alias, an expression, or *_target
    value: float
    decimals: int  # > 0: decimal places published; <= 0: -log10 of the rounding step
    unit: str
    source_id: str
    quote: str
    as_of: date | None = None
    basis: str = ""
    reference: str = ""  # the page's address, or the seed file
    publisher: str = ""
    published_on: date | None = None
    official: bool = False
    role: str = CURRENT  # CURRENT, ALTERNATIVE or EARLIER (see the module's rule)
    # how the source worded it: "about" (rounded), "at least" ('more than', 'over', 'hơn'),
    # "at most" ('nearly', 'gần')
    bound: str = "about"

    @property
    def ym(self) -> str:
        return self.period.strftime("%Y-%m")

    @property
    def is_target(self) -> bool:
        return self.measure.endswith(TARGET_SUFFIX)

    @property
    def key(self) -> tuple[date, str, str, str]:
        return (self.period, self.layout, self.geo_code, canonical(self.measure))

    @property
    def after_close(self) -> bool:
        """Published after the period it describes had ended (a final, not an estimate)."""
        return self.published_on is not None and self.published_on > self.period

    def rounds_to(self, computed: float) -> bool:
        """True when `computed`, rounded half-up as the figure was published, equals it; for a
        figure worded 'more than' ('nearly'): at least (at most) it, by less than one step."""
        if self.bound != "about":
            low, high = self.interval()
            return low <= computed < high if self.bound == "at least" else low < computed <= high
        step = Decimal(1).scaleb(-self.decimals)

        def rounded(x: float) -> Decimal:
            return (Decimal(repr(x)) / step).quantize(Decimal(1), ROUND_HALF_UP) * step

        return rounded(computed) == rounded(self.value)

    def interval(self) -> tuple[float, float]:
        """The values this figure allows: rounded (about), or one step above (at least) or
        below (at most) it."""
        step = 10.0 ** (-self.decimals)
        if self.bound == "at least":
            return self.value, self.value + step
        if self.bound == "at most":
            return self.value - step, self.value
        return self.value - step / 2, self.value + step / 2


def canonical(measure: str) -> str:
    """The catalogue id a file's measure name stands for (itself if it is no catalogue id)."""
    return catalog.canonical_id(measure) if catalog.has(measure) else measure


def _decimals(text: str) -> int:
    """Published precision from how the number is written: '39.25' -> 2, '81.0' -> 1,
    '15550000' -> -4 (rounded to ten thousands), '704134' -> 0."""
    if "." in text:
        return len(text.split(".")[1])
    stripped = text.rstrip("0")
    return -(len(text) - len(stripped)) if stripped else 0


_WORDING = re.compile(
    r"'(?P<word>more than|over|hơn|trên|exceeded|nearly|gần)(?: (?P<number>[\d.,]+))?[^']*'"
)
_AT_LEAST = {"more than", "over", "hơn", "trên", "exceeded"}


def _bound(basis: str, value_text: str) -> str:
    """'at least', 'at most' or 'about', from the words the basis quotes: "('more than')",
    "(reported as 'hơn 16 triệu')". A quoted number must be the figure's own (an HI rate's
    basis may quote 'more than 3.2 million' people)."""
    for m in _WORDING.finditer(basis):
        digits = (m["number"] or "").replace(".", "").replace(",", "")
        if digits and not value_text.replace(".", "").startswith(digits):
            continue
        return "at least" if m["word"] in _AT_LEAST else "at most"
    return "about"


def web_source_id(url: str) -> str:
    return "web_" + hashlib.sha1(url.encode()).hexdigest()[:10]


@reference.by_release
def web_sources() -> dict[str, dict]:
    """The pages of published_more.csv: url -> publisher, published_on, dated_by, official."""
    return {r["url"]: r for r in reference.rows("published_more_sources")}


def _period_overrides() -> dict[tuple[str, str, str], date]:
    out = {}
    for r in reference.rows("published_periods"):
        y, m = (int(x) for x in r["period"].split("-"))
        out[(r["as_of"], r["geo"], r["measure"])] = metrics.month_end(date(y, m, 1))
    return out


def _place(geo_text: str, period: date, basis: str) -> tuple[str, str]:
    if geo_text == "VN":
        return "VN", geo.NATIONAL
    layout = geo.layout_for_period(period)  # the 63 report until 2025-06, the 34 after
    return layout, geo.match_province(geo_text, layout)


def _figure(r: dict, period: date, **extra) -> Figure:
    layout, code = _place(r["geo"], period, r.get("basis", ""))
    return Figure(
        period=period,
        layout=layout,
        geo_code=code,
        geo_text=r["geo"],
        measure=r["measure"],
        value=float(r["value"]),
        decimals=_decimals(r["value"]),
        unit=r["unit"],
        quote=r["quote"],
        as_of=date.fromisoformat(r["as_of"]),
        basis=r.get("basis", ""),
        bound=_bound(r.get("basis", ""), r["value"]),
        **extra,
    )


def _rank(f: Figure) -> tuple:
    return (f.after_close, f.official, f.decimals, f.published_on or date.min)


def _assign_roles(figs: list[Figure]) -> tuple[Figure, ...]:
    by_key: dict[tuple, list[Figure]] = {}
    for f in figs:
        by_key.setdefault(f.key, []).append(f)
    roles: dict[int, str] = {}
    for group in by_key.values():
        best = max(group, key=_rank)
        for f in group:
            if f is best:
                roles[id(f)] = CURRENT
            elif best.after_close and not f.after_close:
                roles[id(f)] = EARLIER
            else:
                roles[id(f)] = ALTERNATIVE
    return tuple(dataclasses.replace(f, role=roles[id(f)]) for f in figs)


@reference.by_release
def figures() -> tuple[Figure, ...]:
    """Every published figure of both files, each with its role (current, alternative, earlier
    estimate); the seeds' 71 first, in file order."""
    out = []
    for r in reference.rows("published_figures"):
        sid = r["source"].removesuffix(".txt")
        out.append(
            _figure(
                r,
                metrics.month_end(date.fromisoformat(r["as_of"])),
                source_id=sid,
                reference=f"shared/seeds/{r['source']}",
                publisher=SEED_PUBLISHER,
                published_on=SEEDS[sid][1],
                official=True,
            )
        )
    overrides = _period_overrides()
    pages = web_sources()
    for r in reference.rows("published_more"):
        page = pages[r["source"]]
        as_of = date.fromisoformat(r["as_of"])
        period = overrides.get((r["as_of"], r["geo"], r["measure"]), metrics.month_end(as_of))
        out.append(
            _figure(
                r,
                period,
                source_id=web_source_id(r["source"]),
                reference=r["source"],
                publisher=page["publisher"],
                published_on=date.fromisoformat(page["published_on"]),
                official=page["official"] == "yes",
            )
        )
    return _assign_roles(out)


def current() -> tuple[Figure, ...]:
    return tuple(f for f in figures() if f.role == CURRENT)


def others(fig: Figure) -> list[Figure]:
    """The other figures published for the same key as `fig`."""
    return [f for f in figures() if f.key == fig.key and f is not fig]


def level(measure: str, ym: str, geo_text: str = "VN") -> float:
    """The current published value of `measure` at month `ym` for `geo_text` (as written)."""
    hits = [
        f
        for f in current()
        if canonical(f.measure) == canonical(measure) and f.ym == ym and f.geo_text == geo_text
    ]
    if len(hits) != 1:
        raise KeyError(f"{len(hits)} published figures for {measure} {ym} {geo_text}")
    return hits[0].value


def province_levels(measure: str, ym: str) -> dict[str, float]:
    """Current published provincial values of `measure` at `ym`, by province code."""
    return {
        f.geo_code: f.value
        for f in current()
        if f.measure == measure and f.ym == ym and f.layout != "VN"
    }


@reference.by_release
def _targets() -> tuple[dict, ...]:
    return tuple(r for r in reference.rows("targets") if r["target"].strip())


def _target_source(r: dict) -> str:
    if r["source"] in RESOLUTIONS:
        return RESOLUTIONS[r["source"]][0]
    seed = re.search(r"(\d{3}_[0-9a-f]{16})\.txt", r["how_known"])
    if not seed:
        raise ValueError(f"no source for target {r}")
    return seed.group(1)


def plan(measure: str, year: int) -> float:
    """The national plan or target for `measure` in `year` (targets.csv or a published
    `*_target` figure)."""
    hits = [
        float(r["target"])
        for r in _targets()
        if r["measure"] == measure and int(r["year"]) == year and r["geo"] == "VN"
    ]
    hits += [
        f.value
        for f in current()
        if f.is_target
        and f.measure.removesuffix(TARGET_SUFFIX) == measure
        and f.layout == "VN"
        and f.period.year == year
    ]
    if len(hits) != 1:
        raise KeyError(f"{len(hits)} targets for {measure} {year}")
    return hits[0]


def plans() -> pl.DataFrame:
    """Targets as rows of the plans table: the resolutions' and every published `*_target`."""
    rows = [
        {
            "year": int(r["year"]),
            "layout": "VN",
            "geo_code": geo.NATIONAL,
            "measure": r["measure"],
            "target": float(r["target"]),
            "status": "published",
            "source_id": _target_source(r),
        }
        for r in _targets()
    ]
    rows += [
        {
            "year": f.period.year,
            "layout": f.layout,
            "geo_code": f.geo_code,
            "measure": f.measure.removesuffix(TARGET_SUFFIX),
            "target": f.value,
            "status": "published",
            "source_id": f.source_id,
        }
        for f in current()
        if f.is_target
    ]
    return pl.DataFrame(rows, schema_overrides={"year": pl.Int32})


def _stored(f: Figure) -> bool:
    return not f.is_target and catalog.has(f.measure)


def observations(vintage: datetime) -> pl.DataFrame:
    """Published figures of catalogue measures as store rows: the current figure of each key at
    `vintage`, and an estimate its final figure replaced as an earlier vintage (its publication
    date). Alternatives from other sources are not store rows: `alternatives()` holds them.
    Changes and year-on-year figures outside the catalogue are not stored: `check` reproduces
    them from the data."""
    rows = []
    for f in figures():
        if not _stored(f) or f.role == ALTERNATIVE:
            continue
        when = vintage
        if f.role == EARLIER:
            when = datetime.combine(f.published_on, datetime.min.time(), UTC)
        rows.append(
            {
                "period": f.period,
                "layout": f.layout,
                "geo_code": f.geo_code,
                "measure": canonical(f.measure),
                "value": f.value,
                "status": "published",
                "source_id": f.source_id,
                "vintage": when,
            }
        )
    return pl.DataFrame(rows).with_columns(pl.col("vintage").cast(pl.Datetime("us", "UTC")))


def alternatives() -> pl.DataFrame:
    """Every figure that is not current, beside the key it belongs to: period, layout,
    geo_code, measure (catalogue id), value, role, source_id, publisher, reference, published_on."""
    rows = [
        {
            "period": f.period,
            "layout": f.layout,
            "geo_code": f.geo_code,
            "measure": canonical(f.measure),
            "value": f.value,
            "role": f.role,
            "source_id": f.source_id,
            "publisher": f.publisher,
            "reference": f.reference,
            "published_on": f.published_on,
        }
        for f in figures()
        if f.role != CURRENT
    ]
    return pl.DataFrame(rows)


def _page_title(url: str, publisher: str) -> str:
    """A page's title as the pages show it: who published it and on which site (its date is a
    column of its own). The files keep no article titles, and the words of an address have lost
    their diacritics, so they are not used."""
    host = url.split("://", 1)[-1].split("/", 1)[0].removeprefix("www.")
    return publisher if host in publisher else f"{publisher} · {host}"


def sources() -> list[dict]:
    out = [
        {
            "source_id": sid,
            "title": title,
            "publisher": SEED_PUBLISHER,
            "date": d,
            "reference": f"shared/seeds/{sid}.txt",
            "note": "VSS news article; figures listed in data/reference/published_figures.csv",
        }
        for sid, (title, d) in SEEDS.items()
    ]
    out += [
        {
            "source_id": sid,
            "title": f"{name} / {title}",
            "publisher": "Government of Viet Nam",
            "date": d,
            "reference": "data/reference/targets.csv",
            "note": "National targets from the public text of the resolution",
        }
        for name, (sid, title, d) in RESOLUTIONS.items()
    ]
    out += [
        {
            "source_id": web_source_id(url),
            "title": _page_title(url, page["publisher"]),
            "publisher": page["publisher"],
            "date": date.fromisoformat(page["published_on"]),
            "reference": url,
            "note": "Public page; figures listed in data/reference/published_more.csv. "
            f"Publication date: {page['dated_by']}.",
        }
        for url, page in web_sources().items()
    ]
    return out


@reference.by_release
def events() -> pl.DataFrame:
    """Dated events drawn on time axes: date, label_vi, label_en, source, reference."""
    return pl.DataFrame(reference.rows("events")).with_columns(pl.col("date").str.to_date())


# ------------------------------------------------------- the files' words in both languages

# The reference files are written in English where they describe (units, publishers of events,
# references); the names VSS itself published under are Vietnamese. Each such text with its
# other language (the file's own text serves its own language). tests/test_published.py fails
# on a unit of the files not listed here.
_UNIT_IDS = {  # a unit of the files that is a catalogue unit (its words: i18n.UNIT_KEYS)
    "persons": "persons",
    "visits": "visits",
    "cases": "cases",
    "percent": "percent",
    "billion VND": "billion_vnd",
}
_IN_OTHER_LANGUAGE: dict[str, dict[str, str]] = {
    # units
    "percent of working-age labour force": {"vi": "% lực lượng lao động trong độ tuổi"},
    "percent of population": {"vi": "% dân số"},
    "percent of annual plan": {"vi": "% kế hoạch năm"},
    "percent of plan": {"vi": "% kế hoạch"},
    "percent of collection plan": {"vi": "% kế hoạch thu"},
    "percent of workforce": {"vi": "% lực lượng lao động"},
    "percent of working-age population": {"vi": "% dân số trong độ tuổi lao động"},
    "percent of registered population": {"vi": "% dân số đăng ký"},
    "percent of estimate assigned by the Prime Minister": {
        "vi": "% dự toán Thủ tướng Chính phủ giao"
    },
    "percent of amount receivable": {"vi": "% số phải thu"},
    "percent of receivables": {"vi": "% số phải thu"},
    "percent of amount payable": {"vi": "% số phải đóng"},
    "percent above Government target (Decision 2002/QD-TTg)": {
        "vi": "% vượt chỉ tiêu Chính phủ giao (Quyết định 2002/QĐ-TTg)"
    },
    "percent (late payment subject to interest)": {"vi": "% (chậm đóng phải tính lãi)"},
    "percent of population (target 'more than 95%')": {"vi": "% dân số (mục tiêu 'trên 95%')"},
    "percent ('of those in the working age' per the English text; inconsistent with 37.01% "
    "three months later, so the denominator probably differs)": {
        "vi": "% ('trong độ tuổi lao động' theo bản tiếng Anh; không khớp với 37,01% ba tháng "
        "sau, nên mẫu số có lẽ khác)"
    },
    "of 63 provinces": {"vi": "trên 63 tỉnh, thành phố"},
    "of 15 tasks": {"vi": "trên 15 nhiệm vụ"},
    "of 240 tasks": {"vi": "trên 240 nhiệm vụ"},
    "provinces": {"vi": "tỉnh, thành phố"},
    "decisions": {"vi": "quyết định"},
    "recommendations": {"vi": "kiến nghị"},
    # publishers (of figures and of events.csv) and references that are not addresses
    SEED_PUBLISHER: {"en": "Vietnam Social Security (VSS)"},
    "Bảo hiểm xã hội Việt Nam (vss.gov.vn)": {"en": "Vietnam Social Security (vss.gov.vn)"},
    "VietnamPlus (TTXVN)": {"en": "VietnamPlus (VNA)"},
    "Government of Viet Nam": {"vi": "Chính phủ Việt Nam"},
    "Prime Minister of Viet Nam": {"vi": "Thủ tướng Chính phủ"},
    "National Assembly of Viet Nam": {"vi": "Quốc hội Việt Nam"},
    "Central Committee of the Communist Party of Viet Nam": {
        "vi": "Ban Chấp hành Trung ương Đảng Cộng sản Việt Nam"
    },
    "Law 41/2024/QH15 (passed 2024-06-29)": {"vi": "Luật 41/2024/QH15 (thông qua ngày 29/06/2024)"},
    # the seed articles' titles (SEEDS)
    "VSS leadership meeting on 2024 targets and tasks (3 Oct 2024)": {
        "vi": "Hội nghị lãnh đạo BHXH Việt Nam về chỉ tiêu, nhiệm vụ năm 2024 (3/10/2024)"
    },
    "VSS conference on collection and participant growth, results to end of September 2024": {
        "vi": "Hội nghị của BHXH Việt Nam về công tác thu và phát triển người tham gia, kết quả "
        "đến hết tháng 9/2024"
    },
    "VSS online conference on UI-fund support (Resolution 116) and collection, 6 Nov 2021": {
        "vi": "Hội nghị trực tuyến của BHXH Việt Nam về hỗ trợ từ Quỹ BHTN (Nghị quyết 116) và "
        "công tác thu, 6/11/2021"
    },
    "VSS quarterly press conference, Q2/2023 (5 Jun 2023)": {
        "vi": "Họp báo quý của BHXH Việt Nam, quý II/2023 (5/6/2023)"
    },
    "Conference on VSS tasks for 2024, results of 2023 (17 Jan 2024)": {
        "vi": "Hội nghị triển khai nhiệm vụ năm 2024 của BHXH Việt Nam, kết quả năm 2023 "
        "(17/1/2024)"
    },
}
_VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", re.IGNORECASE)


def unit_id(unit: str) -> str | None:
    """The catalogue unit a unit of the files is (its words: i18n.UNIT_KEYS), or None."""
    return _UNIT_IDS.get(unit)


def in_language(text: str, lang: str) -> str:
    """A unit, publisher or reference of the files in `lang`: its other-language form where it
    has one, else the text as the file writes it (a masthead is a name in every language)."""
    return _IN_OTHER_LANGUAGE.get(text, {}).get(lang, text)


def source_title(title: str, lang: str) -> str:
    """A stored source title as a page in `lang` shows it, as plain text: of a title written in
    both languages ("Nghị quyết … / Resolution …") the half in `lang`; a public page's
    publisher ("publisher · host") and a seed article's title in `lang`; no markdown marks."""
    halves = title.split(" / ")
    if len(halves) == 2 and len({bool(_VIETNAMESE.search(h)) for h in halves}) == 2:
        title = next(h for h in halves if bool(_VIETNAMESE.search(h)) == (lang == "vi"))
    head, sep, host = title.partition(" · ")
    return (in_language(head, lang) + sep + host).replace("`", "")


def has_words(unit: str, lang: str) -> bool:
    """Whether a unit of the files has words in `lang` (catalogue unit, listed, or English)."""
    return unit in _UNIT_IDS or lang == "en" or lang in _IN_OTHER_LANGUAGE.get(unit, {})


@dataclass(frozen=True)
class Expression:
    """What a file's measure name says: `kind` one of "level" (a catalogue measure), "target",
    "yoy" (a year-on-year rate, percent), "change_yoy", "change_in_month", "change_vs" (a change
    since the month `since`), "provinces_above" (provinces above the national revenue plan
    completion) or "other"; `base` the catalogue measure it is of (None for none)."""

    kind: str
    base: str | None
    since: date | None = None


def expression(measure: str) -> Expression:
    expr = _ALIASES.get(measure, measure)

    def of(name: str) -> str | None:
        return catalog.canonical_id(name) if catalog.has(name) else None

    if catalog.has(expr):
        return Expression("level", of(expr))
    if expr == "provinces_above_national_revenue_rate":
        return Expression("provinces_above", "revenue_plan_completion")
    if expr.endswith(TARGET_SUFFIX):
        return Expression("target", of(expr.removesuffix(TARGET_SUFFIX)))
    if m := _CHANGE_VS.match(expr):
        since = metrics.month_end(date.fromisoformat(m["ym"] + "-01"))
        return Expression("change_vs", of(m["m"]), since)
    for suffix, kind in (
        ("_change_in_month", "change_in_month"),
        ("_change_yoy", "change_yoy"),
        ("_yoy", "yoy"),
    ):
        if expr.endswith(suffix):
            return Expression(kind, of(expr.removesuffix(suffix)))
    return Expression("other", None)


# ---------------------------------------------------------------- reproducing the figures

_CHANGE_VS = re.compile(r"^(?P<m>\w+?)_change_vs_(?P<ym>\d{4}-\d{2})$")
# expressions that the file names differently from the catalogue
_ALIASES = {"revenue_change_vs_same_period": "revenue_collected_change_yoy"}


@dataclass(frozen=True)
class Check:
    """A published figure and the answer to "is it reproduced?" (see `check`)."""

    figure: Figure
    computed: float | None  # the value the data gives for the figure's expression at its key
    ok: bool

    @property
    def superseded(self) -> bool:
        """An alternative or an earlier estimate: where it differs from the current figure of
        its key, the data is not expected to reproduce it."""
        return self.figure.role != CURRENT


def reproduce(frames, fig: Figure, prefer_published: bool = False) -> float | None:
    """The value the data layer gives for a published figure's expression.

    With prefer_published=False (the default) stored published rows are ignored, so that national
    figures are recomputed from province data: the honest test that the demo sums hold.
    prefer_published=True gives the value the dashboard shows at the key, which for a figure
    stored as published is the figure itself."""
    expr = _ALIASES.get(fig.measure, fig.measure)
    pp = prefer_published

    def at(measure: str, period: date, layout=fig.layout, code=fig.geo_code) -> float | None:
        return metrics.value_at(frames, measure, layout, code, period, prefer_published=pp)

    if fig.is_target:
        plans = metrics.plan_table(frames, expr.removesuffix(TARGET_SUFFIX), fig.layout).filter(
            (pl.col("year") == fig.period.year) & (pl.col("geo_code") == fig.geo_code)
        )
        return plans.item(0, "target") if plans.height == 1 else None
    if expr == "provinces_above_national_revenue_rate":
        return float(
            metrics.count_above_national(
                frames, "revenue_plan_completion", fig.period, prefer_published=pp
            )
        )
    if catalog.has(expr):
        return at(catalog.canonical_id(expr), fig.period)
    if m := _CHANGE_VS.match(expr):
        a, b = (
            at(m["m"], fig.period),
            at(m["m"], metrics.month_end(date.fromisoformat(m["ym"] + "-01"))),
        )
        return None if a is None or b is None else a - b
    if expr.endswith("_change_in_month"):
        base = expr.removesuffix("_change_in_month")
        prev = metrics.month_end(date.fromordinal(fig.period.replace(day=1).toordinal() - 1))
        a, b = at(base, fig.period), at(base, prev)
        return None if a is None or b is None else a - b
    for suffix, pct in (("_change_yoy", False), ("_yoy", True)):
        if expr.endswith(suffix):
            base = expr.removesuffix(suffix)
            a = at(base, fig.period)
            b = at(base, metrics.month_end(date(fig.period.year - 1, fig.period.month, 1)))
            if a is None or b is None:
                return None
            return 100 * (a / b - 1) if pct else a - b
    return None


def check(frames) -> list[Check]:
    """Is each published figure reproduced? The one answer, for every figure of both files
    (current, alternative, earlier estimate, in `figures()` order): the sources page, the data
    page's quality tab and `vss-dash validate` all show this and nothing else.

    A figure is reproduced when the value the data gives for its expression at its key, rounded
    half-up at the precision the figure was published with, equals it (for a figure worded 'more
    than' or 'nearly': lies within one step of it, on its side).

    The value compared is computed with the stored published rows set aside: a figure imported
    as published is stored at its own key, so the value the dashboard shows there is the figure
    itself, and a figure compared with itself proves nothing. A national figure is thus the sum
    over the provinces, a rate the ratio of summed parts, a change or a year-on-year rate the
    arithmetic on the two months. Where the store holds nothing else at a key (a national-only
    measure), the published row is what the data gives.

    An alternative or an earlier estimate is checked like any figure: where it differs from the
    current figure of its key the data does not reproduce it, and says so (`Check.superseded`
    tells the reader why)."""
    out = []
    for fig in figures():
        got = reproduce(frames, fig)
        out.append(Check(fig, got, got is not None and fig.rounds_to(got)))
    return out


@dataclass(frozen=True)
class Tally:
    """The counts of `check`, as every surface states them."""

    figures: int  # every published figure
    reproduced: int
    current: int  # current figures
    current_not_reproduced: int
    superseded_not_reproduced: int  # alternatives and earlier estimates the data does not give

    @property
    def not_reproduced(self) -> int:
        return self.figures - self.reproduced


def tally(checks: list[Check]) -> Tally:
    return Tally(
        figures=len(checks),
        reproduced=sum(c.ok for c in checks),
        current=sum(not c.superseded for c in checks),
        current_not_reproduced=sum(not c.ok and not c.superseded for c in checks),
        superseded_not_reproduced=sum(not c.ok and c.superseded for c in checks),
    )


def check_table(frames) -> pl.DataFrame:
    """`check` as a table, one row per published figure in `figures()` order: the figure, the
    value the dashboard shows at its key (`held`: the published row where one is stored), the
    value the data gives for it (`computed`) and whether that reproduces it (`reproduced`)."""
    rows = []
    for c in check(frames):
        f = c.figure
        rows.append(
            {
                "period": f.period,
                "as_of": f.as_of,
                "layout": f.layout,
                "geo_code": f.geo_code,
                "geo_text": f.geo_text,
                "measure": f.measure,
                "value": f.value,
                "unit": f.unit,
                "role": f.role,
                "held": reproduce(frames, f, prefer_published=True),
                "computed": c.computed,
                "reproduced": c.ok,
                "publisher": f.publisher,
                "published_on": f.published_on,
                "official": f.official,
                "reference": f.reference,
                "source_id": f.source_id,
                "basis": f.basis,
                "quote": f.quote,
            }
        )
    return pl.DataFrame(rows, schema_overrides={"held": pl.Float64, "computed": pl.Float64})
