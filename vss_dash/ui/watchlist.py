"""Widgets of the watch list: thresholds in the URL, the criteria a visitor may see, and one
table per criterion."""

from __future__ import annotations

import polars as pl
import streamlit as st

from vss_dash import catalog, i18n, watch
from vss_dash.ui import _write_to_url, sees_internal, status_label, url_notices, visible

# Appended as one block so that it merges cleanly with other work on this file; the import sits
# here for the same reason.


def _number(raw: object, low: float, high: float) -> float | None:
    """`raw` as a float within [low, high], else None ("abc", "nan", "-1" and 1e9 are refused)."""
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if low <= value <= high else None


def _number_text(value: float) -> str:
    return f"{value:g}"  # 20.0 -> "20", 2.5 -> "2.5": short URLs


def url_number(
    label: str, key: str, default: float, low: float, high: float, step: float, container=None
) -> float:
    """A number input whose value lives in ?key=; a malformed or out-of-range value in the URL
    falls back to the default (notice shown by `url_notices`)."""
    if _number(st.session_state.get(key), low, high) is None:
        raw = st.query_params.get(key)
        from_url = _number(raw, low, high)
        if raw is not None and from_url is None:
            st.session_state.setdefault("_url_notices", []).append((key, raw))
        remembered = _number(st.session_state.get(f"_last_{key}"), low, high)
        chosen = next((v for v in (from_url, remembered) if v is not None), default)
        st.session_state[key] = float(chosen)
    where = st.sidebar if container is None else container
    value = where.number_input(
        label, min_value=float(low), max_value=float(high), step=float(step), format="%g", key=key
    )
    _write_to_url(key, _number_text(value), _number_text(default))
    return float(value)


def watch_thresholds(lang_: str) -> watch.Thresholds:
    """The watch list's thresholds: number inputs in a sidebar expander, each kept in
    ?<field>= (e.g. ?cost_growth_z=2.5)."""
    defaults = watch.Thresholds()
    # thresholds of criteria the visitor may not see keep their defaults, unseen
    shown = {r.threshold for r in watch_reasons()} | (set(watch.LIMITS) - {
        r.threshold for r in watch.REASONS})  # fmt: skip
    box = st.sidebar.expander(i18n.t("watch_thresholds", lang_), icon=":material/tune:")
    values = {
        name: url_number(
            i18n.t(f"th_{name}", lang_), name, getattr(defaults, name), low, high, step, box
        )
        for name, (low, high, step) in watch.LIMITS.items()
        if name in shown
    }
    url_notices(lang_)
    return watch.Thresholds(**values)


def watch_reasons() -> list[watch.Reason]:
    """The watch list's reasons the visitor may see (a viewer: those on press-safe measures)."""
    allowed = set(visible([r.measure for r in watch.REASONS]))
    return [r for r in watch.REASONS if r.measure in allowed]


def watch_visible(table: pl.DataFrame) -> pl.DataFrame:
    """The watch list without the rows of reasons the visitor may not see."""
    return table.filter(pl.col("reason").is_in([r.id for r in watch_reasons()]))


def watch_rule(reason: watch.Reason, threshold: float, lang_: str) -> str:
    """How a reason is decided, in words, with its threshold."""
    return i18n.t(
        "rule_fall" if reason.rule == "fall" else f"rule_{reason.rule}",
        lang_,
        measure=catalog.get(reason.measure).label(lang_),
        threshold=i18n.format_number(threshold, lang_, 1),
    )


def watch_table(part: pl.DataFrame, reason: watch.Reason, lang_: str) -> pl.DataFrame:
    """One reason's rows formatted for reading: province, value, national, gap, trend, status."""
    unit = catalog.get(reason.measure).unit
    fall, z = reason.rule == "fall", reason.rule == "robust_z"

    def level(v: float | None) -> str:
        if fall:
            return i18n.format_change(v, lang_, "percent")
        return i18n.format_value(v, unit, lang_)

    return pl.DataFrame(
        [
            {
                i18n.t("col_province", lang_): r["name"],
                i18n.t("col_mom" if fall else "col_value", lang_): level(r["value"]),
                i18n.t("col_national", lang_): level(r["national"]),
                i18n.t("col_z" if z else "col_gap", lang_): (
                    i18n.format_number(r["gap"], lang_, 1)
                    if z
                    else i18n.format_change(r["gap"], lang_, "pp")
                ),
                i18n.t("yoy_short", lang_): i18n.format_change(r["trend"], lang_, r["trend_kind"]),
                i18n.t("col_status", lang_): status_label(r["status"], lang_),
            }
            for r in part.iter_rows(named=True)
        ]
    )


_ROW_PX = 35  # st.dataframe's default row height
_WATCH_ROWS = 25


def watch_section(
    table: pl.DataFrame, reason: watch.Reason, thresholds: watch.Thresholds, lang_: str
) -> str | None:
    """One reason: title with its count, the rule, and the table; a clicked row returns its GSO
    code."""
    part = table.filter(pl.col("reason") == reason.id)
    st.subheader(f"{i18n.t(f'reason_{reason.id}', lang_)} ({part.height})")
    st.caption(watch_rule(reason, getattr(thresholds, reason.threshold), lang_))
    if not part.height:
        st.success(i18n.t("watch_none", lang_), icon=":material/check_circle:")
        return None
    shown = watch_table(part, reason, lang_)
    numbers = shown.columns[1:-1]  # value, national, gap, trend: right-aligned to compare
    event = st.dataframe(
        shown,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=f"watch_{reason.id}",
        # every row visible up to _WATCH_ROWS (a list is read whole), scrolling beyond
        height=_ROW_PX * (min(part.height, _WATCH_ROWS) + 1) + 3,
        column_config={c: st.column_config.TextColumn(alignment="right") for c in numbers},
    )
    rows = event.selection.rows if event is not None else []
    return part.item(rows[0], "geo_code") if rows else None


def watch_summary(table: pl.DataFrame, lang_: str) -> None:
    provinces = table.get_column("geo_code").n_unique()
    st.markdown(i18n.t("watch_summary", lang_, entries=table.height, provinces=provinces))


def watch_intro(lang_: str) -> None:
    """What the list holds and how it is made, naming only the criteria the visitor may see."""
    internal = sees_internal()
    st.markdown(i18n.t("watch_intro" if internal else "watch_intro_public", lang_))
    with st.expander(i18n.t("watch_method_title", lang_), icon=":material/functions:"):
        st.markdown(i18n.t("watch_method_text" if internal else "watch_method_public", lang_))
