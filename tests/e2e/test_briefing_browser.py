"""The press briefing as a presenter shows it: 1920x1080, no sidebar or menus, KPI numbers at
least 48 px tall, arrow keys move the deck; and the deck prints as one PDF page per slide."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page

from vss_dash import briefing, catalog, deck_export, geo, i18n, metrics, narrative
from vss_harness.browser import wait_charts_drawn

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PROJECTOR = {"width": 1920, "height": 1080}


def test_briefing_at_projector_size(
    server: str, browser: Browser, open_page: Callable[[Page, str], None]
) -> None:
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    try:
        SCREENSHOTS.mkdir(exist_ok=True)
        for lang in ("vi", "en"):
            open_page(page, f"{server}/briefing?lang={lang}&quarter=2026-Q3")
            # the operator keeps the pages and the language switch (issue 26); the projector
            # and the print never show them (test_presentation_browser, the PDF test below)
            sidebar = page.get_by_test_id("stSidebar")
            assert sidebar.is_visible()
            assert sidebar.get_by_role("link").count() >= 8  # every page of the registry
            other = i18n.t("lang_en" if lang == "vi" else "lang_vi", lang)
            assert sidebar.get_by_text(other, exact=True).is_visible()  # the language switch
            assert not page.get_by_test_id("stToolbar").is_visible()
            assert page.get_by_test_id("stException").count() == 0
            heights = page.get_by_test_id("stMetricValue").evaluate_all(
                "(els) => els.map((e) => parseFloat(getComputedStyle(e).fontSize))"
            )
            assert heights and min(heights) >= 48, heights
            page.screenshot(path=SCREENSHOTS / f"briefing_1920_{lang}_slide1.png")
        page.keyboard.press("ArrowRight")
        page.wait_for_url("**slide=2**", timeout=20_000)
        page.locator("path.choroplethlocation").first.wait_for(timeout=20_000)
        wait_charts_drawn(page)
        assert page.locator("path.choroplethlocation").count() == 34
        page.screenshot(path=SCREENSHOTS / "briefing_1920_en_slide2.png")
    finally:
        context.close()


@pytest.mark.parametrize("lang,public", [("vi", True), ("en", False)])
def test_export_is_complete_and_free_of_operator_controls(
    server: str, frames, tmp_path: Path, lang: str, public: bool
) -> None:
    """PDF and PNGs come from the print layout: a 1920x1080 page per slide, the PDF's text
    layer holds every KPI number of slide 1 (and every expected number of every slide), no
    picker, button or page counter anywhere, and the file names say demo."""
    deck = narrative.build_deck(frames, briefing.Quarter.parse("2026-Q3"), public, lang)
    files = deck_export.export_deck(
        server, "2026-Q3", lang, public, len(deck.slides), tmp_path,
        expected=deck.expected_numbers(), stem=deck.stem,
    )  # fmt: skip
    data = files.pdf.read_bytes()
    assert deck_export.pdf_page_count(data) == len(deck.slides)
    texts = deck_export.pdf_texts(data)
    period = deck.period
    assert len(deck.slides[0].kpis) >= 6
    for mid in (k.measure for k in deck.slides[0].kpis):
        value = metrics.value_at(frames, mid, "VN", geo.NATIONAL, period)
        assert i18n.format_value(value, catalog.get(mid).unit, lang) in texts[0], mid
    chrome = [
        i18n.t("leave_briefing", lang), i18n.t("export_deck", lang), i18n.t("audience", lang),
        i18n.t("slide_of", lang, n=1, total=len(deck.slides)), f"1/{len(deck.slides)}",
        i18n.t("demo_open", lang)[:40],
    ]  # fmt: skip
    for text in texts:
        for word in chrome:
            assert word not in text, word
    assert "_demo" in files.pdf.name and all("_demo" in p.name for p in files.pngs)
    for png in files.pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with Image.open(png) as im:
            assert im.size == (1920, 1080)


def test_export_fails_loudly_rather_than_print_a_half_drawn_deck(
    server: str, tmp_path: Path
) -> None:
    """A number the page never draws (as when a slide stays a placeholder) stops the export
    with the slide and number named, and no file is written."""
    with pytest.raises(deck_export.ExportIncomplete, match="slide 1 lacks 123.456,78"):
        deck_export.export_deck(
            server, "2026-Q3", "vi", True, 7, tmp_path, expected={1: ["123.456,78"]},
            timeout_s=8,
        )  # fmt: skip
    assert not list(tmp_path.iterdir())


# a control's label cut with "…": its text box narrower than the text it holds
CUT_LABELS = """
(root) => [...root.querySelectorAll('button, [data-testid="stPopover"] button')]
  .filter((b) => b.offsetParent !== null)
  .flatMap((b) => [...b.querySelectorAll('[data-testid="stMarkdownContainer"], p, span')])
  .filter((e) => e.scrollWidth > e.clientWidth + 1)
  .map((e) => e.textContent.trim())
"""


@pytest.mark.parametrize("lang", ("vi", "en"))
@pytest.mark.parametrize(
    "size", [(1366, 768), (390, 844), (1920, 1080)], ids=["1366x768", "390x844", "1920x1080"]
)
def test_the_operators_buttons_show_their_whole_labels(
    server: str, browser: Browser, open_page: Callable[[Page, str], None], size, lang: str
) -> None:
    """#26: with the sidebar beside it, the operator's bar kept five columns and cut "Tải xuống
    bản trình chiếu" at 1366; its actions now take their own width and wrap."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    try:
        open_page(page, f"{server}/briefing?lang={lang}&quarter=2026-Q3")
        bar = page.locator(".st-key-brief_controls")
        for key in ("present", "leave_briefing", "export_menu"):
            assert bar.get_by_role("button", name=i18n.t(key, lang)).first.is_visible(), key
        assert bar.evaluate(CUT_LABELS) == []
        box = bar.bounding_box()
        assert box and box["x"] + box["width"] <= size[0] + 1
    finally:
        context.close()
