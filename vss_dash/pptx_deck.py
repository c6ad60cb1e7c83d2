"""The briefing deck as an editable PowerPoint file (python-pptx), for the press office.

One slide per slide of the page, in the same order (narrative.build_deck): titles and KPIs as
text, charts as native PowerPoint charts with their data inside (editable in PowerPoint), the
province map as a picture (mapimage.py), the watch list as a native table, the status badge
(demo or published) on every slide, the sources on the closing slide, and speaker notes written
from the data on every slide. No browser is involved, so it takes about a second.

It has to survive any office PC, whatever fonts it has:
- The face is Arial (the theme's too), which every office machine has or maps to a
  metric-compatible face (Liberation Sans, Arimo).
- No two text boxes overlap: every text has its own band (a KPI card is a label band, a value
  band and a change band, one under the other), and every text is fitted into its box by
  measuring it with DejaVu Sans (`measure`), which is wider than Arial and than most office
  faces, so a text that fits when measured so fits in any of them: the font shrinks, or the
  text wraps onto a line its band has room for.
- Chart numbers carry a number format with the deck's language's locale (`number_format`).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu, Inches, Pt

from vss_dash import catalog, charts, i18n, mapimage, narrative

INK = RGBColor(0x1F, 0x24, 0x30)
BLACK = RGBColor(0, 0, 0)
GREY = RGBColor(0x5F, 0x66, 0x73)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
BLUE = RGBColor.from_string(charts.PALETTE[0][1:])
ORANGE = RGBColor.from_string(charts.PALETTE[1][1:])
CARD = RGBColor(0xF3, 0xF5, 0xF8)
FONT = "Arial"  # on every office PC; the theme's latin face is set to it too (_theme_font)
W, H = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
GAP = Inches(0.2)
BODY_TOP = Inches(1.55)
BODY_BOTTOM = H - Inches(0.6)

# --- measuring text --------------------------------------------------------------------------

# DejaVu Sans is wider than Arial, Liberation Sans, Calibri, Segoe UI and Source Sans Pro: a text
# that fits measured with it fits in whichever of them the office PC draws it with.
MEASURE_FONTS = {
    False: Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    True: Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
}
EM_FALLBACK = 0.7  # width of a character, in ems, where DejaVu Sans is not installed
LINE = 1.2  # a line's height per point of font size (PowerPoint's single spacing)
INSET_X, INSET_Y = Inches(0.05), Inches(0.03)  # the insets of every text box written here
SMALLEST = 6  # no text is set smaller than this, whatever happens
SLACK = 0.95  # fit into 95% of a box's width: renderers' insets and hinting differ a little


@cache
def _font(bold: bool):
    from PIL import ImageFont

    path = MEASURE_FONTS[bold]
    return ImageFont.truetype(str(path), 100) if path.exists() else None


def measure(text: str, size: float, bold: bool = False) -> float:
    """The width of `text` set at `size` points, in points (DejaVu Sans's metrics)."""
    font = _font(bold)
    if font is None:
        return len(text) * size * EM_FALLBACK
    return font.getlength(text) * size / 100


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str] | None:
    """`text` broken at spaces into lines no wider than `width` points (greedily, as an office
    program wraps); None if one word alone is wider."""
    lines: list[str] = []
    for part in text.split("\n"):
        line = ""
        for word in part.split(" "):
            if measure(word, size, bold) > width:
                return None
            trial = f"{line} {word}" if line else word
            if line and measure(trial, size, bold) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


def text_height(n_lines: int, size: float, n_paras: int = 1, space_after: float = 0) -> float:
    """The height, in points, of `n_lines` lines at `size` in `n_paras` paragraphs."""
    return n_lines * size * LINE + space_after * max(n_paras - 1, 0)


def fit(
    paras: list[str],
    width: int,
    height: int,
    biggest: float,
    smallest: float = SMALLEST,
    *,
    bold: bool = False,
    max_lines: int | None = None,
    space_after: float = 0,
    inset_x: int = INSET_X,
    inset_y: int = INSET_Y,
) -> tuple[float, int]:
    """The largest font size, in half points from `biggest` down, at which `paras` fit a box of
    `width` x `height` EMU with at most `max_lines` lines in all; and the number of lines.
    Below `smallest` only if nothing fits at `smallest` (then down to SMALLEST)."""
    room_w = Emu(width - 2 * inset_x).pt * SLACK
    room_h = Emu(height - 2 * inset_y).pt
    size = biggest
    while size > SMALLEST:
        lines = [wrap(p, room_w, size, bold) for p in paras]
        if all(x is not None for x in lines):
            n = sum(len(x) for x in lines)  # type: ignore[arg-type]
            if (max_lines is None or n <= max_lines) and text_height(
                n, size, len(paras), space_after
            ) <= room_h:
                return size, n
        size -= 0.5
    lines = [wrap(p, room_w, SMALLEST, bold) or [p] for p in paras]
    return SMALLEST, sum(len(x) for x in lines)


def box_height(n_lines: int, size: float, n_paras: int = 1, space_after: float = 0) -> int:
    """The height, in EMU, of a box holding `n_lines` lines at `size` (insets included)."""
    return int(Pt(text_height(n_lines, size, n_paras, space_after)) + 2 * INSET_Y) + 1


# --- writing text ----------------------------------------------------------------------------


def _lang_id(lang: str) -> MSO_LANGUAGE_ID:
    return MSO_LANGUAGE_ID.VIETNAMESE if lang == "vi" else MSO_LANGUAGE_ID.ENGLISH_US


def _run(run, text: str, size: float, lang: str, *, bold=False, colour=INK) -> None:
    run.text = text
    font = run.font
    font.size, font.bold, font.name = Pt(size), bold, FONT
    font.color.rgb = colour
    font.language_id = _lang_id(lang)


def _frame(tf, anchor=MSO_ANCHOR.TOP) -> None:
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.margin_left = tf.margin_right = INSET_X
    tf.margin_top = tf.margin_bottom = INSET_Y
    tf.vertical_anchor = anchor


def _text(
    slide,
    left,
    top,
    width,
    height,
    paras: str | list[str],
    size: float,
    lang: str,
    *,
    bold=False,
    colour=INK,
    align=PP_ALIGN.LEFT,
    name=None,
    space_after: float = 0,
    anchor=MSO_ANCHOR.TOP,
):
    """A text box, one paragraph per item of `paras`, at `size` (fitted by the caller)."""
    box = slide.shapes.add_textbox(left, top, width, height)
    if name:
        box.name = name
    tf = box.text_frame
    _frame(tf, anchor)
    for i, line in enumerate([paras] if isinstance(paras, str) else paras):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = align
        if space_after:
            p.space_after = Pt(space_after)
        _run(p.add_run(), line, size, lang, bold=bold, colour=colour)
    return box


def _fitted(
    slide,
    left,
    top,
    width,
    height,
    paras: str | list[str],
    biggest: float,
    lang: str,
    *,
    smallest: float = SMALLEST,
    max_lines: int | None = None,
    **kw,
):
    """A text box whose text is set as large as fits it, up to `biggest`."""
    items = [paras] if isinstance(paras, str) else paras
    size, _ = fit(
        items,
        width,
        height,
        biggest,
        smallest,
        bold=kw.get("bold", False),
        max_lines=max_lines,
        space_after=kw.get("space_after", 0),
    )
    return _text(slide, left, top, width, height, items, size, lang, **kw)


# --- the slide's parts -----------------------------------------------------------------------

BADGE_W = Inches(2.6)
TITLE_TOP, TITLE_H = Inches(0.3), Inches(0.7)
SUBTITLE_TOP, SUBTITLE_H = Inches(1.0), Inches(0.45)
TITLE_W = W - 2 * MARGIN - BADGE_W - GAP  # beside the badge, never under it


def title_size(deck: narrative.Deck) -> float:
    """One title size for the whole deck: the largest, up to 36 pt, at which every title fits
    on one line beside the badge."""
    return min(
        fit([sd.title], TITLE_W, TITLE_H, 36, bold=True, max_lines=1)[0] for sd in deck.slides
    )


def _header(slide, sd: narrative.SlideData, lang: str, total: int, size: float) -> None:
    _text(
        slide,
        MARGIN,
        TITLE_TOP,
        TITLE_W,
        TITLE_H,
        sd.title,
        size,
        lang,
        bold=True,
        colour=BLACK,
        name="title",
        anchor=MSO_ANCHOR.BOTTOM,
    )
    _fitted(
        slide,
        MARGIN,
        SUBTITLE_TOP,
        TITLE_W,
        SUBTITLE_H,
        sd.subtitle,
        16,
        lang,
        max_lines=1,
        colour=GREY,
        name="subtitle",
    )
    if sd.demo:
        left, top, height = W - MARGIN - BADGE_W, Inches(0.4), Inches(0.5)
        badge = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, BADGE_W, height)
        badge.name = "status_badge"
        badge.fill.solid()
        badge.fill.fore_color.rgb = ORANGE
        badge.line.fill.background()
        badge.shadow.inherit = False
        text = i18n.status_word("demo", lang)
        size, _ = fit([text], BADGE_W, height, 16, bold=True, max_lines=1)
        tf = badge.text_frame
        _frame(tf, MSO_ANCHOR.MIDDLE)
        tf.paragraphs[0].alignment = PP_ALIGN.CENTER
        _run(tf.paragraphs[0].add_run(), text, size, lang, bold=True, colour=WHITE)
    _text(
        slide,
        W - MARGIN - Inches(1.2),
        H - Inches(0.5),
        Inches(1.2),
        Inches(0.3),
        f"{sd.number}/{total}",
        12,
        lang,
        colour=GREY,
        align=PP_ALIGN.RIGHT,
        name="page",
    )


CARD_PAD = Inches(0.1)
BAND_GAP = Inches(0.04)


def _kpi_grid(slide, kpis: list[narrative.Kpi], lang: str, top, bottom, cols: int = 3) -> None:
    """KPI cards, `cols` a row. A card is three bands, one under the other: the label, the
    value, the change. The label and change sizes are one for the slide (as large as lets every
    label, every change, wrap onto at most two lines); a row's bands are as tall as its
    tallest label and change need, and the value gets the rest, set as large as it fits."""
    if not kpis:
        return
    rows = (len(kpis) + cols - 1) // cols
    cw = (W - 2 * MARGIN - GAP * (cols - 1)) // cols
    ch = (bottom - top - GAP * (rows - 1)) // rows
    inner_w, inner_h = cw - 2 * CARD_PAD, ch - 2 * CARD_PAD
    yoy = i18n.t("yoy", lang)
    changes = [f"{k.change_text} {yoy}" for k in kpis]
    third = inner_h // 3
    label_pt = min(fit([k.label], inner_w, third, 18, 12, max_lines=2)[0] for k in kpis)
    change_pt = min(fit([c], inner_w, third, label_pt, 11, max_lines=2)[0] for c in changes)
    value_max = 40 if rows >= 3 else 44
    for r in range(rows):
        row = list(range(r * cols, min((r + 1) * cols, len(kpis))))
        n_label = max(fit([kpis[i].label], inner_w, third, label_pt)[1] for i in row)
        n_change = max(fit([changes[i]], inner_w, third, change_pt)[1] for i in row)
        label_h, change_h = box_height(n_label, label_pt), box_height(n_change, change_pt)
        value_h = inner_h - label_h - change_h - 2 * BAND_GAP
        y = top + r * (ch + GAP)
        for c, i in enumerate(row):
            k = kpis[i]
            left = MARGIN + c * (cw + GAP)
            card = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, y, cw, ch)
            card.name = f"kpi_card_{k.measure}"
            card.fill.solid()
            card.fill.fore_color.rgb = CARD
            card.line.fill.background()
            card.shadow.inherit = False
            x, band = left + CARD_PAD, y + CARD_PAD
            _text(slide, x, band, inner_w, label_h, k.label, label_pt, lang, name="kpi_label")
            band += label_h + BAND_GAP
            _fitted(
                slide,
                x,
                band,
                inner_w,
                value_h,
                k.text,
                value_max,
                lang,
                max_lines=2,
                bold=True,
                colour=BLACK,
                name=f"kpi_{k.measure}",
                anchor=MSO_ANCHOR.MIDDLE,
            )
            band += value_h + BAND_GAP
            colour = GREY if k.better is None else (BLUE if k.better else ORANGE)
            _text(
                slide,
                x,
                band,
                inner_w,
                change_h,
                changes[i],
                change_pt,
                lang,
                colour=colour,
                name="kpi_change",
            )


# Chart numbers. A format code's "," and "." are the grouping and decimal marks of the locale the
# number is shown in; the [$-42A] / [$-409] prefix names that locale (Vietnamese / English US),
# which LibreOffice follows (399,2 in a Vietnamese deck) and PowerPoint and Excel read as the
# format's language while taking the marks from the PC's regional settings.
VI_LOCALE, EN_LOCALE = "[$-42A]", "[$-409]"


def number_format(lang: str, decimals: int, suffix: str = "") -> str:
    """ "[$-42A]#,##0.00" (and '"%"' after it for a percentage): a chart number with the
    decimals the deck shows, in the deck's language."""
    code = (
        (VI_LOCALE if lang == "vi" else EN_LOCALE)
        + "#,##0"
        + ("." + "0" * decimals if decimals else "")
    )
    return code + (f'"{suffix}"' if suffix else "")


def _axis_decimals(chart: narrative.Chart) -> int:
    """The axis ticks' decimals: none where the values span 5 units or more."""
    values = [v for s in chart.series for v in s.values if v is not None]
    span = (max(values) - min(values)) if values else 0
    return 0 if span >= 5 else min(chart.decimals, 1 if span >= 0.5 else 2)


def _chart(
    slide, chart: narrative.Chart, left, top, width, height, name: str, lang: str, suffix=""
):
    data = CategoryChartData(number_format=number_format(lang, chart.decimals, suffix))
    data.categories = chart.categories
    for s in chart.series:
        data.add_series(s.name, s.values)
    kind = XL_CHART_TYPE.LINE_MARKERS if chart.kind == "line" else XL_CHART_TYPE.BAR_CLUSTERED
    frame = slide.shapes.add_chart(kind, left, top, width, height, data)
    frame.name = name
    c = frame.chart
    c.font.size, c.font.name = Pt(16), FONT
    c.font.color.rgb = INK
    c.font.language_id = _lang_id(lang)
    c.has_legend = len(chart.series) > 1
    if c.has_legend:
        c.legend.position = XL_LEGEND_POSITION.BOTTOM
        c.legend.include_in_layout = False
    c.has_title = True
    c.chart_title.text_frame.text = chart.unit
    c.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(16)
    axis = c.value_axis
    axis.tick_labels.number_format = number_format(lang, _axis_decimals(chart), suffix)
    axis.tick_labels.number_format_is_linked = False
    for plot in c.plots:
        for series, spec in zip(plot.series, chart.series, strict=True):
            colour = RGBColor.from_string(spec.colour[1:])
            fmt = series.format
            if chart.kind == "line":
                fmt.line.color.rgb = colour
                fmt.line.width = Pt(3.5 if not spec.dash else 2.5)
                if spec.dash:
                    fmt.line.dash_style = MSO_LINE_DASH_STYLE.DASH
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = colour
                series.smooth = False
            else:
                fmt.fill.solid()
                fmt.fill.fore_color.rgb = colour
        if chart.kind == "bar":
            plot.has_data_labels = True
            plot.data_labels.number_format = number_format(lang, chart.decimals, suffix)
            plot.data_labels.number_format_is_linked = False
            plot.data_labels.font.size = Pt(14)
    if chart.kind == "bar":  # lowest first, from the top
        c.category_axis.reverse_order = True
    return frame


CELL_X, CELL_Y = Inches(0.08), Inches(0.03)


def _table(slide, rows: list[list[str]], left, top, width, height, lang: str) -> None:
    """The watch table, its text as large (up to 20 pt) as lets every row keep to its share of
    the height with every cell on one line. The table is 4% shorter than its band: LibreOffice
    draws a row a little taller than it is set."""
    height = int(height * 0.96)
    shape = slide.shapes.add_table(len(rows), len(rows[0]), left, top, width, height)
    shape.name = "watch_table"
    table = shape.table
    widths = [0.34, 0.26, 0.2, 0.2]
    for i, wfrac in enumerate(widths):
        table.columns[i].width = Emu(int(width * wfrac))
    row_h = height // len(rows)
    for r in range(len(rows)):
        table.rows[r].height = Emu(row_h)
    size = min(
        fit(
            [text],
            table.columns[c].width,
            row_h,
            20,
            bold=True,
            max_lines=1,
            inset_x=CELL_X,
            inset_y=CELL_Y,
        )[0]
        for row in rows
        for c, text in enumerate(row)
        if text
    )
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.margin_left = cell.margin_right = CELL_X
            cell.margin_top = cell.margin_bottom = CELL_Y
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            para = cell.text_frame.paragraphs[0]
            para.alignment = PP_ALIGN.RIGHT if c >= 2 else PP_ALIGN.LEFT
            if text:
                bold = r == 0 or c == 0
                colour = WHITE if r == 0 else INK
                _run(para.add_run(), text, size, lang, bold=bold, colour=colour)


def _closing(slide, sd: narrative.ClosingSlide, lang: str, top, bottom) -> None:
    """The status of the data, then the sources under a heading, each in its own band."""
    width = W - 2 * MARGIN
    sources = sd.sources
    half = (bottom - top) // 2
    status_h = bottom - top if not sources else half
    size, n = fit(sd.bullets, width, status_h, 24, 14, space_after=10)
    used = box_height(n, size, len(sd.bullets), 10)
    if sd.bullets:
        _text(
            slide, MARGIN, top, width, used, sd.bullets, size, lang, space_after=10, name="bullets"
        )
    if not sources:
        return
    y = top + (used if sd.bullets else 0) + Inches(0.3)
    heading = i18n.t("sources", lang)
    head_h = box_height(1, 20)
    _fitted(slide, MARGIN, y, width, head_h, heading, 20, lang, bold=True, name="sources_title")
    y += head_h + Inches(0.05)
    room = bottom - y
    shown = sources
    size, _ = fit(shown, width, room, 18, space_after=4)
    while size < 11 and len(shown) > 1:  # too many to read: the first ones, and how many more
        shown = shown[: len(shown) - 1]
        more = i18n.t("sources_more", lang, n=len(sources) - len(shown))
        size, _ = fit([*shown, more], width, room, 18, space_after=4)
    if len(shown) < len(sources):
        shown = [*shown, i18n.t("sources_more", lang, n=len(sources) - len(shown))]
    _text(slide, MARGIN, y, width, room, shown, size, lang, space_after=4, name="sources")


def _theme_font(prs) -> None:
    """The theme's latin faces (headings and body) Arial, so that text written without a face
    (chart parts PowerPoint adds, a text a user types) is Arial too."""
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    theme._blob = theme.blob.replace(b'<a:latin typeface="Calibri"', b'<a:latin typeface="Arial"')


def _properties(prs, deck: narrative.Deck) -> None:
    lang = deck.lang
    quarter = i18n.t("quarter_label", lang, q=deck.quarter.q, year=deck.quarter.year)
    props = prs.core_properties
    props.title = f"{i18n.t('page.briefing', lang)} · {quarter}"
    props.author = props.last_modified_by = i18n.t("pptx.author", lang)
    props.subject = f"{quarter} · {i18n.t('as_of', lang, date=i18n.format_date(deck.period, lang))}"
    props.language = "vi-VN" if lang == "vi" else "en-US"
    props.keywords = props.comments = ""
    props.created = props.modified = datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def build(deck: narrative.Deck) -> bytes:
    """The deck as .pptx bytes."""
    lang = deck.lang
    prs = Presentation()
    prs.slide_width, prs.slide_height = W, H
    _theme_font(prs)
    _properties(prs, deck)
    blank = prs.slide_layouts[6]
    total = len(deck.slides)
    title_pt = title_size(deck)
    top, bottom = BODY_TOP, BODY_BOTTOM
    for sd in deck.slides:
        slide = prs.slides.add_slide(blank)
        _header(slide, sd, lang, total, title_pt)
        match sd:
            case narrative.KpiSlide():
                _kpi_grid(slide, sd.kpis, lang, top, bottom)
            case narrative.MapSlide():
                png = mapimage.render(sd.table, sd.layout, sd.kpi.measure, lang, sd.national)
                pic = slide.shapes.add_picture(io.BytesIO(png), MARGIN, top, height=bottom - top)
                pic.name = "map_picture"
                left = MARGIN + pic.width + GAP
                unit = catalog.get(sd.kpi.measure).unit
                _chart(
                    slide,
                    sd.chart,
                    left,
                    top,
                    W - MARGIN - left,
                    bottom - top,
                    "lowest_chart",
                    lang,
                    "%" if unit == "percent" else "",
                )
            case narrative.PlanSlide():
                k = sd.kpi
                lines = [f"{k.label}: {k.text} ({k.change_text})", *sd.bullets]
                width = Inches(4.6)
                _fitted(
                    slide,
                    MARGIN,
                    top,
                    width,
                    bottom - top,
                    lines,
                    22,
                    lang,
                    space_after=10,
                    name="bullets",
                )
                left = MARGIN + width + GAP
                _chart(
                    slide, sd.chart, left, top, W - MARGIN - left, bottom - top, "plan_chart", lang
                )
            case narrative.WatchSlide():
                _table(slide, sd.table, MARGIN, top, W - 2 * MARGIN, bottom - top, lang)
            case narrative.ClosingSlide():
                _closing(slide, sd, lang, top, bottom)
        notes = slide.notes_slide.notes_text_frame
        notes.text = "\n".join(sd.notes)
        for p in notes.paragraphs:
            for run in p.runs:
                run.font.language_id = _lang_id(lang)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
