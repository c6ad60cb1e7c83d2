"""The Parquet store: the only code that reads or writes the data files.

Tables (tidy, long), one Parquet file each under the store directory:
- observations: period, layout, geo_code, measure, value, status, source_id, vintage
- plans: year, layout, geo_code, measure, target, status, source_id
- sources: source_id, title, publisher, date, reference, note

Every load is validated; a store that breaks a rule raises `StoreInvalid` carrying each problem with
the file, the row's key and the rule, in Vietnamese and English. Writes are atomic (temporary file,
then rename), and observations keep every vintage: the newest vintage of a key is current.

The three files of one write carry the same generation id in their Parquet metadata. A reader
(another process, a replica) checks that the three it read agree, before and after reading, and
reads again if a write replaced them meanwhile: no page is ever built from two stores at once.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from vss_dash import catalog, geo
from vss_dash.paths import store_dir

OBS_SCHEMA: dict[str, pl.DataType] = {
    "period": pl.Date(),
    "layout": pl.String(),
    "geo_code": pl.String(),
    "measure": pl.String(),
    "value": pl.Float64(),
    "status": pl.String(),
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
    "status": pl.String(),
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
STATUS_VALUES = ("published", "reported", "demo")
FILES = {
    "observations": "observations.parquet",
    "plans": "plans.parquet",
    "sources": "sources.parquet",
}


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
        more = (
            f"\n… và {len(problems) - 20} lỗi khác / and {len(problems) - 20} more"
            if len(problems) > 20
            else ""
        )
        super().__init__(f"{len(problems)} problem(s) in the data store:\n{head}{more}")


# ---------------------------------------------------------------- validation


def _key_text(row: dict, key: tuple[str, ...]) -> str:
    return ", ".join(f"{k}={row[k]}" for k in key if k in row)


# A rule: (name, expression true on a broken row, message vi, message en). Messages are
# str.format templates over the row's columns. The rule tables below read best one rule a line.
# fmt: off
Rule = tuple[str, pl.Expr, str, str]


def _problems(df: pl.DataFrame, file: str, key: tuple[str, ...], rules: list[Rule],
              limit: int = 50) -> list[Problem]:
    out = []
    for rule, mask, vi, en in rules:
        for r in df.filter(mask).head(limit).iter_rows(named=True):
            out.append(Problem(file, _key_text(r, key), rule, vi.format(**r), en.format(**r)))
    return out


def _check_schema(df: pl.DataFrame, schema: dict[str, pl.DataType], file: str) -> list[Problem]:
    out = []
    for col, dtype in schema.items():
        if col not in df.columns:
            out.append(Problem(file, "-", "schema", f"thiếu cột '{col}'",
                               f"missing column '{col}'"))
        elif df.schema[col] != dtype:
            out.append(Problem(file, "-", "schema",
                               f"cột '{col}' có kiểu {df.schema[col]}, cần {dtype}",
                               f"column '{col}' has type {df.schema[col]}, expected {dtype}"))
    return out


def _valid_geo_expr() -> pl.Expr:
    """True where geo_code exists in its layout at its period (P63 to 2025-06, P34 from 2025-07)."""
    before = pl.col("period") < geo.MERGER_DATE
    return (
        ((pl.col("layout") == "VN") & (pl.col("geo_code") == geo.NATIONAL))
        | ((pl.col("layout") == "P63") & pl.col("geo_code").is_in(geo.codes("P63")) & before)
        | ((pl.col("layout") == "P34") & pl.col("geo_code").is_in(geo.codes("P34")) & ~before)
    )


def _common_rules(key: tuple[str, ...]) -> list[Rule]:
    return [
        ("layout", ~pl.col("layout").is_in(LAYOUT_VALUES),
         "bố cục '{layout}' không hợp lệ (VN, P63, P34)",
         "layout '{layout}' is not one of VN, P63, P34"),
        ("status", ~pl.col("status").is_in(STATUS_VALUES),
         "trạng thái '{status}' không hợp lệ", "status '{status}' is not valid"),
        ("measure", ~pl.col("measure").is_in(list(catalog.BY_ID)),
         "chỉ tiêu '{measure}' không có trong danh mục",
         "measure '{measure}' is not in the catalogue"),
        ("unique_key", pl.struct(list(key)).is_duplicated(), "trùng khóa", "duplicate key"),
    ]


def validate_observations(df: pl.DataFrame, file: str = FILES["observations"]) -> list[Problem]:
    out = _check_schema(df, OBS_SCHEMA, file)
    if out:
        return out
    nulls = pl.any_horizontal(pl.col(c).is_null() for c in OBS_SCHEMA)
    out = _problems(df, file, OBS_KEY, [("not_null", nulls, "có ô trống", "has an empty cell")])
    # shares of a whole (coverage, late payment) lie in 0–100; plan completion and growth need not
    shares = [m.id for m in catalog.MEASURES if m.formula and m.formula.op == "ratio"]
    counts = [m.id for m in catalog.MEASURES if m.kind != "rate"]
    derived = list(catalog.DERIVED_IDS)
    return out + _problems(df.filter(~nulls), file, OBS_KEY, [
        *_common_rules(OBS_KEY)[:3],
        ("derived_stored",
         pl.col("measure").is_in(derived) & (pl.col("status") != "published"),
         "chỉ tiêu tính toán '{measure}' chỉ được lưu khi là số công bố",
         "derived measure '{measure}' may be stored only as a published figure"),
        ("period_month_end", pl.col("period") != pl.col("period").dt.month_end(),
         "kỳ {period} không phải ngày cuối tháng", "period {period} is not a month end"),
        ("geo_code", ~_valid_geo_expr(),
         "mã tỉnh '{geo_code}' không hợp lệ với bố cục {layout} tại kỳ {period}",
         "geo code '{geo_code}' is not valid for layout {layout} at {period}"),
        ("rate_range", pl.col("measure").is_in(shares) & ~pl.col("value").is_between(0, 100),
         "tỷ lệ {value} nằm ngoài 0–100", "rate {value} is outside 0–100"),
        ("non_negative", pl.col("measure").is_in(counts) & (pl.col("value") < 0),
         "giá trị âm {value}", "negative value {value}"),
        ("finite", ~pl.col("value").is_finite(), "giá trị không hữu hạn", "value is not finite"),
        _common_rules(OBS_KEY)[3],
    ])


def validate_plans(df: pl.DataFrame, file: str = FILES["plans"]) -> list[Problem]:
    out = _check_schema(df, PLAN_SCHEMA, file)
    if out:
        return out
    return _problems(df, file, PLAN_KEY, [
        *_common_rules(PLAN_KEY),
        ("non_negative", pl.col("target") < 0, "kế hoạch âm {target}", "negative target {target}"),
    ])


def validate_sources(df: pl.DataFrame, file: str = FILES["sources"]) -> list[Problem]:
    out = _check_schema(df, SOURCE_SCHEMA, file)
    if out:
        return out
    return _problems(df, file, ("source_id",), [
        ("unique_key", pl.col("source_id").is_duplicated(), "trùng mã nguồn",
         "duplicate source id")])


def validate_references(obs: pl.DataFrame, plans: pl.DataFrame,
                        sources: pl.DataFrame) -> list[Problem]:
    """Every source_id used by observations and plans exists in the sources table."""
    rule: Rule = ("source_exists", ~pl.col("source_id").is_in(sources["source_id"].to_list()),
                  "nguồn '{source_id}' không có trong bảng nguồn",
                  "source '{source_id}' is missing from the sources table")
    return (_problems(obs.unique("source_id"), FILES["observations"], ("source_id",), [rule])
            + _problems(plans.unique("source_id"), FILES["plans"], ("source_id",), [rule]))


# fmt: on


# ---------------------------------------------------------------- reading and writing


@dataclass(frozen=True)
class Store:
    observations: pl.LazyFrame  # every vintage
    plans: pl.DataFrame
    sources: pl.DataFrame
    directory: Path
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


def load(directory: Path | None = None, validate: bool = True) -> Store:
    """Open the store. Raises FileNotFoundError if a table is missing, StoreInvalid if invalid."""
    d = Path(directory) if directory is not None else store_dir()
    paths = {name: d / fname for name, fname in FILES.items()}
    for name, p in paths.items():
        if not p.exists():
            raise FileNotFoundError(f"{name}: {p} không tồn tại / does not exist")
    generation, (obs_df, plans, sources) = _read_consistent(paths)
    obs = obs_df.lazy()
    if validate:
        problems = validate_observations(obs_df) + validate_plans(plans) + validate_sources(sources)
        if not problems:
            problems = validate_references(obs_df, plans, sources)
        if problems:
            raise StoreInvalid(problems)
    return Store(obs, plans, sources, d, generation)


GENERATION_KEY = "vss_store_generation"
READ_ATTEMPTS = 50


def generation(path: Path) -> str:
    """The generation id a store file was written with ("" if none)."""
    return pl.read_parquet_metadata(path).get(GENERATION_KEY, "")


def _read_consistent(paths: dict[str, Path]) -> tuple[str, tuple[pl.DataFrame, ...]]:
    """Read the three files of one generation. Each file is opened once and its id and table
    read through that handle (a rename cannot swap an open file, so no read is torn); the
    three ids must agree, else a write landed between two opens and the read starts again."""
    order = ("observations", "plans", "sources")
    for _ in range(READ_ATTEMPTS):
        with contextlib.ExitStack() as stack:
            handles = [stack.enter_context(open(paths[n], "rb")) for n in order]
            ids = []
            for f in handles:
                ids.append(pl.read_parquet_metadata(f).get(GENERATION_KEY, ""))
                f.seek(0)
            if len(set(ids)) == 1:
                return ids[0], tuple(pl.read_parquet(f) for f in handles)
        time.sleep(0.02)
    ids = ", ".join(f"{n}={generation(paths[n]) or '-'}" for n in order)
    raise StoreInvalid(
        [Problem("*", ids, "one_generation",
                 "các tệp của kho đến từ những lần ghi khác nhau (có tệp bị thay bằng tay?)",
                 "the store's files come from different writes (was one replaced by hand?)")]
    )  # fmt: skip


def _atomic_write(frames: dict[Path, pl.DataFrame], generation_id: str) -> None:
    """Write every frame to a temporary file beside its target first; only when all are written
    are they renamed into place. A failure while writing leaves every old file untouched, and
    each rename is atomic on POSIX: a reader sees a file's old or new version, never half."""
    written: list[tuple[str, Path]] = []
    try:
        for path, df in frames.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            os.close(fd)
            written.append((tmp, path))
            df.write_parquet(tmp, statistics=True, metadata={GENERATION_KEY: generation_id})
            os.chmod(tmp, 0o644)  # mkstemp makes 0600: replicas may run as other users
        for tmp, path in written:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in written:
            Path(tmp).unlink(missing_ok=True)
        raise


def conform(df: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Columns in schema order with schema types."""
    return df.select([pl.col(c).cast(t) for c, t in schema.items()])


def write(
    directory: Path,
    observations: pl.DataFrame,
    plans: pl.DataFrame,
    sources: pl.DataFrame,
    generation_id: str | None = None,
) -> None:
    """Validate all three tables, then write each atomically; nothing is written if any fails.
    The files carry `generation_id` (default: a new random id) so readers can tell them apart."""
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
    directory = Path(directory)
    # sources first and observations last, so a reader between two renames never meets a
    # source id that the sources table lacks
    _atomic_write(
        {
            directory / FILES["sources"]: sources,
            directory / FILES["plans"]: plans,
            directory / FILES["observations"]: observations,
        },
        generation_id or uuid.uuid4().hex,
    )
