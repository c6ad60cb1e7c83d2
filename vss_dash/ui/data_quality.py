"""The Data page's data-quality panel: provinces present per month, demo versus reported values,
the latest vintage of each month, published figures the data no longer reproduces, published
estimates a final figure replaced, vintages compared, and the import log."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import polars as pl
import streamlit as st

from vss_dash import (
    catalog,
    charts,
    dataset,
    export,
    geo,
    i18n,
    ingest,
    metrics,
    published,
    store,
)
from vss_dash.ui import auth, queries, sources_page
from vss_dash.ui.state import View
from vss_dash.ui.tables import chart, downloads, export_meta


def quality(fr: metrics.Frames, lang_: str) -> None:
    if not auth.sees_internal():
        st.info(i18n.t("quality_internal", lang_), icon=":material/lock:")
        return
    presence = queries.presence(fr)
    st.subheader(i18n.t("q_presence", lang_))
    st.caption(i18n.t("q_presence_help", lang_))
    totals = presence.select(pl.col("values", "demo", "reported").sum()).row(0, named=True)
    if totals["values"]:
        st.markdown(
            i18n.t(
                "q_demo_share",
                lang_,
                demo=i18n.format_percent(100 * totals["demo"] / totals["values"], lang_, 1),
                reported=i18n.format_percent(100 * totals["reported"] / totals["values"], lang_, 1),
            )
        )
    view = pl.DataFrame(
        [
            {
                i18n.t("month", lang_): i18n.format_month(r["period"], lang_),
                i18n.t("geography", lang_): i18n.t(i18n.LAYOUT_KEYS[r["layout"]], lang_),
                i18n.t("col_expected", lang_): i18n.format_number(r["expected"], lang_),
                i18n.t("col_present", lang_): i18n.format_number(r["provinces"], lang_),
                i18n.status_word("demo", lang_): i18n.format_number(r["demo"], lang_),
                i18n.status_word("reported", lang_): i18n.format_number(r["reported"], lang_),
                i18n.status_word("published", lang_): i18n.format_number(r["published"], lang_),
                i18n.t("col_reported_share", lang_): i18n.format_percent(
                    r["reported_share"], lang_, 1
                ),
            }
            for r in presence.sort("period", descending=True).iter_rows(named=True)
        ]
    )
    meta = export_meta(fr, i18n.t("q_presence", lang_), presence, View(lang_))
    chart(
        charts.status_bars(presence, lang_, events=queries.events()),
        view,
        lang_,
        "presence",
        data=presence,
        meta=meta,
        name_stem=export.stem("data_presence"),
    )

    st.subheader(i18n.t("q_vintages", lang_))
    all_obs = queries.all_observations()
    latest = dataset.latest_vintages(all_obs)
    st.dataframe(
        vintage_view(latest, lang_, fr.source_titles()), hide_index=True, key="vintages", height=280
    )
    meta = export_meta(fr, i18n.t("q_vintages", lang_), latest, View(lang_))
    downloads(latest, meta, export.stem("data_vintages"), lang_, "vintages")

    st.subheader(i18n.t("q_disagree", lang_))
    disagreements(fr, lang_)

    st.subheader(i18n.t("q_published_revisions", lang_))
    published_revisions(fr, lang_)

    st.subheader(i18n.t("q_revisions", lang_))
    revisions(all_obs, lang_)

    st.subheader(i18n.t("q_log", lang_))
    try:
        entries = ingest.log(store.location())
    except OSError as e:  # a database that cannot be reached (the URI masked)
        error = i18n.md_escape(ingest.printable(str(e)))
        st.warning(i18n.t("q_log_unavailable", lang_, error=error))
        return
    if not entries:
        st.caption(i18n.t("q_log_empty", lang_))
    else:
        st.dataframe(log_view(entries, lang_), hide_index=True, key="ingest_log")


def disagreements(fr: metrics.Frames, lang_: str) -> None:
    """The published figures the data does not reproduce: `published.check`'s answer, the rows
    the sources page marks ✗, in the same words and columns."""
    table = sources_page.check_table(fr)
    bad = table.filter(~pl.col("reproduced"))
    n = i18n.format_number(table.height, lang_)
    if not bad.height:
        st.success(i18n.t("q_disagree_none", lang_, n=n), icon=":material/check_circle:")
        return
    superseded = bad.filter(pl.col("role") != published.CURRENT).height
    st.warning(
        i18n.t(
            "q_disagree_some",
            lang_,
            k=i18n.format_number(bad.height, lang_),
            n=n,
            current=i18n.format_number(bad.height - superseded, lang_),
            superseded=i18n.format_number(superseded, lang_),
        ),
        icon=":material/warning:",
    )
    link = i18n.t("col_link", lang_)
    st.dataframe(
        sources_page.table_view(bad, lang_),
        hide_index=True,
        key="disagreements",
        column_config={
            link: st.column_config.LinkColumn(link, display_text=r"https?://(?:www\.)?([^/]+)")
        },
    )


def when(v, lang_: str | None = None) -> str:
    """A vintage (a UTC timestamp) in the page's language: its day as the locale writes it and
    the time of day (without a language, as ISO 8601 writes it: data_import's message)."""
    if v is None:
        return ""
    day = f"{v:%Y-%m-%d}" if lang_ is None else i18n.format_date(v, lang_)
    return f"{day} {v:%H:%M:%S} UTC"


def vintage_view(latest: pl.DataFrame, lang_: str, titles: dict[str, str]) -> pl.DataFrame:
    """The latest vintage of each month; each source by its title in the page's language."""
    return pl.DataFrame(
        [
            {
                i18n.t("month", lang_): i18n.format_month(r["period"], lang_),
                i18n.t("col_vintages", lang_): i18n.format_number(r["vintages"], lang_),
                i18n.t("col_vintage", lang_): when(r["latest_vintage"], lang_),
                i18n.t("col_status", lang_): i18n.status_word(r["status"], lang_),
                i18n.t("col_source", lang_): published.source_title(
                    titles.get(r["source_id"], r["source_id"]), lang_
                ),
                i18n.t("col_values", lang_): i18n.format_number(r["values"], lang_),
            }
            for r in latest.iter_rows(named=True)
        ]
    )


def published_revisions(fr: metrics.Frames, lang_: str) -> None:
    """Published estimates a final figure replaced: estimate -> final, with both sources."""
    revised = dataset.published_revisions()
    if not revised.height:
        st.caption(i18n.t("q_published_revisions_none", lang_))
        return

    def who(name: str, day) -> str:
        return f"{published.in_language(name, lang_)}, {i18n.format_date(day, lang_)}"

    rows = []
    for r in revised.iter_rows(named=True):
        unit = catalog.get(r["measure"]).unit
        kind = {"percent": "pp", "billion_vnd": "vnd_billion"}.get(unit, "count")
        rows.append(
            {
                i18n.t("month", lang_): i18n.format_month(r["period"], lang_),
                i18n.t("col_province", lang_): dataset.names(r["layout"], lang_).get(
                    r["geo_code"], r["geo"]
                ),
                i18n.t("col_measure", lang_): catalog.get(r["measure"]).label(lang_),
                i18n.t("col_estimate", lang_): i18n.format_value(r["estimate"], unit, lang_),
                i18n.t("col_final", lang_): i18n.format_value(r["final"], unit, lang_),
                i18n.t("col_change", lang_): i18n.format_change(r["change"], lang_, kind),
                i18n.t("col_source", lang_) + " (1)": who(
                    r["estimate_publisher"], r["estimate_published_on"]
                ),
                i18n.t("col_source", lang_) + " (2)": who(
                    r["final_publisher"], r["final_published_on"]
                ),
            }
        )
    st.dataframe(pl.DataFrame(rows), hide_index=True, key="published_revisions")
    meta = export_meta(fr, i18n.t("q_published_revisions", lang_), revised, View(lang_))
    meta = dataclasses.replace(meta, status="published", sources=[])
    downloads(revised, meta, export.stem("published_revisions"), lang_, "published_revisions")


def revisions(all_obs: pl.DataFrame, lang_: str) -> None:
    months = dataset.revised_months(all_obs)
    if not months:
        st.caption(i18n.t("q_revisions_none", lang_))
        return
    month = st.selectbox(
        i18n.t("month", lang_),
        months,
        key="revision_month",
        format_func=lambda p: i18n.format_month(p, lang_),
    )
    versions = ingest.vintages(all_obs, month).get_column("vintage").unique().sort().to_list()
    c1, c2 = st.columns(2)
    old = c1.selectbox(
        i18n.t("q_old", lang_),
        versions,
        index=len(versions) - 2,
        format_func=lambda v: when(v, lang_),
        key="revision_old",
    )
    new = c2.selectbox(
        i18n.t("q_new", lang_),
        versions,
        index=len(versions) - 1,
        format_func=lambda v: when(v, lang_),
        key="revision_new",
    )
    diff = ingest.compare_vintages(all_obs, month, old, new)
    layout = geo.layout_for_period(month)
    names = dataset.names(layout, lang_)
    unit = {m.id: m.unit for m in catalog.MEASURES}
    view = pl.DataFrame(
        [
            {
                i18n.t("col_province", lang_): names.get(r["geo_code"], r["geo_code"]),
                i18n.t("col_measure", lang_): catalog.get(r["measure"]).label(lang_),
                i18n.t("col_old", lang_): i18n.format_value(r["old"], unit[r["measure"]], lang_),
                i18n.t("col_new", lang_): i18n.format_value(r["new"], unit[r["measure"]], lang_),
                i18n.t("col_change", lang_): i18n.format_number(r["change"], lang_, 2),
            }
            for r in diff.iter_rows(named=True)
        ]
    )
    st.dataframe(view, hide_index=True, key="revision_table")


def log_view(entries: list[dict], lang_: str) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                i18n.t("col_time", lang_): when(datetime.fromisoformat(e["time"]), lang_),
                i18n.t("col_outcome", lang_): i18n.t(
                    "outcome_stored" if e["outcome"] == "stored" else "outcome_refused", lang_
                ),
                i18n.t("col_file", lang_): e["file"],
                "sha256": e["sha256"][:12],
                i18n.t("col_values", lang_): i18n.format_number(e["stored"], lang_),
                i18n.t("col_by", lang_): e["by"],
            }
            for e in reversed(entries[-50:])
        ]
    )
