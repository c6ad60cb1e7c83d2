"""The Parquet store: the only code that reads or writes the data files.

Tables (tidy, long), one Parquet file each, written together as one generation:
- observations: period, layout, geo_code, measure, value, status, source_id, vintage
- plans: year, layout, geo_code, measure, target, status, source_id
- sources: source_id, title, publisher, date, reference, note

`status` is the ordered enum `STATUS` (demo < reported < published), the one place that order is
written: the weakest status of several values is their `min()`. Frames enter the store through
`conform` (a write, an import) and leave it through `load`, both of which cast status to it.

Every load is validated; a store that breaks a rule raises `StoreInvalid` carrying each problem with
the file, the row's key and the rule, in Vietnamese and English. Observations keep every vintage:
the newest vintage of a key is current.

A write is one generation: a new directory `generations/<id>/` holding the three files, then one
os.replace of the small file `current` that names it. A reader resolves `current` once and opens
the three files of that directory, so no page is ever built from two writes, and a crash at any
point of a write leaves the old store or the new one, never a mix. The next write cleans what a
crash left (temporary files and directories) and keeps the two generations before it for readers
still reading them. The three files also carry the generation id in their Parquet metadata, and a
reader checks that they agree. A directory with the three files at its top and no `current` (the
earlier layout) is read as it is and converted by its next write.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from vss_dash import catalog, geo, i18n, settings
from vss_dash.paths import store_dir

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


# ---------------------------------------------------------------- reading and writing


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


def load(directory: Path | str | None = None, validate: bool = True) -> Store:
    """Open the store. Raises FileNotFoundError if a table is missing, StoreInvalid if invalid.
    `directory` is a Parquet directory or a `postgresql://` URI (default: `location()`)."""
    where = location() if directory is None else directory
    if is_database(where):
        from vss_dash import store_pg

        return store_pg.load(str(where), validate=validate)
    d = Path(where)
    generation, (obs_df, plans, sources) = _read_consistent(d)
    return assemble(obs_df, plans, sources, d, generation, validate=validate)


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


# ---------------------------------------------------------------- where the store is
#
# The one place that chooses the backend: a `postgresql://` URI is the PostgreSQL store
# (vss_dash/store_pg.py), anything else a Parquet directory.

DATABASE_SCHEMES = ("postgresql://", "postgres://")


def location() -> Path | str:
    """The store the app and the CLI use: `VSS_STORE` (a directory or a `postgresql://` URI),
    else the Parquet directory `paths.store_dir()` (`VSS_DATA_DIR`, else data/store)."""
    return settings.env("VSS_STORE") or store_dir()


def is_database(where: Path | str) -> bool:
    """True for a PostgreSQL URI. A URI passed through Path() has lost a slash and cannot be
    read back: refused, so it is never taken for a directory named `postgresql:`."""
    if isinstance(where, str):
        return where.startswith(DATABASE_SCHEMES)
    if str(where).startswith(tuple(s.rstrip("/") for s in DATABASE_SCHEMES)):
        raise ValueError("a PostgreSQL store is named by its URI as text, not as a Path")
    return False


def shown(where: Path | str) -> str:
    """The store's location as it may be printed or logged: a URI without its password."""
    if is_database(where):
        from vss_dash import store_pg

        return store_pg.masked(str(where))
    return str(where)


def token(where: Path | str | None = None) -> tuple:
    """Changes whenever the store gets a new current generation (cache keys): the current
    generation and its write's sequence number on PostgreSQL, the files' times for Parquet."""
    where = location() if where is None else where
    if is_database(where):
        from vss_dash import store_pg

        return store_pg.token(str(where))
    d = Path(where)
    return tuple((f, (d / f).stat().st_mtime_ns) for f in FILES.values() if (d / f).exists())


GENERATION_KEY = "vss_store_generation"
READ_ATTEMPTS = 50

# ---------------------------------------------------------------- layout on disk
#
#   current                     one line: the name of the current generation's directory
#   generations/<name>/         one directory per write, holding the three Parquet files
#   observations.parquet, ...   symbolic links into the current generation, for tools and for
#                               readers of the earlier layout; the store never reads them
#   .store.lock                 one write at a time
#
# A write fills a new directory, then replaces `current` with os.replace: the one step that
# switches every reader from the old store to the new. A directory without `current` is the
# earlier layout (the three files at the top); it is read as it is and converted by its next write.

CURRENT = "current"
GENERATIONS = "generations"
WRITE_LOCK = ".store.lock"
TMP_PREFIX = ".tmp-"  # a directory being written (or left by a crash)
KEEP_PREVIOUS = 2  # generations kept after a switch, for readers that are still reading them
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
_POINTER = re.compile(rf"(?:{re.escape(TMP_PREFIX)})?{_NAME.pattern}")


def _current_name(d: Path) -> str | None:
    """The generation `current` names; None if there is no pointer (the earlier layout)."""
    try:
        raw = (d / CURRENT).read_bytes()[:256]
    except FileNotFoundError:
        return None
    name = raw.decode("ascii", "replace").strip()
    if not _POINTER.fullmatch(name):
        raise StoreInvalid(
            [Problem(CURRENT, name[:40] or "-", "pointer", *i18n.both("store.pointer"))]
        )
    return name


def files(directory: Path | None = None) -> dict[str, Path]:
    """The current generation's files by table (the top-level files in the earlier layout).
    Resolved once: a write after this call does not change what the paths name."""
    d = Path(directory) if directory is not None else store_dir()
    name = _current_name(d)
    base = d if name is None else d / GENERATIONS / name
    return {table: base / fname for table, fname in FILES.items()}


def generation(path: Path) -> str:
    """The generation id a store file was written with ("" if none)."""
    return pl.read_parquet_metadata(path).get(GENERATION_KEY, "")


def _read_consistent(d: Path) -> tuple[str, tuple[pl.DataFrame, ...]]:
    """Read the three files of one generation. The pointer is resolved once per attempt and each
    file opened once, its id and table read through that handle (neither a rename nor a removal
    reaches an open file). The three ids must agree (a hand-made mix, or a reader of the earlier
    layout while a write converts it, would not), else the read starts again; so does a read
    whose generation was removed between the pointer and the open."""
    order = ("observations", "plans", "sources")
    paths: dict[str, Path] = {}
    for _ in range(READ_ATTEMPTS):
        paths = files(d)
        try:
            with contextlib.ExitStack() as stack:
                handles = [stack.enter_context(open(paths[n], "rb")) for n in order]
                ids = []
                for f in handles:
                    ids.append(pl.read_parquet_metadata(f).get(GENERATION_KEY, ""))
                    f.seek(0)
                if len(set(ids)) == 1:
                    return ids[0], tuple(pl.read_parquet(f) for f in handles)
        except FileNotFoundError:
            if not (d / CURRENT).exists():
                missing = next((n for n in order if not paths[n].exists()), "observations")
                raise FileNotFoundError(
                    f"{missing}: {paths[missing]} không tồn tại / does not exist"
                ) from None
        time.sleep(0.02)
    if not all(p.exists() for p in paths.values()):
        raise FileNotFoundError(f"{paths['observations'].parent}: không đủ tệp / files missing")
    ids = ", ".join(f"{n}={generation(paths[n]) or '-'}" for n in order)
    raise StoreInvalid([Problem("*", ids, "one_generation", *i18n.both("store.one_generation"))])


def _fsync_path(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _write_lock(d: Path) -> Iterator[None]:
    """One write at a time per store (imports hold their own lock around the whole import).
    The lock file is never followed if it is a symbolic link."""
    fd = os.open(d / WRITE_LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _complete(g: Path) -> bool:
    return all((g / f).is_file() for f in FILES.values())


def _same_files(a: Path, b: Path) -> bool:
    return all((a / f).read_bytes() == (b / f).read_bytes() for f in FILES.values())


def _clean(d: Path) -> None:
    """What a crashed write left: temporary files at the top and temporary directories that
    `current` does not name. Called under the write lock, so no write is using them."""
    current = _current_name(d)
    for p in d.iterdir():
        if p.name.startswith(".") and p.name.endswith(".tmp") and not p.is_dir():
            p.unlink(missing_ok=True)
    gens = d / GENERATIONS
    if gens.is_dir():
        for g in gens.iterdir():
            if g.name.startswith(TMP_PREFIX) and g.name != current:
                _remove(g)


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p)
    else:
        p.unlink(missing_ok=True)


def _prune(d: Path, keep: int) -> None:
    """Keep the current generation and the `keep` newest complete ones before it; remove the
    rest (older generations, and incomplete or temporary ones a crash left)."""
    current = _current_name(d)
    gens = d / GENERATIONS
    kept: list[tuple[int, Path]] = []
    for g in gens.iterdir():
        if g.name == current:
            continue
        if g.name.startswith(TMP_PREFIX) or not g.is_dir() or not _complete(g):
            _remove(g)
        else:
            kept.append((g.stat().st_mtime_ns, g))
    for _, g in sorted(kept, key=lambda x: x[0], reverse=True)[keep:]:
        _remove(g)


def _point(d: Path, name: str) -> None:
    """Make `name` the current generation: one os.replace of a small, synced file."""
    tmp = d / f".{CURRENT}.{uuid.uuid4().hex}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        os.write(fd, f"{name}\n".encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, d / CURRENT)
    _fsync_path(d, directory=True)


def _link_top_level(d: Path, name: str) -> None:
    """The top-level names as links into the current generation (for tools and readers of the
    earlier layout), each replaced atomically. Not part of the switch: nothing of the store's
    own reads them."""
    for fname in FILES.values():
        link, target = d / fname, f"{GENERATIONS}/{name}/{fname}"
        if link.is_symlink() and os.readlink(link) == target:
            continue
        tmp = d / f".{fname}.{uuid.uuid4().hex}.tmp"
        os.symlink(target, tmp)
        try:
            os.replace(tmp, link)
        except OSError:  # a directory in the way: leave it, the store does not need the link
            tmp.unlink(missing_ok=True)


def _install(d: Path, staging: Path, name: str) -> None:
    """Put the written directory `staging` under `name` and switch `current` to it."""
    gens = d / GENERATIONS
    target = gens / name
    if target.exists():
        if name == _current_name(d):
            if _same_files(staging, target):  # the same write again (the demo regenerated)
                shutil.rmtree(staging)
                return
            # the current generation rewritten under its own name: readers move to the staging
            # directory while the old one gives way, then back to the name
            _point(d, staging.name)
            shutil.rmtree(target)
            second = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=gens))
            for fname in FILES.values():
                os.link(staging / fname, second / fname)
            os.chmod(second, 0o755)
            os.rename(second, target)
            _fsync_path(gens, directory=True)
            _point(d, name)
            shutil.rmtree(staging)
            return
        _remove(target)  # left by an earlier write and not current
    os.rename(staging, target)
    _fsync_path(gens, directory=True)
    _point(d, name)


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
    if not _NAME.fullmatch(name):
        raise ValueError(f"generation id {name!r}: letters, digits, '.', '_' and '-' only")
    return name


def write(
    directory: Path | str,
    observations: pl.DataFrame,
    plans: pl.DataFrame,
    sources: pl.DataFrame,
    generation_id: str | None = None,
    keep_previous: int = KEEP_PREVIOUS,
) -> None:
    """Validate all three tables, then write them as one new generation; nothing is written if
    any fails. The three files go to a new directory, synced, and `current` is switched to it
    in one os.replace: a reader, or a crash at any point, sees the old store or the new one.
    What an earlier crash left is cleaned first; the `keep_previous` generations before the new
    one are kept, older ones removed. The files carry `generation_id` (default: a new random id),
    which also names the directory. A `postgresql://` URI writes to the PostgreSQL store
    instead (vss_dash/store_pg.py), with the same validation, in one transaction."""
    if is_database(directory):
        from vss_dash import store_pg

        store_pg.write(
            str(directory),
            observations,
            plans,
            sources,
            generation_id=generation_id,
            keep_previous=keep_previous,
        )
        return
    observations, plans, sources = prepare(observations, plans, sources)
    name = generation_name(generation_id)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with _write_lock(directory):
        _write_locked(directory, (observations, plans, sources), name, keep_previous)


Tables = tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]
"""observations (every vintage), plans, sources"""


def empty_tables() -> Tables:
    """The three tables of a store that holds nothing yet, in the store's schemas."""
    return (
        pl.DataFrame(schema=OBS_SCHEMA),
        pl.DataFrame(schema=PLAN_SCHEMA),
        pl.DataFrame(schema=SOURCE_SCHEMA),
    )


def update(
    where: Path | str,
    change: Callable[[pl.DataFrame, pl.DataFrame, pl.DataFrame], Tables],
    generation_id: str | None = None,
    keep_previous: int = KEEP_PREVIOUS,
) -> Tables:
    """A read-modify-write as one step: the current tables (every vintage; empty tables for a
    store that holds nothing yet) are read, `change(observations, plans, sources)` returns the
    new three, which are validated and written as a new generation, with no other write
    between the read and the write. Returns the tables written. If `change` raises or its
    tables break a rule, nothing is written. Parquet: under the store's write lock (one writer
    per directory, on this host); PostgreSQL: one transaction under the write lock
    (store_pg.update), so writers on any host wait for each other."""
    if is_database(where):
        from vss_dash import store_pg

        return store_pg.update(
            str(where), change, generation_id=generation_id, keep_previous=keep_previous
        )
    name = generation_name(generation_id)
    directory = Path(where)
    directory.mkdir(parents=True, exist_ok=True)
    with _write_lock(directory):
        try:
            s = load(directory, validate=False)
            before = (s.observations.collect(), s.plans, s.sources)
        except FileNotFoundError:
            before = empty_tables()
        tables = prepare(*change(*before))
        _write_locked(directory, tables, name, keep_previous)
    return tables


def _write_locked(directory: Path, tables_: Tables, name: str, keep_previous: int) -> None:
    """Write prepared tables as generation `name` (the caller holds the write lock)."""
    tables = dict(zip(FILES, tables_, strict=True))
    _clean(directory)
    gens = directory / GENERATIONS
    gens.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=gens))
    try:
        for table, df in tables.items():
            path = staging / FILES[table]
            df.write_parquet(path, statistics=True, metadata={GENERATION_KEY: name})
            os.chmod(path, 0o644)  # replicas may run as other users
            _fsync_path(path)
        os.chmod(staging, 0o755)  # mkdtemp makes 0700
        _fsync_path(staging, directory=True)
    except Exception:
        shutil.rmtree(staging, ignore_errors=True)  # a kill leaves it to the next write
        raise
    _install(directory, staging, name)
    _link_top_level(directory, name)
    _prune(directory, keep_previous)
