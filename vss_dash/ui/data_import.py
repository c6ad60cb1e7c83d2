"""The Data page's import of provincial reports: who may import (sign-in role, or the open demo's
switch and admin secret), the upload, its validation report and preview, and the store."""

from __future__ import annotations

import hmac
import logging
import math
import time
from datetime import date

import polars as pl
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from vss_dash import (
    access,
    catalog,
    dataset,
    export,
    geo,
    hardening,
    i18n,
    ingest,
    metrics,
    settings,
    store,
)
from vss_dash.ui import auth, queries
from vss_dash.ui.data_page import MAX_SHOWN_ROWS
from vss_dash.ui.data_quality import when
from vss_dash.ui.tables import downloads


def _upload_config() -> tuple[bool, str]:
    """(switched on, admin secret): from `[upload]` in secrets.toml (enabled, admin_secret), else
    the environment (VSS_UPLOAD_ENABLED=1, VSS_UPLOAD_SECRET). Off unless configured."""
    section = {}
    try:
        section = dict(st.secrets.get("upload", {}))
    except FileNotFoundError:  # no secrets.toml at all
        section = {}
    enabled = bool(section.get("enabled", settings.env("VSS_UPLOAD_ENABLED") == "1"))
    secret = str(section.get("admin_secret", settings.env("VSS_UPLOAD_SECRET") or ""))
    return enabled, secret


_LOGGER = logging.getLogger(__name__)
# wrong guesses of the admin secret, counted across every session of this server
_SECRET_ATTEMPTS = access.Attempts(limit=5, window=300.0)


def _session() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "?"


def _who() -> str:
    """Who imports, for the import log: the signed-in user's e-mail (or name), else the session."""
    if not auth.access_settings().open and st.user.is_logged_in:
        user = str(st.user.get("email") or st.user.get("name") or "?")
        return "web:" + ingest.echo(user, 120)
    return f"web:open-demo:{_session()}"


def upload_allowed(lang_: str) -> bool:
    """Behind sign-in, analysts may import. In the open demo: off unless configured; with an
    admin secret the visitor must type it (compared in constant time); with the switch alone,
    anyone who reaches the page may import."""
    if not auth.access_settings().open:
        if access.can_upload(auth.role()):
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
            wait = _SECRET_ATTEMPTS.wait(time.monotonic())
            if wait:  # too many wrong guesses on this server lately: none is checked
                st.error(i18n.t("up_secret_wait", lang_, s=math.ceil(wait)))
            elif hmac.compare_digest(typed.encode("utf-8"), secret.encode("utf-8")):
                _LOGGER.info("import unlocked with the admin secret (session %s)", _session())
                st.session_state["_upload_unlocked"] = True
                st.rerun()
            else:
                n = _SECRET_ATTEMPTS.failed(time.monotonic())
                _LOGGER.warning("wrong admin secret (session %s; %d in the window)", _session(), n)
                st.error(i18n.t("up_secret_wrong", lang_))
        return False
    if enabled:
        return True
    st.info(i18n.t("up_off", lang_), icon=":material/lock:")
    return False


def findings_view(report: ingest.Report, lang_: str) -> pl.DataFrame:
    df = report.findings_frame(lang_)
    return df.select(
        pl.col("severity")
        .replace_strict(
            {"error": i18n.t("sev_error", lang_), "warning": i18n.t("sev_warning", lang_)}
        )
        .alias(i18n.t("col_severity", lang_)),
        pl.col("sheet").alias(i18n.t("col_sheet", lang_)),
        pl.col("row").alias(i18n.t("col_row", lang_)),
        pl.col("column").alias(i18n.t("col_column", lang_)),
        pl.col("header").alias(i18n.t("col_header", lang_)),
        pl.col("message").alias(i18n.t("col_message", lang_)),
        pl.col("message_other").alias(i18n.t("col_message_other", lang_)),
        pl.col("rule").alias(i18n.t("col_rule", lang_)),
    )


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
        format_func=lambda p: (
            i18n.t("up_period_title", lang_) if p is None else i18n.format_month(p, lang_)
        ),
        key="up_period",
    )
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
    file = st.file_uploader(
        i18n.t("up_file", lang_),
        type=["csv", "xlsx"],
        key=f"up_file_{st.session_state.get('_up_count', 0)}",
    )
    if file is None:
        return
    data = file.getvalue()
    token = (file.name, len(data), hash(data), period, queries.store_token())
    cached = st.session_state.get("_up_report")
    if cached is None or cached[0] != token:
        with st.spinner(i18n.t("up_reading", lang_, file=i18n.md_escape(ingest.echo(file.name)))):
            report = ingest.read(data, file.name, period=period, frames=fr)
        if not report.ok:  # once per file: a rerun reuses the report below
            try:
                ingest.log_refusal(report, store.location(), by=_who())
            except OSError as e:  # a database that cannot be reached (the URI masked)
                error = i18n.md_escape(ingest.printable(str(e)))
                st.warning(i18n.t("up_log_unavailable", lang_, error=error))
        st.session_state["_up_report"] = (token, report)
    report = st.session_state["_up_report"][1]
    report_section(report, lang_)
    if report.ok and st.button(
        i18n.t("up_store", lang_), type="primary", key="up_store", icon=":material/save:"
    ):
        try:
            stored = ingest.commit(report, store.location(), by=_who())
        except store.StoreInvalid as e:
            st.error(i18n.t("up_store_failed", lang_))
            st.code(str(e))
            return
        except OSError as e:  # a database that cannot be reached (its password never shown)
            st.error(i18n.t("up_store_unavailable", lang_))
            st.code(ingest.printable(str(e)))
            return
        st.session_state["_up_stored"] = {
            "n": i18n.format_number(stored.rows, lang_),
            "file": i18n.md_escape(report.file_name),  # the sender's text, shown as markdown
            "vintage": when(stored.vintage),
            "revised": i18n.format_number(stored.revised, lang_),
        }
        st.session_state.pop("_up_report", None)
        st.session_state["_up_count"] = st.session_state.get("_up_count", 0) + 1
        st.rerun()


def report_section(report: ingest.Report, lang_: str) -> None:
    s = report.summary()
    months = (i18n.format_month(p, lang_, in_sentence=True) for p in report.periods())
    periods = ", ".join(months) or "–"
    values = i18n.format_number(s["values"], lang_)
    st.markdown(
        i18n.t(
            "up_summary",
            lang_,
            file=i18n.md_escape(report.file_name),
            values=values,
            provinces=s["provinces"],
            measures=len(s["measures"]),
            periods=periods,
        )
    )
    if report.errors:
        st.error(i18n.t("up_refused", lang_, n=len(report.errors)), icon=":material/block:")
    else:
        st.success(i18n.t("up_valid", lang_, w=len(report.warnings)), icon=":material/task_alt:")
    if report.findings:
        st.markdown(f"**{i18n.t('up_findings', lang_)}**")
        findings = report.findings_frame(lang_)
        st.dataframe(findings_view(report, lang_), hide_index=True, key="up_findings")
        meta = export.ExportMeta(
            i18n.t("up_findings", lang_),
            {"file": report.file_name},
            None,
            "reported",
            [f"sha256:{report.sha256}"],
            lang_,
        )
        downloads(findings, meta, export.stem("validation_report"), lang_, "findings")
    if report.rows.height:
        with st.expander(i18n.t("up_preview", lang_), expanded=not report.errors):
            st.dataframe(preview_view(report, lang_), hide_index=True, key="up_preview")
