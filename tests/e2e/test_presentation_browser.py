"""The briefing's presentation mode as a presenter runs it, at 1920x1080 (a projector), 1366x768
and 1280x720 (laptops), in Vietnamese and English: every slide fits the screen without scrolling,
no text runs out of its box or over another, nothing of the operator's bar shows, KPI numbers
are 64 px and every other text 24 px at 1920x1080, dark enough on a washed-out projector, each
chart fills the slide's room for it at every size, and the keys and a click move through the
deck."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page

from vss_dash import briefing, i18n
from vss_harness.browser import wait_charts_drawn, wait_idle

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
SIZES = [(1920, 1080), (1366, 768), (1280, 720)]
SIZE_IDS = ["1920x1080", "1366x768", "1280x720"]
SLIDES = len(briefing.KINDS)
CHART_SLIDES = [n for n, kind in enumerate(briefing.KINDS, 1) if kind in ("map", "plan_revenue",
                "plan_participants")]  # fmt: skip
PADDING = 28  # the slide's padding above and below, in its own pixels (briefing_style._SLIDE_BOX)

# Everything measured in one pass over the slide on screen.
MEASURE_JS = """() => {
  const slide = document.querySelector('[class*="st-key-slide_"]');
  const box = (e) => e.getBoundingClientRect();
  const s = box(slide);
  const scale = s.width / 1920;
  const main = document.querySelector('[data-testid="stMain"]');
  const out = {scale, slide: [s.left, s.top, s.right, s.bottom], problems: [], fonts: {}};
  const bad = (msg) => out.problems.push(msg);
  const root = document.scrollingElement;
  if (root.scrollHeight > innerHeight + 1 || root.scrollWidth > innerWidth + 1)
    bad('page scrolls: ' + root.scrollWidth + 'x' + root.scrollHeight);
  if (main.scrollHeight > main.clientHeight + 1) bad('main scrolls: ' + main.scrollHeight);
  if (s.left < -1 || s.top < -1 || s.right > innerWidth + 1 || s.bottom > innerHeight + 1)
    bad('slide outside the screen: ' + JSON.stringify(out.slide));
  if (slide.scrollHeight > slide.clientHeight + 1 || slide.scrollWidth > slide.clientWidth + 1)
    bad('slide content ' + slide.scrollWidth + 'x' + slide.scrollHeight + ' in 1920x1080');
  // every piece of text: inside the slide, inside its card (column) and not over another text
  const texts = [];
  const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.trim();
    const el = n.parentElement;
    const icon = '[data-testid="stTooltipIcon"], [data-testid="stIconMaterial"], '
      + '[data-testid="stAlertDynamicIcon"], style';
    if (!text || el.closest(icon))
      continue;  // icons are glyphs of an icon font, not text
    const range = document.createRange();
    range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    texts.push({text, el, r});
    if (r.left < s.left - 1 || r.right > s.right + 1
        || r.top < s.top - 1 || r.bottom > s.bottom + 1) bad('text outside the slide: ' + text);
    const cell = el.closest('[data-testid="stColumn"]');
    if (cell) {
      const c = box(cell);
      if (r.left < c.left - 1 || r.right > c.right + 1) bad('text wider than its card: ' + text);
    }
    const kind = el.closest('[data-testid="stMetricValue"]') ? 'kpi'
      : el.closest('svg') ? 'chart' : el.closest('h1') ? 'title' : 'text';
    const size = parseFloat(getComputedStyle(el).fontSize) * scale;
    (out.fonts[kind] = out.fonts[kind] || []).push([Math.round(size * 10) / 10, text]);
  }
  const values = texts.filter((t) => t.el.closest('[data-testid="stMetricValue"]'));
  for (let i = 0; i < values.length; i++)
    for (let j = i + 1; j < values.length; j++) {
      const a = values[i].r, b = values[j].r;
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
        bad('"' + values[i].text + '" overlaps "' + values[j].text + '"');
    }
  out.kpis = values.map((t) => [t.r.left, t.r.top, t.r.right, t.r.bottom]);
  // nothing of the operator's bar: pickers, buttons, counter, banner
  const seen = (e) => {
    const r = box(e), st = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden';
  };
  const chrome = '.st-key-brief_controls, .st-key-brief_nav, .st-key-brief_keys, '
    + '[data-testid="stSelectbox"], [data-testid="stPopover"], [data-testid="stAlertContainer"]';
  for (const e of document.querySelectorAll(chrome))
    if (seen(e) && !e.closest('[class*="st-key-slide_"]')) bad('operator control: ' + e.className);
  // the tap area is transparent, the way out is transparent until the mouse is over it
  for (const e of document.querySelectorAll('[data-testid="stButton"]'))
    if (seen(e) && !e.closest('.st-key-brief_tap, .st-key-brief_exit'))
      bad('button shows: ' + e.textContent);
  out.text = document.body.innerText;
  return out;
}"""


def _luminance(v: float) -> float:
    c = v / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _contrast(a: float, b: float) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def washed_out(png: bytes, veil: float = 0.35) -> Image.Image:
    """The screenshot as a weak projector in a lit room shows it: a grey veil over it (35 %
    of mid grey), which lifts the blacks and dims the whites."""
    shot = Image.open(io.BytesIO(png)).convert("L")
    return Image.blend(shot, Image.new("L", shot.size, 128), veil)


def kpi_contrast(image: Image.Image, rect: list[float]) -> float:
    """Contrast of a KPI number's text against its ground: the darkest and the lightest grey
    level in the number's box (its ink and the card around the glyphs)."""
    left, top, right, bottom = (round(v) for v in rect)
    lo, hi = image.crop((left, top, right, bottom)).getextrema()
    return _contrast(lo, hi)


def _present(page: Page, server: str, lang: str, slide: int = 1) -> None:
    page.goto(f"{server}/briefing?lang={lang}&quarter=2026-Q3&present=1&slide={slide}")
    wait_idle(page)
    wait_charts_drawn(page)


def _next(page: Page, key: str, slide: int) -> None:
    page.keyboard.press(key)
    _arrived(page, slide)


def _click(page: Page, x: int, y: int, slide: int) -> None:
    page.mouse.click(x, y)
    _arrived(page, slide)


def _arrived(page: Page, slide: int) -> None:
    """Wait until `slide` is in the URL, drawn, and the app idle. The URL is written before the
    slide is drawn: a key pressed in between met the buttons of the slide before (after a click
    from the last slide back to the first, a → that was still disabled), as a presenter pressing
    before the slide shows would."""
    if slide == 1:
        page.wait_for_url(lambda url: "slide=" not in url, timeout=20_000)
    else:
        page.wait_for_url(f"**slide={slide}**", timeout=20_000)
    page.locator(f".st-key-slide_{slide}").wait_for(timeout=20_000)
    wait_idle(page)
    wait_charts_drawn(page)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_every_slide_fits_the_screen_with_nothing_but_the_slide(
    server: str, browser: Browser, lang: str, size: tuple[int, int]
) -> None:
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    SCREENSHOTS.mkdir(exist_ok=True)
    operator = [
        *(i18n.t("slide_of", lang, n=n, total=SLIDES) for n in range(1, SLIDES + 1)),
        i18n.t("leave_briefing", lang), i18n.t("audience", lang), i18n.t("demo_open", lang)[:30],
    ]  # fmt: skip
    try:
        _present(page, server, lang)
        assert not page.get_by_test_id("stSidebar").is_visible()
        assert not page.get_by_test_id("stHeader").is_visible()
        for n in range(1, SLIDES + 1):
            if n > 1:
                _next(page, "ArrowRight", n)  # the arrow key moves the deck
            m = page.evaluate(MEASURE_JS)
            assert not m["problems"], (n, m["problems"])
            assert m["scale"] == pytest.approx(min(width / 1920, height / 1080), abs=0.01)
            for word in operator:
                assert word not in m["text"], (n, word)
            exit_button = page.locator(".st-key-brief_exit")
            assert float(exit_button.evaluate("e => getComputedStyle(e).opacity")) == 0
            png = page.screenshot(path=SCREENSHOTS / f"present_{width}_{lang}_{n}.png")
            fonts = m["fonts"]
            if (width, height) == (1920, 1080):
                small = [f for kind in ("text", "chart") for f in fonts.get(kind, []) if f[0] < 24]
                assert not small, (n, small)
                assert all(f[0] >= 64 for f in fonts.get("kpi", [])), (n, fonts["kpi"])
            veiled = washed_out(png)
            for rect in m["kpis"]:
                assert kpi_contrast(veiled, rect) >= 4.5, (n, rect)
            if briefing.KINDS[n - 1] == "headline":
                assert len(m["kpis"]) >= 6
    finally:
        context.close()


# The chart's room on the slide (its element's box), the plot plotly drew (its svg) and the slide.
CHART_JS = """() => {
  const slide = document.querySelector('[class*="st-key-slide_"]');
  const box = (e) => { const r = e.getBoundingClientRect();
    return {left: r.left, top: r.top, width: r.width, height: r.height, bottom: r.bottom}; };
  return Array.from(slide.querySelectorAll('[data-testid="stPlotlyChart"]')).map((chart) => ({
    room: box(chart.closest('[data-testid="stElementContainer"]')),
    plot: box(chart.querySelector('svg.main-svg')),
    slide: box(slide),
  }));
}"""


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_every_chart_fills_its_slide_box(
    server: str, browser: Browser, lang: str, size: tuple[int, int]
) -> None:
    """Streamlit sizes a chart to the box it measures on screen, which a scaled slide makes
    smaller than the slide's own pixels: the map came out 1286x435 in a 1286x612 box at 1366x768.
    Each chart's plot is as wide and as tall as its room, and its room takes what the slide leaves
    below the text, down to the slide's bottom padding; the slide still fits the screen."""
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    SCREENSHOTS.mkdir(exist_ok=True)
    try:
        for n in CHART_SLIDES:
            _present(page, server, lang, n)
            m = page.evaluate(MEASURE_JS)
            assert not m["problems"], (n, m["problems"])
            charts = page.evaluate(CHART_JS)
            assert len(charts) == 1, (n, charts)
            room, plot, slide = charts[0]["room"], charts[0]["plot"], charts[0]["slide"]
            scale = slide["width"] / 1920
            sizes = f"slide {n}: plot {plot['width']:.0f}x{plot['height']:.0f} in a room of "
            sizes += f"{room['width']:.0f}x{room['height']:.0f}"
            assert abs(plot["left"] - room["left"]) <= 2 and abs(plot["top"] - room["top"]) <= 2
            assert abs(plot["width"] - room["width"]) <= 3, sizes
            assert abs(plot["height"] - room["height"]) <= 3, sizes
            assert room["width"] == pytest.approx(slide["width"] - 2 * 56 * scale, abs=3), sizes
            assert room["bottom"] == pytest.approx(slide["bottom"] - PADDING * scale, abs=3), sizes
            page.screenshot(path=SCREENSHOTS / f"present_chart_{width}_{lang}_{n}.png")
    finally:
        context.close()


def test_operator_preview_charts_fill_their_box(
    server: str, browser: Browser, open_page: Callable[[Page, str], None]
) -> None:
    """The operator's preview scales the slide too (to the page's width): its charts fill their
    room as well (the map was 401x191 in 851x405 at 1366x768)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        for n in CHART_SLIDES:
            open_page(page, f"{server}/briefing?lang=vi&quarter=2026-Q3&slide={n}")
            wait_charts_drawn(page)
            [chart] = page.evaluate(CHART_JS)
            room, plot = chart["room"], chart["plot"]
            sizes = f"slide {n}: plot {plot['width']:.0f}x{plot['height']:.0f} in a room of "
            sizes += f"{room['width']:.0f}x{room['height']:.0f}"
            assert abs(plot["width"] - room["width"]) <= 3, sizes
            assert abs(plot["height"] - room["height"]) <= 3, sizes
            scale = chart["slide"]["width"] / 1920
            assert room["bottom"] == pytest.approx(
                chart["slide"]["bottom"] - PADDING * scale, abs=3
            ), sizes
    finally:
        context.close()


def test_keys_click_and_esc_drive_the_deck(server: str, browser: Browser) -> None:
    """End, Home, a digit, ← and → move; a click anywhere is the next slide (and the last
    slide's click the first); Esc leaves presentation mode on the same slide."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        _present(page, server, "vi")
        _next(page, "End", SLIDES)
        _next(page, "Home", 1)
        _next(page, "4", 4)
        _next(page, "ArrowLeft", 3)
        _click(page, 683, 600, 4)
        _next(page, "End", SLIDES)
        _click(page, 200, 300, 1)  # the last slide's click: the first
        _next(page, "ArrowRight", 2)
        page.keyboard.press("Escape")
        page.wait_for_url(lambda url: "present=" not in url, timeout=20_000)
        wait_idle(page)
        assert "slide=2" in page.url
        assert page.locator(".st-key-brief_controls").is_visible()  # the operator's bar is back
        assert page.get_by_text(i18n.t("slide_of", "vi", n=2, total=SLIDES)).is_visible()
    finally:
        context.close()


def test_operator_page_previews_the_slide_within_the_screen(
    server: str, browser: Browser, open_page: Callable[[Page, str], None]
) -> None:
    """Without presentation mode the bar is there and the slide below it is the same 16:9 box,
    scaled down: at 1366 px the long Vietnamese amount does not run over the next card."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        open_page(page, f"{server}/briefing?lang=vi&quarter=2026-Q3")
        assert page.locator(".st-key-brief_present").is_visible()
        stage = page.locator(".st-key-brief_stage").bounding_box()
        assert stage and stage["y"] + stage["height"] <= 768 + 1
        assert stage["width"] / stage["height"] == pytest.approx(16 / 9, rel=0.01)
        m = page.evaluate(MEASURE_JS)
        overlaps = [p for p in m["problems"] if "overlaps" in p or "wider" in p or "outside" in p]
        assert not overlaps
    finally:
        context.close()
