"""The store refuses every broken rule with the file, the row's key and the rule, in both
languages; it writes atomically and keeps every vintage."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from vss_dash import store

V1 = datetime(2026, 1, 1, tzinfo=UTC)
V2 = datetime(2026, 2, 1, tzinfo=UTC)


def obs(**overrides) -> pl.DataFrame:
    row = {
        "period": date(2024, 9, 30),
        "layout": "P63",
        "geo_code": "01",
        "measure": "si_compulsory",
        "value": 100.0,
        "status": "demo",
        "source_id": "s1",
        "vintage": V1,
    }
    row.update(overrides)
    return store.conform(pl.DataFrame([row]), store.OBS_SCHEMA)


PLANS = store.conform(
    pl.DataFrame(
        [
            {
                "year": 2024,
                "layout": "P63",
                "geo_code": "01",
                "measure": "revenue_collected",
                "target": 5.0,
                "status": "demo",
                "source_id": "s1",
            }
        ]
    ),
    store.PLAN_SCHEMA,
)
SOURCES = store.conform(
    pl.DataFrame(
        [
            {
                "source_id": "s1",
                "title": "t",
                "publisher": "p",
                "date": date(2026, 1, 1),
                "reference": "r",
                "note": "",
            }
        ]
    ),
    store.SOURCE_SCHEMA,
)


def kept(where) -> list[str]:
    """The generations a store keeps (either backend), by name."""
    if store.is_database(where):
        from vss_dash.store import postgres

        return sorted(postgres.generations(where))
    return sorted(p.name for p in (where / "generations").iterdir())


def untouched(where) -> bool:
    """Nothing was ever written to this store."""
    if store.is_database(where):
        return store.token(where) == ()
    return not where.exists() or not list(where.iterdir())


def test_a_valid_row_has_no_problem():
    assert store.validate_observations(obs()) == []


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        ({"layout": "P99"}, "layout"),
        ({"measure": "si_everyone"}, "measure"),
        ({"measure": "si_coverage_rate", "value": 40.0}, "derived_stored"),  # demo rate stored
        ({"period": date(2024, 9, 15)}, "period_month_end"),
        ({"geo_code": "99"}, "geo_code"),
        ({"layout": "P34", "geo_code": "01"}, "geo_code"),  # P34 before the merger
        ({"layout": "P63", "period": date(2025, 7, 31)}, "geo_code"),  # P63 after it
        ({"layout": "P63", "geo_code": "74", "period": date(2025, 9, 30)}, "geo_code"),
        ({"layout": "VN", "geo_code": "01"}, "geo_code"),
        ({"measure": "si_coverage_rate", "value": 140.0, "status": "published"}, "rate_range"),
        ({"value": -1.0}, "non_negative"),
        ({"value": float("inf")}, "finite"),
        ({"value": None}, "not_null"),
    ],
)
def test_each_rule_refuses_with_its_message(overrides, rule):
    problems = store.validate_observations(obs(**overrides))
    assert problems, "the broken row was accepted"
    p = problems[0]  # the rule that names the fault comes first (a bad layout also fails codes)
    assert p.rule == rule
    assert p.file == "observations.parquet"
    assert "measure=" in p.key and "period=" in p.key
    assert p.message_vi and p.message_en and p.message_vi != p.message_en


def test_duplicate_keys_are_refused_but_vintages_are_not_duplicates():
    assert [p.rule for p in store.validate_observations(pl.concat([obs(), obs()]))] == [
        "unique_key",
        "unique_key",
    ]
    assert store.validate_observations(pl.concat([obs(), obs(vintage=V2)])) == []


def test_plan_completion_above_100_is_allowed():
    row = obs(
        measure="revenue_plan_completion",
        value=101.41,
        status="published",
        layout="VN",
        geo_code="VN",
    )
    assert store.validate_observations(row) == []


def test_schema_problems_name_the_column():
    problems = store.validate_observations(obs().drop("status"))
    assert problems[0].rule == "schema" and "status" in problems[0].message_en
    problems = store.validate_observations(obs().with_columns(pl.col("value").cast(pl.Int64)))
    assert problems[0].rule == "schema" and "value" in problems[0].message_en


def test_status_is_one_ordered_enum_weakest_first():
    assert store.OBS_SCHEMA["status"] == store.PLAN_SCHEMA["status"] == store.STATUS
    assert store.STATUS_VALUES == ("demo", "reported", "published")
    assert obs().schema["status"] == store.STATUS
    both = pl.Series(["published", "demo", "reported"], dtype=store.STATUS)
    assert both.min() == "demo" and both.max() == "published"
    assert store.weakest(["published", "reported"]) == "reported"
    assert store.weakest([]) is None


def test_the_status_order_is_written_only_in_the_store():
    """No other module ranks statuses: no status mapped to a number, no STATUS_RANK, no status
    column replaced by a rank, no order spelled out (their min() on store.STATUS does it)."""
    root = Path(__file__).resolve().parent.parent
    spelled = re.compile(
        r"""["'](demo|reported|published)["']\s*:\s*-?\d|STATUS_RANK|status["']\)\.replace"""
        r"|\b(demo|reported|published) *[<>] *(demo|reported|published)\b"
    )
    files = [*root.glob("vss_dash/**/*.py"), *root.glob("views/*.py"), root / "app.py",
             *root.glob("bench/*.py"), *root.glob("deploy/*.py")]  # fmt: skip
    found = [
        f"{path.relative_to(root)}:{n}: {line.strip()}"
        for path in files
        if path != root / "vss_dash" / "store" / "schema.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if spelled.search(line)
    ]
    assert found == []


def test_a_status_that_is_not_one_is_refused_at_the_boundary(store_at):
    raw = obs().with_columns(status=pl.lit("guess"))  # text, as a report or an old file has it
    [p] = store.validate_observations(raw)
    assert p.rule == "status" and "“guess”" in p.message_en and p.message_vi != p.message_en
    for make in (
        lambda: store.conform(raw, store.OBS_SCHEMA),
        lambda: store.write(store_at, raw, PLANS, SOURCES),
    ):
        with pytest.raises(store.StoreInvalid) as e:
            make()
        assert [p.rule for p in e.value.problems] == ["status"]
    assert untouched(store_at), "nothing may be written"
    plan = PLANS.with_columns(status=pl.lit("guess"))
    with pytest.raises(store.StoreInvalid) as e:
        store.conform(plan, store.PLAN_SCHEMA)
    assert e.value.problems[0].file == "plans.parquet" and "year=2024" in e.value.problems[0].key


def test_a_store_written_with_status_as_text_is_read_as_the_enum(tmp_path):
    d = tmp_path / "old"
    d.mkdir()
    as_text = [obs().with_columns(pl.col("status").cast(pl.String)),
               PLANS.with_columns(pl.col("status").cast(pl.String)), SOURCES]  # fmt: skip
    for df, name in zip(as_text, ("observations", "plans", "sources"), strict=True):
        df.write_parquet(d / store.FILES[name], metadata={store.GENERATION_KEY: "T"})
    for validate in (True, False):
        s = store.load(d, validate=validate)
        assert s.observations.collect_schema()["status"] == store.STATUS
        assert s.plans.schema["status"] == store.STATUS
    store.write(tmp_path / "new", obs(), PLANS, SOURCES)  # and the enum is what is written
    written = store.files(tmp_path / "new")["observations"]
    assert pl.read_parquet(written).schema["status"] == store.STATUS


def test_unknown_source_is_refused(store_at):
    with pytest.raises(store.StoreInvalid) as e:
        store.write(store_at, obs(source_id="nowhere"), PLANS, SOURCES)
    assert [p.rule for p in e.value.problems] == ["source_exists"]
    assert untouched(store_at), "nothing may be written when anything is invalid"


def test_write_then_load_round_trips_and_keeps_vintages(store_at):
    both = pl.concat([obs(value=1.0), obs(value=2.0, vintage=V2)])
    store.write(store_at, both, PLANS, SOURCES)
    s = store.load(store_at)
    assert s.observations.collect().height == 2  # the older vintage is kept
    current = s.current().collect()
    assert current.height == 1 and current.item(0, "value") == 2.0
    assert s.observations.collect().equals(both.sort(list(store.OBS_KEY)))
    assert s.plans.equals(PLANS) and s.sources.equals(SOURCES)
    if not store.is_database(store_at):
        assert not [p for p in store_at.iterdir() if p.name.endswith(".tmp")]


def test_load_refuses_an_invalid_file_naming_file_key_and_rule(tmp_path):
    store.write(tmp_path, obs(), PLANS, SOURCES)
    damaged = tmp_path / "observations.parquet"  # damaged behind our back, in place
    obs(value=-5.0).write_parquet(damaged, metadata={store.GENERATION_KEY: store.generation(
        tmp_path / "plans.parquet")})  # fmt: skip
    with pytest.raises(store.StoreInvalid) as e:
        store.load(tmp_path)
    text = str(e.value)
    assert "observations.parquet" in text and "geo_code=01" in text and "non_negative" in text
    assert "giá trị âm" in text and "negative value" in text


def test_failed_write_leaves_the_old_file_in_place(tmp_path, monkeypatch):
    store.write(tmp_path, obs(value=1.0), PLANS, SOURCES)
    before = (tmp_path / "observations.parquet").read_bytes()

    def boom(self, *a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", boom)
    with pytest.raises(OSError):
        store.write(tmp_path, obs(value=2.0), PLANS, SOURCES)
    assert (tmp_path / "observations.parquet").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert [p.name for p in (tmp_path / "generations").iterdir()] == [store.generation(
        tmp_path / "plans.parquet")]  # fmt: skip


def legacy(d, value: float = 1.0, gid: str = "L") -> None:
    """A store in the earlier layout: the three files at the top, no `current`."""
    d.mkdir(parents=True, exist_ok=True)
    for df, name in ((obs(value=value), "observations"), (PLANS, "plans"), (SOURCES, "sources")):
        df.write_parquet(d / store.FILES[name], metadata={store.GENERATION_KEY: gid})


def test_the_earlier_layout_is_read_and_converted_by_its_next_write(tmp_path):
    legacy(tmp_path, 1.0, "L")
    s = store.load(tmp_path)
    assert s.generation == "L" and s.observations.collect().item(0, "value") == 1.0
    store.write(tmp_path, obs(value=2.0), PLANS, SOURCES, generation_id="B")
    assert (tmp_path / "current").read_text() == "B\n"
    assert store.load(tmp_path).observations.collect().item(0, "value") == 2.0
    for f in store.FILES.values():  # the old names now lead into the current generation
        assert (tmp_path / f).is_symlink()
        assert (tmp_path / f).resolve() == (tmp_path / "generations" / "B" / f).resolve()


def test_a_reader_of_the_earlier_layout_never_mixes_two_writes(tmp_path, monkeypatch):
    """A write converts the store after the reader opened its first top-level file: the reader
    sees two generations, starts again and returns the new store whole."""
    legacy(tmp_path, 1.0, "A")
    real_open = open
    opened = []

    def open_then_a_write_lands(path, *args, **kwargs):
        f = real_open(path, *args, **kwargs)
        opened.append(path)
        if len(opened) == 1:
            store.write(tmp_path, obs(value=2.0), PLANS, SOURCES, generation_id="B")
        return f

    monkeypatch.setattr(store.parquet, "open", open_then_a_write_lands, raising=False)
    s = store.load(tmp_path)
    assert len(opened) == 6  # the first attempt was thrown away
    assert s.generation == "B"
    assert s.observations.collect().item(0, "value") == 2.0


def test_a_reader_resolves_current_once(tmp_path, monkeypatch):
    """A write lands after the reader opened the first file of generation A: the other two
    come from A as well, the read is A whole, read once."""
    store.write(tmp_path, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    real_open = open
    opened = []

    def open_then_a_write_lands(path, *args, **kwargs):
        f = real_open(path, *args, **kwargs)
        opened.append(path)
        if len(opened) == 1:
            store.write(tmp_path, obs(value=2.0), PLANS, SOURCES, generation_id="B")
        return f

    monkeypatch.setattr(store.parquet, "open", open_then_a_write_lands, raising=False)
    s = store.load(tmp_path)
    assert len(opened) == 3 and {p.parent.name for p in opened} == {"A"}
    assert s.generation == "A" and s.observations.collect().item(0, "value") == 1.0
    assert (tmp_path / "current").read_text() == "B\n"


def test_a_generation_removed_before_the_open_is_read_again(tmp_path, monkeypatch):
    """The reader resolved A, then three writes switched to D and removed A: the read starts
    again from `current`."""
    store.write(tmp_path, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    real_files = store.parquet.files
    calls = []

    def resolve_then_writes_land(d):
        paths = real_files(d)
        calls.append(1)
        if len(calls) == 1:
            for i, g in enumerate("BCD"):
                store.write(tmp_path, obs(value=2.0 + i), PLANS, SOURCES, generation_id=g)
            assert not paths["observations"].exists()
        return paths

    monkeypatch.setattr(store.parquet, "files", resolve_then_writes_land)
    s = store.load(tmp_path)
    assert len(calls) == 2 and s.generation == "D"
    assert s.observations.collect().item(0, "value") == 4.0


def test_two_generations_before_the_current_one_are_kept(store_at):
    for i, g in enumerate("ABCDE"):
        store.write(store_at, obs(value=float(i)), PLANS, SOURCES, generation_id=g)
    assert kept(store_at) == ["C", "D", "E"]
    assert store.load(store_at).generation == "E"
    store.write(store_at, obs(value=9.0), PLANS, SOURCES, generation_id="F", keep_previous=0)
    assert kept(store_at) == ["F"]


def test_the_same_generation_written_again_is_replaced_whole(tmp_path):
    """The demo regenerates under its fixed id: the same bytes change nothing, new bytes
    replace the directory under the same name, and nothing else is left."""
    store.write(tmp_path, obs(value=1.0), PLANS, SOURCES, generation_id="demo-1")
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "generations" / "demo-1").iterdir()}
    store.write(tmp_path, obs(value=1.0), PLANS, SOURCES, generation_id="demo-1")
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "generations" / "demo-1").iterdir()}
    assert before == after
    store.write(tmp_path, obs(value=2.0), PLANS, SOURCES, generation_id="demo-1")
    assert store.load(tmp_path).observations.collect().item(0, "value") == 2.0
    assert [p.name for p in (tmp_path / "generations").iterdir()] == ["demo-1"]
    assert (tmp_path / "current").read_text() == "demo-1\n"


@pytest.mark.parametrize("name", ["../x", "a/b", ".hidden", "", "x" * 200])
def test_a_generation_id_is_one_plain_name(store_at, name):
    with pytest.raises(ValueError):
        store.write(store_at, obs(), PLANS, SOURCES, generation_id=name or "/")
    assert untouched(store_at)


def test_a_pointer_that_names_no_generation_is_refused(tmp_path):
    store.write(tmp_path, obs(), PLANS, SOURCES, generation_id="A")
    (tmp_path / "current").write_text("../../etc\n")
    with pytest.raises(store.StoreInvalid) as e:
        store.load(tmp_path)
    assert e.value.problems[0].rule == "pointer"


def test_a_write_after_the_files_are_open_leaves_the_read_whole(tmp_path, monkeypatch):
    """Once all three are open, a rename cannot reach them: the read is the old store, whole."""
    store.write(tmp_path, obs(value=1.0), PLANS, SOURCES, generation_id="A")
    real = pl.read_parquet_metadata
    calls = []

    def a_write_lands_while_reading(source, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            store.write(tmp_path, obs(value=2.0), PLANS, SOURCES, generation_id="B")
        return real(source, *args, **kwargs)

    monkeypatch.setattr(pl, "read_parquet_metadata", a_write_lands_while_reading)
    s = store.load(tmp_path)
    assert s.generation == "A" and s.observations.collect().item(0, "value") == 1.0
    assert store.generation(tmp_path / "plans.parquet") == "B"  # the write did land


def test_files_of_different_writes_are_refused(tmp_path, monkeypatch):
    store.write(tmp_path, obs(), PLANS, SOURCES, generation_id="A")
    PLANS.write_parquet(tmp_path / "plans.parquet", metadata={store.GENERATION_KEY: "Z"})
    monkeypatch.setattr(store.parquet, "READ_ATTEMPTS", 3)
    with pytest.raises(store.StoreInvalid) as e:
        store.load(tmp_path)
    assert e.value.problems[0].rule == "one_generation"
    assert "plans=Z" in e.value.problems[0].key


def test_missing_store_says_where(store_at):
    if not store.is_database(store_at):
        store_at.mkdir()
    with pytest.raises(FileNotFoundError, match="observations"):
        store.load(store_at)


def test_load_is_lazy(demo_store):
    assert isinstance(demo_store.observations, pl.LazyFrame)
