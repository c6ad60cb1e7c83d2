"""The profile's comparison (#26): metrics.compared_history, the lines a profile draws when
provinces are added to it."""

from __future__ import annotations

import polars as pl

from vss_dash import metrics


def test_compared_history_names_each_province_as_prose_and_ends_with_the_country(frames):
    out = metrics.compared_history(frames, "si_coverage_rate", "P34", ("01", "79"), "en")
    assert out.get_column("series").unique(maintain_order=True).to_list() == [
        "Hà Nội", "Hồ Chí Minh City", "Nationwide"]  # fmt: skip
    assert out.columns == ["series", "layout", "geo_code", "period", "value", "status", "source_id"]
    national = metrics.resolve(frames, "si_coverage_rate", "VN")
    mine = out.filter(pl.col("layout") == "VN")
    assert mine.get_column("value").to_list() == national.sort("period")["value"].to_list()
