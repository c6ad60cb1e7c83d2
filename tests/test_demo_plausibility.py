"""The demo store behaves like reported data (issue 29): provinces with paths of their own, no
month moving further than the published record ever moved, the nation the sum of its provinces."""

from __future__ import annotations

import math
from datetime import date

import polars as pl
import pytest

from vss_dash import geo, metrics, plausibility, published


def test_the_bound_is_the_largest_move_between_two_published_reports():
    b = plausibility.move_bounds()
    # 20.11 M at the end of 2024 to 18.821 M in March 2025, shrunk by their rounding
    fall = 1 - (18_821_000 + 500) / (20_110_000 - 5_000)
    assert b["participants"].fall == pytest.approx(fall)
    assert b["participants"].fall_from == "si_participants VN 2024-12..2025-03"
    # 18.579 M in April 2025 to 20.78 M in June
    assert b["participants"].rise == pytest.approx((20_780_000 - 5_000) / (18_579_000 + 500) - 1)
    assert 0.06 < b["participants"].fall < 0.07 and 0.11 < b["participants"].rise < 0.12
    assert b["coverage_rate"].fall == pytest.approx(3.7)  # VN HI coverage 95.2 -> 91.4


def test_no_demo_month_moves_further_than_the_record_ever_did(frames):
    breaks = plausibility.move_breaks(frames)
    assert breaks.height == 0, breaks


def test_a_demo_month_next_to_a_published_one_does_not_jump(frames):
    """A province's published month is a step in its path. Where the record fixes the national
    move itself (voluntary SI, November to December 2025: +56 %), the province is judged by
    how far it departs from the nation's move."""
    bounds = plausibility.move_bounds()
    for m in plausibility.COUNTS:
        b = bounds[plausibility.FAMILY[m]]
        ch = plausibility.changes(frames, m)
        nat = dict(ch.filter(pl.col("layout") == "VN").select("period", "change").iter_rows())
        near = ch.filter(pl.col("published") & (pl.col("layout") != "VN"))
        assert near.height > 0 or m == "ui_participants", m
        for r in near.iter_rows(named=True):
            move = r["change"]
            if plausibility._forced(m, r["period"]):
                move = (1 + move) / (1 + nat[r["period"]]) - 1
            assert -b.fall <= move <= b.rise, (m, r)


@pytest.mark.parametrize("measure", sorted(plausibility.MIN_SPREAD))
def test_provinces_do_not_move_in_lockstep(frames, measure):
    s = plausibility.spread(frames, measure)
    assert s.height == 81  # every month after the first
    assert s.get_column("spread").min() >= plausibility.MIN_SPREAD[measure], s.sort("spread")
    # and not a scatter either: the middle of the provinces stays within a few points
    assert s.get_column("spread").median() < 3


def test_ranks_move(frames):
    assert plausibility.rank_changes(frames) >= plausibility.MIN_RANK_CHANGES


def test_the_nation_is_the_sum_of_its_provinces(frames):
    """In every month and layout, for every additive measure; the only exceptions are months
    where the record's own rounded national figures cannot all be exact together, and there the
    provinces still sum to a value the published figure allows."""
    gaps = plausibility.sum_gaps(frames)
    explained = plausibility.explained_gaps(frames)
    assert gaps.height == explained.height, gaps
    keys = set(zip(gaps.get_column("measure"), gaps.get_column("period"), strict=True))
    assert len(keys) <= 9, sorted(keys)
    assert {m for m, _ in keys} <= {
        "si_compulsory",
        "si_voluntary",
        "si_participants",
        "ui_participants",
    }


def test_issue_examples_now_sum(frames):
    for measure, period, value in (
        ("si_participants", date(2024, 9, 30), 19_020_000),
        ("si_participants", date(2025, 6, 30), 20_780_000),
        ("hi_participants", date(2025, 6, 30), 96_460_000),
    ):
        nat = metrics.value_at(frames, measure, "VN", geo.NATIONAL, period)
        layout = geo.layout_for_period(period)
        prov = metrics.province_values(frames, measure, layout, period)
        assert nat == value and prov.get_column("value").sum() == pytest.approx(value, abs=0.01)


def test_a_published_province_sits_on_its_own_path(frames):
    """An Giang (merged, P34 "91"): its published September 2025 is its level, not a dip."""
    an_giang = metrics.series(frames, "si_participants", "P34", "91")
    v = dict(zip(an_giang.get_column("period"), an_giang.get_column("value"), strict=True))
    pub = published.level("si_participants", "2025-09", "An Giang")
    assert v[date(2025, 9, 30)] == pub
    for p in (date(2025, 6, 30), date(2026, 10, 31)):
        assert abs(math.log(v[p] / pub)) < 0.12, (p, v[p])


def test_findings_flag_a_store_that_breaks_the_rules(frames):
    """A spike in one province and a national row that its provinces do not sum to: warnings."""
    spike = (
        (pl.col("measure") == "hi_participants")
        & (pl.col("geo_code") == "01")
        & (pl.col("period") == date(2023, 6, 30))
    )
    nat = (
        (pl.col("measure") == "si_compulsory")
        & (pl.col("layout") == "VN")
        & (pl.col("period") == date(2024, 9, 30))
    )
    obs = frames.obs.with_columns(
        value=pl.when(spike)
        .then(pl.col("value") * 1.3)
        .when(nat)
        .then(pl.col("value") + 50_000)
        .otherwise(pl.col("value"))
    )
    broken = metrics.Frames(obs, frames.plans, frames.sources)
    found = plausibility.findings(broken)
    rules = {f.rule for f in found}
    assert {"move", "sum"} <= rules
    text = "\n".join(str(f) for f in found)
    assert "2023-06 01 (P63) hi_participants" in text and "CẢNH BÁO/WARNING" in text
    assert "2024-09 si_compulsory" in text and "chưa phân bổ cho tỉnh" in text
    assert not [f for f in plausibility.findings(frames) if f.rule != "sum"]
