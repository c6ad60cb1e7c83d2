"""Metrics on small literal frames: input -> result -> expected."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from vss_dash import metrics, store

V = datetime(2026, 1, 1, tzinfo=UTC)
SEP23, SEP24, JUN25, SEP25 = (
    date(2023, 9, 30),
    date(2024, 9, 30),
    date(2025, 6, 30),
    date(2025, 9, 30),
)


def frames(rows: list[tuple], plans: list[tuple] = ()) -> metrics.Frames:
    """rows: (period, layout, geo_code, measure, value[, status[, source_id]]); a row with a
    status but no source has source "pub", one without either is demo."""
    obs = pl.DataFrame(
        [
            {
                "period": r[0],
                "layout": r[1],
                "geo_code": r[2],
                "measure": r[3],
                "value": float(r[4]),
                "status": r[5] if len(r) > 5 else "demo",
                "source_id": r[6] if len(r) > 6 else ("pub" if len(r) > 5 else "demo"),
                "vintage": V,
            }
            for r in rows
        ]
    )
    pl_rows = [
        {
            "year": p[0],
            "layout": p[1],
            "geo_code": p[2],
            "measure": p[3],
            "target": float(p[4]),
            "status": "demo",
            "source_id": "demo",
        }
        for p in plans
    ]
    plan_df = store.conform(pl.DataFrame(pl_rows, schema=store.PLAN_SCHEMA), store.PLAN_SCHEMA)
    return metrics.Frames(store.conform(obs, store.OBS_SCHEMA), plan_df)


# Quảng Bình (44) and Quảng Trị (45) in P63 merged into Quảng Trị (44) in P34.
QB_QT = [
    (SEP24, "P63", "44", "si_compulsory", 100),
    (SEP24, "P63", "44", "si_voluntary", 0),
    (SEP24, "P63", "44", "labour_force_working_age", 1000),
    (SEP24, "P63", "45", "si_compulsory", 300),
    (SEP24, "P63", "45", "si_voluntary", 0),
    (SEP24, "P63", "45", "labour_force_working_age", 1000 * 3),
]


def test_harmonised_rate_is_recomputed_from_sums_not_averaged():
    fr = frames(QB_QT)
    got = metrics.resolve(fr, "si_coverage_rate", "P34").filter(pl.col("period") == SEP24)
    # 400 / 4000 = 10 %; the mean of the two rates (10 % and 10 %) happens to agree, so also
    # check a case where it would not
    assert got.select("geo_code", "value").rows() == [("44", 10.0)]
    skewed = frames([(SEP24, "P63", "44", "si_compulsory", 500), *QB_QT[1:]])
    got = metrics.value_at(skewed, "si_coverage_rate", "P34", "44", SEP24)
    assert got == pytest.approx(100 * 800 / 4000)  # 20 %, where the mean of rates is 35 %


def test_p63_codes_mean_their_own_provinces_and_p34_after_the_merger_stands_alone():
    fr = frames(
        [
            *QB_QT,
            (SEP25, "P34", "44", "si_compulsory", 450),
            (SEP25, "P34", "44", "si_voluntary", 0),
        ]
    )
    p34 = metrics.resolve(fr, "si_participants", "P34")
    assert p34.select("period", "geo_code", "value").rows() == [
        (SEP24, "44", 400.0),
        (SEP25, "44", 450.0),
    ]
    p63 = metrics.resolve(fr, "si_participants", "P63")
    assert p63.select("geo_code", "value").rows() == [("44", 100.0), ("45", 300.0)]


def test_national_is_the_sum_over_provinces_whatever_the_layout():
    fr = frames(
        [
            *QB_QT,
            (SEP25, "P34", "44", "si_compulsory", 450),
            (SEP25, "P34", "01", "si_compulsory", 50),
        ]
    )
    vn = metrics.resolve(fr, "si_compulsory", "VN")
    assert vn.select("period", "value").rows() == [(SEP24, 400.0), (SEP25, 500.0)]


def test_published_row_wins_unless_asked_to_recompute():
    fr = frames([*QB_QT, (SEP24, "VN", "VN", "si_compulsory", 401, "published")])
    assert metrics.value_at(fr, "si_compulsory", "VN", "VN", SEP24) == 401
    assert metrics.value_at(fr, "si_compulsory", "VN", "VN", SEP24, prefer_published=False) == 400


def test_status_is_the_weakest_part():
    fr = frames(
        [
            (SEP24, "P63", "01", "si_compulsory", 10, "published"),
            (SEP24, "P63", "02", "si_compulsory", 10),
        ]
    )
    assert metrics.resolve(fr, "si_compulsory", "VN").item(0, "status") == "demo"
    fr = frames(
        [
            (SEP24, "P63", "01", "si_compulsory", 10, "published"),
            (SEP24, "P63", "02", "si_compulsory", 10, "published"),
        ]
    )
    assert metrics.resolve(fr, "si_compulsory", "VN").item(0, "status") == "published"


def test_a_demo_and_a_published_value_make_a_demo_value_with_the_demo_source():
    fr = frames(
        [
            (SEP24, "P63", "01", "si_compulsory", 10, "published", "pub"),
            (SEP24, "P63", "01", "si_voluntary", 1),
            (SEP24, "P63", "02", "si_compulsory", 10, "reported", "rep"),
        ]
    )
    sums = metrics.resolve(fr, "si_compulsory", "VN")  # over provinces
    assert sums.select("status", "source_id").row(0) == ("reported", "rep")
    both = metrics.resolve(fr, "si_participants", "P63")  # over measures
    assert both.select("geo_code", "status", "source_id").rows() == [("01", "demo", "demo")]
    assert both.schema["status"] == sums.schema["status"] == store.STATUS


def test_every_value_comes_with_its_status_and_source():
    """Each frame of values out of metrics carries status (the store's enum) and source_id."""
    fr = frames(
        [*QB_QT, (SEP25, "P34", "44", "si_compulsory", 450, "reported")],
        plans=[(2024, "P63", "44", "si_compulsory", 200), (2024, "VN", "VN", "si_compulsory", 9)],
    )
    snap, history = metrics.kpis(fr, ["si_compulsory", "si_coverage_rate"], SEP24, 12)
    split = metrics.parts(fr, "si_coverage_rate", "P63")
    got = {
        "resolve": metrics.resolve(fr, "si_coverage_rate", "P34"),
        "series": metrics.series(fr, "si_compulsory", "P63", "44"),
        "snapshot": snap,
        "history": history,
        "province_values": metrics.province_values(fr, "si_compulsory", "P63", SEP24),
        "province_table": metrics.province_table(fr, "si_coverage_rate", "P63", SEP24),
        "numerator": split[0],
        "denominator": split[1],
        "plan_table": metrics.plan_table(fr, "si_compulsory", "P34"),
        "targets": metrics.targets(fr, ["si_compulsory"], SEP23, SEP25),
        "constituent_history": metrics.constituent_history(fr, "si_compulsory", "44"),
        "completion_table": metrics.completion_table(fr, ["si_compulsory"], SEP24),
    }
    for name, df in got.items():
        assert df.height, name
        assert df.schema.get("status") == store.STATUS, name
        assert df.schema.get("source_id") == pl.String, name


def test_year_on_year_growth_and_snapshot_change_kinds():
    fr = frames(
        [
            (SEP23, "P63", "01", "hi_medical_cost", 100),
            (SEP24, "P63", "01", "hi_medical_cost", 125),
            (SEP23, "P63", "01", "hi_participants", 90),
            (SEP23, "P63", "01", "population", 100),
            (SEP24, "P63", "01", "hi_participants", 93),
            (SEP24, "P63", "01", "population", 100),
        ]
    )
    assert metrics.value_at(fr, "hi_medical_cost_yoy", "P63", "01", SEP24) == pytest.approx(25)
    snap = metrics.snapshot(fr, ["hi_medical_cost", "hi_coverage_rate"], SEP24)
    expected = pl.DataFrame(
        {
            "measure": ["hi_medical_cost", "hi_coverage_rate"],
            "change": [25.0, 3.0],
            "change_kind": ["percent", "pp"],
        }
    )
    assert_frame_equal(snap.select("measure", "change", "change_kind"), expected)


def test_plan_completion_uses_the_year_plan_and_national_plan_is_the_sum():
    fr = frames(
        [
            (SEP24, "P63", "01", "revenue_collected", 75),
            (SEP24, "P63", "02", "revenue_collected", 25),
        ],
        plans=[
            (2024, "P63", "01", "revenue_collected", 100),
            (2024, "P63", "02", "revenue_collected", 100),
        ],
    )
    assert metrics.value_at(fr, "revenue_plan_completion", "P63", "01", SEP24) == 75
    assert metrics.value_at(fr, "revenue_plan_completion", "VN", "VN", SEP24) == 50


def test_plans_harmonise_to_p34_for_years_before_the_merger():
    fr = frames(
        [
            (JUN25, "P63", "44", "revenue_collected", 30),
            (JUN25, "P63", "45", "revenue_collected", 30),
        ],
        plans=[
            (2025, "P63", "44", "revenue_collected", 100),
            (2025, "P63", "45", "revenue_collected", 20),
        ],
    )
    assert metrics.value_at(fr, "revenue_plan_completion", "P34", "44", JUN25) == 50


def test_ranking_follows_the_good_direction_and_counting_above_national():
    rows = []
    for code, late, due in (("01", 1, 100), ("02", 5, 100), ("04", 3, 100)):
        rows += [
            (SEP24, "P63", code, "late_payment_amount", late),
            (SEP24, "P63", code, "amount_receivable", due),
        ]
    fr = frames(rows)
    ranked = metrics.province_values(fr, "late_payment_rate", "P63", SEP24)
    assert ranked.select("geo_code", "rank").rows() == [("01", 1), ("04", 2), ("02", 3)]
    assert metrics.count_above_national(fr, "late_payment_rate", SEP24) == 1  # 5 % > 3 %


@pytest.mark.parametrize(
    ("period", "n", "expected"),
    [
        (date(2024, 9, 30), 12, date(2023, 9, 30)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2025, 2, 28), 12, date(2024, 2, 29)),
        (date(2024, 1, 31), 1, date(2023, 12, 31)),
        (date(2024, 9, 30), 0, date(2024, 9, 30)),
    ],
)
def test_months_back(period, n, expected):
    assert metrics.months_back(period, n) == expected


def test_unknown_layout_and_measure_are_refused():
    fr = frames(QB_QT)
    with pytest.raises(ValueError, match="layout"):
        metrics.resolve(fr, "si_compulsory", "P64")
    with pytest.raises(KeyError, match="valid"):
        metrics.resolve(fr, "si_everyone", "VN")


def test_province_table_carries_parts_rank_and_change():
    fr = frames(
        [
            *QB_QT,
            (SEP23, "P63", "44", "si_compulsory", 50),
            (SEP23, "P63", "44", "si_voluntary", 0),
            (SEP23, "P63", "44", "labour_force_working_age", 1000),
        ]
    )
    t = metrics.province_table(fr, "si_coverage_rate", "P63", SEP24)
    assert t.select("geo_code", "value", "numerator", "denominator", "rank").rows() == [
        ("44", 10.0, 100.0, 1000.0, 1),
        ("45", 10.0, 300.0, 3000.0, 1),
    ]
    assert t.item(0, "change") == pytest.approx(5.0)  # 5 % -> 10 %: +5 percentage points
    assert t.item(0, "name") == "Quảng Bình" and t.item(0, "change_kind") == "pp"
    assert t.item(1, "change") is None  # no value a year earlier


def test_plan_completion_parts_are_actual_and_plan():
    fr = frames(
        [(SEP24, "P63", "01", "revenue_collected", 75)],
        plans=[(2024, "P63", "01", "revenue_collected", 100)],
    )
    t = metrics.province_table(fr, "revenue_plan_completion", "P63", SEP24)
    assert t.select("value", "numerator", "denominator").rows() == [(75.0, 75.0, 100.0)]


def test_constituent_history_lists_former_provinces_and_the_merged_one():
    fr = frames([*QB_QT, (SEP25, "P34", "44", "si_compulsory", 450)])
    h = metrics.constituent_history(fr, "si_compulsory", "44")
    assert h.select("series", "period", "value").rows() == [
        ("Quảng Bình", SEP24, 100.0),
        ("Quảng Trị", SEP24, 300.0),
        ("Quảng Trị (34)", SEP24, 400.0),
        ("Quảng Trị (34)", SEP25, 450.0),
    ]


def test_constituent_history_carries_the_status_and_source_of_each_value():
    fr = frames(
        [
            (SEP24, "P63", "44", "si_compulsory", 100, "published", "pub"),
            (SEP24, "P63", "45", "si_compulsory", 300),
            (SEP25, "P34", "44", "si_compulsory", 450, "reported", "rep"),
        ]
    )
    h = metrics.constituent_history(fr, "si_compulsory", "44")
    assert h.select("series", "period", "status", "source_id").rows() == [
        ("Quảng Bình", SEP24, "published", "pub"),
        ("Quảng Trị", SEP24, "demo", "demo"),
        ("Quảng Trị (34)", SEP24, "demo", "demo"),  # published + demo summed: demo
        ("Quảng Trị (34)", SEP25, "reported", "rep"),
    ]
    stored = fr.obs.select("layout", "geo_code", "period", "status", "source_id")
    own = h.filter(~((pl.col("layout") == "P34") & (pl.col("period") < JUN25)))
    assert_frame_equal(
        own.select(stored.columns),
        own.join(stored, on=["layout", "geo_code", "period"]).select(
            "layout", "geo_code", "period", status="status_right", source_id="source_id_right"
        ),
    )  # a value shown as it is stored has the stored row's status and source


def test_completion_rows_carry_the_weakest_status_of_their_values_and_its_source():
    rows = [
        (SEP24, "P63", "01", "si_compulsory", 10, "published", "pub"),
        (SEP24, "P63", "01", "si_voluntary", 1, "published", "pub"),
        (SEP24, "P63", "02", "si_compulsory", 20, "published", "pub"),
        (SEP24, "P63", "02", "si_voluntary", 2, "reported", "rep"),
        (SEP24, "P63", "04", "si_compulsory", 30, "published", "pub"),
        (SEP24, "P63", "04", "si_voluntary", 3),
    ]
    t = metrics.completion_table(frames(rows), ["si_compulsory", "si_voluntary"], SEP24)
    assert t.columns == [
        "geo_code", "name", "si_compulsory", "si_voluntary", "status", "source_id"
    ]  # fmt: skip
    got = {r[0]: r[1:] for r in t.select("geo_code", "status", "source_id").iter_rows()}
    assert got["VN"] == ("demo", "demo")  # the national voluntary sum has a demo part
    assert got["01"] == ("published", "pub")
    assert got["02"] == ("reported", "rep")
    assert got["04"] == ("demo", "demo")
    assert got["06"] == (None, None)  # no value, no status
    assert t.get_column("geo_code").to_list()[:3] == ["VN", "01", "02"]


def test_ranks_of_one_province():
    fr = frames(QB_QT)
    assert metrics.ranks(fr, ["si_compulsory", "si_coverage_rate"], "P63", SEP24, "44") == {
        "si_compulsory": (2, 2),
        "si_coverage_rate": (1, 2),
    }


def test_unallocated_is_the_national_figure_less_the_provinces_and_a_rate_takes_its_numerator():
    """Issue 29: a published national figure above the provinces' sum leaves an amount no
    province holds; a rate answers for its numerator; a sum that adds up leaves none."""
    fr = frames([*QB_QT, (SEP24, "VN", "VN", "si_compulsory", 500, "published")])
    assert metrics.unallocated(fr, "si_compulsory", "P63", SEP24) == pytest.approx(100)
    assert metrics.unallocated(fr, "si_compulsory", "P34", SEP24) == pytest.approx(100)
    # si_participants = compulsory + voluntary: 500 + 0 nationally against 400 summed
    assert metrics.unallocated(fr, "si_participants", "P34", SEP24) == pytest.approx(100)
    assert metrics.unallocated(fr, "si_coverage_rate", "P34", SEP24) == pytest.approx(100)
    assert metrics.unallocated(fr, "si_voluntary", "P34", SEP24) is None  # 0 = 0 + 0
    assert metrics.unallocated(fr, "si_compulsory", "P34", SEP23) is None  # no such month
    assert metrics.unallocated(frames(QB_QT), "si_coverage_rate", "P63", SEP24) is None
