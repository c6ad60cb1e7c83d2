"""Colours meet WCAG 2.1 AA on white: text and badge colours 4.5:1 (also on their own 10 % tint,
as Streamlit draws badges and deltas), chart lines 3:1 (non-text contrast)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from vss_dash import charts

THEME = tomllib.loads(
    (Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text("utf-8")
)["theme"]


def _rgb(hex_: str) -> tuple[float, float, float]:
    h = hex_.lstrip("#")
    return tuple(int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))


def luminance(hex_: str) -> float:
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in _rgb(hex_))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def tint(hex_: str, alpha: float, on: str = "#FFFFFF") -> str:
    mixed = [alpha * c + (1 - alpha) * o for c, o in zip(_rgb(hex_), _rgb(on), strict=True)]
    return "#" + "".join(f"{round(c * 255):02X}" for c in mixed)


@pytest.mark.parametrize(
    ("a", "b", "ratio"),
    [("#000000", "#FFFFFF", 21.0), ("#FFFFFF", "#FFFFFF", 1.0), ("#767676", "#FFFFFF", 4.54)],
)
def test_contrast_formula(a, b, ratio):
    assert contrast(a, b) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize(
    "key", ["textColor", "primaryColor", "blueColor", "orangeColor", "grayColor"]
)
def test_theme_text_colours(key):
    assert contrast(THEME[key], THEME["backgroundColor"]) >= 4.5
    assert contrast(THEME[key], THEME["secondaryBackgroundColor"]) >= 4.5
    assert contrast(THEME[key], tint(THEME[key], 0.10)) >= 4.5  # badge / delta pill


@pytest.mark.parametrize("colour", charts.PALETTE)
def test_chart_lines(colour):
    assert contrast(colour, "#FFFFFF") >= 3.0
