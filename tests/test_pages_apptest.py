"""Every page through Streamlit's AppTest (no browser): it runs without an exception, and the
overview shows exactly the data layer's numbers, in both languages."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import app_run
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from vss_dash import catalog, geo, i18n, metrics, pages
from vss_dash.pages import PAGES

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60


def app(script: str, **params: str) -> AppTest:
    at = app_run.page(script, TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("page", PAGES, ids=[p.url_path for p in PAGES])
def test_page_runs_without_exception(page, lang):
    at = app(page.script, lang=lang)
    assert not at.exception, [e.value for e in at.exception]


def test_app_entry_point_runs_the_first_page():
    at = app("app.py")
    assert not at.exception
    assert at.title[0].value == PAGES[0].title("vi")


OVERVIEW_CARDS = pages.flat(pages.OVERVIEW_CARDS)


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("month", ["2021-11", "2023-12", "2024-09", "2025-07", "2026-10"])
def test_overview_shows_the_data_layers_values(frames, month, lang):
    at = app("views/overview.py", lang=lang, month=month)
    assert not at.exception
    y, m = (int(x) for x in month.split("-"))
    period = metrics.months_back(date(y, m, 1), 0)
    shown = {card.label: (card.value, card.delta) for card in at.metric}
    snap = {
        r["measure"]: r
        for r in metrics.snapshot(frames, OVERVIEW_CARDS, period).iter_rows(named=True)
    }
    for mid in OVERVIEW_CARDS:
        measure = catalog.get(mid)
        value, delta = shown[measure.label(lang)]
        assert value == i18n.format_value(snap[mid]["value"], measure.unit, lang)
        if snap[mid]["change"] is not None:
            assert delta == i18n.format_change(snap[mid]["change"], lang, snap[mid]["change_kind"])
    assert i18n.t("as_of", lang, date=i18n.format_date(period, lang)) in [
        c.value for c in at.caption
    ]


def test_overview_september_2024_in_vietnamese_reads_as_the_press_did():
    at = app("views/overview.py", month="2024-09")
    shown = {card.label: card for card in at.metric}
    assert shown["Người tham gia BHXH"].value == "19,02 triệu"
    assert shown["Người tham gia BHXH"].delta == "+9,90%"  # published: +9.9 %
    assert shown["Người tham gia BHYT"].value == "93,45 triệu"
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    published, demo = i18n.t("published_badge", "vi"), i18n.t("demo_badge", "vi")
    # participants were published for this month; coverage, revenue and late payment were not
    assert [published in b for b in badges] == [True] * 3 + [False] * 6
    assert all(demo in b for b in badges[3:])


def test_overview_marks_demo_data(frames):
    at = app("views/overview.py", lang="en", month="2026-10")
    text = str([e.value for e in at.info])
    assert "demo data" in text


def test_month_picker_changes_the_view_and_the_url():
    at = app("views/overview.py", lang="en")
    assert at.selectbox(key="month").value == "2026-10"
    at.selectbox(key="month").set_value("2023-12").run()
    shown = {card.label: card.value for card in at.metric}
    assert shown["SI coverage"] == "39.25%"  # published for the end of 2023
    assert at.query_params["month"] == "2023-12"


@pytest.mark.parametrize("bad", ["2019-01", "2024-13", "latest", ""])
def test_malformed_month_in_the_url_falls_back_with_a_notice(bad):
    at = app("views/overview.py", lang="en", month=bad)
    assert not at.exception
    assert at.selectbox(key="month").value == "2026-10"
    assert [w.value for w in at.warning] == [
        i18n.t("demo_open", "en"),  # app.py's banner of the open demo
        i18n.t("bad_url_param", "en", param="month", value=i18n.md_escape(bad)),
    ]


# A link crafted to draw a link and an image inside the "bad value" notice (#14):
# /map?month=x%60%20[Sign%20in](https://evil)%20![t](https://evil/t.png)%20%60
HOSTILE = "x` [Sign in](https://evil) ![t](https://evil/t.png) `"


def live_markdown(text: str) -> list[str]:
    """Link, image or autolink syntax that markdown would act on in `text`: what is left after
    the backslash-escaped characters are taken out."""
    bare = re.sub(r"\\.", "", text)
    return re.findall(r"!?\[[^\]]*\]\(|<https?:|https?://", bare)


def rendered_markdown(at: AppTest) -> list[str]:
    """Every piece of markdown the run drew (notices, text, captions, headings)."""
    kinds = ("warning", "info", "error", "success", "markdown", "caption", "title", "subheader")
    return [str(e.value) for kind in kinds for e in getattr(at, kind)]


def test_live_markdown_sees_links_and_images():
    assert live_markdown(f"`month={HOSTILE}`")
    assert not live_markdown(f"`month={i18n.md_escape(HOSTILE)}`")


@pytest.mark.parametrize(
    "script, params",
    [
        ("views/map.py", {"month": HOSTILE}),
        ("views/watch.py", {"month": HOSTILE, "cost_growth_z": HOSTILE}),
        ("views/data.py", {"month": HOSTILE, "from": HOSTILE, "measures": HOSTILE}),
    ],
    ids=["map", "watch", "data"],
)
def test_a_hostile_value_in_the_url_is_shown_as_text(script, params):
    at = app(script, lang="en", **params)
    assert not at.exception
    shown = rendered_markdown(at)
    notices = [w for w in shown if "is not valid" in w]
    assert len(notices) == len(params) - (script == "views/data.py")  # the Data page has no month
    assert all("Sign in" in n for n in notices)
    assert [m for m in shown if live_markdown(m)] == []


def test_language_switch_in_the_app():
    at = app("app.py", lang="en")
    assert at.title[0].value == PAGES[0].title("en")
    at = app("app.py", lang="xx")  # unknown: Vietnamese with a notice, no traceback
    assert not at.exception and at.title[0].value == PAGES[0].title("vi")
    notices = [w.value for w in at.warning if "lang=xx" in w.value]
    assert len(notices) == 1
    # the open demo says so on every page
    assert i18n.t("demo_open", "vi") in [w.value for w in at.warning]


def test_an_invalid_store_stops_the_page_with_a_bilingual_message(tmp_path, monkeypatch):
    """No traceback: the file, the row's key and the broken rule, in both languages."""
    from vss_dash import demo, store

    obs, plans, sources = demo.generate()
    store.write(tmp_path, obs, plans, sources)
    bad = obs.with_columns(value=-obs["value"])  # negative counts everywhere
    gen = store.generation(tmp_path / "plans.parquet")  # damaged in place, same write
    bad.write_parquet(tmp_path / "observations.parquet", metadata={store.GENERATION_KEY: gen})
    monkeypatch.setenv("VSS_DATA_DIR", str(tmp_path))
    at = app("views/overview.py", lang="en")
    assert not at.exception
    assert at.error[0].value == i18n.t("store_invalid", "en")
    table = at.dataframe[0].value
    assert set(table["file"]) == {"observations.parquet"}
    assert "non_negative" in set(table["rule"])
    assert any("negative value" in m for m in table["message"])
    assert any("giá trị âm" in m for m in table["message_other"])
    assert not at.metric  # nothing from the broken store is shown


def test_a_missing_store_says_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.setenv("VSS_DATA_DIR", str(tmp_path / "nowhere"))
    at = app("views/overview.py", lang="vi")
    assert not at.exception
    assert "make demo" in at.error[0].value


PROFILE_CARDS = [
    "si_participants",
    "si_coverage_rate",
    "hi_coverage_rate",
    "revenue_plan_completion",
    "late_payment_rate",
]


@pytest.mark.parametrize(
    ("layout", "code", "month"),
    [
        ("P34", "79", "2026-10"),  # merged city, after the merger
        ("P34", "24", "2024-09"),  # Bắc Ninh + Bắc Giang, history summed through the crosswalk
        ("P63", "74", "2024-09"),  # Bình Dương, which no longer exists in P34
        ("P63", "01", "2021-11"),
    ],
)
@pytest.mark.parametrize("lang", i18n.LANGS)
def test_profile_shows_the_provinces_values_and_ranks(frames, layout, code, month, lang):
    at = app("views/province.py", lang=lang, layout=layout, province=code, month=month)
    assert not at.exception, [e.value for e in at.exception]
    y, m = (int(x) for x in month.split("-"))
    period = metrics.months_back(date(y, m, 1), 0)
    shown = {card.label: card.value for card in at.metric}
    ranks = metrics.ranks(frames, PROFILE_CARDS, layout, period, code)
    captions = [c.value for c in at.caption]
    for mid in PROFILE_CARDS:
        measure = catalog.get(mid)
        expected = metrics.value_at(frames, mid, layout, code, period)
        assert shown[measure.label(lang)] == i18n.format_value(expected, measure.unit, lang)
        rank, n = ranks[mid]
        national = metrics.value_at(frames, mid, "VN", geo.NATIONAL, period)  # beside it
        national = i18n.format_value(national, measure.unit, lang)
        assert i18n.t("rank_note", lang, rank=rank, n=n, national=national) in captions
    assert n == (34 if layout == "P34" else 63)


def test_profile_of_a_merged_province_shows_its_former_provinces():
    at = app("views/province.py", lang="en", layout="P34", province="24", month="2026-10")
    assert not at.exception
    assert any("former provinces" in s.value for s in at.subheader)
    assert not at.dataframe  # the tables are drawn only when their expander is opened
    at.session_state["show_constituents"] = True  # a click on "Show data table"
    table = at.run().dataframe[-1].value
    assert set(table["Province"]) == {"Bắc Giang", "Bắc Ninh", "Bắc Ninh (34)"}


def test_profile_of_a_p63_province_that_was_merged_says_into_what():
    at = app("views/province.py", lang="en", layout="P63", province="74", month="2025-06")
    assert any(
        "Bình Dương, " in c.value and "form Thành phố Hồ Chí Minh" in c.value for c in at.caption
    )
    # P63 months end at 2025-06: later months are not offered
    months = at.selectbox(key="month")
    assert (months.value, months.options[0], len(months.options)) == ("2025-06", "June 2025", 66)


def test_profile_with_an_unknown_province_falls_back_with_a_notice():
    at = app("views/province.py", lang="en", layout="P34", province="74")  # not a P34 code
    assert not at.exception
    assert any("province=74" in w.value for w in at.warning)


def _figure(at: AppTest, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


@pytest.mark.parametrize(
    ("layout", "month", "measure"),
    [
        ("P63", "2024-09", "si_coverage_rate"),
        ("P34", "2024-09", "hi_coverage_rate"),  # before the merger, summed through the crosswalk
        ("P34", "2026-10", "late_payment_rate"),
        ("P63", "2021-11", "revenue_plan_completion"),
        ("P34", "2025-09", "si_participants"),
        ("P34", "2026-10", "hi_medical_cost_yoy"),
    ],
)
@pytest.mark.parametrize("lang", i18n.LANGS)
def test_map_has_one_location_per_province_with_the_data_layers_values(
    frames, layout, month, measure, lang
):
    at = app("views/map.py", lang=lang, layout=layout, month=month, measure=measure)
    assert not at.exception, [e.value for e in at.exception]
    trace = _figure(at)["data"][0]
    assert trace["type"] == "choropleth"
    assert sorted(trace["locations"]) == geo.codes(layout)
    y, m = (int(x) for x in month.split("-"))
    period = metrics.months_back(date(y, m, 1), 0)
    expected = {
        code: metrics.value_at(frames, measure, layout, code, period) for code in geo.codes(layout)
    }
    assert dict(zip(trace["locations"], trace["z"], strict=True)) == pytest.approx(expected)
    # every shape of the map is in the boundary file of the same layout
    feature_ids = {f["id"] for f in trace["geojson"]["features"]}
    assert feature_ids == set(geo.codes(layout))
    # the national value is marked on the legend
    national = metrics.value_at(frames, measure, "VN", "VN", period)
    assert national in trace["colorbar"]["tickvals"]
    assert any(i18n.t("national", lang) in t for t in trace["colorbar"]["ticktext"])


def test_map_ranking_lists_best_and_lagging(frames):
    at = app("views/map.py", lang="en", layout="P34", month="2026-10", measure="si_coverage_rate")
    best, worst = at.dataframe[0].value, at.dataframe[1].value
    table = metrics.province_table(frames, "si_coverage_rate", "P34", date(2026, 10, 31))
    assert list(best["Province"]) == table.head(5).get_column("name").to_list()
    assert list(worst["Rank"]) == [34, 33, 32, 31, 30]


def test_map_asked_for_p63_after_the_merger_explains_and_shows_p34():
    at = app("views/map.py", lang="en", layout="P63", month="2025-09")
    assert not at.exception
    assert any("cannot be split back" in i.value for i in at.info)
    assert sorted(_figure(at)["data"][0]["locations"]) == geo.codes("P34")


def test_map_labels_both_archipelagos():
    at = app("views/map.py", lang="vi")
    labels = _figure(at)["data"][1]["text"]
    assert any("Hoàng Sa" in t and "Đà Nẵng" in t for t in labels)
    assert any("Trường Sa" in t and "Khánh Hòa" in t for t in labels)


def test_clicked_location_reads_plotly_selection_events():
    """Clicks themselves are driven in the browser tier (tests/e2e/test_map.py)."""
    from vss_dash.ui import map_page

    assert map_page.clicked_location({"selection": {"points": [{"location": "24"}]}}) == "24"
    assert map_page.clicked_location({"selection": {"points": []}}) is None
    assert map_page.clicked_location(None) is None


@pytest.mark.parametrize(
    ("measure", "layout", "province", "month"),
    [
        ("revenue_collected", "VN", None, "2026-09"),
        ("si_participants", "P34", "79", "2026-10"),
        ("hi_participants", "P63", "35", "2021-11"),
        ("si_coverage_rate", "VN", None, "2025-09"),
    ],
)
@pytest.mark.parametrize("lang", i18n.LANGS)
def test_plan_page_shows_plan_completion_and_projection(
    frames, measure, layout, province, month, lang
):
    from vss_dash import projection

    params = {"lang": lang, "measure": measure, "layout": layout, "month": month}
    if province:
        params["province"] = province
    at = app("views/plan.py", **params)
    assert not at.exception, [e.value for e in at.exception]
    y, m = (int(x) for x in month.split("-"))
    period = metrics.months_back(date(y, m, 1), 0)
    view = projection.plan_view(frames, measure, layout, province or "VN", period)
    unit = catalog.get(measure).unit
    shown = [(c.label, c.value) for c in at.metric]
    assert shown[0][1] == i18n.format_value(view.plan, unit, lang)
    assert shown[1][1] == i18n.format_value(view.completion, "percent", lang)
    assert shown[2][1] == i18n.format_value(view.projection.year_end, unit, lang)
    badges = [b.value for b in at.markdown if "-badge[" in b.value]
    assert any(i18n.t(f"verdict_{view.verdict}", lang) in b for b in badges)
    # the rule that gave the verdict is on the page, with its numbers (issue 16)
    from vss_dash.ui import plan_page as plan_ui

    rule = i18n.md_escape(plan_ui.verdict_rule(view, lang))
    assert rule and rule in [c.value for c in at.caption]
    completion = at.dataframe[-1].value
    assert len(completion) == (63 if period < geo.MERGER_DATE else 34) + 1  # provinces + national


def test_the_map_selects_a_province_without_leaving_the_page():
    at = app("views/map.py", lang="en", layout="P34", month="2026-10", selected="01")
    assert not at.exception
    assert at.selectbox(key="selected").value == "01"
    assert "Hà Nội" in [m.value.strip("*") for m in at.markdown]
    links = at.get("page_link")
    assert [link.proto.label for link in links] == ["Open the province profile"]
    # a code of the other layout (the layout was switched) is dropped without a notice
    at = app("views/map.py", lang="en", layout="P34", month="2026-10", selected="26")
    assert at.selectbox(key="selected").value == ""
    assert [w.value for w in at.warning] == [i18n.t("demo_open", "en")]  # app.py's banner only
    assert not at.get("page_link")
    assert at.caption and any("Rank 1 is the highest" in c.value for c in at.caption)


def test_the_map_frames_a_delta():
    at = app("views/map.py", lang="vi", layout="P63", month="2025-06", region="red_river")
    assert not at.exception and at.selectbox(key="region").value == "red_river"


@pytest.mark.parametrize(("lang", "says"), [
    ("vi", "Từ ngày 1/7/2025, Bắc Ninh và Bắc Giang được sắp xếp thành Tỉnh Bắc Ninh"),
    ("en", "Since 1 July 2025, Bắc Ninh and Bắc Giang form Tỉnh Bắc Ninh"),
])  # fmt: skip
def test_a_former_province_says_what_it_merged_with(lang, says):
    at = app("views/province.py", lang=lang, layout="P63", province="27", month="2024-09")
    assert any(c.value.startswith(says) for c in at.caption), [c.value for c in at.caption]


def test_the_completion_table_has_its_key_and_ranks_provinces():
    at = app("views/plan.py", lang="en", month="2026-09")
    assert i18n.t("completion_key", "en") in [c.value for c in at.caption]
    df = next(d.value for d in at.dataframe if "Province" in d.value.columns)
    assert df.iloc[0, 0] == i18n.t("national", "en")
    first = df.iloc[1:, 1].tolist()
    assert first == sorted(first, reverse=True)


def test_the_month_and_layout_follow_the_visitor_to_the_next_page():
    """#16: the profile at 9/2024 in the 63 provinces, then the map: the same month and layout
    (they reset to the newest month and 34 provinces before)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("views/province.py")
    at.query_params.update({"layout": "P63", "province": "01", "month": "2024-09"})
    at.run()
    at.switch_page("views/map.py").run()
    assert not at.exception
    assert (at.selectbox(key="month").value, at.selectbox(key="layout").value) == ("2024-09", "P63")
    assert dict(at.query_params)["month"] == "2024-09"


@pytest.mark.parametrize("page", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_script_ends_by_writing_the_url_once(page):
    """The filters' URL changes are held during a run and sent together by state.flush(), the
    page's last statement (one history entry per click); a page without it never updates its
    URL."""
    import ast

    tree = ast.parse((ROOT / page.script).read_text(encoding="utf-8"))
    last = tree.body[-1]
    assert isinstance(last, ast.Expr) and ast.unparse(last.value) == "state.flush()"


def test_a_profile_compares_its_province_with_the_ones_added_in_the_url(frames):
    """#26: ?compare= adds provinces to the profile's line; an unknown code is dropped with a
    notice; the country is the last line; the line's values are the data layer's."""
    at = app("views/province.py", lang="vi", layout="P34", province="01", compare="79,92,xx")
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="compare").value == ["79", "92"]
    assert at.query_params["compare"] == "79,92"
    assert any("compare=79,92,xx" in w.value for w in at.warning)
    assert "So sánh Hà Nội với các tỉnh, thành phố khác" in [s.value for s in at.subheader]
    fig = _figure(at)
    lines = {t["name"]: t for t in fig["data"] if t.get("mode", "").startswith("lines")}
    assert list(lines)[:4] == ["Hà Nội", "TP. Hồ Chí Minh", "Cần Thơ", "Cả nước"]
    hcmc = metrics.resolve(frames, "si_coverage_rate", "P34").filter(pl.col("geo_code") == "79")
    assert lines["TP. Hồ Chí Minh"]["y"][-1] == pytest.approx(hcmc.sort("period")["value"][-1])


def test_a_profile_draws_its_comparison_when_asked():
    """No chart (and no chart library) on a profile until the visitor asks for the comparison;
    a link that names provinces to compare asks for it."""
    at = app("views/province.py", lang="en", layout="P34", province="01")
    assert not at.toggle(key="compare_on").value and not at.get("plotly_chart")
    at.toggle(key="compare_on").set_value(True).run()
    assert not at.exception
    (fig,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    names = [t["name"] for t in fig["data"] if t.get("mode", "").startswith("lines")]
    assert names == ["Hà Nội", "Nationwide"]


def test_a_profile_compares_at_most_five_provinces_and_never_itself():
    at = app("views/province.py", lang="en", layout="P34", province="01",
             compare="01,79,92,31,48,75,96")  # fmt: skip
    assert not at.exception
    chosen = at.multiselect(key="compare").value
    assert "01" not in chosen and len(chosen) == 5


def test_a_profiles_headings_name_the_city_as_the_agency_does():
    """#25: a heading that is a sentence names TP. Hồ Chí Minh, never the bare name."""
    at = app("views/province.py", lang="vi", layout="P34", province="79", month="2026-10")
    headings = [s.value for s in at.subheader]
    assert "So sánh TP. Hồ Chí Minh với các tỉnh, thành phố khác" in headings
    assert "Số liệu các tỉnh trước sắp xếp, nay thuộc TP. Hồ Chí Minh" in headings
