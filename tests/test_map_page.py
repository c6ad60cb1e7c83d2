"""Issue 26, the map page's layout as the script builds it: the map fills a box of its own shape
(the country's frame, no wider), its colour bar lies inside the frame with the national marker on
a line of its own, and beside the map come the ranking tables, the lagging provinces before the
pickers. The browser tier measures the same in pixels (tests/e2e/test_map_fills.py)."""

from __future__ import annotations

import json
from datetime import date

import app_run
import pytest
from streamlit.testing.v1 import AppTest

from vss_dash import charts, i18n, metrics
from vss_dash.ui import map_page

TIMEOUT = 60


def app(**params: str) -> AppTest:
    at = app_run.page("views/map.py", TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def figure(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def test_the_whole_country_is_framed_by_its_shapes_and_is_tall():
    lon, lat = charts.MAP_REGIONS["all"]
    # the provinces' shapes reach 102.12–115.85 °E and 8.26–23.37 °N
    assert 101.9 <= lon[0] < 102.12 and 115.85 < lon[1] <= 116.2
    assert 7.6 <= lat[0] < 8.26 and 23.37 < lat[1] <= 23.6
    assert 0.8 < charts.map_aspect("all") < 0.9  # Vietnam is tall
    # a delta's box also holds its colour bar, below the frame: it is less wide for its height
    for region in ("red_river", "mekong"):
        lon, lat = charts.MAP_REGIONS[region]
        frame = (lon[1] - lon[0]) / (charts._mercator(lat[1]) - charts._mercator(lat[0]))
        assert charts.map_aspect(region) == pytest.approx(frame / (1 + charts._BAR_BELOW))


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_map_fills_a_box_of_its_own_shape(lang):
    at = app(lang=lang, layout="P34", month="2026-10")
    assert not at.exception, [e.value for e in at.exception]
    fig = figure(at)
    assert "height" not in fig["layout"]  # the box's height (height="stretch")
    margin = fig["layout"]["margin"]
    assert (margin["l"], margin["r"], margin["t"], margin["b"]) == (0, 0, 0, 0)
    geo_ = fig["layout"]["geo"]
    assert geo_["lonaxis"]["range"] == charts.MAP_REGIONS["all"][0]
    assert geo_["lataxis"]["range"] == charts.MAP_REGIONS["all"][1]
    styles = [h.proto.body for h in at.get("html")]
    assert map_page.map_box_style("map", charts.map_aspect("all")) in styles


def test_the_box_style_is_the_maps_shape_within_the_screen():
    css = map_page.map_box_style("map", 0.861)
    assert ".st-key-map_box" in css and "aspect-ratio: 0.861" in css
    assert f"calc(100vh - {map_page.SCREEN_TAKEN_PX}px)" in css and "flex: 0 0 auto" in css


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_national_marker_has_a_line_of_its_own_under_the_ticks(frames, lang):
    at = app(lang=lang, layout="P34", month="2026-10", measure="si_coverage_rate")
    bar = figure(at)["data"][0]["colorbar"]
    national = metrics.value_at(frames, "si_coverage_rate", "VN", "VN", date(2026, 10, 31))
    said = f"{i18n.t('national', lang)} {i18n.format_value(national, 'percent', lang)}"
    assert bar["tickvals"][-1] == national
    assert bar["ticktext"][-1] == f"<br>▲<br>{said}"  # the first line is the other ticks'
    assert all("<br>" not in t and "▲" not in t for t in bar["ticktext"][:-1])
    assert bar["tickangle"] == 0  # never turned, so the lines stay lines
    # in the sea north-east of the mainland, inside the frame
    assert (bar["orientation"], bar["xanchor"], bar["yanchor"]) == ("h", "right", "top")
    assert bar["x"] == 1 and bar["y"] == 1 and bar["len"] < 0.5


def test_a_deltas_colour_bar_lies_below_its_frame():
    at = app(lang="vi", layout="P63", month="2025-06", region="mekong")
    bar = figure(at)["data"][0]["colorbar"]
    assert (bar["orientation"], bar["y"], bar["yanchor"]) == ("h", 0, "top")
    assert bar["ticktext"][-1].startswith("<br>▲<br>")
    styles = [h.proto.body for h in at.get("html")]
    assert map_page.map_box_style("map", charts.map_aspect("mekong")) in styles


def map_and_side(at: AppTest) -> tuple[list, list]:
    """The elements of the column holding the map and of the column beside it."""
    cols = [app_run.flat(c) for c in at.columns]
    map_col = next(c for c in cols if ("plotly_chart", "chart_map") in c)
    side_col = next(c for c in cols if ("dataframe", "rank_best") in c)
    return map_col, side_col


def test_the_ranking_heads_the_column_beside_the_map():
    """The lagging provinces' table stands high beside the map: the two tables first in the side
    column, their note and the top-N picker under them; the map's pickers under the map."""
    at = app(lang="en", layout="P34", month="2026-10", measure="si_coverage_rate")
    assert not at.exception, [e.value for e in at.exception]
    map_col, side_col = map_and_side(at)
    assert [k for t, k in side_col if t in ("dataframe", "selectbox")] == [
        "rank_best",
        "rank_worst",
        "top_n",
    ]
    assert side_col.index(("dataframe", "rank_worst")) < [t for t, _ in side_col].index("caption")
    assert map_col.index(("plotly_chart", "chart_map")) < map_col.index(("selectbox", "region"))
    assert [k for t, k in map_col if t == "selectbox"] == ["region", "selected"]
    assert i18n.t("rank_note_up", "en") in [c.value for c in at.caption]
    assert [d.value.columns[1] for d in at.dataframe[:2]] == ["Province", "Province"]


def test_a_selected_provinces_panel_heads_the_column_beside_the_map():
    at = app(lang="en", layout="P34", month="2026-10", selected="01")
    assert not at.exception, [e.value for e in at.exception]
    _, side_col = map_and_side(at)
    assert side_col[0][1] == "province_panel"
    assert side_col.index((side_col[0][0], "province_panel")) < side_col.index(
        ("dataframe", "rank_best")
    )
    assert "Hà Nội" in [m.value.strip("*") for m in at.markdown]


# ---------------------------------------------------------------- the month slider (issues 26, 28)


def test_the_slider_holds_every_month_as_the_data_layer_gives_it(frames):
    """A frame a month up to the page's month, each with that month's province values and its
    own national mark, one colour scale for all; the slider starts at the page's month."""
    period = date(2026, 10, 31)
    periods = [p for p in frames.periods() if p <= period][-map_page.MONTHS_ON_SLIDER :]
    months = {
        p: (
            metrics.province_table(frames, "si_coverage_rate", "P34", p),
            metrics.value_at(frames, "si_coverage_rate", "VN", "VN", p),
        )
        for p in periods
    }
    table, national = months[period]
    fig = charts.choropleth(
        table, {}, "si_coverage_rate", "vi", national, legend="map", period=period
    )
    fig = charts.month_slider(fig, months, "si_coverage_rate", "vi", period)
    assert "%{customdata[6]}" in fig.data[0].hovertemplate  # the hover names its month
    assert {row[6] for row in fig.data[0].customdata} == {i18n.format_month(period, "vi")}
    assert [f.name for f in fig.frames] == [f"{p:%Y-%m}" for p in periods]
    (slider,) = fig.layout.sliders
    assert slider.active == len(periods) - 1
    assert slider.steps[0].label == f"Tháng {periods[0].month}/{periods[0].year}"
    every = [v for t, _ in months.values() for v in t.get_column("value").to_list()]
    for frame, p in zip(fig.frames, periods, strict=True):
        (trace,) = frame.data
        table, national = months[p]
        assert list(trace.z) == table.get_column("value").to_list()
        assert list(trace.locations) == table.get_column("geo_code").to_list()
        assert (trace.zmin, trace.zmax) == (fig.data[0].zmin, fig.data[0].zmax)
        assert trace.zmin <= min(every) and trace.zmax >= max(every)
        said = i18n.format_value(national, "percent", "vi")
        assert trace.colorbar.ticktext[-1].endswith(f"Cả nước {said}")
        assert {row[6] for row in trace.customdata} == {i18n.format_month(p, "vi")}
    assert len(fig.layout.updatemenus[0].buttons) == 2  # play, pause


def test_the_page_draws_the_slider_for_the_whole_country_only():
    fig = figure(app(lang="en", layout="P34", month="2026-10"))
    assert len(fig["frames"]) == map_page.MONTHS_ON_SLIDER
    assert fig["layout"]["sliders"][0]["steps"][-1]["label"] == "October 2026"
    # the 63 provinces end in June 2025: their slider too
    fig = figure(app(lang="en", layout="P63", month="2025-06"))
    assert fig["frames"][-1]["name"] == "2025-06"
    # a delta's frame has no sea to hold it
    assert "frames" not in figure(app(lang="en", layout="P34", month="2026-10", region="mekong"))
