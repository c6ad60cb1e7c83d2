"""Tables and their files: a frame formatted for reading, in an expander or under a chart, with
CSV, Excel and Parquet downloads whose header says what the data is (`export_meta`), and the
sources footer of a page."""

from __future__ import annotations

import logging
from collections.abc import Callable

import polars as pl
import streamlit as st

from vss_dash import access, api, catalog, chart_svg, charts, export, geo, i18n, metrics, published
from vss_dash.ui import auth, queries
from vss_dash.ui.state import View
from vss_dash.ui.widgets import status_label

_LOG = logging.getLogger(__name__)


def snapshot_table(
    snap: pl.DataFrame, lang_: str, titles: dict[str, str] | None = None
) -> pl.DataFrame:
    """The KPI cards as a table, formatted for reading; the source by its title where known
    (the id stays in the downloads)."""
    titles = titles or {}
    out = []
    for r in snap.iter_rows(named=True):
        m = catalog.get(r["measure"])
        out.append(
            {
                i18n.t("col_measure", lang_): m.label(lang_),
                i18n.t("col_value", lang_): i18n.format_value(r["value"], m.unit, lang_),
                i18n.t("col_prev", lang_): i18n.format_value(r["prev_value"], m.unit, lang_),
                i18n.t("col_change", lang_): i18n.format_change(
                    r["change"], lang_, r["change_kind"]
                ),
                i18n.t("col_status", lang_): status_label(r["status"], lang_),
                i18n.t("col_source", lang_): titles.get(r["source_id"] or "", r["source_id"] or ""),
            }
        )
    return pl.DataFrame(out)


def history_table(history: pl.DataFrame, lang_: str) -> pl.DataFrame:
    """A chart's data (measure, period, value, status) as a table, formatted for reading, in the
    history's own row order (the page's measure order, then month), as it is exported."""
    out = []
    for r in history.iter_rows(named=True):
        m = catalog.get(r["measure"])
        out.append(
            {
                i18n.t("month", lang_): i18n.format_month(r["period"], lang_),
                i18n.t("col_measure", lang_): m.label(lang_),
                i18n.t("col_value", lang_): i18n.format_value(r["value"], m.unit, lang_),
                i18n.t("col_status", lang_): status_label(r["status"], lang_),
            }
        )
    return pl.DataFrame(out)


def table_expander(
    table: pl.DataFrame,
    lang_: str,
    key: str,
    *,
    data: pl.DataFrame,
    meta: export.ExportMeta,
    name_stem: str,
    place: dict | None = None,
    picture: Callable[[], bytes] | None = None,
) -> None:
    """A table formatted for reading, in an expander, with `data` (the same rows, raw values)
    as CSV, Excel and Parquet under it (`place`, `picture`: see `downloads`). The table is
    drawn only once the expander is opened (?show_<key> in session state): a closed one costs
    the page nothing, where Streamlit would otherwise send its rows and make the browser load
    the data grid's 1.3 MB of scripts for a table nobody opened (issue 18). The downloads are
    always there."""
    with st.expander(
        i18n.t("show_table", lang_), icon=":material/table:", key=f"show_{key}", on_change="rerun"
    ) as box:
        if box.open:
            st.dataframe(table, hide_index=True, key=f"table_{key}")
        downloads(data, meta, name_stem, lang_, key, place, picture)


def image_config(name_stem: str) -> dict:
    """Plotly's toolbar with one button: the chart as a PNG at twice its size, drawn by the
    browser itself (no request leaves the server), named like the chart's data files."""
    return {
        "displaylogo": False,
        "modeBarButtons": [["toImage"]],
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": name_stem},
    }


def chart(
    fig,
    table: pl.DataFrame,
    lang_: str,
    key: str,
    *,
    data: pl.DataFrame,
    meta: export.ExportMeta,
    name_stem: str,
    place: dict | None = None,
) -> None:
    """A Plotly chart with its data one click away, and that data's downloads; the toolbar
    keeps only the picture download (`image_config`), and the chart as SVG (`svg_builder`)
    sits beside the data's files."""
    picture = f"{name_stem}_demo" if meta.is_demo else name_stem  # as the data files say
    st.plotly_chart(fig, key=f"chart_{key}", config=image_config(picture), width="stretch")
    svg = svg_builder(fig, meta, lang_)
    table_expander(
        table, lang_, key, data=data, meta=meta, name_stem=name_stem, place=place, picture=svg
    )


def svg_title(meta: export.ExportMeta) -> tuple[str, str]:
    """The title and subtitle of a chart's SVG: what the chart is (the export's title, and the
    filters it does not name already), and, for demo data, the demo mark in both languages, as
    the data files carry it."""
    extra = [v for v in meta.filters.values() if v not in meta.title]
    title = " · ".join([meta.title, *extra])
    subtitle = ""
    if meta.is_demo:
        vi, en = (
            i18n.status_word("demo", lang, "notice")
            if meta.status == "demo"
            else i18n.t("chart_demo_mark", lang)
            for lang in i18n.LANGS
        )
        subtitle = f"{vi} / {en}"
    return title, subtitle


def _session_id() -> str | None:
    """The browser session running this script (None outside one): the SVG's per-session
    limit counts by it."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def svg_builder(fig, meta: export.ExportMeta, lang_: str) -> Callable[[], bytes]:
    """What the SVG button calls on a click (deferred: the page pays nothing for it): the
    chart drawn by plotly.js in the server's headless Chromium (`chart_svg`). A failure gives
    an SVG that says so in the page's language rather than an error the page cannot show (a
    deferred download runs outside the script; Streamlit ignores st.* calls there)."""
    title, subtitle = svg_title(meta)
    session = _session_id()  # read now: the click's call runs outside the script

    def build() -> bytes:
        try:
            return chart_svg.render(fig, title=title, subtitle=subtitle, session=session)
        except chart_svg.TooMany as e:  # one at a time and a few a minute per session
            n = chart_svg.SESSIONS.per_minute
            busy = e.reason == "busy"
            text = i18n.t("svg_busy", lang_) if busy else i18n.t("svg_rate", lang_, n=n)
            return chart_svg.error_svg(text)
        except Exception as e:  # SvgError, or anything unforeseen: a file that says so
            _LOG.warning("chart SVG failed: %s", e, exc_info=not isinstance(e, chart_svg.SvgError))
            return chart_svg.error_svg(i18n.t("svg_failed", lang_, reason=str(e)))

    return build


def sources_footer(
    snap: pl.DataFrame,
    history: pl.DataFrame,
    fr: metrics.Frames,
    lang_: str,
    prov: charts.Provenance | None = None,
) -> None:
    """Provenance: every source behind the numbers on the page (publisher and date where
    known), and for each value shown that other sources published differently, what they
    published ("Also published: ..."). Text from the files is escaped for markdown."""
    used = set(snap.get_column("source_id").drop_nulls()) | set(
        history.get_column("source_id").drop_nulls() if "source_id" in history.columns else []
    )
    info = {}
    if fr.sources is not None:
        info = {r["source_id"]: r for r in fr.sources.iter_rows(named=True)}
    lines = []
    for sid in sorted(used):
        r = info.get(sid, {})
        title = published.source_title(r.get("title") or sid, lang_)
        publisher = published.in_language(r["publisher"], lang_) if r.get("publisher") else None
        if publisher and publisher in title:  # a public page's title already names it
            publisher = None
        who = ", ".join(x for x in (publisher, i18n.format_date(r.get("date"), lang_)) if x)
        title = i18n.md_escape(title)
        # the title is what a reader needs; the id stays in the downloads
        line = f"- {title}" + (f" ({i18n.md_escape(who)})" if who else "")
        if line not in lines:
            lines.append(line)
    if prov is not None:
        seen = set()
        for r in pl.concat(
            [snap.select("measure", "period"), history.select("measure", "period")]
        ).iter_rows(named=True):
            if (r["measure"], r["period"]) in seen:
                continue
            seen.add((r["measure"], r["period"]))
            if also := prov.also(r["measure"], r["period"], lang_):
                label = catalog.get(r["measure"]).label(lang_)
                what = f"{label}, {i18n.format_month(r['period'], lang_, in_sentence=True)}"
                lines.append(f"- {i18n.md_escape(what)}: {i18n.md_escape(also)}")
    st.divider()
    st.caption(i18n.t("sources_used", lang_) + "\n" + "\n".join(lines))


_DOWNLOADS = (  # extension, label key, help key, MIME type
    ("csv", i18n.key("download_csv"), i18n.key("download_csv_help"), "text/csv"),
    (
        "xlsx",
        i18n.key("download_xlsx"),
        i18n.key("download_xlsx_help"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "parquet",
        i18n.key("download_parquet"),
        i18n.key("download_parquet_help"),
        "application/vnd.apache.parquet",
    ),
)


def downloads(
    df: pl.DataFrame,
    meta: export.ExportMeta,
    name_stem: str,
    lang_: str,
    key: str,
    place: dict | None = None,
    picture: Callable[[], bytes] | None = None,
) -> None:
    """CSV, Excel and Parquet of `df` in one row (keys csv_<key>, xlsx_<key>, parquet_<key>),
    and with `picture` (a chart's SVG builder) the chart as SVG after them (svg_<key>).
    Demo data says so in the file name too. Each file is built only when its button is clicked
    (a callable), so a page with many tables pays nothing for them on every run.
    Where each row's value has a key (period, layout, geo_code, measure: from its columns, the
    rest from `place`), the files carry what else was published for it (`also_published`)."""
    if not auth.can_export():
        return
    shown = df
    df = export.with_alternatives(df, queries.alternatives(), lang_, **(place or {}))
    # spreadsheets get values rounded as published, each measure's label beside its id, and
    # headers and words in the page's language; Parquet, read by programs, ids and every digit
    stem = f"{name_stem}_demo" if meta.is_demo else name_stem
    build = {
        "csv": lambda: export.to_csv(export.tidy(df, lang_, meta.unit), lang_),
        "xlsx": lambda: export.to_xlsx(export.tidy(df, lang_, meta.unit), meta),
        "parquet": lambda: export.to_parquet(df, meta),
    }
    with st.container(horizontal=True, gap="small", key=f"downloads_{key}"):
        for ext, label, help_key, mime in _DOWNLOADS:
            st.download_button(
                i18n.t(label, lang_),
                data=build[ext],
                file_name=f"{stem}.{ext}",
                mime=mime,
                icon=":material/download:",
                help=i18n.t(help_key, lang_),
                key=f"{ext}_{key}",
                on_click="ignore",
            )
        if picture is not None:
            # without Chromium on the server the button stays, greyed, saying why
            ready = chart_svg.available()
            st.download_button(
                i18n.t("download_svg", lang_),
                data=picture,
                file_name=f"{stem}.svg",
                mime="image/svg+xml",
                icon=":material/image:",
                help=i18n.t("download_svg_help" if ready else "svg_unavailable", lang_),
                key=f"svg_{key}",
                on_click="ignore",
                disabled=not ready,
            )
        data_link(shown, place, lang_, key)


def data_link(df: pl.DataFrame, place: dict | None, lang_: str, key: str) -> None:
    """Beside a table's downloads, a link to the same values in the data API (its CSV, with the
    page's filters; key link_<key>): only where this server serves the API, and serves those
    values there to anyone (api.data_link), so that no viewer gets a link that refuses them."""
    if not api.served():
        return
    try:
        role = api.role_for(auth.access_settings())
    except access.BadSettings:
        return
    url = api.data_link(queries.frames(lang_), df, place, lang_, role, table=queries.table)
    if url:
        st.link_button(
            i18n.t("data_link", lang_),
            url,
            icon=":material/link:",
            help=i18n.t("data_link_help", lang_),
            key=f"link_{key}",
        )


def _demo_sources(fr: metrics.Frames) -> list[str]:
    return sorted(
        fr.obs.filter(pl.col("status") == "demo").get_column("source_id").unique().to_list()
    )


def export_meta(
    fr: metrics.Frames,
    title: str,
    data: pl.DataFrame,
    view: View,
    extra: dict[str, str] | None = None,
) -> export.ExportMeta:
    """What an exported frame is, from the page's view: the filters in words (month, measure,
    geography, province, then `extra`), as of the view's month (else the data's last month),
    the status of its rows and the sources its rows name (a frame without source ids but with
    demo rows names the demo data's source), and the view's measure's unit (a value column of
    a frame that names no measure is in it)."""
    lang_, period, layout = view.lang, view.period, view.layout
    filters: dict[str, str] = {}
    if period is not None:
        # vi format_month reads "Tháng 9/2026": after the label "Tháng", the number alone
        month = f"{period.month}/{period.year}" if lang_ == "vi" else None
        filters[i18n.t("month", lang_)] = month or i18n.format_month(period, lang_)
    if view.measure is not None:
        filters[i18n.t("measure", lang_)] = catalog.get(view.measure).label(lang_)
    if layout is not None:
        label = i18n.t("geography" if layout == "VN" else "layout", lang_)
        filters[label] = i18n.t(i18n.LAYOUT_KEYS[layout], lang_)
    code = view.geo_code
    if code is not None and layout in geo.LAYOUTS:
        filters[i18n.t("province", lang_)] = f"{geo.province_name(layout, code)} ({code})"
    filters.update(extra or {})
    as_of_ = period
    if as_of_ is None and "period" in data.columns and data.height:
        as_of_ = data.get_column("period").max()
    status = export.frame_status(data)
    has_ids = any(c == "source_id" or c.endswith("_source_id") for c in data.columns)
    ids = export.frame_source_ids(data)
    if not has_ids and status in ("demo", "mixed"):
        ids = _demo_sources(fr)
    sources = export.source_lines(ids, fr.source_titles())
    unit = catalog.get(view.measure).unit if view.measure is not None else None
    return export.ExportMeta(title, filters, as_of_, status, sources, lang_, unit)


def province_slug(layout: str, code: str) -> str:
    """A province in a file name, e.g. "01 Hà Nội" (codes alone collide across layouts)."""
    return f"{code} {geo.province_name(layout, code)}"
