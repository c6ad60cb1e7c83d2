"""Widgets of the province profile: the history of the former provinces a merged one is made of,
as a table (its data, with each value's status and source, is `metrics.constituent_history`)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from vss_dash import geo, i18n
from vss_dash.ui import state

COMPARE_MAX = 5  # provinces added to the profile's line: more lines than a reader can tell apart


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


def members(code: str, lang_: str) -> str:
    """The former provinces that form `code`'s successor, this one first: "Bắc Ninh và Bắc
    Giang", "Hà Giang, Tuyên Quang and …"."""
    codes = geo.constituents(geo.successor(code))
    names = [geo.province_name("P63", c) for c in [code, *(c for c in codes if c != code)]]
    return ", ".join(names[:-1]) + f" {i18n.t('word_and', lang_)} " + names[-1]


def compare_picker(names: dict[str, str], code: str, lang_: str) -> list[str]:
    """The provinces to draw beside `code` (its layout's codes -> names), kept in ?compare=,
    at most COMPARE_MAX; typing a name finds it."""
    return state.multiselect(
        i18n.t("compare_with", lang_),
        [c for c in names if c != code],
        "compare",
        lang_,
        [],
        format_func=lambda c: names[c],
        container=st,
        max_selections=COMPARE_MAX,
    )
