"""Widgets of the Data page: the filter builder and its table, the data-quality panel, and the
report import (upload, validation report, store)."""

from __future__ import annotations

import dataclasses
import hmac
import os
from datetime import date

import polars as pl
import streamlit as st

from vss_dash import (
    access,
    catalog,
    charts,
    dataset,
    export,
    geo,
    hardening,
    i18n,
    ingest,
    metrics,
    published,
    store,
    ui,
)
from vss_dash.paths import store_dir

MAX_SHOWN_ROWS = 5_000  # formatted rows on screen; the downloads hold every row
DEFAULT_MEASURES = ("si_participants", "si_coverage_rate", "hi_coverage_rate")
DEFAULT_MONTHS = 12

# ---------------------------------------------------------------- filter builder


def url_multiselect(
    label: str, options: list[str], key: str, lang_: str, default: list[str], format_func=str
) -> list[str]:
    """A multiselect whose values live in ?key=a,b,c. Unknown values in the URL are dropped
    with a notice; an empty choice is written as ?key= (not the default)."""
    if key not in st.session_state:
        raw = st.query_params.get(key)
        remembered = st.session_state.get(f"_last_{key}")
        text = raw if raw is not None else remembered
        if text is None:
            chosen = list(default)
        else:
            values = [v for v in text.split(",") if v]
            chosen = [v for v in values if v in options]
            if raw is not None and len(chosen) != len(values):
                st.session_state.setdefault("_url_notices", []).append((key, raw))
        st.session_state[key] = chosen
    else:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    ui.url_notices(lang_)
    chosen = st.sidebar.multiselect(label, options, format_func=format_func, key=key)
    text, default_text = ",".join(chosen), ",".join(default)
    st.session_state[f"_last_{key}"] = text
    if text == default_text:
        st.query_params.pop(key, None)
    elif st.query_params.get(key) != text:
        st.query_params[key] = text
    return chosen


def month_range(periods: list[date], lang_: str) -> tuple[date, date]:
    """A from-to month slider kept in ?from=YYYY-MM&to=YYYY-MM (default: the last 12 months)."""
    by_key = {f"{p:%Y-%m}": p for p in sorted(periods)}
    keys = list(by_key)
    default = (keys[max(0, len(keys) - DEFAULT_MONTHS)], keys[-1])
    if "months" not in st.session_state or not set(st.session_state["months"]) <= set(keys):
        picked = []
        for i, name in enumerate(("from", "to")):
            raw = st.query_params.get(name)
            if raw is not None and raw not in by_key:
                st.session_state.setdefault("_url_notices", []).append((name, raw))
            picked.append(raw if raw in by_key else default[i])
        st.session_state["months"] = tuple(sorted(picked))
    ui.url_notices(lang_)
    start, end = st.sidebar.select_slider(
        i18n.t("f_months", lang_),
        options=keys,
        key="months",
        format_func=lambda k: i18n.format_month(by_key[k], lang_),
    )
    for name, value, dflt in (("from", start, default[0]), ("to", end, default[1])):
        if value == dflt:
            st.query_params.pop(name, None)
        elif st.query_params.get(name) != value:
            st.query_params[name] = value
    return by_key[start], by_key[end]


def filters(
    fr: metrics.Frames, lang_: str
) -> tuple[tuple[str, ...], str, tuple[str, ...], date, date]:
    """The sidebar's filter builder: measures, geography, provinces, months."""
    layout = ui.url_select(
        i18n.t("geography", lang_),
        ["VN", "P34", "P63"],
        "layout",
        lang_,
        format_func=lambda v: i18n.t(f"layout_{v}", lang_),
    )
    every = [m.id for m in catalog.MEASURES]
    allowed = ui.visible(every)
    raw = st.query_params.get("measures") or ""
    hidden = [m for m in raw.split(",") if m in every and m not in allowed]
    if hidden:  # a link naming internal measures: a polite notice, never the figures
        st.info(
            i18n.t("measure_restricted", lang_, measure=", ".join(hidden)), icon=":material/lock:"
        )
        st.query_params["measures"] = ",".join(m for m in raw.split(",") if m not in hidden)
    measures = url_multiselect(
        i18n.t("f_measures", lang_),
        allowed,
        "measures",
        lang_,
        ui.visible(list(DEFAULT_MEASURES)),
        format_func=lambda mid: catalog.get(mid).label(lang_),
    )
    codes: list[str] = []
    if layout != "VN":
        if st.session_state.get("_provinces_layout") not in (None, layout):
            st.session_state["provinces"] = []  # a code means another place in the other layout
        st.session_state["_provinces_layout"] = layout
        names = dataset.names(layout)
        codes = url_multiselect(
            i18n.t("f_provinces", lang_),
            list(names),
            "provinces",
            lang_,
            [],
            format_func=lambda c: f"{names[c]} ({c})",
        )
    start, end = month_range(dataset.periods_for(fr, layout), lang_)
    return tuple(measures), layout, tuple(codes), start, end


def table_view(df: pl.DataFrame, lang_: str) -> pl.DataFrame:
    """The data table formatted for reading (Vietnamese or English number separators)."""
    return pl.DataFrame(
        [
            {
                i18n.t("month", lang_): i18n.format_month(r["period"], lang_),
                i18n.t("col_code", lang_): r["geo_code"],
                i18n.t("col_province", lang_): r["province"],
                i18n.t("col_measure", lang_): catalog.get(r["measure"]).label(lang_),
                i18n.t("col_value", lang_): i18n.format_value(r["value"], r["unit"], lang_),
                i18n.t("col_status", lang_): ui.status_label(r["status"], lang_),
                i18n.t("col_source", lang_): r["source_id"],
            }
            for r in df.head(MAX_SHOWN_ROWS).iter_rows(named=True)
        ]
    )


def data_table(fr: metrics.Frames, lang_: str) -> None:
    measures, layout, codes, start, end = filters(fr, lang_)
    if not measures:
        st.info(i18n.t("f_no_measures", lang_))
        return
    left_out = [m for m in measures if catalog.get(m).national_only and layout != "VN"]
    if left_out:
        names = ", ".join(catalog.get(m).label(lang_) for m in left_out)
        st.caption(i18n.t("data_national_only", lang_, names=names))
    df = ui.compute(fr, "table", measures, layout, codes, start, end, lang_, module=dataset)
    if not df.height:
        st.info(i18n.t("data_empty", lang_))
        return
    n = i18n.format_number(df.height, lang_)
    if df.height > MAX_SHOWN_ROWS:
        shown = i18n.format_number(MAX_SHOWN_ROWS, lang_)
        st.caption(i18n.t("data_truncated", lang_, shown=shown, n=n))
    else:
        st.caption(i18n.t("data_rows", lang_, n=n))
    st.dataframe(table_view(df, lang_), hide_index=True, key="data_table")
    extra = {
        i18n.t("f_measures", lang_): ", ".join(catalog.get(m).label(lang_) for m in measures),
        i18n.t("f_months", lang_): f"{i18n.format_month(start, lang_)} – "
        f"{i18n.format_month(end, lang_)}",
    }
    if codes:
        extra[i18n.t("f_provinces", lang_)] = ", ".join(codes)
    meta = ui.export_meta(fr, i18n.t("tab_table", lang_), df, lang_, layout=layout, extra=extra)
    ui.downloads(df, meta, export.stem("data", layout, start, end), lang_, "data")


# ---------------------------------------------------------------- data quality


def quality(fr: metrics.Frames, lang_: str) -> None:
    if not ui.sees_internal():
        st.info(i18n.t("quality_internal", lang_), icon=":material/lock:")
        return
    presence = ui.compute(fr, "presence", module=dataset)
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
                i18n.t("geography", lang_): r["layout"],
                i18n.t("col_expected", lang_): r["expected"],
                i18n.t("col_present", lang_): r["provinces"],
                i18n.t("demo_badge", lang_): r["demo"],
                i18n.t("reported_badge", lang_): r["reported"],
                i18n.t("published_badge", lang_): r["published"],
                i18n.t("col_reported_share", lang_): i18n.format_percent(
                    r["reported_share"], lang_, 1
                ),
            }
            for r in presence.sort("period", descending=True).iter_rows(named=True)
        ]
    )
    meta = ui.export_meta(fr, i18n.t("q_presence", lang_), presence, lang_)
    ui.chart(
        charts.status_bars(presence, lang_, events=ui.events()),
        view,
        lang_,
        "presence",
        data=presence,
        meta=meta,
        name_stem=export.stem("data_presence"),
    )

    st.subheader(i18n.t("q_vintages", lang_))
    all_obs = ui.all_observations()
    latest = dataset.latest_vintages(all_obs)
    st.dataframe(vintage_view(latest, lang_), hide_index=True, key="vintages", height=280)
    ui.downloads(latest, ui.export_meta(fr, i18n.t("q_vintages", lang_), latest, lang_),
                 export.stem("data_vintages"), lang_, "vintages")  # fmt: skip

    st.subheader(i18n.t("q_disagree", lang_))
    bad = ui.compute(fr, "disagreements", module=dataset)
    n = len(published.figures())
    if not bad.height:
        st.success(i18n.t("q_disagree_none", lang_, n=n), icon=":material/check_circle:")
    else:
        st.warning(i18n.t("q_disagree_some", lang_, k=bad.height, n=n), icon=":material/warning:")
        st.dataframe(bad, hide_index=True, key="disagreements")

    st.subheader(i18n.t("q_published_revisions", lang_))
    published_revisions(fr, lang_)

    st.subheader(i18n.t("q_revisions", lang_))
    revisions(all_obs, lang_)

    st.subheader(i18n.t("q_log", lang_))
    entries = ingest.log(store_dir())
    if not entries:
        st.caption(i18n.t("q_log_empty", lang_))
    else:
        st.dataframe(log_view(entries, lang_), hide_index=True, key="ingest_log")


def _when(v) -> str:
    return f"{v:%Y-%m-%d %H:%M:%S} UTC" if v is not None else ""


def vintage_view(latest: pl.DataFrame, lang_: str) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                i18n.t("month", lang_): i18n.format_month(r["period"], lang_),
                i18n.t("col_vintages", lang_): r["vintages"],
                i18n.t("col_vintage", lang_): _when(r["latest_vintage"]),
                i18n.t("col_status", lang_): ui.status_label(r["status"], lang_),
                i18n.t("col_source", lang_): r["source_id"],
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
        return f"{name}, {i18n.format_date(day, lang_)}"

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
    meta = ui.export_meta(fr, i18n.t("q_published_revisions", lang_), revised, lang_)
    meta = dataclasses.replace(meta, status="published", sources=[])
    ui.downloads(revised, meta, export.stem("published_revisions"), lang_, "published_revisions")


def revisions(all_obs: pl.DataFrame, lang_: str) -> None:
    months = dataset.revised_months(all_obs)
    if not months:
        st.caption(i18n.t("q_revisions_none", lang_))
        return
    month = st.selectbox(i18n.t("month", lang_), months, key="revision_month",
                         format_func=lambda p: i18n.format_month(p, lang_))  # fmt: skip
    versions = ingest.vintages(all_obs, month).get_column("vintage").unique().sort().to_list()
    c1, c2 = st.columns(2)
    old = c1.selectbox(i18n.t("q_old", lang_), versions, index=len(versions) - 2,
                       format_func=_when, key="revision_old")  # fmt: skip
    new = c2.selectbox(i18n.t("q_new", lang_), versions, index=len(versions) - 1,
                       format_func=_when, key="revision_new")  # fmt: skip
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
                i18n.t("col_time", lang_): e["time"][:19].replace("T", " "),
                i18n.t("col_outcome", lang_): i18n.t(f"outcome_{e['outcome']}", lang_),
                i18n.t("col_file", lang_): e["file"],
                "sha256": e["sha256"][:12],
                i18n.t("col_values", lang_): e["stored"],
                i18n.t("col_by", lang_): e["by"],
            }
            for e in reversed(entries[-50:])
        ]
    )


# ---------------------------------------------------------------- import


def _upload_config() -> tuple[bool, str]:
    """(switched on, admin secret): from `[upload]` in secrets.toml (enabled, admin_secret), else
    the environment (VSS_UPLOAD_ENABLED=1, VSS_UPLOAD_SECRET). Off unless configured."""
    section = {}
    try:
        section = dict(st.secrets.get("upload", {}))
    except FileNotFoundError:  # no secrets.toml at all
        section = {}
    enabled = bool(section.get("enabled", os.environ.get("VSS_UPLOAD_ENABLED") == "1"))
    secret = str(section.get("admin_secret", os.environ.get("VSS_UPLOAD_SECRET", "")))
    return enabled, secret


def upload_allowed(lang_: str) -> bool:
    """Behind sign-in, analysts may import. In the open demo: off unless configured; with an
    admin secret the visitor must type it (compared in constant time); with the switch alone,
    anyone who reaches the page may import."""
    if not ui.access_settings().open:
        if access.can_upload(ui.role()):
            return True
        st.info(i18n.t("upload_for_analysts", lang_), icon=":material/lock:")
        return False
    enabled, secret = _upload_config()
    if secret:
        if st.session_state.get("_upload_unlocked"):
            return True
        with st.form("unlock"):
            typed = st.text_input(i18n.t("up_secret", lang_), type="password", key="up_secret")
            pressed = st.form_submit_button(i18n.t("up_unlock", lang_))
        if pressed:
            if hmac.compare_digest(typed.encode("utf-8"), secret.encode("utf-8")):
                st.session_state["_upload_unlocked"] = True
                st.rerun()
            st.error(i18n.t("up_secret_wrong", lang_))
        return False
    if enabled:
        return True
    st.info(i18n.t("up_off", lang_), icon=":material/lock:")
    return False


def findings_view(report: ingest.Report, lang_: str) -> pl.DataFrame:
    df = report.findings_frame(lang_)
    return df.select(
        pl.col("severity").replace_strict({"error": i18n.t("sev_error", lang_),
                                           "warning": i18n.t("sev_warning", lang_)})
        .alias(i18n.t("col_severity", lang_)),
        pl.col("sheet").alias(i18n.t("col_sheet", lang_)),
        pl.col("row").alias(i18n.t("col_row", lang_)),
        pl.col("column").alias(i18n.t("col_column", lang_)),
        pl.col("header").alias(i18n.t("col_header", lang_)),
        pl.col("message").alias(i18n.t("col_message", lang_)),
        pl.col("message_other").alias(i18n.t("col_message_other", lang_)),
        pl.col("rule").alias(i18n.t("col_rule", lang_)),
    )  # fmt: skip


def preview_view(report: ingest.Report, lang_: str) -> pl.DataFrame:
    names = {x: dataset.names(x, lang_) for x in ("VN", *geo.LAYOUTS)}
    return pl.DataFrame(
        [
            {
                i18n.t("month", lang_): i18n.format_month(r["period"], lang_),
                i18n.t("col_province", lang_): names[r["layout"]].get(r["geo_code"], r["geo_code"]),
                i18n.t("col_measure", lang_): catalog.get(r["measure"]).label(lang_),
                i18n.t("col_value", lang_): i18n.format_value(
                    r["value"], catalog.get(r["measure"]).unit, lang_
                ),
                i18n.t("col_file_value", lang_): i18n.format_number(
                    r["file_value"], lang_, 0 if float(r["file_value"]).is_integer() else 3
                ),
                i18n.t("col_row", lang_): r["row"],
                i18n.t("col_column", lang_): r["column"],
            }
            for r in report.rows.head(MAX_SHOWN_ROWS).iter_rows(named=True)
        ]
    )


def _period_choice(fr: metrics.Frames, lang_: str) -> date | None:
    """The report's period: as the title says (default), or a month picked here; the months
    offered run from the store's first to two months after its last."""
    periods = fr.periods()
    last = periods[-1] if periods else metrics.month_end(date.today())
    months = [metrics.months_back(last, -k) for k in (2, 1)] + sorted(periods, reverse=True)
    choice = st.selectbox(
        i18n.t("up_period", lang_),
        [None, *months],
        format_func=lambda p: i18n.t("up_period_title", lang_) if p is None
        else i18n.format_month(p, lang_),
        key="up_period",
    )  # fmt: skip
    return choice


def upload(fr: metrics.Frames, lang_: str) -> None:
    st.markdown(i18n.t("up_formats", lang_))
    if done := st.session_state.pop("_up_stored", None):
        st.success(i18n.t("up_stored", lang_, **done), icon=":material/check_circle:")
    if not upload_allowed(lang_):
        return
    period = _period_choice(fr, lang_)
    hardening.allow_uploads()  # the server keeps uploads only from sessions shown the uploader
    # a new key after each import empties the file chooser, so a file is not stored twice
    file = st.file_uploader(i18n.t("up_file", lang_), type=["csv", "xlsx"],
                            key=f"up_file_{st.session_state.get('_up_count', 0)}")  # fmt: skip
    if file is None:
        return
    data = file.getvalue()
    token = (file.name, len(data), hash(data), period, ui.store_token())
    cached = st.session_state.get("_up_report")
    if cached is None or cached[0] != token:
        with st.spinner(i18n.t("up_reading", lang_, file=file.name)):
            report = ingest.read(data, file.name, period=period, frames=fr)
        st.session_state["_up_report"] = (token, report)
    report = st.session_state["_up_report"][1]
    report_section(report, lang_)
    if report.ok and st.button(i18n.t("up_store", lang_), type="primary", key="up_store",
                               icon=":material/save:"):  # fmt: skip
        try:
            stored = ingest.commit(report, store_dir(), by="upload")
        except store.StoreInvalid as e:
            st.error(i18n.t("up_store_failed", lang_))
            st.code(str(e))
            return
        st.session_state["_up_stored"] = {
            "n": i18n.format_number(stored.rows, lang_),
            "file": report.file_name,
            "vintage": _when(stored.vintage),
            "revised": i18n.format_number(stored.revised, lang_),
        }
        st.session_state.pop("_up_report", None)
        st.session_state["_up_count"] = st.session_state.get("_up_count", 0) + 1
        st.rerun()


def report_section(report: ingest.Report, lang_: str) -> None:
    s = report.summary()
    periods = ", ".join(i18n.format_month(p, lang_) for p in report.periods()) or "–"
    values = i18n.format_number(s["values"], lang_)
    st.markdown(
        i18n.t("up_summary", lang_, file=report.file_name, values=values,
               provinces=s["provinces"], measures=len(s["measures"]), periods=periods)
    )  # fmt: skip
    if report.errors:
        st.error(i18n.t("up_refused", lang_, n=len(report.errors)), icon=":material/block:")
    else:
        st.success(i18n.t("up_valid", lang_, w=len(report.warnings)), icon=":material/task_alt:")
    if report.findings:
        st.markdown(f"**{i18n.t('up_findings', lang_)}**")
        findings = report.findings_frame(lang_)
        st.dataframe(findings_view(report, lang_), hide_index=True, key="up_findings")
        meta = export.ExportMeta(i18n.t("up_findings", lang_), {"file": report.file_name}, None,
                                 "reported", [f"sha256:{report.sha256}"], lang_)  # fmt: skip
        ui.downloads(findings, meta, export.stem("validation_report"), lang_, "findings")
    if report.rows.height:
        with st.expander(i18n.t("up_preview", lang_), expanded=not report.errors):
            st.dataframe(preview_view(report, lang_), hide_index=True, key="up_preview")
