"""The watch-list page through AppTest: it shows exactly `watch.watch_list`'s rows, formatted,
in both languages; thresholds come from the URL, and a bad one falls back with a notice."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from vss_dash import catalog, i18n, metrics, watch
from vss_dash.pages import PAGES

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "views/watch.py"


def app(script: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def period_of(month: str) -> date:
    y, m = (int(x) for x in month.split("-"))
    return metrics.months_back(date(y, m, 1), 0)


def expected_rows(wl, reason: watch.Reason, lang: str) -> list[list[str]]:
    """The rows of a reason as the page should show them, from the data layer's numbers."""
    unit = catalog.get(reason.measure).unit
    fall = reason.rule == "fall"
    status = {"demo": "demo_badge", "published": "published_badge", "reported": "reported_badge"}

    def level(v):
        return i18n.format_change(v, lang, "percent") if fall else i18n.format_value(v, unit, lang)

    out = []
    for r in wl.filter(reason=reason.id).iter_rows(named=True):
        gap = (
            i18n.format_number(r["gap"], lang, 1)
            if r["gap_kind"] == "z"
            else i18n.format_change(r["gap"], lang, "pp")
        )
        out.append(
            [
                r["name"],
                level(r["value"]),
                level(r["national"]),
                gap,
                i18n.format_change(r["trend"], lang, r["trend_kind"]),
                i18n.t(status[r["status"]], lang),
            ]
        )
    return out


def tables(at: AppTest) -> dict[str, list[list[str]]]:
    return {
        df.key.removeprefix("watch_"): df.value.astype(str).values.tolist()
        for df in at.dataframe
        if df.key and df.key.startswith("watch_")
    }


def test_the_page_is_registered():
    page = next(p for p in PAGES if p.script == SCRIPT)
    assert (page.address, page.title("en")) == ("/watch", "Watch list")


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize(
    ("month", "params"),
    [
        ("2026-10", {}),  # 34 provinces
        ("2024-09", {}),  # 63 provinces
        ("2021-07", {}),  # a nationwide seasonal fall in HI participants
        ("2026-10", {"si_coverage_gap": "25", "cost_growth_z": "3.5", "hi_coverage_gap": "0"}),
    ],
)
def test_tables_show_the_watch_lists_values(frames, month, params, lang):
    at = app(SCRIPT, lang=lang, month=month, **params)
    assert not at.exception, [e.value for e in at.exception]
    values = {k: float(v) for k, v in params.items()}
    wl = watch.watch_list(frames, period_of(month), watch.Thresholds(**values))
    shown = tables(at)
    for reason in watch.REASONS:
        expected = expected_rows(wl, reason, lang)
        assert shown.get(reason.id, []) == expected, reason.id
    heads = [s.value for s in at.subheader]
    assert heads == [
        f"{i18n.t(f'reason_{r.id}', lang)} ({wl.filter(reason=r.id).height})" for r in watch.REASONS
    ]
    summary = i18n.t("watch_summary", lang, entries=wl.height, provinces=wl["geo_code"].n_unique())
    assert summary in [m.value for m in at.markdown]
    assert i18n.t("demo_notice", lang) in [i.value for i in at.info]
    assert len(at.get("download_button")) == 3  # CSV, Excel, Parquet


def test_defaults_at_the_newest_month_flag_the_demo_cost_outliers():
    at = app(SCRIPT, lang="en")
    assert at.selectbox(key="month").value == "2026-10"
    provinces = [row[0] for row in tables(at)["hi_cost_growth"]]
    assert set(provinces) == {"Nghệ An", "Đắk Lắk", "An Giang"}
    assert {n.key: n.value for n in at.text_input} == {
        name: i18n.format_input(getattr(watch.Thresholds(), name), "en") for name in watch.LIMITS
    }


def test_a_threshold_changed_on_the_page_goes_into_the_url_and_the_tables():
    at = app(SCRIPT, lang="en", month="2026-10")
    before = len(tables(at)["low_si_coverage"])
    at.text_input(key="si_coverage_gap").input("25").run()
    assert at.query_params["si_coverage_gap"] == "25"
    assert len(tables(at)["low_si_coverage"]) < before
    # back to the default: the parameter leaves the URL
    at.text_input(key="si_coverage_gap").input("20").run()
    assert "si_coverage_gap" not in at.query_params


@pytest.mark.parametrize("bad", ["abc", "-1", "11", "nan", ""])
def test_a_bad_threshold_in_the_url_falls_back_with_a_notice(bad):
    at = app(SCRIPT, lang="en", month="2026-10", cost_growth_z=bad)
    assert not at.exception
    assert at.text_input(key="cost_growth_z").value == i18n.format_input(
        watch.Thresholds().cost_growth_z, "en"
    )
    assert [w.value for w in at.warning] == [
        i18n.t("bad_url_param", "en", param="cost_growth_z", value=i18n.md_escape(bad))
    ]
    # the tables are the default's result
    assert tables(at) == tables(app(SCRIPT, lang="en", month="2026-10"))


def test_a_section_with_nothing_to_flag_says_so(frames):
    at = app(SCRIPT, lang="vi", month="2026-10")
    wl = watch.watch_list(frames, period_of("2026-10"))
    empty = [r for r in watch.REASONS if wl.filter(wl["reason"] == r.id).is_empty()]
    assert empty  # the demo month has a section with nothing in it
    assert [s.value for s in at.success] == [i18n.t("watch_none", "vi")] * len(empty)


def test_a_threshold_typed_the_vietnamese_way_is_read_as_such():
    """Issue 16: "1,5" in Vietnamese is one and a half, not 15; the box shows "1,5" too."""
    at = app(SCRIPT, lang="vi", month="2026-10")
    assert at.text_input(key="cost_growth_z").value == "2"
    at.text_input(key="cost_growth_z").input("1,5").run()
    assert not at.exception
    assert at.query_params["cost_growth_z"] == "1.5"
    assert at.text_input(key="cost_growth_z").value == "1,5"
    # in English the same value reads 1.5
    at2 = app(SCRIPT, lang="en", month="2026-10", cost_growth_z="1.5")
    assert at2.text_input(key="cost_growth_z").value == "1.5"


def test_a_threshold_that_is_not_a_number_keeps_the_last_value_and_says_why():
    at = app(SCRIPT, lang="vi", month="2026-10")
    at.text_input(key="cost_growth_z").input("1,5").run()
    at.text_input(key="cost_growth_z").input("abc").run()
    assert not at.exception
    assert at.query_params["cost_growth_z"] == "1.5"
    bad = i18n.t("number_bad", "vi", value="abc", low="0", high="10", kept="1,5")
    assert any(i18n.md_escape(bad) in c.value for c in at.caption)


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("1,5", "vi", 1.5), ("1.5", "vi", 1.5), ("1.000", "vi", 1000.0), ("1.234,5", "vi", 1234.5),
        ("1.5", "en", 1.5), ("1,5", "en", 1.5), ("1,000", "en", 1000.0), ("1,234.5", "en", 1234.5),
        (" 2,5 ", "vi", 2.5), ("−2", "vi", -2.0), ("abc", "vi", None), ("", "vi", None),
        ("1.2.3", "vi", None), ("1,2,3", "vi", None), ("1.5,2", "en", None), ("nan", "en", None),
    ],
)  # fmt: skip
def test_parse_number(text, lang, value):
    assert i18n.parse_number(text, lang) == value
