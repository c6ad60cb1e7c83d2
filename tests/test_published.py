"""Every figure VSS published is reproduced by the data layer, at its period, to the precision it
was published with."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from vss_dash import catalog, metrics, published

FIGURES = published.figures()


def test_every_row_of_the_reference_file_is_read():
    with open(published.REFERENCE_DIR / "published_figures.csv", encoding="utf-8") as f:
        assert len(FIGURES) == sum(1 for _ in f) - 1 == 71


@pytest.mark.parametrize("fig", FIGURES, ids=[f"{f.ym}-{f.geo_text}-{f.measure}" for f in FIGURES])
def test_reproduced_from_province_data(frames: metrics.Frames, fig: published.Figure):
    """Stored published rows are ignored here: national figures are sums over provinces."""
    got = published.reproduce(frames, fig, prefer_published=False)
    assert got is not None, "the data layer has no value for this figure"
    assert fig.rounds_to(got), f"published {fig.value} ({fig.quote!r}); data gives {got}"


@pytest.mark.parametrize("fig", FIGURES, ids=[f"{f.ym}-{f.geo_text}-{f.measure}" for f in FIGURES])
def test_reproduced_as_the_dashboard_shows_it(frames: metrics.Frames, fig: published.Figure):
    got = published.reproduce(frames, fig, prefer_published=True)
    assert got is not None and fig.rounds_to(got)


def test_catalogue_figures_are_stored_as_published_with_their_source(frames: metrics.Frames):
    stored = frames.obs.filter(pl.col("status") == "published")
    in_catalogue = [f for f in FIGURES if f.measure in catalog.BY_ID]
    assert stored.height == len(in_catalogue) > 40
    for f in in_catalogue:
        row = stored.filter(
            (pl.col("period") == f.period)
            & (pl.col("geo_code") == f.geo_code)
            & (pl.col("measure") == f.measure)
            & (pl.col("layout") == f.layout)
        )
        assert row.height == 1, f
        assert row.item(0, "value") == f.value
        assert row.item(0, "source_id") == f.source_id


def test_headline_example_of_the_issue(frames: metrics.Frames):
    assert metrics.value_at(frames, "si_participants", "VN", "VN", date(2024, 9, 30)) == 19_020_000
    computed = metrics.value_at(
        frames, "si_participants", "VN", "VN", date(2024, 9, 30), prefer_published=False
    )
    assert computed == 19_020_000  # compulsory + voluntary, summed over the provinces


@pytest.mark.parametrize(
    ("value", "decimals", "computed", "ok"),
    [
        (39.25, 2, 39.2521, True),
        (39.25, 2, 39.2449, False),
        (9.9, 1, 9.8999, True),
        (1_000_000, -6, 1_008_000, True),  # "1 million"
        (972_000, -3, 972_400, True),
        (972_000, -3, 972_600, False),
        (704_134, 0, 704_134.0, True),
        (704_134, 0, 704_135.0, False),
        (81.0, 1, 80.96, True),
        (2.69, 2, 2.685, True),  # half up, as people round
    ],
)
def test_rounds_to(value, decimals, computed, ok):
    fig = published.Figure(date(2024, 9, 30), "VN", "VN", "VN", "x", value, decimals, "", "", "")
    assert fig.rounds_to(computed) is ok


@pytest.mark.parametrize(
    ("text", "decimals"),
    [
        ("39.25", 2),
        ("81.0", 1),
        ("15550000", -4),
        ("704134", 0),
        ("1000000", -6),
        ("44", 0),
        ("23030", -1),
        ("150000", -4),
    ],
)
def test_precision_is_read_from_how_the_number_is_written(text, decimals):
    assert published._decimals(text) == decimals
