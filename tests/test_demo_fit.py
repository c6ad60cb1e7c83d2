"""The demo's fit to the published record: pure linear programming, no store."""

from __future__ import annotations

import pytest

from vss_dash import demo_fit


def design(values: dict):
    return lambda var: values[var]


def test_a_level_and_a_rate_move_the_knots_only_as_far_as_they_must():
    si, lf = ("si", 0), ("lf", 0)
    cons = demo_fit.between({si: 1.0}, 17_235_000, 17_245_000, "level")
    cons += demo_fit.ratio_constraints(
        {si: 1.0}, {lf: 1.0}, *demo_fit.shrink(37.005, 37.015), "rate"
    )
    got = demo_fit.solve(cons, design({si: 17_000_000, lf: 46_000_000}))
    assert got[si] == pytest.approx(17_235_000)  # the nearest end of the interval
    assert 37.005 <= 100 * got[si] / got[lf] <= 37.015


def test_growth_on_a_year_earlier_is_a_ratio_of_two_months():
    now, before = ("x", 12), ("x", 0)
    lo, hi = demo_fit.shrink(109.85, 109.95)  # as the demo does: room for rounding
    cons = demo_fit.ratio_constraints({now: 1.0}, {before: 1.0}, lo, hi, "+9.9%")
    got = demo_fit.solve(cons, design({now: 100.0, before: 100.0}))
    assert 109.85 <= 100 * got[now] / got[before] <= 109.95


def test_the_least_trusted_of_two_contradicting_figures_gives_way():
    x = ("x", 0)
    trusted = ("trusted", demo_fit.between({x: 1.0}, 10, 11, "trusted"))
    doubtful = ("doubtful", demo_fit.between({x: 1.0}, 20, 21, "doubtful"))
    also_fine = ("also fine", demo_fit.between({x: 1.0}, 10.5, 12, "also fine"))
    got, dropped = demo_fit.fit([trusted, doubtful, also_fine], [], design({x: 15.0}))
    assert dropped == ["doubtful"]
    assert 10.5 <= got[x] <= 11


def test_an_impossible_record_says_so():
    x = ("x", 0)
    cons = demo_fit.between({x: 1.0}, 10, 11, "a") + demo_fit.between({x: 1.0}, 20, 21, "b")
    with pytest.raises(ValueError, match="cannot all hold"):
        demo_fit.solve(cons, design({x: 15.0}))


def test_margins_keep_rounded_knots_inside():
    low, high = demo_fit.shrink(39.245, 39.255)
    assert 39.245 < low < high < 39.255
