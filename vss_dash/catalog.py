"""The measure catalogue: the one place that says what each measure is.

Every measure the store holds or the metrics derive is listed here with its Vietnamese and English
label, canonical unit, kind, how it aggregates over geography and time, which direction is good and
whether it is press-safe. Stored measures are facts that arrive as data; derived measures carry a
formula and are computed by `metrics.py` (a published value of a derived measure may still be
stored, as provenance, and then wins at that point).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

from vss_dash import i18n

Kind = Literal["stock", "ytd_flow", "cumulative", "rate", "count"]
Unit = Literal["persons", "billion_vnd", "percent", "visits", "cases", "count"]
GeoAgg = Literal["sum", "ratio", "none"]
TimeAgg = Literal["last", "recompute"]
Good = Literal["up", "down", None]


@dataclass(frozen=True)
class Formula:
    """How a derived measure is computed from others.

    op "sum": the sum of `args` at the same period and place.
    op "ratio": 100 * args[0] / args[1], both summed over places before dividing.
    op "plan_ratio": 100 * args[0] / the annual plan of args[0] for the period's year.
    op "plan_excess": the same less 100 (how far above the plan, in percent).
    op "yoy_pct": 100 * (args[0] / args[0] twelve months earlier - 1).
    """

    op: Literal["sum", "ratio", "plan_ratio", "plan_excess", "yoy_pct"]
    args: tuple[str, ...]


# The decimals at which each unit is published: i18n owns it, since it formats by unit.
PUBLISHED_DECIMALS: dict[str, int] = i18n.PUBLISHED_DECIMALS

# The largest value of a unit that any place can hold (a province or the whole country), far
# above what is real and far below a typo's extra digits: Vietnam has about 101 million people,
# its SI, HI and UI funds collect about 500,000 billion đồng a year and see about 180 million
# medical visits. Imports refuse a value above it and the store rejects one.
PLAUSIBLE_MAX: dict[str, float] = {
    "persons": 120_000_000,
    "visits": 1_000_000_000,
    "cases": 200_000_000,
    "billion_vnd": 10_000_000,
    "count": 100_000,
    "percent": 10_000,  # plan completion and growth, not only shares of a whole
}


@dataclass(frozen=True, kw_only=True)
class Measure:
    """One measure. Keyword-only, and checked when made: a catalogue entry with an unknown unit,
    kind or aggregation, or one that contradicts itself, fails at import."""

    id: str  # its name and help text are texts.toml's measure_name.<id> and measure_note.<id>
    unit: Unit
    kind: Kind
    # over geography: "sum" adds provinces; "ratio" recomputes from summed parts (never averages);
    # "none" exists only where it was reported (e.g. national task counts).
    geo_agg: GeoAgg
    # over time within a year: stocks take the last month; year-to-date flows take the last month
    # too (it already holds the whole year so far); rates are recomputed.
    time_agg: TimeAgg
    good: Good
    public: bool
    formula: Formula | None = None
    # geography levels at which the measure exists
    national_only: bool = False
    mappable: bool = False
    # other names sources use for the same measure (published_more.csv's column); `get` and the
    # CLI answer to them
    aliases: tuple[str, ...] = ()
    # how a provincial report's column header names it: alternatives, each the words that must
    # all appear in the header once folded (lower case, no diacritics); the import's wide reader
    headers: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        def one_of(field: str, allowed: object) -> None:
            value = getattr(self, field)
            if value not in get_args(allowed):
                raise ValueError(
                    f"measure {self.id!r}: {field} {value!r} not in {get_args(allowed)}"
                )

        for field, allowed in (
            ("unit", Unit),
            ("kind", Kind),
            ("geo_agg", GeoAgg),
            ("time_agg", TimeAgg),
            ("good", Good),
        ):
            one_of(field, allowed)
        problems = [
            (not re.fullmatch(r"[a-z][a-z0-9_]*", self.id), "id is not snake_case"),
            (f"measure_name.{self.id}" not in i18n.STRINGS, "no name in texts.toml"),
            ((self.kind == "rate") != (self.unit == "percent"), "rates and only rates are percent"),
            (self.kind == "rate" and self.formula is None, "a rate needs its formula"),
            ((self.geo_agg == "ratio") != (self.kind == "rate"), "only rates aggregate as ratio"),
            ((self.time_agg == "recompute") != (self.kind == "rate"), "only rates recompute"),
            (self.national_only and self.mappable, "a national-only measure is on the map"),
            (self.id in self.aliases, "an alias repeats the id"),
            (bool(self.headers) and self.derived, "a derived measure is not read from a report"),
        ]
        for failed, why in problems:
            if failed:
                raise ValueError(f"measure {self.id!r}: {why}")

    @property
    def derived(self) -> bool:
        return self.formula is not None

    @property
    def decimals(self) -> int:
        """The decimals, in the measure's unit, it is published at (PUBLISHED_DECIMALS)."""
        return PUBLISHED_DECIMALS[self.unit]

    @property
    def plausible_max(self) -> float:
        """No place holds more than this (PLAUSIBLE_MAX of the unit)."""
        return PLAUSIBLE_MAX[self.unit]

    def label(self, lang: str) -> str:
        return i18n.STRINGS[f"measure_name.{self.id}"][i18n.normalize_lang(lang)]

    def description(self, lang: str) -> str:
        """The card's help text ("" for none): its own, or the one all growth rates share."""
        key = f"measure_note.{self.id}"
        if key not in i18n.STRINGS and self.formula and self.formula.op == "yoy_pct":
            key = i18n.key("measure_note_yoy")
        return i18n.STRINGS[key][i18n.normalize_lang(lang)] if key in i18n.STRINGS else ""


def _stock(id_: str, *, unit: Unit = "persons", good: Good = "up", **kw) -> Measure:
    """A stock at month end (participants, arrears); on the map unless told otherwise."""
    kw.setdefault("mappable", True)
    kw.setdefault("public", True)
    return Measure(
        id=id_,
        unit=unit,
        kind="stock",
        geo_agg="sum",
        time_agg="last",
        good=good,
        **kw,
    )


def _ytd(id_: str, *, unit: Unit, good: Good = None, **kw) -> Measure:
    """A year-to-date flow (revenue, benefits): provinces add up, the last month holds the year."""
    kw.setdefault("public", True)
    return Measure(
        id=id_,
        unit=unit,
        kind="ytd_flow",
        geo_agg="sum",
        time_agg="last",
        good=good,
        **kw,
    )


def _rate(id_: str, formula: Formula, *, good: Good = "up", **kw) -> Measure:
    """A percentage computed from its formula, recomputed from summed parts (never averaged)."""
    kw.setdefault("mappable", True)
    kw.setdefault("public", True)
    return Measure(
        id=id_,
        unit="percent",
        kind="rate",
        geo_agg="ratio",
        time_agg="recompute",
        good=good,
        formula=formula,
        **kw,
    )


def _national_count(id_: str) -> Measure:
    return Measure(
        id=id_,
        unit="count",
        kind="count",
        geo_agg="none",
        time_agg="last",
        good="up",
        public=True,
        national_only=True,
    )


def _national_ytd(id_: str, *, unit: Unit, good: Good = None) -> Measure:
    """A year-to-date flow only ever published nationally (no province series, no demo)."""
    return Measure(
        id=id_,
        unit=unit,
        kind="ytd_flow",
        geo_agg="none",
        time_agg="last",
        good=good,
        public=True,
        national_only=True,
    )


def _yoy(id_: str, base: str, *, good="up", public=True) -> Measure:
    """Growth on the same month a year earlier (mappable=False: a map of growth rates is not a
    page of this product)."""
    return _rate(
        id_,
        Formula("yoy_pct", (base,)),
        good=good,
        public=public,
        mappable=False,
    )


MEASURES: tuple[Measure, ...] = (
    # --- participants (stocks at month end, persons)
    _stock("si_compulsory", headers=(("bhxh", "bat buoc"), ("xa hoi", "bat buoc"))),
    _stock("si_voluntary", headers=(("bhxh", "tu nguyen"), ("xa hoi", "tu nguyen"))),
    _stock(
        "si_participants",
        formula=Formula("sum", ("si_compulsory", "si_voluntary")),
    ),
    _stock("ui_participants", headers=(("bhtn",), ("that nghiep",))),
    _stock("hi_participants", headers=(("bhyt",), ("y te",))),
    # --- denominators
    _stock(
        "labour_force_working_age",
        good=None,
        mappable=False,
        headers=(("luc luong lao dong",),),
    ),
    _stock("population", good=None, mappable=False, headers=(("dan so",),)),
    # --- money
    _stock(
        "late_payment_amount",
        unit="billion_vnd",
        good="down",
        public=False,
        mappable=False,
        headers=(("cham dong",), ("no dong",)),
    ),
    _ytd(
        "revenue_collected",
        unit="billion_vnd",
        good="up",
        headers=(("da thu",), ("so thu",), ("thuc thu",)),
    ),
    _ytd("amount_receivable", unit="billion_vnd", public=False, headers=(("phai thu",),)),
    _ytd(
        "hi_medical_cost",
        unit="billion_vnd",
        public=False,
        headers=(("chi phi", "kcb"), ("chi phi", "kham chua benh")),
    ),
    _ytd("hi_medical_visits", unit="visits"),
    # --- benefits (year-to-date flows)
    _ytd(
        "pension_monthly_allowance_cases",
        unit="cases",
        aliases=("pension_new_monthly",),
    ),
    _ytd(
        "si_one_time_benefit_persons",
        unit="persons",
        good="down",
        aliases=("si_lump_sum_cases",),
    ),
    _ytd(
        "short_term_benefit_cases",
        unit="cases",
    ),
    _ytd(
        "ui_benefit_persons",
        unit="persons",
    ),
    _ytd(
        "ui_vocational_training_persons",
        unit="persons",
    ),
    # --- published nationally only (no province series exists; no demo values)
    _national_ytd(
        "expenditure_total",
        unit="billion_vnd",
    ),
    _national_ytd(
        "revenue_collected_si_compulsory",
        unit="billion_vnd",
        good="up",
    ),
    _national_ytd(
        "ui_benefit_decisions",
        unit="cases",
    ),
    _national_ytd(
        "ui_vocational_training_decisions",
        unit="cases",
    ),
    Measure(
        id="late_payment_amount_nonstate",
        unit="billion_vnd",
        kind="stock",
        geo_agg="none",
        time_agg="last",
        good="down",
        public=False,
        national_only=True,
    ),
    Measure(
        id="si_hi_participants_total",
        unit="persons",
        kind="stock",
        geo_agg="none",
        time_agg="last",
        good="up",
        public=True,
    ),
    # --- Resolution 116/NQ-CP (2021): UI-fund support, cumulative since the programme began
    Measure(
        id="ui_fund_support_employees",
        unit="persons",
        kind="cumulative",
        geo_agg="sum",
        time_agg="last",
        good="up",
        public=True,
    ),
    Measure(
        id="ui_fund_support_amount",
        unit="billion_vnd",
        kind="cumulative",
        geo_agg="sum",
        time_agg="last",
        good=None,
        public=True,
    ),
    # --- rates (derived)
    _rate(
        "si_coverage_rate",
        Formula("ratio", ("si_participants", "labour_force_working_age")),
    ),
    _rate(
        "si_compulsory_rate",
        Formula("ratio", ("si_compulsory", "labour_force_working_age")),
    ),
    _rate(
        "si_voluntary_rate",
        Formula("ratio", ("si_voluntary", "labour_force_working_age")),
    ),
    _rate(
        "ui_coverage_rate",
        Formula("ratio", ("ui_participants", "labour_force_working_age")),
    ),
    _rate(
        "hi_coverage_rate",
        Formula("ratio", ("hi_participants", "population")),
    ),
    _rate(
        "late_payment_rate",
        Formula("ratio", ("late_payment_amount", "amount_receivable")),
        good="down",
        public=False,
    ),
    _rate(
        "revenue_plan_completion",
        Formula("plan_ratio", ("revenue_collected",)),
    ),
    _rate(
        "si_plan_completion",
        Formula("plan_ratio", ("si_participants",)),
    ),
    _rate(
        "hi_plan_completion",
        Formula("plan_ratio", ("hi_participants",)),
    ),
    _rate(
        "ui_fund_support_plan_completion",
        Formula("plan_ratio", ("ui_fund_support_employees",)),
        mappable=False,
    ),
    _rate(
        "hi_medical_cost_yoy",
        Formula("yoy_pct", ("hi_medical_cost",)),
        good="down",
        public=False,
        aliases=("hi_medical_cost_yoy_pct",),
    ),
    _yoy(
        "si_participants_yoy_pct",
        "si_participants",
    ),
    _yoy(
        "ui_participants_yoy_pct",
        "ui_participants",
    ),
    _yoy(
        "hi_participants_yoy_pct",
        "hi_participants",
    ),
    _yoy(
        "revenue_collected_yoy_pct",
        "revenue_collected",
    ),
    _yoy(
        "si_lump_sum_cases_yoy_pct",
        "si_one_time_benefit_persons",
        good="down",
    ),
    _rate(
        "revenue_plan_excess_pct",
        Formula("plan_excess", ("revenue_collected",)),
        mappable=False,
    ),
    # --- national counts published in VSS news (no province breakdown exists)
    _national_count(
        "pm_assigned_tasks_completed",
    ),
    _national_count(
        "leadership_tasks_completed",
    ),
    _national_count(
        "local_recommendations_resolved",
    ),
    _national_count(
        "provinces_with_si_coverage_indicator",
    ),
    _national_count(
        "provinces_with_hi_coverage_indicator",
    ),
    _national_count(
        "provinces_supporting_voluntary_si",
    ),
    _national_count(
        "provinces_supporting_hi",
    ),
    _national_count(
        "provinces_with_steering_committee_to_commune",
    ),
)


def _check(measures: tuple[Measure, ...]) -> None:
    """What no single entry can check: ids and aliases unique, formulas over known measures."""
    names = [m.id for m in measures] + [a for m in measures for a in m.aliases]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"measure ids or aliases used twice: {repeated}")
    ids = {m.id for m in measures}
    for m in measures:
        unknown = [a for a in (m.formula.args if m.formula else ()) if a not in ids]
        if unknown:
            raise ValueError(f"measure {m.id!r}: formula uses unknown {unknown}")


_check(MEASURES)
BY_ID: dict[str, Measure] = {m.id: m for m in MEASURES}
ALIASES: dict[str, str] = {a: m.id for m in MEASURES for a in m.aliases}
STORED_IDS: tuple[str, ...] = tuple(m.id for m in MEASURES if not m.derived)
DERIVED_IDS: tuple[str, ...] = tuple(m.id for m in MEASURES if m.derived)
# measures whose annual plan the plans table holds, per province
PLANNED_IDS: tuple[str, ...] = tuple(
    m.formula.args[0] for m in MEASURES if m.formula and m.formula.op == "plan_ratio"
)


def report_headers() -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]:
    """(id, header words) of every measure a report's column can hold, in the order the import
    tries them: money before people, since a revenue header also names the insurance it is for
    ("Số thu BHXH bắt buộc"), then catalogue order."""
    read = [m for m in MEASURES if m.headers]
    return tuple((m.id, m.headers) for m in sorted(read, key=lambda m: m.unit == "persons"))


def shares_of_a_whole() -> tuple[tuple[tuple[str, ...], str], ...]:
    """(stored parts, denominator) of every rate of people among people (a coverage rate): the
    parts together cannot exceed the denominator. A rate whose parts lie within another's of the
    same denominator adds nothing and is left out (SI compulsory within SI participants)."""
    pairs = {
        (tuple(sorted(base_measures(m.formula.args[0]))), m.formula.args[1])
        for m in MEASURES
        if m.formula
        and m.formula.op == "ratio"
        and all(get(a).unit == "persons" for a in m.formula.args)
    }
    return tuple(
        sorted(
            (parts, d)
            for parts, d in pairs
            if not any(d == d2 and set(parts) < set(p2) for p2, d2 in pairs)
        )
    )


def has(measure_id: str) -> bool:
    """True for a catalogue id or one of its aliases."""
    return measure_id in BY_ID or measure_id in ALIASES


def canonical_id(measure_id: str) -> str:
    """The catalogue id of an id or alias (unknown ids are returned as they are)."""
    return ALIASES.get(measure_id, measure_id)


def get(measure_id: str) -> Measure:
    """The measure with this id or alias; KeyError naming the valid ids otherwise."""
    try:
        return BY_ID[canonical_id(measure_id)]
    except KeyError:
        raise KeyError(
            f"unknown measure {measure_id!r}; valid: {', '.join(sorted(BY_ID))}"
        ) from None


def base_measures(measure_id: str) -> set[str]:
    """The stored measures a measure is computed from (itself, if it is stored)."""
    m = get(measure_id)
    if m.formula is None:
        return {m.id}
    out: set[str] = set()
    for arg in m.formula.args:
        out |= base_measures(arg)
    return out
