"""Provenance on time charts (pure, no Streamlit): published values are marked with their source in
the hover and what else was published beside them, demo months are told apart, events are drawn
only within the chart's range (one label for events of one day), and exports carry the
alternatives in a column."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from vss_dash import charts, dataset, export, geo, i18n, metrics, projection, published

D22, D23 = date(2022, 12, 31), date(2023, 12, 31)

SOURCES = pl.DataFrame(
    {
        "source_id": ["pm", "vss"],
        "title": ["Prime Minister at VSS", "VSS news"],
        "publisher": ["Prime Minister (vss.gov.vn)", "VSS"],
        "date": [date(2023, 1, 15), date(2024, 1, 17)],
    }
)
ALTERNATIVES = pl.DataFrame(
    {
        "period": [D22],
        "layout": ["VN"],
        "geo_code": ["VN"],
        "measure": ["si_coverage_rate"],
        "value": [38.01],
        "role": ["alternative"],
        "source_id": ["sggp"],
        "publisher": ["Sài Gòn Giải Phóng"],
    }
)
EVENTS = pl.DataFrame(
    {
        "date": [date(2018, 5, 23), date(2025, 7, 1), date(2025, 7, 1), date(2025, 9, 11)],
        "label_vi": ["Nghị quyết 28", "Sáp nhập 63 → 34 tỉnh", "Luật BHXH 41/2024", "QĐ 2002"],
        "label_en": ["Resolution 28", "63 → 34 merger", "SI Law 41/2024", "Decision 2002"],
        "source": ["CPV", "NA", "NA", "PM"],
    }
)
PROV = charts.Provenance(SOURCES, ALTERNATIVES, EVENTS)


def history(start: date, months: int, published_at: dict[date, str]) -> pl.DataFrame:
    """A month-end SI coverage history; the months of `published_at` are published by the
    named source, the rest demo."""
    periods = [metrics.months_back(start, -k) for k in range(months)]
    return pl.DataFrame(
        {
            "measure": ["si_coverage_rate"] * months,
            "period": periods,
            "value": [36.0 + 0.1 * k for k in range(months)],
            "status": ["published" if p in published_at else "demo" for p in periods],
            "source_id": [published_at.get(p, "demo_v1") for p in periods],
        }
    )


def published_traces(fig):
    return [t for t in fig.data if t.legendgroup == "published"]


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_published_points_are_marked_with_their_source_and_alternatives(lang):
    h = history(date(2022, 1, 31), 24, {D22: "pm", D23: "vss"})
    fig = charts.trend_lines(h, lang, prov=PROV)
    (marks,) = published_traces(fig)
    assert list(marks.x) == [D22, D23]
    assert marks.name == i18n.t("published_badge", lang) and marks.showlegend
    assert marks.marker.symbol == charts.PUBLISHED_MARKER["symbol"]
    first, second = marks.hovertext
    assert (
        "Prime Minister (vss.gov.vn)" in first
        and i18n.format_date(date(2023, 1, 15), lang) in first
    )
    assert i18n.t("also_published", lang, items="") in first
    assert i18n.format_percent(38.01, lang) in first and "Sài Gòn Giải Phóng" in first
    assert "VSS" in second and i18n.t("also_published", lang, items="") not in second
    # the markers are drawn over the line, and the line's own hover names each month's status
    line = fig.data[0]
    assert line.name == "Tỷ lệ bao phủ BHXH" if lang == "vi" else line.name == "SI coverage"
    assert fig.data.index(marks) > fig.data.index(line)
    assert i18n.t("demo_badge", lang) in line.customdata[0]
    assert i18n.t("published_badge", lang) in line.customdata[11]


def test_demo_months_are_told_apart_and_named_in_the_legend():
    h = history(date(2022, 1, 31), 24, {D22: "pm"})
    fig = charts.trend_lines(h, "en", prov=PROV)
    line = fig.data[0]
    symbols = list(line.marker.symbol)
    assert symbols[11] != "circle-open"
    assert symbols.count("circle-open") == 23  # every demo month
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert i18n.t("demo_between", "en") in legend and i18n.t("published_badge", "en") in legend


def test_one_legend_entry_for_published_points_over_several_lines():
    a = history(date(2022, 1, 31), 24, {D22: "pm"})
    b = a.with_columns(measure=pl.lit("hi_coverage_rate"), value=pl.col("value") + 50)
    fig = charts.trend_lines(pl.concat([a, b]), "vi", prov=PROV)
    marks = published_traces(fig)
    assert len(marks) == 2
    assert [m.showlegend for m in marks] == [True, False]


def test_without_status_nothing_is_marked():
    h = history(date(2022, 1, 31), 12, {}).drop("status", "source_id")
    fig = charts.trend_lines(h, "vi")
    assert not published_traces(fig) and fig.data[0].mode == "lines"


def event_texts(fig) -> list[str]:
    """The events' legend entries, those of one group (one day, or closer than min_gap)
    joined by <br> (no label is drawn on the plot: issue 26)."""
    groups: dict[str, list[str]] = {}
    for s in fig.layout.shapes:
        if s.legendgroup and s.legendgroup.startswith("event_"):
            groups.setdefault(s.legendgroup, []).append(s.name.split(" · ", 1)[1])
    return ["<br>".join(names) for names in groups.values()]


def test_no_event_or_target_label_is_drawn_on_the_plot():
    h = history(date(2024, 11, 30), 24, {})
    targets = pl.DataFrame(
        {"measure": ["si_coverage_rate"], "year": [2025], "period": [D23], "target": [45.0]}
    )
    fig = charts.trend_lines(h, "vi", targets, prov=PROV)
    assert not fig.layout.annotations  # events and targets are named in the legend instead
    names = [s.name for s in fig.layout.shapes if s.showlegend]
    assert names == ["1/7/2025 · Sáp nhập 63 → 34 tỉnh", "1/7/2025 · Luật BHXH 41/2024",
                     "11/9/2025 · QĐ 2002"]  # fmt: skip
    (target,) = [t for t in fig.data if t.legendgroup == "target"]
    assert target.name == "Mục tiêu (nghị quyết)" and "45,00%" in target.hovertemplate


def test_coverage_panels_give_each_measure_its_own_axis():
    a = history(date(2024, 1, 31), 24, {})
    b = a.with_columns(measure=pl.lit("hi_coverage_rate"), value=pl.col("value") + 55)
    fig = charts.trend_lines(pl.concat([a, b]), "en", panels=True, prov=PROV)
    lines = [t for t in fig.data if t.name in ("SI coverage", "HI coverage")]
    assert [(t.xaxis, t.yaxis) for t in lines] == [("x", "y"), ("x2", "y2")]
    assert [a.text for a in fig.layout.annotations] == ["SI coverage", "HI coverage"]
    assert fig.layout.yaxis.domain != fig.layout.yaxis2.domain


def event_lines(fig) -> list:
    return list(dict.fromkeys(s.x0 for s in fig.layout.shapes if s.yref == "paper"))


def test_events_only_within_the_range_one_label_for_one_day():
    fig = charts.trend_lines(history(date(2024, 11, 30), 24, {}), "en", prov=PROV)
    assert event_lines(fig) == [date(2025, 7, 1), date(2025, 9, 11)]
    assert event_texts(fig) == ["63 → 34 merger<br>SI Law 41/2024", "Decision 2002"]


def test_no_events_outside_the_range():
    fig = charts.trend_lines(history(date(2021, 1, 31), 24, {}), "vi", prov=PROV)
    assert event_lines(fig) == [] and event_texts(fig) == []


def test_event_labels_follow_the_language_and_close_events_share_a_label():
    fig = charts.add_events(
        charts.go.Figure(), EVENTS, "vi", date(2015, 1, 1), date(2026, 12, 31), min_gap=0.03
    )
    # 2025-07-01 and 2025-09-11 are 2 % of twelve years apart: one label, the lines share it
    assert event_texts(fig) == [
        "Nghị quyết 28",
        "Sáp nhập 63 → 34 tỉnh<br>Luật BHXH 41/2024<br>QĐ 2002",
    ]


def test_series_lines_mark_published_points_of_each_place():
    df = pl.DataFrame(
        {
            "series": ["A"] * 3,
            "layout": ["VN"] * 3,
            "geo_code": ["VN"] * 3,
            "period": [date(2022, 10, 31), date(2022, 11, 30), D22],
            "value": [37.0, 37.5, 38.08],
            "status": ["demo", "demo", "published"],
            "source_id": ["demo_v1", "demo_v1", "pm"],
        }
    )
    fig = charts.series_lines(df, "percent", "en", prov=PROV, measure="si_coverage_rate")
    (marks,) = published_traces(fig)
    assert (
        list(marks.x) == [D22]
        and "Also published: 38.01% (Sài Gòn Giải Phóng)" in marks.hovertext[0]
    )


def test_plan_chart_marks_published_actuals_and_draws_the_years_events(frames):
    view = projection.plan_view(frames, "si_coverage_rate", "VN", "VN", date(2025, 12, 31))
    status = metrics.series(frames, "si_coverage_rate")
    prov = charts.Provenance(frames.sources, published.alternatives(), published.events())
    fig = charts.plan_chart(view, "en", prov=prov)
    published_months = set(
        status.filter(
            (pl.col("status") == "published") & (pl.col("period").dt.year() == 2025)
        ).get_column("period")
    )
    (marks,) = published_traces(fig)
    assert set(marks.x) == published_months and published_months
    assert all(h.startswith("Published: ") for h in marks.hovertext)
    assert event_lines(fig) == [date(2025, 7, 1), date(2025, 9, 11)]


def test_status_bars_carry_the_events_of_their_range():
    presence = pl.DataFrame(
        {
            "period": [date(2025, 6, 30), date(2025, 7, 31)],
            "published": [1, 1],
            "reported": [0, 0],
            "demo": [62, 33],
        }
    )
    fig = charts.status_bars(presence, "en", events=EVENTS)
    assert event_lines(fig) == [date(2025, 7, 1)]


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_exports_carry_the_alternatives_in_a_column(lang):
    df = pl.DataFrame(
        {
            "measure": ["si_coverage_rate", "si_coverage_rate"],
            "period": [D22, D23],
            "value": [1.0, 2.0],
        }
    )
    out = export.with_alternatives(df, ALTERNATIVES, lang, layout="VN", geo_code="VN")
    assert out.columns == [*df.columns, export.ALSO_PUBLISHED]
    first, second = out.get_column(export.ALSO_PUBLISHED).to_list()
    assert first == i18n.format_also_published(
        [(38.01, "Sài Gòn Giải Phóng", False)], "percent", lang
    )
    assert first == (
        "Cũng công bố: 38,01% (Sài Gòn Giải Phóng)"
        if lang == "vi"
        else "Also published: 38.01% (Sài Gòn Giải Phóng)"
    )
    assert second == ""
    # a table whose key cannot be made whole is left as it is
    assert export.with_alternatives(df, ALTERNATIVES, lang).columns == df.columns


def test_the_real_alternatives_reach_the_export(frames):
    _, hist = metrics.kpis(frames, ["si_coverage_rate"], D23, 24)
    out = export.with_alternatives(hist, published.alternatives(), "en", layout="VN", geo_code="VN")
    at_2022 = out.filter(pl.col("period") == D22).item(0, export.ALSO_PUBLISHED)
    assert at_2022.startswith("Also published: 38.01%")


def test_axes_say_their_unit_and_fit_the_change(frames):
    """#16: a coverage line is not flattened on a 0-100 axis; the plan chart's axis names its
    unit; the quality bars group digits the Vietnamese way and say they count values."""
    history = metrics.series(frames, "si_coverage_rate", "VN", geo.NATIONAL).with_columns(
        measure=pl.lit("si_coverage_rate")
    )
    fig = charts.trend_lines(history, "vi")
    assert fig.layout.yaxis.range is None and fig.layout.yaxis.autorange is True
    view = projection.plan_view(frames, "si_participants", "VN", geo.NATIONAL, date(2026, 9, 30))
    assert charts.plan_chart(view, "vi").layout.yaxis.title.text == "người"
    bars = charts.status_bars(dataset.presence(frames), "vi")
    assert bars.layout.separators == ",." and bars.layout.yaxis.title.text == "Số giá trị"


def test_the_map_can_lie_its_legend_below_and_frame_a_delta(frames):
    table = metrics.province_table(frames, "si_coverage_rate", "P34", date(2026, 9, 30))
    labels = [{"lon": 112.3, "lat": 16.5, "text": "QĐ. Hoàng Sa (Đà Nẵng)"},
              {"lon": 114.3, "lat": 10.0, "text": "QĐ. Trường Sa (Khánh Hòa)"}]  # fmt: skip
    geojson = {"type": "FeatureCollection", "features": []}
    fig = charts.choropleth(table, geojson, "si_coverage_rate", "vi", 45.0, labels,
                            legend="below", region="red_river")  # fmt: skip
    bar = fig.data[0].colorbar
    assert bar.orientation == "h" and bar.ticktext[-1] == "▲<br>Cả nước 45,00%"
    assert list(fig.layout.geo.lonaxis.range) == charts.MAP_REGIONS["red_river"][0]
    names = fig.data[1]
    assert list(names.text) == ["QĐ. Hoàng Sa<br>(Đà Nẵng)", "QĐ. Trường Sa<br>(Khánh Hòa)"]
    assert list(names.textposition) == ["middle right", "middle left"]
    default = charts.choropleth(table, geojson, "si_coverage_rate", "en", 45.0)
    assert default.data[0].colorbar.orientation is None  # at the right, as the slides draw it


def test_plan_frame_gives_status_only_to_values_it_shows(frames):
    """The plan table's status columns come with the view's own values: a month after the chosen
    one has no actual and so no status, even where the store holds a value for it."""
    from vss_dash.ui import plan_page

    view = projection.plan_view(frames, "si_coverage_rate", "VN", "VN", date(2025, 6, 30))
    df = plan_page.plan_frame(view)
    later = df.filter(pl.col("period") > date(2025, 6, 30))
    assert later.height and later.get_column("status").is_null().all()
    shown = df.filter(pl.col("actual").is_not_null())
    assert shown.height == 6 and shown.get_column("status").is_not_null().all()
    assert df.get_column("last_year_status").is_not_null().sum() == 12
    assert (
        metrics.series(frames, "si_coverage_rate").filter(pl.col("period") > date(2025, 6, 30))
    ).height, "the store holds later months: the test would not show the old join's fault"
