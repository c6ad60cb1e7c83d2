"""The briefing's province map as a PNG, drawn with Pillow from the committed boundaries: the
same frame (mainland and both archipelagos, Mercator), the same colour scale and the national
value on the legend as the page's Plotly map (charts.choropleth), without a browser. The
PowerPoint deck places it as a picture (Plotly's own static export needs kaleido and a browser,
neither of which is offline here).
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import plotly.colors as pc
import polars as pl
from PIL import Image, ImageDraw, ImageFont

from vss_dash import boundaries, catalog, charts, i18n

LON = (101.8, 120.5)
LAT = (7.6, 23.5)
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)
SUPERSAMPLE = 2


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _merc(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _rgb(text: str) -> tuple[int, int, int]:
    if text.startswith("#"):
        return tuple(int(text[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
    r, g, b = (int(float(x)) for x in text[text.index("(") + 1 : -1].split(",")[:3])
    return r, g, b


def _polygons(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [poly[0] for poly in geometry["coordinates"]]


def render(
    table: pl.DataFrame,
    layout: str,
    measure: str,
    lang: str,
    national: float | None,
    width: int = 1100,
    height: int = 1000,
) -> bytes:
    """PNG bytes of the choropleth: table is metrics.province_table (geo_code, value)."""
    k = SUPERSAMPLE
    w, h = width * k, height * k
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    map_w = int(w * 0.72)
    y0, y1 = _merc(LAT[0]), _merc(LAT[1])
    # one scale for x and y (Mercator keeps angles), centred in the map area
    scale = min(map_w / (LON[1] - LON[0]), h / math.degrees(y1 - y0))
    off_x = (map_w - scale * (LON[1] - LON[0])) / 2
    off_y = (h - scale * math.degrees(y1 - y0)) / 2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (
            off_x + scale * (lon - LON[0]),
            off_y + scale * math.degrees(y1 - _merc(lat)),
        )

    values = dict(zip(table.get_column("geo_code"), table.get_column("value"), strict=True))
    present = [v for v in values.values() if v is not None]
    lo, hi = min(present), max(present)
    colourscale, _ = charts.colour_scale(measure)

    def colour(v: float | None) -> tuple[int, int, int]:
        if v is None:
            return (230, 230, 230)
        t = 0.0 if hi == lo else (v - lo) / (hi - lo)
        return _rgb(pc.sample_colorscale(colourscale, [t])[0])

    for feature in boundaries.load_geojson(layout)["features"]:
        fill = colour(values.get(feature["id"]))
        for ring in _polygons(feature["geometry"]):
            pts = [xy(lon, lat) for lon, lat in ring]
            if len(pts) >= 3:
                draw.polygon(pts, fill=fill, outline=(95, 102, 115), width=k)
    label_font = _font(22 * k)
    for a in boundaries.archipelagos():
        x, y = xy(a["lon"], a["lat"])
        r = 5 * k
        draw.ellipse((x - r, y - r, x + r, y + r), outline=(31, 36, 48), width=2 * k)
        draw.text(
            (x + 2 * r, y),
            i18n.t(a["label_key"], lang),
            fill=(31, 36, 48),
            font=label_font,
            anchor="lm",
        )
    _legend(draw, colour, lo, hi, measure, lang, national, map_w, w, h, k)
    img = img.resize((width, height), Image.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def _legend(draw, colour, lo, hi, measure, lang, national, x_start, w, h, k) -> None:
    m = catalog.get(measure)
    font = _font(22 * k)
    bar_x, bar_w = x_start + 60 * k, 36 * k
    top, bottom = int(h * 0.12), int(h * 0.88)
    draw.text(
        (bar_x, top - 20 * k),
        i18n.t(i18n.UNIT_KEYS[m.unit], lang),
        fill=(31, 36, 48),
        font=font,
        anchor="ls",
    )
    for y in range(top, bottom):
        v = hi - (hi - lo) * (y - top) / (bottom - top)
        draw.line((bar_x, y, bar_x + bar_w, y), fill=colour(v))
    draw.rectangle((bar_x, top, bar_x + bar_w, bottom), outline=(95, 102, 115), width=k)

    def y_of(v: float) -> float:
        return top + (hi - v) / (hi - lo) * (bottom - top) if hi != lo else (top + bottom) / 2

    ticks = charts._ticks(lo, hi)
    decimals = charts._decimals(ticks)
    for v in ticks:
        if lo <= v <= hi:
            y = y_of(v)
            draw.line((bar_x + bar_w, y, bar_x + bar_w + 8 * k, y), fill=(31, 36, 48), width=k)
            draw.text(
                (bar_x + bar_w + 14 * k, y),
                i18n.format_number(v, lang, decimals),
                fill=(31, 36, 48),
                font=font,
                anchor="lm",
            )
    if national is not None and lo <= national <= hi:
        y = y_of(national)
        tip = [(bar_x - 4 * k, y), (bar_x - 20 * k, y - 10 * k), (bar_x - 20 * k, y + 10 * k)]
        draw.polygon(tip, fill=(0, 0, 0))
        bold = _font(24 * k)
        label = f"{i18n.t('national', lang)} {i18n.format_value(national, m.unit, lang)}"
        draw.text((bar_x - 24 * k, y), label, fill=(0, 0, 0), font=bold, anchor="rm")
