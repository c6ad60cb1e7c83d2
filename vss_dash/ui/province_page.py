"""Widgets of the province profile: the history of the former provinces a merged one is made of,
as a table and as downloadable data with each value's status and source."""

from __future__ import annotations

import polars as pl

from vss_dash import geo, i18n, metrics
from vss_dash.ui import queries


def series_table(df: pl.DataFrame, unit: str, lang_: str) -> pl.DataFrame:
    """A series_lines chart's data (series, period, value) as a table, formatted for reading."""
    return pl.DataFrame(
        [
            {
                i18n.t("month", lang_): i18n.format_month(r["period"], lang_),
                i18n.t("col_province", lang_): r["series"],
                i18n.t("col_value", lang_): i18n.format_value(r["value"], unit, lang_),
            }
            for r in df.sort("series", "period").iter_rows(named=True)
        ]
    )


def constituent_frame(fr: metrics.Frames, hist: pl.DataFrame, measure: str) -> pl.DataFrame:
    """`metrics.constituent_history` with each value's status and source, in the order of
    `series_table`."""
    known = pl.concat(
        queries.resolve(fr, measure, lay)
        .select("period", "geo_code", "status", "source_id")
        .with_columns(layout=pl.lit(lay))
        for lay in ("P63", "P34")
    )
    return hist.join(known, on=["layout", "geo_code", "period"], how="left").sort(
        "series", "period", maintain_order=True
    )


def members(code: str, lang_: str) -> str:
    """The former provinces that form `code`'s successor, this one first: "Bắc Ninh và Bắc
    Giang", "Hà Giang, Tuyên Quang and …"."""
    codes = geo.constituents(geo.successor(code))
    names = [geo.province_name("P63", c) for c in [code, *(c for c in codes if c != code)]]
    return ", ".join(names[:-1]) + f" {i18n.t('word_and', lang_)} " + names[-1]
