"""The press briefing as a presenter shows it: 1920x1080, no sidebar or menus, KPI numbers at
least 48 px tall, arrow keys move the deck; and the deck prints as one PDF page per slide."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from harness import wait_charts_drawn
from playwright.sync_api import Browser, Page

from vss_dash import briefing, deck_export

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
            assert not page.get_by_test_id("stSidebar").is_visible()
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


def test_deck_prints_one_pdf_page_per_slide(server: str, tmp_path: Path) -> None:
    slides = len(briefing.slides(public=True))
    files = deck_export.export_deck(server, "2026-Q3", "vi", True, slides, tmp_path)
    assert deck_export.pdf_page_count(files.pdf.read_bytes()) == slides
    assert len(files.pngs) == slides
    for png in files.pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
