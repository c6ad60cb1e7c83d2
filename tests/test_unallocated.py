"""Issue 29: the national figure is the sum of the provinces, or a named line "Chưa phân bổ cho
tỉnh" / "Not allocated to a province" holds the rest, on the map under it and at the end of its
province table. metrics.unallocated is checked against sums taken here from the stored rows
themselves; the map page through AppTest, at months with and without such an amount."""

from __future__ import annotations

from datetime import date

import app_run
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from vss_dash import catalog, i18n, metrics

TIMEOUT = 60
DEC23, NOV25, OCT26 = date(2023, 12, 31), date(2025, 11, 30), date(2026, 10, 31)


def stored(frames: metrics.Frames, measure: str, layout: str, period: date) -> pl.DataFrame:
    """The stored rows of a measure, layout and month, one a place: a published row where the
    store holds one beside a demo one (as the pages show it)."""
    return (
        frames.obs.filter(
            (pl.col("measure") == measure)
            & (pl.col("layout") == layout)
            & (pl.col("period") == period)
        )
        .sort("status", descending=True)
        .group_by("geo_code", maintain_order=True)
        .first()
    )


def provinces_by_hand(frames: metrics.Frames, parts: list[str], layout: str, period: date) -> float:
    """The provinces' stored rows of every part of a sum, added up here."""
    return sum(stored(frames, p, layout, period).get_column("value").sum() for p in parts)


@pytest.mark.parametrize(
    ("measure", "parts", "layout", "period"),
    [
        ("si_voluntary", ["si_voluntary"], "P34", NOV25),  # stored, national 2,016,000
        ("si_voluntary", ["si_voluntary"], "P63", DEC23),  # national 1,830,000, above the sum
        ("si_participants", ["si_compulsory", "si_voluntary"], "P34", NOV25),  # derived sum
        ("si_participants", ["si_compulsory", "si_voluntary"], "P63", DEC23),
    ],
)
def test_a_gap_is_the_published_national_figure_less_the_provinces(
    frames, measure, parts, layout, period
):
    (national,) = stored(frames, measure, "VN", period).get_column("value")  # published
    by_hand = national - provinces_by_hand(frames, parts, layout, period)
    assert abs(by_hand) >= 0.5  # the store's own rows do not add up: a gap to show
    assert metrics.unallocated(frames, measure, layout, period) == pytest.approx(by_hand)


def test_the_nine_cases_are_the_ones_the_plausibility_check_finds(frames):
    from vss_dash import plausibility

    gaps = plausibility.sum_gaps(frames)
    assert gaps.select("measure", "period").unique().height == 9
    for r in gaps.iter_rows(named=True):
        got = metrics.unallocated(frames, r["measure"], r["layout"], r["period"])
        assert got == pytest.approx(r["gap"]), r


def test_a_rate_answers_for_its_numerator(frames):
    si = metrics.unallocated(frames, "si_participants", "P34", NOV25)
    assert si is not None
    assert metrics.unallocated(frames, "si_coverage_rate", "P34", NOV25) == si
    assert metrics.unallocated(frames, "si_plan_completion", "P34", NOV25) == si
    ui = metrics.unallocated(frames, "ui_participants", "P63", date(2024, 12, 31))
    assert ui is not None and ui < -80_000
    assert metrics.unallocated(frames, "ui_coverage_rate", "P63", date(2024, 12, 31)) == ui


def test_no_gap_where_the_provinces_add_up_to_the_published_figure(frames):
    """December 2023: UI participants' national 14.69 million is published and the provinces
    add up to it."""
    (national,) = stored(frames, "ui_participants", "VN", DEC23).get_column("value")
    summed = provinces_by_hand(frames, ["ui_participants"], "P63", DEC23)
    assert abs(national - summed) < 0.5
    assert metrics.unallocated(frames, "ui_participants", "P63", DEC23) is None
    assert metrics.unallocated(frames, "ui_coverage_rate", "P34", DEC23) is None


def test_no_gap_in_a_demo_month_nor_for_what_does_not_add_up(frames):
    summed = provinces_by_hand(frames, ["si_compulsory", "si_voluntary"], "P34", OCT26)
    national = metrics.value_at(frames, "si_participants", "VN", "VN", OCT26)
    assert abs(national - summed) < 0.5
    assert metrics.unallocated(frames, "si_participants", "P34", OCT26) is None
    assert metrics.unallocated(frames, "si_coverage_rate", "P34", OCT26) is None
    # no province of the 63 after the merger; no provinces in the national layout
    assert metrics.unallocated(frames, "si_participants", "P63", NOV25) is None
    assert metrics.unallocated(frames, "si_participants", "VN", NOV25) is None
    for m in catalog.MEASURES:  # reported nationally only: nothing to allocate
        if m.national_only or m.geo_agg == "none":
            assert metrics.unallocated(frames, m.id, "P34", NOV25) is None, m.id


def test_a_rounding_below_the_published_precision_is_no_gap():
    v = date(2026, 1, 1)
    rows = [
        ("VN", "VN", 1000.4, "published"),
        ("P34", "01", 600.0, "demo"),
        ("P34", "79", 400.0, "demo"),
    ]
    obs = pl.DataFrame(
        [
            {
                "period": OCT26,
                "layout": lay,
                "geo_code": code,
                "measure": "si_voluntary",
                "value": value,
                "status": status,
                "source_id": "x",
                "vintage": v,
            }
            for lay, code, value, status in rows
        ]
    )
    from vss_dash import store

    plans = store.conform(pl.DataFrame(schema=store.PLAN_SCHEMA), store.PLAN_SCHEMA)
    fr = metrics.Frames(store.conform(obs, store.OBS_SCHEMA), plans)
    assert metrics.unallocated(fr, "si_voluntary", "P34", OCT26) is None  # 0.4 of a person
    fr = metrics.Frames(
        store.conform(obs.with_columns(value=pl.col("value") + 0.2), store.OBS_SCHEMA), plans
    )
    # 1000.6 against 1000.4: still rounds; 1000.6 - 600.2 - 400.2 = 0.2
    assert metrics.unallocated(fr, "si_voluntary", "P34", OCT26) is None
    fr = metrics.Frames(
        store.conform(
            obs.with_columns(
                value=pl.when(pl.col("layout") == "VN").then(1001.0).otherwise(pl.col("value"))
            ),
            store.OBS_SCHEMA,
        ),
        plans,
    )
    assert metrics.unallocated(fr, "si_voluntary", "P34", OCT26) == pytest.approx(1.0)


# ---------------------------------------------------------------- the map page


def app(**params: str) -> AppTest:
    at = app_run.page("views/map.py", TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.session_state["show_map_table"] = True  # open "show table": its rows are drawn
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def notes(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_map_names_what_no_province_holds(frames, lang):
    """SI coverage in November 2025: the published 20.04 million SI participants are 8,980 fewer
    than the 34 provinces' sum (the published figure is rounded); the line says so under the
    map, and ends the province table in the numerator's column."""
    at = app(lang=lang, measure="si_coverage_rate", month="2025-11", layout="P34")
    amount = metrics.unallocated(frames, "si_participants", "P34", NOV25)
    said = i18n.format_value(amount, "persons", lang)
    line = i18n.t(
        "map_unallocated_line",
        lang,
        measure=catalog.get("si_participants").label(lang),
        amount=said,
    )
    why = i18n.t("map_unallocated_under", lang, n=34)
    assert f"{line} {why}" in notes(at)
    # under the map, in its column, before the map's pickers
    cols = [app_run.flat(c) for c in at.columns]
    col = next(c for c in cols if ("plotly_chart", "chart_map") in c)
    keys = [k for _, k in col]
    assert keys.index("chart_map") < keys.index("unallocated_note") < keys.index("region")

    shown = at.dataframe[-1].value
    assert len(shown) == 35  # every province, then the line
    last = shown.iloc[-1]
    assert last[i18n.t("col_province", lang)] == i18n.t("map_unallocated", lang)
    assert last[i18n.t("numerator", lang)] == said
    assert last[i18n.t("col_value", lang)] == i18n.MISSING
    ranks = shown[i18n.t("col_rank", lang)]
    assert ranks.iloc[-1] != ranks.iloc[-1]  # unranked: an empty cell (NaN once read back)
    assert ranks.iloc[:-1].notna().all()


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_an_amount_above_the_provinces_is_held_in_the_value_column(frames, lang):
    """Voluntary SI in December 2023, 63 provinces: the published 1.83 million is above the
    provinces' sum; the note names what no province reports, and the line's value is the
    measure's own."""
    at = app(lang=lang, measure="si_voluntary", month="2023-12", layout="P63")
    amount = metrics.unallocated(frames, "si_voluntary", "P63", DEC23)
    assert amount > 0
    said = i18n.format_value(amount, "persons", lang)
    why = i18n.t("map_unallocated_over", lang, n=63)
    assert any(n.endswith(why) and said in n for n in notes(at))
    shown = at.dataframe[-1].value
    assert len(shown) == 64
    last = shown.iloc[-1]
    assert last[i18n.t("col_province", lang)] == i18n.t("map_unallocated", lang)
    assert last[i18n.t("col_value", lang)] == said


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_nothing_is_said_where_the_provinces_add_up(lang):
    at = app(lang=lang, measure="si_coverage_rate", month="2026-10", layout="P34")
    name = i18n.t("map_unallocated", lang)
    assert not any(name in n for n in notes(at))
    assert "unallocated_note" not in [k for c in at.columns for _, k in app_run.flat(c)]
    shown = at.dataframe[-1].value
    assert len(shown) == 34
    assert name not in list(shown[i18n.t("col_province", lang)])
