"""A page's sources footer (tables.sources_footer): what else was published for a value shown is
named by its measure and month, the month inside the line in lower case (issue 25)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import polars as pl
import pytest

from vss_dash import charts
from vss_dash.ui import tables

SEP_2024 = date(2024, 9, 30)


@pytest.mark.parametrize(
    ("lang", "what"),
    [
        ("vi", "Tỷ lệ bao phủ BHXH, tháng 9/2024: "),
        ("en", "SI coverage, September 2024: "),
    ],
)
def test_also_published_names_the_month_mid_sentence(frames, monkeypatch, lang, what):
    shown = pl.DataFrame(
        {"measure": ["si_coverage_rate"], "period": [SEP_2024], "source_id": [None]},
        schema={"measure": pl.String, "period": pl.Date, "source_id": pl.String},
    )
    alternatives = pl.DataFrame(
        {
            "period": [SEP_2024],
            "layout": ["VN"],
            "geo_code": ["VN"],
            "measure": ["si_coverage_rate"],
            "value": [38.01],
            "role": ["alternative"],
            "publisher": ["Sài Gòn Giải Phóng"],
        }
    )
    captions: list[str] = []
    fake = SimpleNamespace(divider=lambda: None, caption=captions.append)
    monkeypatch.setattr(tables, "st", fake)
    tables.sources_footer(shown, shown, frames, lang, charts.Provenance(alternatives=alternatives))
    (caption,) = captions
    (line,) = [x for x in caption.splitlines() if x.startswith("- ")]
    assert line.startswith(f"- {what}"), line
    assert "Tháng" not in caption
