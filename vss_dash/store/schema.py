"""The store's tables and their rules, shared by both backends (parquet.py, postgres.py).

Tables (tidy, long), written together as one generation:
- observations: period, layout, geo_code, measure, value, status, source_id, vintage
- plans: year, layout, geo_code, measure, target, status, source_id
- sources: source_id, title, publisher, date, reference, note

`status` is the ordered enum `STATUS` (demo < reported < published), the one place that order is
written: the weakest status of several values is their `min()`. Frames enter the store through
`conform` (a write, an import) and leave it through `assemble` (every load), both of which cast
status to it.

Every load is validated; a store that breaks a rule raises `StoreInvalid` carrying each problem with
the file, the row's key and the rule, in Vietnamese and English. A write is validated first
(`prepare`), by either backend, and nothing is written if a rule is broken. Observations keep
every vintage: the newest vintage of a key is current.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from vss_dash import catalog, geo, i18n

STATUS = pl.Enum(["demo", "reported", "published"])
"""A value's status, weakest first: min() of statuses is the weakest (a sum of a demo value and a
published one is demo), max() the strongest, and a sort puts demo first."""
STATUS_VALUES: tuple[str, ...] = tuple(STATUS.categories.to_list())


def weakest(statuses: Iterable[str]) -> str | None:
    """The weakest of some statuses (None for none), for code holding them as plain strings."""
    return pl.Series(list(statuses), dtype=STATUS).min()


OBS_SCHEMA: dict[str, pl.DataType] = {
    "period": pl.Date(),
    "layout": pl.String(),
    "geo_code": pl.String(),
    "measure": pl.String(),
    "value": pl.Float64(),
    "status": STATUS,
    "source_id": pl.String(),
    "vintage": pl.Datetime("us", "UTC"),
}
OBS_KEY = ("period", "layout", "geo_code", "measure", "vintage")

PLAN_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int32(),
    "layout": pl.String(),
    "geo_code": pl.String(),
    "measure": pl.String(),
    "target": pl.Float64(),
    "status": STATUS,
    "source_id": pl.String(),
}
PLAN_KEY = ("year", "layout", "geo_code", "measure")

SOURCE_SCHEMA: dict[str, pl.DataType] = {
    "source_id": pl.String(),
    "title": pl.String(),
    "publisher": pl.String(),
    "date": pl.Date(),
    "reference": pl.String(),
    "note": pl.String(),
}

LAYOUT_VALUES = ("VN", "P63", "P34")
FILES = {
    "observations": "observations.parquet",
    "plans": "plans.parquet",
    "sources": "sources.parquet",
}
"""The tables by name: the file each is in a Parquet generation, and names in problems."""
KEEP_PREVIOUS = 2  # generations kept after a switch, for readers that are still reading them
GENERATION_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
"""A generation id: it names a directory (Parquet) and a row (PostgreSQL)."""


@dataclass(frozen=True)
class Problem:
    file: str
    key: str
    rule: str
    message_vi: str
    message_en: str

    def __str__(self) -> str:
        return f"{self.file} [{self.key}] {self.rule}: {self.message_vi} / {self.message_en}"


class StoreInvalid(Exception):
    """The store breaks one or more validation rules."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        head = "\n".join(str(p) for p in problems[:20])
        more = " / ".join(i18n.both("store.more", n=len(problems) - 20))
        title = " / ".join(i18n.both("store.problems", n=len(problems)))
        super().__init__(f"{title}:\n{head}" + (f"\n… {more}" if len(problems) > 20 else ""))


# ---------------------------------------------------------------- validation


def _key_text(row: dict, key: tuple[str, ...]) -> str:
    return ", ".join(f"{k}={row[k]}" for k in key if k in row)


# A rule: (name, expression true on a broken row, key of its message in i18n's table). Messages
# are templates over the row's columns. The rule tables below read best one rule a line.
# fmt: off
Rule = tuple[str, pl.Expr, str]


def _problems(df: pl.DataFrame, file: str, key: tuple[str, ...], rules: list[Rule],
              limit: int = 50) -> list[Problem]:
    out = []
    for rule, mask, text in rules:
        for r in df.filter(mask).head(limit).iter_rows(named=True):
            out.append(Problem(file, _key_text(r, key), rule, *i18n.both(text, **r)))
    return out


def _check_schema(df: pl.DataFrame, schema: dict[str, pl.DataType], file: str) -> list[Problem]:
    out = []
    for col, dtype in schema.items():
        if col not in df.columns:
            out.append(Problem(file, "-", "schema",
                               *i18n.both("store.schema_missing", column=col)))
        elif df.schema[col] != dtype and not (dtype == STATUS and df.schema[col] == pl.String):
            # a status as text (a frame not yet conformed, a file written before the enum) is
            # checked by the status rule instead
            out.append(Problem(file, "-", "schema", *i18n.both(
                "store.schema_type", column=col, actual=df.schema[col], expected=dtype)))
    return out


def _valid_geo_expr() -> pl.Expr:
    """True where geo_code exists in its layout at its period (P63 to 2025-06, P34 from 2025-07)."""
    before = pl.col("period") < geo.MERGER_DATE
    return (
        ((pl.col("layout") == "VN") & (pl.col("geo_code") == geo.NATIONAL))
        | ((pl.col("layout") == "P63") & pl.col("geo_code").is_in(geo.codes("P63")) & before)
        | ((pl.col("layout") == "P34") & pl.col("geo_code").is_in(geo.codes("P34")) & ~before)
    )


_STATUS_RULE: Rule = ("status", ~pl.col("status").cast(pl.String).is_in(STATUS_VALUES),
                      i18n.key("store.status"))


def _common_rules(key: tuple[str, ...]) -> list[Rule]:
    return [
        ("layout", ~pl.col("layout").is_in(LAYOUT_VALUES),
         i18n.key("store.layout")),
        _STATUS_RULE,
        ("measure", ~pl.col("measure").is_in(list(catalog.BY_ID)),
         i18n.key("store.measure")),
        ("unique_key", pl.struct(list(key)).is_duplicated(), i18n.key("store.unique_key")),
    ]


def validate_observations(df: pl.DataFrame, file: str = FILES["observations"]) -> list[Problem]:
    out = _check_schema(df, OBS_SCHEMA, file)
    if out:
        return out
    nulls = pl.any_horizontal(pl.col(c).is_null() for c in OBS_SCHEMA)
    out = _problems(df, file, OBS_KEY, [("not_null", nulls, i18n.key("store.not_null"))])
    # shares of a whole (coverage, late payment) lie in 0–100; plan completion and growth need not
    shares = [m.id for m in catalog.MEASURES if m.formula and m.formula.op == "ratio"]
    counts = [m.id for m in catalog.MEASURES if m.kind != "rate"]
    derived = list(catalog.DERIVED_IDS)
    ceilings = {m.id: m.plausible_max for m in catalog.MEASURES}
    return out + _problems(df.filter(~nulls), file, OBS_KEY, [
        *_common_rules(OBS_KEY)[:3],
        ("derived_stored",
         pl.col("measure").is_in(derived) & (pl.col("status") != "published"),
         i18n.key("store.derived_stored")),
        ("period_month_end", pl.col("period") != pl.col("period").dt.month_end(),
         i18n.key("store.period_month_end")),
        ("geo_code", ~_valid_geo_expr(),
         i18n.key("store.geo_code")),
        ("rate_range", pl.col("measure").is_in(shares) & ~pl.col("value").is_between(0, 100),
         i18n.key("store.rate_range")),
        ("non_negative", pl.col("measure").is_in(counts) & (pl.col("value") < 0),
         i18n.key("store.non_negative")),
        ("plausible",
         pl.col("value").is_finite()
         & (pl.col("value") > pl.col("measure").replace_strict(ceilings, default=None)),
         i18n.key("store.plausible")),
        ("finite", ~pl.col("value").is_finite(), i18n.key("store.finite")),
        _common_rules(OBS_KEY)[3],
    ])


def validate_plans(df: pl.DataFrame, file: str = FILES["plans"]) -> list[Problem]:
    out = _check_schema(df, PLAN_SCHEMA, file)
    if out:
        return out
    return _problems(df, file, PLAN_KEY, [
        *_common_rules(PLAN_KEY),
        ("non_negative", pl.col("target") < 0, i18n.key("store.negative_target")),
    ])


def validate_sources(df: pl.DataFrame, file: str = FILES["sources"]) -> list[Problem]:
    out = _check_schema(df, SOURCE_SCHEMA, file)
    if out:
        return out
    return _problems(df, file, ("source_id",), [
        ("unique_key", pl.col("source_id").is_duplicated(),
         i18n.key("store.unique_source"))])


def validate_references(obs: pl.DataFrame, plans: pl.DataFrame,
                        sources: pl.DataFrame) -> list[Problem]:
    """Every source_id used by observations and plans exists in the sources table."""
    rule: Rule = ("source_exists", ~pl.col("source_id").is_in(sources["source_id"].to_list()),
                  i18n.key("store.source_exists"))
    return (_problems(obs.unique("source_id"), FILES["observations"], ("source_id",), [rule])
            + _problems(plans.unique("source_id"), FILES["plans"], ("source_id",), [rule]))


# fmt: on


# ---------------------------------------------------------------- the store's frames


@dataclass(frozen=True)
class Store:
    observations: pl.LazyFrame  # every vintage
    plans: pl.DataFrame
    sources: pl.DataFrame
    directory: Path  # or, for the PostgreSQL store, its URI with the password masked
    generation: str = ""  # the write these files came from ("" for files older than the id)

    def current(self) -> pl.LazyFrame:
        """Observations with only the newest vintage of each key."""
        return current(self.observations)

    def periods(self) -> list[date]:
        return (
            self.observations.select(pl.col("period").unique().sort()).collect()["period"].to_list()
        )


def current(observations: pl.LazyFrame) -> pl.LazyFrame:
    keys = [k for k in OBS_KEY if k != "vintage"]
    return observations.sort("vintage").group_by(keys, maintain_order=True).last()


def assemble(
    obs_df: pl.DataFrame,
    plans: pl.DataFrame,
    sources: pl.DataFrame,
    where: Path | str,
    generation: str,
    validate: bool = True,
) -> Store:
    """The Store of three frames read from one generation (by either backend): validated unless
    `validate` is false, status as STATUS."""
    if validate:
        problems = validate_observations(obs_df) + validate_plans(plans) + validate_sources(sources)
        if not problems:
            problems = validate_references(obs_df, plans, sources)
        if problems:
            raise StoreInvalid(problems)
    if "status" in obs_df.columns:  # files written before status was an enum hold it as text
        obs_df = with_status(obs_df)
    if "status" in plans.columns:
        plans = with_status(plans, FILES["plans"])
    return Store(obs_df.lazy(), plans, sources, where, generation)  # type: ignore[arg-type]


def conform(df: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Columns in schema order with schema types. A status that is not one of STATUS raises
    StoreInvalid (rule "status"), not a cast error."""
    if schema.get("status") == STATUS and "status" in df.columns:
        df = with_status(df, FILES["plans" if "target" in schema else "observations"])
    return df.select([pl.col(c).cast(t) for c, t in schema.items()])


def with_status(df: pl.DataFrame, file: str = FILES["observations"]) -> pl.DataFrame:
    """`df` with its status column as STATUS; StoreInvalid (rule "status") for a value that is
    not a status."""
    if df.schema["status"] == STATUS:
        return df
    bad = df.filter(pl.col("status").is_not_null() & _STATUS_RULE[1])
    if bad.height:
        key = PLAN_KEY if file == FILES["plans"] else OBS_KEY
        raise StoreInvalid(_problems(bad, file, key, [_STATUS_RULE]))
    return df.with_columns(pl.col("status").cast(STATUS))


def prepare(
    observations: pl.DataFrame, plans: pl.DataFrame, sources: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The three tables conformed, sorted by their keys and validated, as either backend writes
    them; StoreInvalid with every problem if any table breaks a rule."""
    observations = conform(observations, OBS_SCHEMA).sort(list(OBS_KEY))
    plans = conform(plans, PLAN_SCHEMA).sort(list(PLAN_KEY))
    sources = conform(sources, SOURCE_SCHEMA).sort("source_id")
    problems = (
        validate_observations(observations)
        + validate_plans(plans)
        + validate_sources(sources)
        + validate_references(observations, plans, sources)
    )
    if problems:
        raise StoreInvalid(problems)
    return observations, plans, sources


def generation_name(generation_id: str | None) -> str:
    """The id a write is stored under: `generation_id`, else a new random one."""
    name = generation_id or uuid.uuid4().hex
    if not GENERATION_NAME.fullmatch(name):
        raise ValueError(f"generation id {name!r}: letters, digits, '.', '_' and '-' only")
    return name


Tables = tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]
"""observations (every vintage), plans, sources"""


def empty_tables() -> Tables:
    """The three tables of a store that holds nothing yet, in the store's schemas."""
    return (
        pl.DataFrame(schema=OBS_SCHEMA),
        pl.DataFrame(schema=PLAN_SCHEMA),
        pl.DataFrame(schema=SOURCE_SCHEMA),
    )
