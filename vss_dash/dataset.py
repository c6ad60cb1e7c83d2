"""The Data page's queries: a filtered long table of any measures, and the data-quality summaries
(what is present, how much is demo, the latest vintage of each month, and the published national
figures the data no longer reproduces). Pure Polars: no Streamlit."""

from __future__ import annotations

from datetime import date

import polars as pl

from vss_dash import catalog, geo, i18n, metrics, published

TABLE_SCHEMA = {
    "period": pl.Date(),
    "layout": pl.String(),
    "geo_code": pl.String(),
    "province": pl.String(),
    "measure": pl.String(),
    "value": pl.Float64(),
    "unit": pl.String(),
    "status": pl.String(),
    "source_id": pl.String(),
}


def periods_for(frames: metrics.Frames, layout: str) -> list[date]:
    """The months a layout can show: P63 ends at 2025-06; VN and P34 (through the crosswalk)
    cover every month."""
    periods = frames.periods()
    if layout == "P63":
        return [p for p in periods if p < geo.MERGER_DATE]
    return periods


def names(layout: str, lang: str = "vi") -> dict[str, str]:
    """Code -> short name in a layout ("VN" -> "Cả nước" / "Nationwide")."""
    if layout == "VN":
        return {geo.NATIONAL: i18n.t("national", lang)}
    return dict(geo.provinces(layout).select("code", "short_name").iter_rows())


def table(
    frames: metrics.Frames,
    measures: tuple[str, ...],
    layout: str,
    codes: tuple[str, ...],
    start: date,
    end: date,
    lang: str = "vi",
) -> pl.DataFrame:
    """Values of `measures` in `layout` from `start` to `end` (month ends, inclusive) for
    `codes` (empty: every province), one row a value: period, layout, geo_code, province,
    measure, value, unit, status, source_id. National-only measures appear only for VN."""
    parts = []
    for mid in measures:
        m = catalog.get(mid)
        if m.national_only and layout != "VN":
            continue
        df = metrics.resolve(frames, mid, layout).filter(pl.col("period").is_between(start, end))
        if codes:
            df = df.filter(pl.col("geo_code").is_in(list(codes)))
        parts.append(df.with_columns(measure=pl.lit(mid), unit=pl.lit(m.unit)))
    if not parts:
        return pl.DataFrame(schema=TABLE_SCHEMA)
    by_code = names(layout, lang)
    return (
        pl.concat(parts)
        .with_columns(
            layout=pl.lit(layout),
            province=pl.col("geo_code").replace_strict(by_code, default=pl.col("geo_code")),
        )
        .select(list(TABLE_SCHEMA))
        .sort("period", "geo_code", "measure")
    )


def presence(frames: metrics.Frames) -> pl.DataFrame:
    """Per month, in the layout the month was reported in: the provinces expected, the provinces
    with at least one stored value, and the stored province values by status (demo, reported,
    published) with the reported share."""
    obs = frames.obs.filter(pl.col("layout") != "VN")
    expected = pl.DataFrame(
        {"layout": list(geo.LAYOUTS), "expected": [len(geo.codes(x)) for x in geo.LAYOUTS]}
    )
    counts = obs.group_by("period", "layout").agg(
        provinces=pl.col("geo_code").n_unique(),
        values=pl.len(),
        demo=(pl.col("status") == "demo").sum(),
        reported=(pl.col("status") == "reported").sum(),
        published=(pl.col("status") == "published").sum(),
    )
    return (
        counts.join(expected, on="layout")
        .with_columns(reported_share=100 * pl.col("reported") / pl.col("values"))
        .select(
            "period",
            "layout",
            "expected",
            "provinces",
            "values",
            "demo",
            "reported",
            "published",
            "reported_share",
        )
        .sort("period")
    )


def latest_vintages(observations: pl.DataFrame) -> pl.DataFrame:
    """Per month (every vintage in `observations`): the number of vintages, the newest one, its
    source and status, and how many values it holds."""
    per = observations.group_by("period", "vintage", "source_id", "status").agg(values=pl.len())
    newest = (
        per.sort("vintage")
        .group_by("period")
        .agg(
            vintages=pl.col("vintage").n_unique(),
            latest_vintage=pl.col("vintage").last(),
            source_id=pl.col("source_id").last(),
            status=pl.col("status").last(),
            values=pl.col("values").last(),
        )
    )
    return newest.sort("period", descending=True)


def revised_months(observations: pl.DataFrame) -> list[date]:
    """Months with more than one vintage, newest first."""
    return (
        observations.group_by("period")
        .agg(pl.col("vintage").n_unique().alias("n"))
        .filter(pl.col("n") > 1)
        .sort("period", descending=True)
        .get_column("period")
        .to_list()
    )


def disagreements(frames: metrics.Frames) -> pl.DataFrame:
    """Published figures that the stored province data no longer reproduces (to the precision
    published): period, geography, expression, published, computed, source."""
    rows = [
        {
            "period": c.figure.period,
            "geo": c.figure.geo_text,
            "expression": c.figure.measure,
            "published": c.figure.value,
            "computed": c.computed,
            "source_id": c.figure.source_id,
        }
        for c in published.check(frames)
        if not c.ok
    ]
    schema = {
        "period": pl.Date(),
        "geo": pl.String(),
        "expression": pl.String(),
        "published": pl.Float64(),
        "computed": pl.Float64(),
        "source_id": pl.String(),
    }
    return pl.DataFrame(rows, schema=schema)


def published_revisions() -> pl.DataFrame:
    """Published estimates that a final figure replaced (the estimate is kept as an earlier
    vintage): period, layout, geo_code, geo, measure, estimate, its publisher and date, final,
    its publisher and date, change (final minus estimate)."""
    current = {f.key: f for f in published.current()}
    rows = []
    for f in published.figures():
        final = current.get(f.key)
        if f.role != published.EARLIER or final is None:
            continue
        rows.append(
            {
                "period": f.period,
                "layout": f.layout,
                "geo_code": f.geo_code,
                "geo": f.geo_text,
                "measure": published.canonical(f.measure),
                "estimate": f.value,
                "estimate_publisher": f.publisher,
                "estimate_published_on": f.published_on,
                "final": final.value,
                "final_publisher": final.publisher,
                "final_published_on": final.published_on,
                "change": final.value - f.value,
            }
        )
    schema = {
        "period": pl.Date(),
        "layout": pl.String(),
        "geo_code": pl.String(),
        "geo": pl.String(),
        "measure": pl.String(),
        "estimate": pl.Float64(),
        "estimate_publisher": pl.String(),
        "estimate_published_on": pl.Date(),
        "final": pl.Float64(),
        "final_publisher": pl.String(),
        "final_published_on": pl.Date(),
        "change": pl.Float64(),
    }
    return pl.DataFrame(rows, schema=schema).sort("period", "measure")
