"""Widgets of the watch list: thresholds in the URL, the criteria a visitor may see, and one
table per criterion."""

from __future__ import annotations

import polars as pl
import streamlit as st

from vss_dash import catalog, i18n, watch
from vss_dash.ui import state
from vss_dash.ui.auth import sees_internal, visible
from vss_dash.ui.widgets import status_label


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
    label: str,
    key: str,
    default: float,
    low: float,
    high: float,
    lang_: str,
    container=None,
) -> float:
    """A number typed the locale's way (vi "1,5" is 1.5, never 15) whose value lives in
    ?key= (written "1.5"); a malformed or out-of-range value in the URL falls back to the
    default (notice shown by `state.notices`), one typed on the page keeps the last good value
    and says why under the box. The box shows the value as the captions do ("1,5" in vi).

    A text box, not `st.number_input`: the browser's number box reads "1,5" as 15 and shows
    "1.5" in a Vietnamese page."""
    num, shown_in = f"_num_{key}", f"_numlang_{key}"
    current = _number(st.session_state.get(num), low, high)
    if current is None:
        raw = st.query_params.get(key)
        from_url = _number(raw, low, high)
        if raw is not None and from_url is None:
            state.note_bad(key, raw)
        remembered = _number(state.remembered(key), low, high)
        current = float(next((v for v in (from_url, remembered) if v is not None), default))
        st.session_state[num] = current
        st.session_state.pop(key, None)
    if key not in st.session_state or st.session_state.get(shown_in) != lang_:
        st.session_state[key] = i18n.format_input(current, lang_)
        st.session_state[shown_in] = lang_
    where = st.sidebar if container is None else container
    text = where.text_input(
        label,
        key=key,
        help=i18n.t(
            "number_help",
            lang_,
            low=i18n.format_input(low, lang_),
            high=i18n.format_input(high, lang_),
            example=i18n.format_input(1.5, lang_),
        ),
    )
    typed = i18n.parse_number(text, lang_)
    if typed is None or not low <= typed <= high:
        where.caption(
            ":orange[:material/error: "
            + i18n.md_escape(
                i18n.t(
                    "number_bad",
                    lang_,
                    value=text,
                    low=i18n.format_input(low, lang_),
                    high=i18n.format_input(high, lang_),
                    kept=i18n.format_input(current, lang_),
                )
            )
            + "]"
        )
    else:
        current = typed
        st.session_state[num] = typed
    state.write(key, _number_text(current), _number_text(default))
    return current


def watch_thresholds(lang_: str) -> watch.Thresholds:
    """The watch list's thresholds: text boxes in an expander on the page (a phone has no
    sidebar in sight), each kept in ?<field>= (e.g. ?cost_growth_z=2.5)."""
    defaults = watch.Thresholds()
    # thresholds of criteria the visitor may not see keep their defaults, unseen
    shown = {r.threshold for r in watch_reasons()} | (
        set(watch.LIMITS) - {r.threshold for r in watch.REASONS}
    )
    box = st.expander(i18n.t("watch_thresholds", lang_), icon=":material/tune:")
    cols = box.columns(3)
    values = {
        name: url_number(
            i18n.t(i18n.THRESHOLD_KEYS[name], lang_),
            name,
            getattr(defaults, name),
            low,
            high,
            lang_,
            cols[i % 3],
        )
        for i, (name, (low, high, _step)) in enumerate(
            (n, lim) for n, lim in watch.LIMITS.items() if n in shown
        )
    }
    state.notices(lang_)
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
        i18n.WATCH_RULE_KEYS[reason.rule],
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
    st.subheader(f"{i18n.t(i18n.REASON_KEYS[reason.id], lang_)} ({part.height})")
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


def watch_filters(thresholds: watch.Thresholds, lang_: str) -> dict[str, str]:
    """The watch list's thresholds as export filters."""
    return {
        i18n.t(i18n.THRESHOLD_KEYS[name], lang_): i18n.format_number(
            getattr(thresholds, name), lang_, 1
        )
        for name in watch.LIMITS
    }
