"""A chart as SVG (#16): drawn by plotly.js's own SVG export in the server's headless Chromium,
with plotly.js from the installed plotly package and every request of the page refused. The file
is well-formed SVG, holds the chart's title, axes and colours and the demo mark, and refers to
nothing outside itself. The drawing tests are skipped where Chromium is missing."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import pytest
from defusedxml import ElementTree

from vss_dash import chart_svg, charts, i18n, projection, published

SVG = "{http://www.w3.org/2000/svg}"
needs_chromium = pytest.mark.skipif(
    not chart_svg.available(), reason="chromium not installed: SVG drawing skipped"
)


def texts(svg: bytes) -> list[str]:
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


@needs_chromium
def test_the_plan_chart_as_svg_is_the_chart_with_its_title(frames):
    view = projection.plan_view(frames, "si_coverage_rate", "VN", "VN", date(2025, 12, 31))
    prov = charts.Provenance(frames.sources, published.alternatives(), published.events())
    fig = charts.plan_chart(view, "vi", prov=prov)
    title = "Tỷ lệ bao phủ BHXH · Cả nước · Tháng 12/2025"
    mark = "Dữ liệu minh họa, không phải số liệu thật / Demo data, not real figures"
    svg, seconds = chart_svg.timed(fig, title=title, subtitle=mark)
    found = texts(svg)
    assert title in found and mark in found
    # the legend, the axis ticks and the target lines as drawn on the page
    assert i18n.t("actual", "vi") in found and i18n.t("last_year", "vi") in found
    assert "12/2025" in found and any(t.endswith("%") for t in found)
    assert any(t.startswith("Mục tiêu 2030") for t in found)
    text = svg.decode()
    assert "rgb(0, 114, 178)" in text  # the actual line in the palette's blue (#0072B2)
    # the chart's 420 px and the title's room above it
    assert 'width="960"' in text and f'height="{420 + chart_svg._TITLE_ROOM}"' in text
    assert chart_svg.external_references(text) == []
    assert "http://" not in text.replace("http://www.w3.org/", "")
    assert "https://" not in text
    assert seconds < 30


@needs_chromium
def test_streamlit_placeholder_colours_become_the_themes():
    """A trace left to the colorway gets Streamlit's first chart colour, as on the page, not
    the placeholder (#000001) Streamlit's Python side puts in the figure's template."""
    import streamlit  # noqa: F401  (registers the "streamlit" template as plotly's default)

    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    svg = chart_svg.render(fig).decode()
    assert "rgb(0, 104, 201)" in svg  # #0068c9
    assert "rgb(0, 0, 1)" not in svg


def test_the_spec_takes_the_theme_under_the_figures_own_layout():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], line=dict(color="#0072B2")))
    fig.update_layout(height=300, margin=dict(t=36), font=dict(size=14))
    layout = chart_svg.themed(fig)["layout"]
    assert layout["template"] == {"layout": chart_svg.STREAMLIT_LIGHT}
    assert layout["font"] == {"size": 14} and layout["margin"] == {"t": 36}
    assert "title" not in layout
    title = chart_svg.title_layout("T", "S")
    assert title["text"] == "T" and title["subtitle"] == {"text": "S"}
    assert chart_svg.title_layout("T")["subtitle"] is None


def test_external_references_are_found():
    local = '<svg><g clip-path="url(#clip1)"/><use xlink:href="#a"/></svg>'
    assert chart_svg.external_references(local) == []
    for bad in (
        '<image href="http://example.com/a.png"/>',
        "<image xlink:href='https://example.com/a.png'/>",
        '<g style="fill: url(http://example.com/p.svg#x)"/>',
        "<style>@import 'https://fonts.example/x.css';</style>",
    ):
        assert chart_svg.external_references(f"<svg>{bad}</svg>"), bad
        with pytest.raises(chart_svg.SvgError):
            chart_svg.check(f'<svg xmlns="http://www.w3.org/2000/svg">{bad}</svg>')


def test_the_error_picture_is_svg_that_says_what_failed():
    message = i18n.t("svg_failed", "vi", reason="<timeout> & more")
    svg = chart_svg.error_svg(message)
    chart_svg.check(svg.decode())
    assert "".join(texts(svg)) == message


def test_no_chromium_is_an_svg_error(monkeypatch):
    monkeypatch.setattr(chart_svg, "available", lambda: False)
    with pytest.raises(chart_svg.SvgError, match="no Chromium"):
        chart_svg.render(go.Figure())


def test_a_title_is_text_never_markup():
    """plotly.js draws <a href>, <b> and <br> in text: a title's tags reach it escaped."""
    layout = chart_svg.title_layout('Hà Nội <a href="http://x">&</a>', "<b>demo</b>")
    assert layout["text"] == 'Hà Nội &lt;a href="http://x"&gt;&amp;&lt;/a&gt;'
    assert layout["subtitle"]["text"] == "&lt;b&gt;demo&lt;/b&gt;"


# ---------------------------------------------------------------- a per-session limit (#27)


def test_one_svg_at_a_time_and_a_few_a_minute_per_session():
    limit = chart_svg.SessionLimit(per_minute=3, window=60)
    with limit.slot("a", now=0):
        with pytest.raises(chart_svg.TooMany) as e, limit.slot("a", now=1):
            pass
        assert e.value.reason == "busy"
        with limit.slot("b", now=1):  # another session is not held back
            pass
    for t in (2, 3):
        with limit.slot("a", now=t):
            pass
    with pytest.raises(chart_svg.TooMany) as e, limit.slot("a", now=30):
        pass
    assert e.value.reason == "rate"
    with limit.slot("a", now=60.5):  # the first left the window
        pass


def test_the_svg_button_says_so_when_its_session_asks_too_much(monkeypatch):
    """Before: every click of every session queued behind one process-wide lock, 7 s each.
    Now a second click while the first is drawn, and clicks beyond the minute's share, get a
    small SVG that says why (in the page's language) and never reach Chromium."""
    import threading

    import plotly.graph_objects as go

    from vss_dash import export
    from vss_dash.ui import tables

    monkeypatch.setattr(chart_svg, "SESSIONS", chart_svg.SessionLimit(per_minute=2))
    monkeypatch.setattr(chart_svg, "available", lambda: True)
    drawing, go_on, drawn = threading.Event(), threading.Event(), []

    def fake_draw(spec_json, size, top):
        drawn.append(1)
        drawing.set()
        go_on.wait(10)
        return '<svg xmlns="http://www.w3.org/2000/svg"/>'

    monkeypatch.setattr(chart_svg, "_draw", fake_draw)
    monkeypatch.setattr(tables, "_session_id", lambda: "session-1")
    meta = export.ExportMeta(title="T", status="reported")
    build = tables.svg_builder(go.Figure(), meta, "en")
    first = []
    t = threading.Thread(target=lambda: first.append(build()))
    t.start()
    assert drawing.wait(10)
    busy = build().decode()
    assert "Another SVG is being drawn" in busy and len(drawn) == 1
    go_on.set()
    t.join(10)
    assert first[0].startswith(b"<svg") and b"Another" not in first[0]
    assert b"Another" not in build()  # the second of the minute
    rate = tables.svg_builder(go.Figure(), meta, "vi")().decode()
    assert "tối đa 2 biểu đồ SVG mỗi phút" in rate and len(drawn) == 2
    monkeypatch.setattr(tables, "_session_id", lambda: "session-2")
    assert b"SVG" not in tables.svg_builder(go.Figure(), meta, "en")()  # another session draws
