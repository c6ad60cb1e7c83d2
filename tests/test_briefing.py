"""The press-briefing deck: which slides, public mode, quarters; the page through AppTest."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from vss_dash import briefing, catalog, i18n, metrics, watch

SCRIPT = str(Path(__file__).resolve().parent.parent / "views" / "briefing.py")


def app(**params: str) -> AppTest:
    at = AppTest.from_file(SCRIPT, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def test_quarters_are_complete_ones_newest_first():
    periods = [metrics.months_back(date(2026, m, 1), 0) for m in range(1, 11)]
    assert [q.key for q in briefing.quarters(periods)] == ["2026-Q3", "2026-Q2", "2026-Q1"]
    assert briefing.Quarter.parse("2025-Q2").end == date(2025, 6, 30)


@pytest.mark.parametrize("public", [False, True])
def test_deck_has_six_to_ten_slides_and_public_mode_keeps_press_safe_measures(public):
    deck = briefing.slides(public)
    assert 6 <= len(deck) <= 10
    assert [s.kind for s in deck] == list(briefing.KINDS)
    measures = [m for s in deck for m in s.measures]
    assert all(catalog.get(m).public for m in measures) or not public
    if not public:
        assert "late_payment_rate" in measures and "hi_medical_cost" in measures


def test_public_watch_slide_drops_reasons_built_on_internal_measures(frames):
    period = date(2026, 9, 30)
    internal = {r.id for r in watch.REASONS if not catalog.get(r.measure).public}
    public = briefing.watch_rows(frames, period, public=True)
    assert internal and not set(public.get_column("reason")) & internal
    full = briefing.watch_rows(frames, period, public=False)
    assert set(full.get_column("reason")) & internal  # the demo data does flag some
    assert full.group_by("reason").len().get_column("len").max() <= 3


def test_data_status_shares_add_up(frames):
    shares = briefing.data_status(frames, date(2024, 9, 30))
    assert sum(shares.values()) == pytest.approx(1.0)
    assert shares["published"] > 0 and shares["demo"] > 0.9


@pytest.mark.parametrize("slide", range(1, 8))
@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_slide_draws_in_both_languages(slide, lang):
    at = app(lang=lang, slide=str(slide))
    assert not at.exception, [e.value for e in at.exception]
    kind = briefing.KINDS[slide - 1]
    assert at.title[0].value == i18n.t(f"slide_{kind}", lang)
    assert at.selectbox(key="quarter").value == "2026-Q3"  # the last complete quarter
    assert any(i18n.t("demo_badge", lang) in m.value for m in at.markdown)


def test_headline_slide_shows_the_data_layers_values(frames):
    at = app(lang="en", quarter="2024-Q3")
    shown = {m.label: m.value for m in at.metric}
    for mid in briefing.HEADLINE:
        measure = catalog.get(mid)
        value = metrics.value_at(frames, mid, "VN", "VN", date(2024, 9, 30))
        assert shown[measure.label("en")] == i18n.format_value(value, measure.unit, "en")
    assert shown["SI participants"] == "19.02 million"  # published for September 2024


def test_public_mode_hides_internal_measures():
    labels = {m.label for m in app(lang="en", public="1").metric}
    assert catalog.get("late_payment_rate").label("en") not in labels
    assert catalog.get("si_coverage_rate").label("en") in labels


def test_next_and_previous_move_through_the_deck_and_the_url():
    at = app(lang="vi")
    assert at.caption[0].value == i18n.t("slide_of", "vi", n=1, total=7)
    at.button(key="brief_next").click().run()
    assert at.title[0].value == i18n.t("slide_map", "vi")
    assert at.query_params["slide"] == "2"
    at.button(key="brief_prev").click().run()
    assert at.title[0].value == i18n.t("slide_headline", "vi")
    assert "slide" not in at.query_params  # slide 1 is the default


@pytest.mark.parametrize("bad", ["0", "9", "x"])
def test_a_bad_slide_in_the_url_falls_back_with_a_notice(bad):
    at = app(lang="en", slide=bad)
    assert not at.exception
    assert at.title[0].value == i18n.t("slide_headline", "en")
    assert any(f"slide={bad}" in w.value for w in at.warning)


def test_sources_slide_names_publishers_and_dates_in_the_deck_language(frames):
    from datetime import date as _date

    from vss_dash import briefing as _briefing

    used = _briefing.sources_used(frames, _date(2025, 12, 31))
    assert used[0] != "demo_v1" and used[-1] == "demo_v1"  # published first, demo last
    lines_vi = [_briefing.source_line(frames, sid, "vi") for sid in used]
    assert lines_vi[-1] == "Dữ liệu minh họa (vss-dash demo)"
    assert any(line.startswith("Bảo hiểm xã hội Việt Nam") for line in lines_vi)
    assert all("/" in line or "demo" in line for line in lines_vi)  # dd/mm/yyyy dates


def test_present_button_puts_presentation_mode_in_the_url_and_esc_leaves_it():
    at = app(lang="en", slide="3")
    assert "present" not in at.query_params
    assert not [b for b in at.button if b.key in ("brief_exit", "brief_tap")]
    at.button(key="brief_present").click().run()
    assert at.query_params["present"] == "1" and at.query_params["slide"] == "3"
    assert at.title[0].value == i18n.t(f"slide_{briefing.KINDS[2]}", "en")  # the same slide
    at.button(key="brief_exit").click().run()  # Esc is its shortcut
    assert "present" not in at.query_params and at.query_params["slide"] == "3"


def test_a_link_in_presentation_mode_opens_it_without_the_operators_exports():
    at = app(lang="vi", present="1", quarter="2024-Q3")
    assert not at.exception
    keys = {b.key for b in at.button}
    assert {"brief_exit", "brief_tap", "brief_home", "brief_end"} <= keys
    assert "export" not in keys and not at.get("popover")  # nothing to download while presenting
    assert at.query_params["present"] == "1" and at.query_params["quarter"] == "2024-Q3"
    assert {m.label: m.value for m in at.metric}["Người tham gia BHXH"] == "19,02 triệu"


def test_a_click_advances_and_the_last_slides_click_returns_to_the_first():
    at = app(lang="en", present="1")
    at.button(key="brief_tap").click().run()
    assert at.query_params["slide"] == "2"
    at.button(key="brief_end").click().run()
    assert at.query_params["slide"] == "7"
    at.button(key="brief_tap").click().run()
    assert "slide" not in at.query_params  # back to slide 1
    assert at.query_params["present"] == "1"


@pytest.mark.parametrize("digit", ["1", "4", "7"])
def test_home_end_and_a_digit_jump_to_their_slide(digit):
    at = app(lang="en", slide="5")
    at.button(key=f"brief_go_{digit}").click().run()
    assert at.title[0].value == i18n.t(f"slide_{briefing.KINDS[int(digit) - 1]}", "en")
    at.button(key="brief_home").click().run()
    assert "slide" not in at.query_params
    assert at.title[0].value == i18n.t("slide_headline", "en")


def test_a_bad_present_value_is_the_operators_page():
    at = app(lang="en", present="yes")
    assert not at.exception
    assert "brief_tap" not in {b.key for b in at.button}
    assert "brief_present" in {b.key for b in at.button}


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (date(2024, 9, 30), "2024-Q3"),
        (date(2024, 11, 30), "2024-Q3"),  # Q4 is not over in November
        (date(2026, 12, 31), "2026-Q3"),  # the newest complete quarter
        (None, "2026-Q3"),
        (date(1990, 1, 31), "2026-Q3"),  # before the data: the newest
    ],
)
def test_the_deck_opens_on_the_quarter_of_the_month_seen(frames, month, expected):
    assert briefing.quarter_of(briefing.quarters(frames.periods()), month).key == expected


def test_arriving_with_a_month_opens_its_quarter():
    """Issue 26: from the overview at 9/2024, the briefing showed Q3/2026."""
    at = app(lang="vi", month="2024-09")
    assert at.selectbox(key="quarter").value == "2024-Q3"
    assert at.caption[1].value.startswith(i18n.t("quarter_label", "vi", q=3, year=2024))
    assert app(lang="vi", month="2024-09", quarter="2025-Q2").selectbox(key="quarter").value == (
        "2025-Q2"
    )


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_operators_buttons_say_what_they_do(lang):
    at = app(lang=lang)
    assert at.button(key="brief_prev").label == i18n.t("prev_slide_label", lang)
    assert at.button(key="brief_next").label == i18n.t("next_slide_label", lang)
    leave = at.button(key="leave").label
    assert leave == i18n.t("leave_briefing", lang) and leave != i18n.t("present", lang)
