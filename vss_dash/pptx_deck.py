"""The briefing deck as an editable PowerPoint file (python-pptx), for the press office.

One slide per slide of the page, in the same order (narrative.build_deck): titles and KPIs as
text, charts as native PowerPoint charts with their data inside (editable in PowerPoint), the
province map as a picture (mapimage.py), the watch list as a native table, the status badge
(demo or published) on every slide, and speaker notes written from the data on every slide.
No browser is involved, so it takes about a second.
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from vss_dash import charts, geo, i18n, mapimage, narrative

INK = RGBColor(0x1F, 0x24, 0x30)
BLACK = RGBColor(0, 0, 0)
GREY = RGBColor(0x5F, 0x66, 0x73)
BLUE = RGBColor.from_string(charts.PALETTE[0][1:])
ORANGE = RGBColor.from_string(charts.PALETTE[1][1:])
CARD = RGBColor(0xF3, 0xF5, 0xF8)
FONT = "Source Sans Pro"  # the app's face; PowerPoint substitutes where it is not installed
W, H = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)


def _text(
    slide,
    left,
    top,
    width,
    height,
    text,
    size,
    *,
    bold=False,
    colour=INK,
    align=PP_ALIGN.LEFT,
    name=None,
):
    box = slide.shapes.add_textbox(left, top, width, height)
    if name:
        box.name = name
    tf = box.text_frame
    tf.word_wrap = True
    p = tf.paragraphs[0]
    p.alignment = align
    run = p.add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
    run.font.color.rgb = colour
    return box


def _header(slide, sd: narrative.SlideData, lang: str, total: int) -> None:
    _text(
        slide,
        MARGIN,
        Inches(0.3),
        Inches(10),
        Inches(0.8),
        sd.title,
        36,
        bold=True,
        colour=BLACK,
        name="title",
    )
    _text(
        slide,
        MARGIN,
        Inches(1.0),
        Inches(10),
        Inches(0.4),
        sd.subtitle,
        16,
        colour=GREY,
        name="subtitle",
    )
    if sd.demo:
        badge = slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE,
            W - MARGIN - Inches(2.6),
            Inches(0.4),
            Inches(2.6),
            Inches(0.5),
        )
        badge.name = "status_badge"
        badge.fill.solid()
        badge.fill.fore_color.rgb = ORANGE
        badge.line.fill.background()
        tf = badge.text_frame
        run = tf.paragraphs[0].add_run()
        run.text = i18n.t("demo_badge", lang)
        run.font.size, run.font.bold, run.font.name = Pt(16), True, FONT
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        tf.paragraphs[0].alignment = PP_ALIGN.CENTER
    _text(
        slide,
        W - MARGIN - Inches(1.2),
        H - Inches(0.5),
        Inches(1.2),
        Inches(0.3),
        f"{sd.number}/{total}",
        12,
        colour=GREY,
        align=PP_ALIGN.RIGHT,
        name="page",
    )


def _kpi_grid(slide, kpis: list[narrative.Kpi], lang: str, top, bottom, cols: int = 3) -> None:
    rows = (len(kpis) + cols - 1) // cols
    gap = Inches(0.2)
    cw = (W - 2 * MARGIN - gap * (cols - 1)) // cols
    ch = (bottom - top - gap * (rows - 1)) // rows
    value_pt = 40 if rows >= 3 else 44
    for i, k in enumerate(kpis):
        r, c = divmod(i, cols)
        left, y = MARGIN + c * (cw + gap), top + r * (ch + gap)
        card = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, y, cw, ch)
        card.name = f"kpi_card_{k.measure}"
        card.fill.solid()
        card.fill.fore_color.rgb = CARD
        card.line.fill.background()
        pad = Inches(0.15)
        _text(slide, left + pad, y + pad, cw - 2 * pad, Inches(0.4), k.label, 18, colour=INK)
        _text(
            slide,
            left + pad,
            y + Inches(0.45),
            cw - 2 * pad,
            Inches(0.8),
            k.text,
            value_pt,
            bold=True,
            colour=BLACK,
            name=f"kpi_{k.measure}",
        )
        colour = GREY if k.better is None else (BLUE if k.better else ORANGE)
        yoy = i18n.t("yoy", lang)
        _text(
            slide,
            left + pad,
            y + ch - Inches(0.5),
            cw - 2 * pad,
            Inches(0.4),
            f"{k.change_text} {yoy}",
            16,
            colour=colour,
        )


def _chart(slide, chart: narrative.Chart, left, top, width, height, name: str):
    data = CategoryChartData(number_format="#,##0." + "0" * chart.decimals)
    data.categories = chart.categories
    for s in chart.series:
        data.add_series(s.name, s.values)
    kind = XL_CHART_TYPE.LINE_MARKERS if chart.kind == "line" else XL_CHART_TYPE.BAR_CLUSTERED
    frame = slide.shapes.add_chart(kind, left, top, width, height, data)
    frame.name = name
    c = frame.chart
    c.font.size, c.font.name = Pt(16), FONT
    c.font.color.rgb = INK
    c.has_legend = len(chart.series) > 1
    if c.has_legend:
        c.legend.position = XL_LEGEND_POSITION.BOTTOM
        c.legend.include_in_layout = False
    c.has_title = True
    c.chart_title.text_frame.text = chart.unit
    c.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(16)
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
            plot.data_labels.number_format = "0." + "0" * chart.decimals
            plot.data_labels.number_format_is_linked = False
            plot.data_labels.font.size = Pt(14)
    if chart.kind == "bar":  # lowest first, from the top
        c.category_axis.reverse_order = True
    return frame


def _table(slide, rows: list[list[str]], left, top, width, height) -> None:
    shape = slide.shapes.add_table(len(rows), len(rows[0]), left, top, width, height)
    shape.name = "watch_table"
    table = shape.table
    widths = [0.34, 0.26, 0.2, 0.2]
    for i, wfrac in enumerate(widths):
        table.columns[i].width = Emu(int(width * wfrac))
    size = 20 if len(rows) <= 10 else 16 if len(rows) <= 14 else 14
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = text
            para = cell.text_frame.paragraphs[0]
            para.alignment = PP_ALIGN.RIGHT if c >= 2 else PP_ALIGN.LEFT
            for run in para.runs:
                run.font.size, run.font.name = Pt(size), FONT
                run.font.bold = r == 0 or (c == 0 and bool(text))


def _bullets(slide, lines: list[str], left, top, width, height, size: int = 24) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    box.name = "bullets"
    tf = box.text_frame
    tf.word_wrap = True
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        run = p.add_run()
        run.text = line
        run.font.size, run.font.name = Pt(size), FONT
        run.font.color.rgb = INK
        p.space_after = Pt(10)


def build(deck: narrative.Deck) -> bytes:
    """The deck as .pptx bytes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = W, H
    blank = prs.slide_layouts[6]
    total = len(deck.slides)
    body_top = Inches(1.55)
    body_bottom = H - Inches(0.6)
    for sd in deck.slides:
        slide = prs.slides.add_slide(blank)
        _header(slide, sd, deck.lang, total)
        if sd.kind in ("headline", "benefits"):
            _kpi_grid(slide, sd.kpis, deck.lang, body_top, body_bottom)
        elif sd.kind == "map":
            png = mapimage.render(
                sd.map_table,
                geo.layout_for_period(deck.period),
                sd.kpis[0].measure,
                deck.lang,
                sd.map_national,
            )
            pic_h = body_bottom - body_top
            pic = slide.shapes.add_picture(io.BytesIO(png), MARGIN, body_top, height=pic_h)
            pic.name = "map_picture"
            left = MARGIN + pic.width + Inches(0.2)
            _chart(slide, sd.chart, left, body_top, W - MARGIN - left, pic_h, "lowest_chart")
        elif sd.kind in ("plan_revenue", "plan_participants"):
            k = sd.kpis[0]
            lines = [f"{k.label}: {k.text} ({k.change_text})", *sd.bullets]
            _bullets(slide, lines, MARGIN, body_top, Inches(4.6), body_bottom - body_top, 22)
            left = MARGIN + Inches(4.8)
            _chart(
                slide,
                sd.chart,
                left,
                body_top,
                W - MARGIN - left,
                body_bottom - body_top,
                "plan_chart",
            )
        elif sd.kind == "watch":
            _table(slide, sd.table, MARGIN, body_top, W - 2 * MARGIN, body_bottom - body_top)
        else:
            _bullets(slide, sd.bullets, MARGIN, body_top, W - 2 * MARGIN, body_bottom - body_top)
        slide.notes_slide.notes_text_frame.text = "\n".join(sd.notes)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
