"""The overview's "provinces that need attention" (watch.furthest_behind): on a small literal
frame the lowest coverage and the highest late payment come first, worst first, n per measure;
on the demo store, the rows agree with the map's province table."""

from __future__ import annotations

from datetime import date

import polars as pl
from test_watch import SEP24, frames

from vss_dash import geo, metrics, watch


def test_the_worst_provinces_come_first_per_measure():
    overrides = {
        ("02", "si_compulsory", None): 100,  # SI 10 %: the lowest
        ("04", "si_compulsory", None): 200,  # SI 20 %: second
        ("06", "hi_participants", None): 700,  # HI 70 %
        ("08", "late_payment_amount", None): 15,  # late payment 15 %: the highest
        ("10", "late_payment_amount", None): 9,  # 9 %: second
    }
    out = watch.furthest_behind(frames(overrides), SEP24, n=2)
    assert out.schema == pl.Schema(watch.BEHIND_SCHEMA)
    rows = out.select("measure", "place", "geo_code").rows()
    assert rows[:2] == [("si_coverage_rate", 1, "02"), ("si_coverage_rate", 2, "04")]
    assert rows[2][:3] == ("hi_coverage_rate", 1, "06")
    assert rows[4:] == [("late_payment_rate", 1, "08"), ("late_payment_rate", 2, "10")]
    first = out.row(0, named=True)
    assert first["value"] == 10.0 and first["layout"] == "P63" and first["ranked"] == 10
    assert first["rank"] == 10  # rank 1 is the best
    late = out.filter(pl.col("measure") == "late_payment_rate").row(0, named=True)
    assert late["gap"] == late["value"] - late["national"] > 0
    assert out.filter(pl.col("measure") == "si_coverage_rate").get_column("gap").max() < 0


def test_ties_go_by_code_and_a_measure_without_values_is_left_out():
    out = watch.furthest_behind(frames(), SEP24, ("si_coverage_rate", "revenue_collected"), n=3)
    # every province alike: all tie for the last rank, the lowest codes first
    assert out.get_column("geo_code").to_list() == ["01", "02", "04"]
    assert set(out.get_column("measure")) == {"si_coverage_rate"}


def test_nothing_to_rank_gives_an_empty_frame_of_the_schema():
    out = watch.furthest_behind(frames(), date(2020, 1, 31))
    assert out.height == 0 and out.schema == pl.Schema(watch.BEHIND_SCHEMA)


def test_on_the_demo_store_the_rows_are_the_maps_last_rows(frames):
    period = date(2026, 10, 31)
    out = watch.furthest_behind(frames, period)
    assert set(out.get_column("layout")) == {"P34"}
    for mid in watch.HEADLINE:
        table = metrics.province_table(frames, mid, "P34", period)
        mine = out.filter(pl.col("measure") == mid)
        assert mine.height == 3
        assert mine.get_column("geo_code").to_list() == (
            table.sort(["rank", "geo_code"], descending=[True, False])
            .head(3)
            .get_column("geo_code")
            .to_list()
        )
        assert set(mine.get_column("geo_code")) <= set(geo.codes("P34"))
